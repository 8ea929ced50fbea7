import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_lazy

from accounts.identity import fold
from mlepath.text import validate_line

# How long the link mailed to an old address can undo the change.
EMAIL_RESTORE_DAYS = 14

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserQuerySet(models.QuerySet):
    def named(self, username: str):
        """The account (at most one) whose username folds as `username` does."""
        return self.filter(username_folded=fold(username))

    def with_email(self, email: str):
        """The account (at most one) whose address folds as `email` does."""
        return self.filter(email_folded=fold(email))

    def holding_or_reserving(self, email: str):
        """Accounts that have `email`, or may take it back with an unused undo
        link (accounts.models.EmailChange): nobody else may take it meanwhile,
        or the owner's undo would find it taken."""
        folded = fold(email)
        reserved = EmailChange.objects.reserving(folded).values("user_id")
        return self.filter(models.Q(email_folded=folded) | models.Q(pk__in=reserved))


class CaseInsensitiveUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # "Alice", "alice" and "ＡＬＩＣＥ" are the same account when signing in
        # (accounts.identity): at most one row has that folded name.
        return self.get(username_folded=fold(username))


class User(AbstractUser):
    email = models.EmailField(gettext_lazy("email"), max_length=254)
    display_name = models.CharField(
        gettext_lazy("display name"),
        max_length=80,
        blank=True,
        validators=[validate_line],  # it goes into mail subjects: one line, no control characters
        help_text=gettext_lazy("Shown to your mentors instead of your username."),
    )
    time_zone = models.CharField(
        gettext_lazy("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default="UTC",
        help_text=gettext_lazy("Days and streaks are counted in this time zone."),
    )
    # Blank: the browser's (Accept-Language) or the footer's choice (accounts.languages).
    language = models.CharField(
        gettext_lazy("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=gettext_lazy("Pages and mail from MLE Path are in this language."),
    )

    # Weekly mail, each opt-in (sent by mentoring's send_digests on Monday morning, local time).
    learner_digest = models.BooleanField(
        gettext_lazy("weekly digest"),
        default=False,
        help_text=gettext_lazy("On Monday morning: last week's progress, this week's plan and new mentor feedback."),
    )
    mentor_digest = models.BooleanField(
        gettext_lazy("mentor digest"),
        default=False,
        help_text=gettext_lazy(
            "On Monday morning, if you mentor someone: who is behind or stalled, new evidence and replies."
        ),
    )

    # The username and the address as accounts.identity folds them, written by
    # save(): unique here, so one spelling never finds two accounts on either database.
    username_folded = models.CharField(max_length=4 * 150, editable=False)
    email_folded = models.CharField(max_length=4 * 254, editable=False)

    # When the owner of `email` opened the link mailed to it (accounts.tasks.
    # send_email_verification); None until then, and again after a change.
    # Until then only that link and password resets are mailed to it.
    email_verified_at = models.DateTimeField(gettext_lazy("email verified"), null=True, blank=True, editable=False)

    # "Sign out everywhere" bumps it: every session's stored hash stops matching.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = CaseInsensitiveUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["username_folded"],
                name="accounts_user_username_folded_unique",
                violation_error_message=gettext_lazy("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                fields=["email_folded"],
                name="accounts_user_email_folded_unique",
                violation_error_message=gettext_lazy("An account with that email already exists."),
            ),
        ]

    def __str__(self):
        return self.username

    def clean(self):
        """Names taken once folded are refused here too, so every form of the
        model (the admin's included) says so instead of failing on the constraint."""
        super().clean()
        others = User.objects.exclude(pk=self.pk)
        errors = {}
        if self.username and others.named(self.username).exists():
            errors["username"] = gettext("A user with that username already exists.")
        if self.email and others.holding_or_reserving(self.email).exists():
            errors["email"] = gettext("An account with that email already exists.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.username_folded, self.email_folded = fold(self.username), fold(self.email)
        if (update_fields := kwargs.get("update_fields")) is not None:
            folded = {"username": "username_folded", "email": "email_folded"}
            kwargs["update_fields"] = {*update_fields, *(folded[f] for f in update_fields if f in folded)}
        super().save(*args, **kwargs)

    @property
    def email_verified(self) -> bool:
        """Whether optional mail (digests, nudges, review and mentor notices) may go to `email`."""
        return self.email_verified_at is not None

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


class EmailChangeQuerySet(models.QuerySet):
    def reserving(self, folded_email: str):
        """Changes whose undo link could still put this address back."""
        return self.filter(
            old_email_folded=folded_email,
            undone_at=None,
            changed_at__gt=timezone.now() - dt.timedelta(days=EMAIL_RESTORE_DAYS),
        )


class EmailChange(models.Model):
    """One change of an account's address, and the undo link mailed to the old one.

    Undoing a change puts its old address back and spends the links of that change
    and of every later one (the addresses they mailed were set in the period
    being undone); links of earlier changes still work, so a chain A→B→C can
    always be undone back to A by A's owner, and never forward again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_changes")
    old_email = models.EmailField(max_length=254)
    # The old address folded (accounts.identity): while the link works, no
    # other account may take it (User.objects.holding_or_reserving).
    old_email_folded = models.CharField(max_length=4 * 254, db_index=True)
    new_email = models.EmailField(max_length=254)
    changed_at = models.DateTimeField(default=timezone.now)
    # When this change's link was spent by an undo (of it or of an earlier change).
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = EmailChangeQuerySet.as_manager()

    def __str__(self):
        return f"{self.user_id}: {self.old_email} → {self.new_email} at {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.old_email_folded = fold(self.old_email)
        super().save(*args, **kwargs)


class SignedInSession(models.Model):
    """A session an account signed in to (accounts.signals): deleting the account
    deletes these sessions from the session store (database and Redis), not
    only the one of the browser that asked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40)
    signed_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "session_key"], name="accounts_signedinsession_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} signed in at {self.signed_in_at:%Y-%m-%d %H:%M}"


class Throttle(models.Model):
    """An attempt counter of accounts.throttle, used when Redis is not configured."""

    key = models.CharField(max_length=80, unique=True)  # the unique index serves every lookup
    count = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()

    def __str__(self):
        return f"{self.key}: {self.count} until {self.window_ends:%Y-%m-%d %H:%M}"
