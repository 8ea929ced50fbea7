import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac

from mlepath.text import validate_line

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class CaseInsensitiveUserManager(UserManager):
    def get_by_natural_key(self, username):
        # "Alice" and "alice" are the same account when signing in.
        return self.get(username__iexact=username)


class User(AbstractUser):
    email = models.EmailField("email", max_length=254)
    display_name = models.CharField(
        "display name",
        max_length=80,
        blank=True,
        validators=[validate_line],  # it goes into mail subjects: one line, no control characters
        help_text="Shown to your mentors instead of your username.",
    )
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default="UTC",
        help_text="Days and streaks are counted in this time zone.",
    )

    # Weekly mail, each opt-in (sent by mentoring's send_digests on Monday morning, local time).
    learner_digest = models.BooleanField(
        "weekly digest",
        default=False,
        help_text="On Monday morning: last week's progress, this week's plan and new mentor feedback.",
    )
    mentor_digest = models.BooleanField(
        "mentor digest",
        default=False,
        help_text="On Monday morning, if you mentor someone: who is behind or stalled, new evidence and replies.",
    )

    # "Sign out everywhere" bumps it: every session's stored hash stops matching.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="A user with that username already exists.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="An account with that email already exists.",
            ),
        ]

    def __str__(self):
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    # Django's session hash covers the password (so a password change ends other
    # sessions); once "Sign out everywhere" was used it covers session_generation
    # too. Both public methods are overridden, the second for SECRET_KEY_FALLBACKS.
    def get_session_auth_hash(self):
        if not self.session_generation:
            return super().get_session_auth_hash()
        return self._generation_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self):
        if not self.session_generation:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._generation_hash(secret)

    def _generation_hash(self, secret) -> str:
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}\x1f{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Throttle(models.Model):
    """An attempt counter of accounts.throttle, used when Redis is not configured."""

    key = models.CharField(max_length=80, unique=True)  # the unique index serves every lookup
    count = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()

    def __str__(self):
        return f"{self.key}: {self.count} until {self.window_ends:%Y-%m-%d %H:%M}"
