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
from django.utils import timezone

MAIL_QUEUE = "mail"
# Pauses before the 2nd, 3rd... attempt: about a day of trying in all.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60, 6 * 60 * 60, 15 * 60 * 60)

# What a failed delivery raises: the connection (OSError: refused, timed out,
# unreachable) or the SMTP conversation.
DELIVERY_ERRORS = (OSError, smtplib.SMTPException)


def send_or_retry(
    task,
    *,
    attempt: int,
    task_kwargs: dict,
    subject: str,
    body: str,
    to: list[str],
    on_give_up=None,
    headers: dict | None = None,
):
    """Send a mail now, from the running `task`. If delivery fails, enqueue
    attempt number `attempt + 1` of the task (with `task_kwargs`) after its
    pause, or, when every attempt is used up, call `on_give_up` (to undo what
    the mail stood for); then re-raise, so that this attempt is recorded as
    failed with its traceback."""
    try:
        EmailMessage(subject=subject, body=body, to=to, headers=headers).send()
    except DELIVERY_ERRORS:
        if attempt <= len(RETRY_DELAYS):
            run_after = timezone.now() + dt.timedelta(seconds=RETRY_DELAYS[attempt - 1])
            task.using(run_after=run_after).enqueue(attempt=attempt + 1, **task_kwargs)
        elif on_give_up is not None:
            on_give_up()
        raise
