"""Counters of attempts in fixed windows, shared by every app server.

They live in the database (one upsert per attempt, atomic on SQLite and
PostgreSQL alike), or in Redis when REDIS_URL is set (INCR is atomic). Keys are
hashed with a key derived from SECRET_KEY: a username or an address is never
stored in clear, nor as a hash anyone could recompute from a guess.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts.models import Throttle


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int  # refused once this many are counted in one window
    window: int  # seconds
    # Counted in the cache even without Redis (then per app-server process):
    # for a limit on GETs, which never write to the database.
    cache_only: bool = False


# Sign-in: 5 failures per username and client address, and more than 50 per
# address over any usernames.
LOGIN_FAILURES = Limit("login", attempts=5, window=15 * 60)
LOGIN_FAILURES_PER_ADDRESS = Limit("login-address", attempts=50 + 1, window=60 * 60)
# 20 accounts per address an hour: a classroom behind one address can still join.
SIGNUPS_PER_ADDRESS = Limit("signup", attempts=20, window=60 * 60)
# Every sign-up attempt, failed ones included: each can confirm that a username
# or an email exists, so guessing them is limited too.
SIGNUP_ATTEMPTS_PER_ADDRESS = Limit("signup-attempt", attempts=40, window=60 * 60)
# Email changes tried on the account page per account: each answer can confirm
# that an address has an account.
EMAIL_CHANGES_PER_USER = Limit("email-change", attempts=10, window=60 * 60)
# Confirmation links asked for again, per account.
VERIFICATION_MAILS_PER_USER = Limit("verify-mail", attempts=3, window=60 * 60)
# Reset requests per client address, and reset mails per mailbox.
RESETS_PER_ADDRESS = Limit("reset", attempts=10, window=60 * 60)
RESETS_PER_EMAIL = Limit("reset-email", attempts=3, window=60 * 60)
# Calendar-feed links that do not exist, per client address: guessing a 256-bit
# token is hopeless, but each guess is work. Links that exist are not counted:
# a calendar service fetches many learners' feeds from one address.
FEED_MISSES_PER_ADDRESS = Limit("feed-miss", attempts=100, window=60 * 60, cache_only=True)


def _key(limit: Limit, parts) -> str:
    secret = hashlib.blake2b(settings.SECRET_KEY.encode(), person=b"mlepath-thrott").digest()
    text = "\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass")
    digest = hashlib.blake2b(text, key=secret, digest_size=16).hexdigest()
    return f"throttle:{limit.name}:{digest}"


def _use_cache(limit: Limit) -> bool:
    return limit.cache_only or bool(settings.REDIS_URL)


UPSERT = """
INSERT INTO accounts_throttle (key, count, window_ends) VALUES (%(key)s, 1, %(ends)s)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN accounts_throttle.window_ends <= %(now)s THEN 1 ELSE accounts_throttle.count + 1 END,
    window_ends = CASE WHEN accounts_throttle.window_ends <= %(now)s
                       THEN excluded.window_ends ELSE accounts_throttle.window_ends END
"""


def hit(limit: Limit, *parts) -> int:
    """Count one attempt; returns the count in this window, this one included,
    read in the same atomic step (Redis' INCR, or the upsert's RETURNING), so
    that requests sent at once each see their own number."""
    key = _key(limit, parts)
    if _use_cache(limit):
        cache.add(key, 0, limit.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, limit.window)
            return 1
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = {"key": key, "now": adapt(now), "ends": adapt(now + dt.timedelta(seconds=limit.window))}
    with connection.cursor() as cursor:
        cursor.execute(UPSERT + " RETURNING count", params)
        return cursor.fetchone()[0]


def retry_after(limit: Limit, *parts) -> int | None:
    """Seconds until attempts are accepted again, or None when they are now."""
    key = _key(limit, parts)
    if _use_cache(limit):
        return limit.window if (cache.get(key) or 0) >= limit.attempts else None
    now = timezone.now()
    row = Throttle.objects.filter(key=key, window_ends__gt=now, count__gte=limit.attempts).values_list(
        "window_ends", flat=True
    )
    ends = row.first()
    return max(1, int((ends - now).total_seconds())) if ends else None


def clear(limit: Limit, *parts) -> None:
    key = _key(limit, parts)
    if _use_cache(limit):
        cache.delete(key)
    else:
        Throttle.objects.filter(key=key).delete()
