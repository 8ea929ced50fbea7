"""Receivers of the roadmap app's signals."""

from django.db import transaction
from django.dispatch import receiver

from progress.tasks import refresh_summaries
from roadmap.signals import content_changed


@receiver(content_changed)
def recount_summaries(**kwargs):
    """A content change makes every summary stale: the worker recounts them once
    the change is committed (reads count a stale row afresh until then)."""
    transaction.on_commit(refresh_summaries.enqueue)
