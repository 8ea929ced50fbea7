"""Settings for MLE Path, read from the environment (see README, "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from dotenv import load_dotenv

from mlepath.env import env_bool, env_int, env_list, env_mailer, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Local settings file --------------------------------------------------

# `make run` and `make test` write .env (DEBUG=1 and a generated SECRET_KEY) when
# it is missing, so that manage.py works on a fresh clone. It fills in only what
# the environment does not set: a real variable always wins (`make serve`'s
# DEBUG=0, a deployment's settings). MLEPATH_ENV_FILE names another file, or
# none when empty (tests that check what happens without settings).
_env_file = os.environ.get("MLEPATH_ENV_FILE", ".env")
if _env_file:
    _env_path = BASE_DIR / _env_file
    if "MLEPATH_ENV_FILE" in os.environ and not _env_path.is_file():
        raise ImproperlyConfigured(f"MLEPATH_ENV_FILE names no file: {str(_env_path)!r}.")
    load_dotenv(_env_path, override=False)

# --- Core -----------------------------------------------------------------

# Off unless asked for: a deployment that forgets DEBUG is safe, not leaky.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    # The project's own: the worker command (`manage.py worker`) and its heartbeat.
    "mlepath",
    "accounts",
    "roadmap",
    "progress",
    "mentoring",
]

MIDDLEWARE = [
    # First, so that every answer carries them: static files (whitenoise answers
    # before the rest run) and errors raised in a middleware, SecurityMiddleware
    # included (a bad Host header met by its HTTPS redirect).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves hashed, compressed static files in production; in development
    # runserver and live_server serve them from the source folders.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    # Before CsrfViewMiddleware, which reads the body of every POST: a body too
    # large or not in UTF-8 is refused from its headers, unread.
    "mlepath.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every date a signed-in person reads is in their time zone (accounts.time_zones).
    "accounts.time_zones.TimeZoneMiddleware",
    # And in their language (accounts.languages): the address's prefix, their
    # account's choice, the footer's, their browser's.
    "accounts.languages.LanguageMiddleware",
    # Default-deny: every view needs a signed-in user unless it opts out
    # with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
# The largest body a request may declare. The largest form
# is the progress import, a file of at most 2 MB (progress.transfer) in its
# multipart envelope. RequestLimitsMiddleware answers 413 above it, unread.
MAX_REQUEST_BODY_SIZE = 3 * 1024 * 1024

ROOT_URLCONF = "mlepath.urls"
WSGI_APPLICATION = "mlepath.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentoring.context_processors.navigation_counts",
            ],
        },
    },
]

# Lets templates/django/forms/ override Django's form templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the server is away, well inside gunicorn's worker timeout.
        _database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
        # Parameters bound by the server, so that each query's text is the same on
        # every call and psycopg prepares it after a few uses: planning cost more
        # than running most of our queries (README, "PostgreSQL"). Both are
        # documented options of Django's backend; PREPARE_THRESHOLD=0 turns it off
        # (for PgBouncer before 1.21 in transaction mode).
        _threshold = env_int("PREPARE_THRESHOLD", 5)
        if _threshold:
            _database["OPTIONS"].setdefault("server_side_binding", True)
            _database["OPTIONS"].setdefault("prepare_threshold", _threshold)
    elif _database["ENGINE"] != "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
else:
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}

if _database["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open between requests, as PostgreSQL's are: opening a SQLite file
    # and preparing its statements anew cost 0.7 ms and more per request (#24).
    _database.setdefault("CONN_MAX_AGE", 60)

if _database["ENGINE"] == "django.db.backends.sqlite3":
    # Tuned for a web server: readers never block the writer (WAL), a writer
    # waits for the lock instead of failing at once (busy_timeout), and write
    # transactions take the lock up front so they cannot deadlock on upgrade.
    _database["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file too: an in-memory database shared between threads locks
    # whole tables, which is not how the server behaves.
    _database["TEST"] = {"NAME": str(BASE_DIR / f".test-db{env_str('TEST_DATABASE_SUFFIX')}.sqlite3")}
elif env_str("TEST_DATABASE_SUFFIX"):
    # Two test runs side by side on one PostgreSQL server, each with its own database.
    _database["TEST"] = {"NAME": f"test_{_database['NAME']}{env_str('TEST_DATABASE_SUFFIX')}"}

DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Argon2id first, as Django recommends: memory-hard, and half the CPU of
# PBKDF2's 1.5 million rounds per sign-in here. Older hashes still verify and are
# upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache and sessions ---------------------------------------------------

# Nothing a request needs lives only in one process. Sessions are kept in the
# database and read through a cache every worker shares (cached_db): Redis when
# REDIS_URL is set; with SQLite (one machine by nature) a directory of files,
# which every process on it sees, so a session ended in one worker is gone in
# all (a per-process cache would keep it alive in the others); with PostgreSQL
# and no Redis (app servers on several machines) the database alone. Reading a
# session from the cache instead of the database is ~10% of a signed-in page (#24).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// or rediss:// URL; got {REDIS_URL!r}.")
    _shared_cache = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
    # Reads come from Redis; every write also goes to the database, so a Redis
    # restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "default"
else:
    # Content rendered per version (mlepath.cache) is right in any one process.
    _shared_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# What is cached, and why each key is right: mlepath/cache.py.
CACHES = {"default": _shared_cache}
if not REDIS_URL and _database["ENGINE"] == "django.db.backends.sqlite3":
    CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        # Made 0700 by Django; SESSION_CACHE_DIR moves it (beside the database, say).
        "LOCATION": env_str("SESSION_CACHE_DIR", str(BASE_DIR / ".sessions-cache")),
        # It lists its files on every write once it holds this many: far above a site's sessions.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14  # two weeks of inactivity signs a learner out
SESSION_SAVE_EVERY_REQUEST = False

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "en"
# Every language here has its catalogue (locale/<code>/LC_MESSAGES) and its
# content (roadmap/content/<code>/); the README says how to add one.
LANGUAGES = [("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats per language (mlepath/formats/<code>/formats.py).
FORMAT_MODULE_PATH = ["mlepath.formats"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Background work ------------------------------------------------------

# Django's tasks framework, stored in the database (django-tasks-db): a task is
# a row written in the same transaction as the change that asks for it, and
# `manage.py db_worker` runs it. Mail never goes out on the request path.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}

# --- E-mail ---------------------------------------------------------------

# Development prints mail to the console; production defaults to a local MTA.
# Where links in mail sent without a request (the weekly digests) lead.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

MAILERS = {"default": env_mailer("EMAIL_URL", "console:" if DEBUG else "smtp://localhost:25")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MLE Path <noreply@mlepath.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto, set
# SECURE_PROXY_SSL_HEADER=1 so Django knows the request arrived over HTTPS.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front of the app and append to
# X-Forwarded-For; rate limits count the address the outermost one saw
# (mlepath.client). 0: the address is REMOTE_ADDR and the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "mlepath.views.csrf_failure"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-tasks-db's worker says "starting" and "no more tasks" at INFO on
    # every round of `manage.py worker` (once a second); tasks log on their own logger.
    "loggers": {"django_tasks_db": {"level": "WARNING"}},
}
