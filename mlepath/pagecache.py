"""Whole pages kept in the cache under keys that name everything they show.

A learner reads their dashboard and roadmaps far more often than they change
them. Each key holds the learner's progress_version (bumped in the transaction
of every change, see accounts.services.touch_pages) and whatever else the page
depends on, so an entry is never stale: a change makes a new key and the old
entry simply ages out. The page is rendered with placeholders for the two values
that differ per request, the CSRF token and the CSP nonce, filled in on the way
out. A request carrying flash messages renders afresh, since they show once.
"""

import hashlib
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

CSRF_PLACEHOLDER = "__csrf_token_placeholder__"
NONCE_PLACEHOLDER = "__csp_nonce_placeholder__"
# Long enough to serve a session of reading, short enough that only active
# learners' pages take room in the cache.
TIMEOUT = 15 * 60


def digest(*parts) -> str:
    """A short key part for free text (a name), which cache keys must not hold raw."""
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).hexdigest()


def learner_key(request, page: str, *parts) -> str:
    """The key of a page as this visitor sees it: who they are, the name in the
    header, and the version of everything their pages show."""
    user = request.user
    if not user.is_authenticated:
        return ":".join(map(str, ("page", page, "anonymous", *parts)))
    return ":".join(map(str, ("page", page, user.pk, user.progress_version, digest(user.public_name), *parts)))


def render_cached(request, template: str, *, key: str, context: Callable[[], dict]) -> HttpResponse:
    """Render `template` with `context()` once per key; fill in this request's token and nonce."""
    with_messages = len(get_messages(request)) > 0  # counting does not consume them
    html = None if with_messages else cache.get(key)
    if html is None:
        placeholders = {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}
        html = render_to_string(template, context() | placeholders, request)
        if not with_messages:
            cache.set(key, html, TIMEOUT)
    return HttpResponse(fill(request, html))


def fill(request, html: str) -> SafeString:
    """Put this request's CSRF token and CSP nonce in HTML cached with placeholders."""
    # Each is made only when used: a token costs 32 random draws, and a nonce,
    # once evaluated (a LazyNonce is falsy until then), goes in the CSP header.
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        nonce = get_nonce(request)
        html = html.replace(NONCE_PLACEHOLDER, "" if nonce is None else str(nonce))
    # Safe: `html` is template or rows_html output, made safe when cached; the
    # token and nonce are letters, digits, "-" and "_".
    return mark_safe(html)  # noqa: S308
