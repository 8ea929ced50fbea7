"""The benchmark's ceiling: Django with nothing in it.

Settings made here in code: no installed app, no middleware, no database, one
URL answering a tiny response. `make bench` serves it with the same gunicorn
and worker count as the app (`gunicorn tests.bench.ceiling:application`), so
what it measures is the machine, gunicorn and Django's request handling alone;
each endpoint's throughput is reported as a share of it.
"""

import secrets

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-ceiling-" + secrets.token_urlsafe(40),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    DATABASES={},
)


def ping(request):
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [path("ping", ping)]

application = get_wsgi_application()
