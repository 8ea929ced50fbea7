"""Refusals made from a request's headers, before anything reads its body.

CsrfViewMiddleware reads request.POST on every POST, so whatever is wrong with a
body must be refused before it: afterwards Django has already read (or tried to
read) the whole of it.
"""

import codecs

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _

from mlepath.views import request_too_large

# Set by mlepath.wsgi on a request whose Content-Type Django could not read.
MALFORMED_CONTENT_TYPE = "mlepath.malformed_content_type"


def declared_length(request) -> int:
    """The Content-Length a request declares; 0 when absent or not a number,
    as Django's own request reads it."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def declares_other_charset(request) -> bool:
    """Whether the Content-Type names a charset Python knows that is not UTF-8.

    Browsers and htmx send UTF-8, and Django decodes the query string and every
    form field with the declared charset: "hex" or "rot13" are codecs but not
    text encodings (a LookupError on decoding), "utf-7" and "unicode-escape"
    turn plain ASCII into lone surrogates. A name Python does not know is
    ignored by Django, which then reads UTF-8, so it is let through."""
    charset = request.content_params.get("charset")
    if not charset:
        return False
    try:
        return codecs.lookup(charset).name != "utf-8"
    except LookupError:
        return False


def readers_language(request):
    """A refusal made here comes before accounts.languages.LanguageMiddleware
    (and before the user is known): it is said in the language of the address,
    else the footer's cookie, else the browser's, all read from the headers."""
    code = translation.get_language_from_path(request.path_info) or translation.get_language_from_request(request)
    return translation.override(code)


class RequestLimitsMiddleware:
    """A body declaring more than MAX_REQUEST_BODY_SIZE bytes gets a 413
    before a byte of it is read (Django would stream an upload of any size to a
    temporary file before the view could look at it), and a body in another
    charset than UTF-8 gets a 400. Place it before CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.MAX_REQUEST_BODY_SIZE

    def __call__(self, request):
        if request.META.get(MALFORMED_CONTENT_TYPE):
            with readers_language(request):
                return HttpResponseBadRequest(
                    _("The Content-Type header could not be read."), content_type="text/plain; charset=utf-8"
                )
        if self.limit is not None and declared_length(request) > self.limit:
            with readers_language(request):
                return request_too_large()
        if declares_other_charset(request):
            with readers_language(request):
                return HttpResponseBadRequest(_("Send the request in UTF-8."), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
