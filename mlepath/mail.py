"""Mail leaves from the worker, never from a request.

A view asks for a mail by enqueueing a task (Django's tasks framework with the
database backend): the task is a row written in the same transaction as the
change it reports, so a mail server that is slow or down never slows or fails
a page, and a change that rolls back sends nothing. The worker
(`manage.py db_worker`) sends it; a refused or failed delivery is tried again
later, with growing pauses, before it is given up.
"""

import datetime as dt
import smtplib

from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

MAIL_QUEUE = "mail"
# Pauses before the 2nd, 3rd... attempt: about a day of trying in all.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60, 6 * 60 * 60, 15 * 60 * 60)

# What a failed delivery raises: the connection (OSError: refused, timed out,
# unreachable) or the SMTP conversation.
DELIVERY_ERRORS = (OSError, smtplib.SMTPException)


def retry_later(task_to_retry, *, attempt: int, **kwargs) -> bool:
    """Enqueue attempt number `attempt + 1` after its pause; False when every
    attempt is used up (the caller gives up)."""
    if attempt > len(RETRY_DELAYS):
        return False
    run_after = timezone.now() + dt.timedelta(seconds=RETRY_DELAYS[attempt - 1])
    task_to_retry.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    return True


def deliver(*, subject: str, body: str, to: list[str], headers: dict | None = None) -> None:
    """Send now (in the worker). Raises one of DELIVERY_ERRORS when it fails."""
    EmailMessage(subject=subject, body=body, to=to, headers=headers or {}).send()


@task(queue_name=MAIL_QUEUE)
def send_email(*, subject: str, body: str, to: list[str], headers: dict | None = None, attempt: int = 1) -> None:
    """A mail composed in full by the caller (notices that hold no secret)."""
    try:
        deliver(subject=subject, body=body, to=to, headers=headers)
    except DELIVERY_ERRORS:
        retry_later(send_email, attempt=attempt, subject=subject, body=body, to=to, headers=headers)
        raise  # this attempt is recorded as failed, with its traceback
