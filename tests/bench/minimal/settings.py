"""The least a signed-in Django page costs on this machine, for `make bench`:
Django's own session, authentication, CSRF and messages, and a small base
template with a one-field form, and nothing of the app's (no middleware of
ours, no context processor, no query of ours). It runs on the app's settings
(database, session engine and cache, user model, static files), so the bench's
signed-in cookies work on it; `make bench` serves it with the same gunicorn as
the app and reports it as the `minimal_signed_in` row: what the signed-in floor
(`/dashboard/import/`) would cost if the app added nothing to Django.
"""

from mlepath.settings import *  # noqa: F403 (the app's settings, narrowed below)

ROOT_URLCONF = "tests.bench.minimal.urls"
MIDDLEWARE = [
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if not DEBUG else []),  # noqa: F405
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent],  # noqa: F405
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
