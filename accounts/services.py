"""Writes to accounts."""

from django.db import transaction
from django.db.models import F

from accounts.models import User


@transaction.atomic
def update_profile(*, user: User, display_name: str, email: str, time_zone: str) -> None:
    user.display_name, user.email, user.time_zone = display_name, email, time_zone
    user.save(update_fields=["display_name", "email", "time_zone"])


def sign_out_everywhere(*, user: User) -> None:
    """End every session of this user, on every device (see User.get_session_auth_hash)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the user and everything of theirs. Each app's rows go by their own
    foreign keys' cascades (progress, notes, evidence, events, follows; comments
    written and received, reviews, nudges, invites and mentorships on either
    side): accounts knows none of them. One transaction: a failure half-way
    leaves the account whole."""
    user.delete()
