"""A topic status in words, from Status's own labels: the one place they are written."""

from django import template

from progress.models import Status

register = template.Library()


@register.filter
def status_label(value) -> str:
    """ "Done", "In progress", "Skipped" or "Not started" (for no status too)."""
    if not value:
        return Status.NOT_STARTED.label
    return Status(value).label if value in Status.values else ""
