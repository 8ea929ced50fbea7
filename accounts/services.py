"""Writes to accounts."""

from django.db.models import F

from accounts.models import User


def touch_pages(*, user_id: int) -> None:
    """Mark what this user's pages show as changed (see User.progress_version).
    Call it inside the transaction that makes the change."""
    User.objects.filter(pk=user_id).update(progress_version=F("progress_version") + 1)


def touch_everyone() -> None:
    """Roadmap content changed: every learner's pages show it."""
    User.objects.update(progress_version=F("progress_version") + 1)
