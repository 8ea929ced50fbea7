"""One rule for the language a person reads, as for their time zone
(accounts.time_zones): a page's address names it for everyone when it starts
with a language's prefix (/ja/...: stable addresses, as search engines and
shared links need; English has none). At an address without one, the reader's
language is a signed-in user's choice on their account, then the language
they last chose in the footer (a cookie), then their browser's
Accept-Language, then English; a reader of another language than English is
sent to the page's address in theirs. The admin is in English, for everyone. Mail the worker sends is written in its
recipient's language (`with translation.override(language_of(user))`)."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import get_script_prefix, is_valid_path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


def language_of(user) -> str:
    """The language the user chose on their account, the site's default if none."""
    code = getattr(user, "language", "") or ""
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activates the request's language (after AuthenticationMiddleware, which
    it reads). Django's LocaleMiddleware does not fit: with unprefixed English
    addresses it reads every unprefixed address as English, whoever asks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = translation.get_language_from_path(request.path_info)
        explicit = code is not None
        if not explicit:
            code = settings.LANGUAGE_CODE if self._in_admin(request) else self._readers(request)
        translation.activate(code)
        try:
            if not explicit and code != settings.LANGUAGE_CODE and self._has_page_in(code, request):
                if request.method in ("GET", "HEAD"):
                    response = HttpResponseRedirect(self._address_in(code, request))
                    patch_vary_headers(response, ("Accept-Language", "Cookie"))
                    return response
                # A form posted from an English page: answered in English, at its English address.
                code = settings.LANGUAGE_CODE
                translation.activate(code)
            request.LANGUAGE_CODE = code
            response = self.get_response(request)
        finally:
            translation.deactivate()
        if not explicit:  # the same address answers according to who asks
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", code)
        return response

    _admin = None

    @classmethod
    def _in_admin(cls, request) -> bool:
        """The admin works in English, the content's own language: an object of
        the content read in another language could not be saved (roadmap.models.Translated)."""
        if cls._admin is None:
            with translation.override(settings.LANGUAGE_CODE):
                cls._admin = reverse("admin:index")
        return request.path_info.startswith(cls._admin)

    @staticmethod
    def _readers(request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in LANGUAGE_CODES:
            return user.language
        return translation.get_language_from_request(request)  # the cookie, then Accept-Language

    @staticmethod
    def _has_page_in(code: str, request) -> bool:
        """Whether the address, with the (active) language's prefix, is a page of
        the site's: machines' addresses (health checks, the language choice) have none."""
        return is_valid_path(f"/{code}{request.path_info}", getattr(request, "urlconf", None))

    @staticmethod
    def _address_in(code: str, request) -> str:
        prefix = get_script_prefix()
        return request.get_full_path().replace(prefix, f"{prefix}{code}/", 1)
