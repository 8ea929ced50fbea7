"""The page in each language, for <link rel="alternate" hreflang>: its address
with each language's prefix (English unprefixed, also the x-default)."""

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.filter
def alternates(request) -> list[tuple[str, str]]:
    if request.resolver_match is None:  # an error page: no address of its own
        return []
    path = request.get_full_path()
    pages = [(code, request.build_absolute_uri(translate_url(path, code))) for code, _ in settings.LANGUAGES]
    return [*pages, ("x-default", dict(pages)[settings.LANGUAGE_CODE])]
