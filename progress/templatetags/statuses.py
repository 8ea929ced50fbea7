"""A topic status in words, from Status's own labels: the one place they are written."""

from django import template

from progress.models import Status, duration_label

register = template.Library()


@register.filter
def status_label(value) -> str:
    """ "Done", "In progress", "Skipped" or "Not started" (for no status too)."""
    if not value:
        return Status.NOT_STARTED.label
    return Status(value).label if value in Status.values else ""


@register.filter
def duration(minutes) -> str:
    """90 → "1 hour 30 minutes" (0 minutes for none), in the active language."""
    return duration_label(int(minutes or 0))
