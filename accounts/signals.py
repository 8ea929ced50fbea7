"""Remember each session an account signs in to (accounts.models.SignedInSession)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import SignedInSession


@receiver(user_logged_in, dispatch_uid="accounts.remember_session")
def remember_session(sender, request, user, **kwargs):
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key:
        return
    now = timezone.now()
    SignedInSession.objects.bulk_create(
        [SignedInSession(user=user, session_key=session_key, signed_in_at=now)], ignore_conflicts=True
    )
    # Sessions older than their cookie's age have expired: forget them.
    SignedInSession.objects.filter(
        user=user, signed_in_at__lt=now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    ).delete()
