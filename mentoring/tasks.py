"""Mentoring mail, sent by the worker (mlepath.mail). All of it is optional
mail: none goes to an address its owner has not confirmed (User.email_verified)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_of
from accounts.time_zones import zone_of
from mentoring.models import DigestKind, DigestSent, Mentorship, Nudge
from mlepath.mail import MAIL_QUEUE, send_or_retry
from progress.models import ProjectWork


def one_line(text: str) -> str:
    """A name as it may appear in a mail header: whitespace of any kind folded to single spaces."""
    return " ".join(text.split())


@task(queue_name=MAIL_QUEUE)
def send_nudge(*, nudge_id: int, attempt: int = 1) -> None:
    """The encouragement mail. A nudge whose mail is given up is deleted, so it
    does not use up the mentor's nudge of the day."""
    sent = Nudge.objects.select_related("mentor", "learner").filter(pk=nudge_id).first()
    if sent is None or not sent.learner.email_verified:
        return  # an account was deleted since, or the address is unconfirmed (optional mail waits)
    dashboard_url = settings.SITE_URL + reverse("dashboard")
    context = {"mentor": sent.mentor, "learner": sent.learner, "dashboard_url": dashboard_url}
    # Written in the recipient's language.
    with translation.override(language_of(sent.learner)):
        send_or_retry(
            send_nudge,
            attempt=attempt,
            task_kwargs={"nudge_id": nudge_id},
            subject=_("%(name)s is cheering you on at MLE Path") % {"name": one_line(sent.mentor.public_name)},
            body=render_to_string("mentoring/nudge_email.txt", context),
            to=[sent.learner.email],
            on_give_up=sent.delete,
        )


@task(queue_name=MAIL_QUEUE)
def send_new_mentor_notice(*, mentorship_id: int, mentoring_url: str, attempt: int = 1) -> None:
    """Tell the learner at once that someone now follows their progress, with
    the page where they can end it."""

    mentorship = Mentorship.objects.select_related("mentor", "learner").filter(pk=mentorship_id).first()
    if mentorship is None or mentorship.status != Mentorship.Status.ACTIVE or not mentorship.learner.email_verified:
        return  # ended since, or the address is unconfirmed (the mentoring page shows the mentor)
    context = {"mentor": mentorship.mentor, "learner": mentorship.learner, "mentoring_url": mentoring_url}
    # Written in the recipient's language.
    with translation.override(language_of(mentorship.learner)):
        send_or_retry(
            send_new_mentor_notice,
            attempt=attempt,
            task_kwargs={"mentorship_id": mentorship_id, "mentoring_url": mentoring_url},
            subject=_("%(name)s is now your mentor at MLE Path") % {"name": one_line(mentorship.mentor.public_name)},
            body=render_to_string("mentoring/new_mentor_email.txt", context),
            to=[mentorship.learner.email],
        )


@task(queue_name=MAIL_QUEUE)
def send_digest(*, user_id: int, kind: str, week: str, attempt: int = 1) -> None:
    """A weekly digest (mentoring.digests), composed when it is sent. Skipped if
    the recipient unsubscribed since it was queued; a digest given up is
    forgotten, so the next run of send_digests that week queues it again."""
    # Here, not at the top: mentoring.digests enqueues this task.
    from mentoring import digests  # noqa: PLC0415

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not getattr(user, digests.FIELD[kind]) or not user.email_verified:
        return
    now = timezone.now()
    unsubscribe = digests.unsubscribe_url(user, kind)
    context = {"user": user, "unsubscribe_url": unsubscribe, "site_url": settings.SITE_URL}
    # Composed and rendered in the recipient's time zone and language, as their pages are.
    with timezone.override(zone_of(user)), translation.override(language_of(user)):
        if kind == DigestKind.LEARNER:
            context["digest"] = digests.learner_digest(user, now=now)
            subject, template = _("Your week at MLE Path"), "mentoring/digest_learner_email.txt"
        else:
            context["digest"] = digests.mentor_digest(user, now=now)
            subject, template = _("Your mentees this week at MLE Path"), "mentoring/digest_mentor_email.txt"
        body = render_to_string(template, context)
    send_or_retry(
        send_digest,
        attempt=attempt,
        task_kwargs={"user_id": user_id, "kind": kind, "week": week},
        subject=subject,
        body=body,
        to=[user.email],
        on_give_up=DigestSent.objects.filter(user_id=user_id, kind=kind, week=week).delete,
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


@task(queue_name=MAIL_QUEUE)
def send_review_notice(*, work_id: int, mentor_id: int, approved: bool, project_url: str, attempt: int = 1) -> None:
    """Tell the learner their mentor reviewed a project: approved, or changes requested."""
    work = ProjectWork.objects.select_related("learner", "project").filter(pk=work_id).first()
    mentor = get_user_model().objects.filter(pk=mentor_id).first()
    if work is None or mentor is None or not work.learner.email_verified:
        return  # an account was deleted since, or the address is unconfirmed (the project page shows the review)
    context = {
        "work": work,
        "mentor": mentor,
        "learner": work.learner,
        "approved": approved,
        "project_url": project_url,
    }
    names = {"mentor": one_line(mentor.public_name), "project": one_line(work.project.title)}
    # Written in the recipient's language.
    with translation.override(language_of(work.learner)):
        if approved:
            subject = _("%(mentor)s approved your project: %(project)s") % names
        else:
            subject = _("%(mentor)s asks for changes to your project: %(project)s") % names
        send_or_retry(
            send_review_notice,
            attempt=attempt,
            task_kwargs={"work_id": work_id, "mentor_id": mentor_id, "approved": approved, "project_url": project_url},
            subject=subject,
            body=render_to_string("mentoring/review_email.txt", context),
            to=[work.learner.email],
        )
