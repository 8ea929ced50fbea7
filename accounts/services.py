"""Writes to accounts."""

from django.db import transaction
from django.db.models import F, Q

from accounts.models import User


def touch_pages(*, user_id: int) -> None:
    """Mark what this user's pages show as changed (see User.progress_version).
    Call it inside the transaction that makes the change."""
    User.objects.filter(pk=user_id).update(progress_version=F("progress_version") + 1)


def touch_everyone() -> None:
    """Roadmap content changed: every learner's pages show it."""
    User.objects.update(progress_version=F("progress_version") + 1)


@transaction.atomic
def update_profile(*, user: User, display_name: str, email: str, time_zone: str) -> None:
    user.display_name, user.email, user.time_zone = display_name, email, time_zone
    user.save(update_fields=["display_name", "email", "time_zone"])
    # The name shows on cached pages: one's own, and those of one's mentors and
    # mentees (cohort table, "Your mentors", feedback on the dashboard).
    related = Q(mentorships_as_learner__mentor=user) | Q(mentorships_as_mentor__learner=user) | Q(pk=user.pk)
    User.objects.filter(pk__in=User.objects.filter(related).values("pk")).update(
        progress_version=F("progress_version") + 1
    )


def sign_out_everywhere(*, user: User) -> None:
    """End every session of this user, on every device (see User._get_session_auth_hash)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the user and, through the cascades, everything of theirs: progress,
    notes, evidence, events, follows, comments written and received, reviews,
    nudges, invites and mentorships on either side. One transaction: a failure
    half-way leaves the account whole."""
    user.delete()
