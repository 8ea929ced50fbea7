import os

from django.core.wsgi import get_wsgi_application
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlepath.settings")

from mlepath.middleware import MALFORMED_CONTENT_TYPE  # noqa: E402 (needs the settings module named)


class Application:
    """Django's WSGI application, with a Content-Type it cannot read replaced.

    Django parses the Content-Type while it builds the request, before any
    middleware runs, and raises on one it cannot read (an RFC 2231 parameter in
    an unknown charset, or over 10,000 characters): the server would answer its
    own 500. Here such a request goes on as an opaque body, marked, so that
    RequestLimitsMiddleware refuses it with a 400 that carries every header
    the site's other answers do."""

    def __init__(self):
        self.django = get_wsgi_application()

    def __call__(self, environ, start_response):
        try:
            parse_header_parameters(environ.get("CONTENT_TYPE", ""))
        except ValueError:
            environ = {**environ, "CONTENT_TYPE": "application/octet-stream", MALFORMED_CONTENT_TYPE: True}
        return self.django(environ, start_response)


application = Application()
