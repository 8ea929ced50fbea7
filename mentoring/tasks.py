"""Mentoring mail, sent by the worker (mlepath.mail)."""

from django.tasks import task
from django.template.loader import render_to_string

from mentoring.models import Mentorship, Nudge
from mlepath.mail import MAIL_QUEUE, send_or_retry


def one_line(text: str) -> str:
    """A name as it may appear in a mail header: whitespace of any kind folded to single spaces."""
    return " ".join(text.split())


@task(queue_name=MAIL_QUEUE)
def send_nudge(*, nudge_id: int, attempt: int = 1) -> None:
    """The encouragement mail. A nudge whose mail is given up is deleted, so it
    does not use up the mentor's nudge of the day."""
    sent = Nudge.objects.select_related("mentor", "learner").filter(pk=nudge_id).first()
    if sent is None:
        return  # the mentorship or an account was deleted since
    context = {"mentor": sent.mentor, "learner": sent.learner}
    send_or_retry(
        send_nudge,
        attempt=attempt,
        task_kwargs={"nudge_id": nudge_id},
        subject=f"{one_line(sent.mentor.public_name)} is cheering you on at MLE Path",
        body=render_to_string("mentoring/nudge_email.txt", context),
        to=[sent.learner.email],
        on_give_up=sent.delete,
    )


@task(queue_name=MAIL_QUEUE)
def send_new_mentor_notice(*, mentorship_id: int, mentoring_url: str, attempt: int = 1) -> None:
    """Tell the learner at once that someone now follows their progress, with
    the page where they can end it."""

    mentorship = Mentorship.objects.select_related("mentor", "learner").filter(pk=mentorship_id).first()
    if mentorship is None or mentorship.status != Mentorship.Status.ACTIVE:
        return
    context = {"mentor": mentorship.mentor, "learner": mentorship.learner, "mentoring_url": mentoring_url}
    send_or_retry(
        send_new_mentor_notice,
        attempt=attempt,
        task_kwargs={"mentorship_id": mentorship_id, "mentoring_url": mentoring_url},
        subject=f"{one_line(mentorship.mentor.public_name)} is now your mentor at MLE Path",
        body=render_to_string("mentoring/new_mentor_email.txt", context),
        to=[mentorship.learner.email],
    )
