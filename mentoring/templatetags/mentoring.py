"""Mentoring's template filters."""

from django import template
from django.utils import timezone

from mentoring import selectors

register = template.Library()


@register.filter
def ago(moment) -> str:
    """ "3 days ago", or "just now" within the minute (Django's timesince says "0 minutes")."""
    return selectors.ago(moment, timezone.now()) if moment else ""
