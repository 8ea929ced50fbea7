"""Typed readers for settings taken from the environment.

Each raises ImproperlyConfigured naming the variable, so a typo in a deployment
fails at start-up with a message that says what to fix.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ImproperlyConfigured(f"{name} must be {bounds}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}


def env_mailer(name: str, default: str) -> dict:
    """Parse an e-mail URL such as ``smtp+tls://user:password@host:587`` or ``console:``
    into one entry of Django's MAILERS setting."""
    raw = os.environ.get(name, default)
    try:
        url = urlsplit(raw)
        port = url.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid URL ({exc}): {raw!r}.") from None
    if url.scheme not in EMAIL_BACKENDS:
        schemes = ", ".join(sorted(EMAIL_BACKENDS))
        raise ImproperlyConfigured(f"{name} must start with one of {schemes}; got {raw!r}.")
    mailer = {"BACKEND": EMAIL_BACKENDS[url.scheme]}
    if url.scheme.startswith("smtp"):
        if not url.hostname:
            raise ImproperlyConfigured(f"{name} must name a host, e.g. smtp+tls://user:password@mail.example.com:587.")
        timeout = parse_qs(url.query).get("timeout", ["10"])[0]
        if not timeout.isdigit():
            raise ImproperlyConfigured(f"{name}: timeout must be a whole number of seconds; got {timeout!r}.")
        mailer["OPTIONS"] = {
            "host": url.hostname,
            "port": port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[url.scheme],
            "username": unquote(url.username or ""),
            "password": unquote(url.password or ""),
            "use_tls": url.scheme == "smtp+tls",
            "use_ssl": url.scheme == "smtps",
            "timeout": int(timeout),
        }
    return mailer
