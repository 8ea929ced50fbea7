import zoneinfo

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class CaseInsensitiveUserManager(UserManager):
    def get_by_natural_key(self, username):
        # "Alice" and "alice" are the same account when signing in.
        return self.get(username__iexact=username)


class User(AbstractUser):
    email = models.EmailField("email", max_length=254)
    display_name = models.CharField(
        "display name", max_length=80, blank=True, help_text="Shown to your mentors instead of your username."
    )
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default="UTC",
        help_text="Days and streaks are counted in this time zone.",
    )

    # Bumped in the same transaction as every change to what this user's
    # pages show (progress, follows, feedback, content): cached pages and cohort
    # summaries are keyed by it, so they are never served stale.
    progress_version = models.PositiveBigIntegerField(default=0, editable=False)

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
