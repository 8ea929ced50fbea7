"""The weekly digests by mail, each opt-in (User.learner_digest, mentor_digest).

`enqueue_due` runs from the scheduled `send_digests` command (hourly, from cron):
each digest is due from Monday 08:00 in its recipient's time zone, and its
DigestSent row is written with the task that mails it, so a second run the
same week sends nothing twice. The worker composes the mail (tasks.send_digest)
with a signed one-click unsubscribe link, also in the List-Unsubscribe headers.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from itertools import chain

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mentoring.models import DigestKind, DigestSent, Mentorship
from mentoring.selectors import mentee_dashboard, unseen_feedback, updates_for
from progress.dashboard import dashboard_for
from progress.models import Progress, Status
from progress.pace import week_start
from roadmap.models import in_language

SEND_AT = dt.time(8)  # local time, on Monday
UNSUBSCRIBE_SALT = "mentoring.digest-unsubscribe"
FIELD = {DigestKind.LEARNER: "learner_digest", DigestKind.MENTOR: "mentor_digest"}


def this_week(user, now) -> tuple[dt.date, bool]:
    """The Monday of `now`'s week where the user lives, and whether its digest is due."""
    tz = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    monday = week_start(now, tz)
    return monday.date(), now >= monday.replace(hour=SEND_AT.hour)


def enqueue_due(*, now=None) -> int:
    """Enqueue every digest due and not sent this week; returns how many."""
    # Here, not at the top: mentoring.tasks composes its mail with this module.
    from mentoring.tasks import send_digest  # noqa: PLC0415

    now = now or timezone.now()
    mentors = set(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list("mentor_id", flat=True).distinct()
    )
    enqueued = 0
    # An unconfirmed address gets no digest; it is due again each week until confirmed.
    recipients = get_user_model().objects.filter(
        Q(learner_digest=True) | Q(mentor_digest=True), is_active=True, email_verified_at__isnull=False
    )
    for user in recipients:
        week, due = this_week(user, now)
        if not due:
            continue
        kinds = [DigestKind.LEARNER] if user.learner_digest else []
        if user.mentor_digest and user.pk in mentors:  # no mentees, nothing to tell
            kinds.append(DigestKind.MENTOR)
        for kind in kinds:
            try:
                with transaction.atomic():
                    DigestSent.objects.create(user=user, kind=kind, week=week)
                    send_digest.enqueue(user_id=user.pk, kind=kind, week=week.isoformat())
            except IntegrityError:
                continue  # sent this week already
            enqueued += 1
    return enqueued


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) a link was signed for, or None for a forged or garbled one."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(data["u"]), data["k"]
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None
    return (user_id, kind) if kind in FIELD else None


def unsubscribe_url(user, kind: str) -> str:
    return settings.SITE_URL + reverse("digest_unsubscribe", args=[unsubscribe_token(user, kind)])


@dataclass
class LearnerDigest:
    done_last_week: list[str]
    plans: list  # RoadmapProgress with a pace: this week's topics in .pace.week
    no_plan: list  # followed roadmaps without a pace
    feedback: list  # unread mentor comments
    reviews: list = field(default_factory=list)  # progress.selectors.ReviewEntry due this coming week, oldest due first


@dataclass
class MentorDigest:
    updates: list  # mentoring.selectors.MenteeUpdate
    behind: list[tuple[str, str, int]] = field(default_factory=list)  # mentee, roadmap, weeks behind


def learner_digest(user, *, now) -> LearnerDigest:
    dashboard = dashboard_for(user, now=now)
    done = Progress.objects.filter(
        learner=user, status=Status.DONE, completed_at__gte=now - dt.timedelta(days=7), topic__retired=False
    ).order_by("completed_at")
    return LearnerDigest(
        done_last_week=[
            in_language(title, translations, "title")
            for title, translations in done.values_list("topic__title", "topic__translations")
        ],
        plans=[item for item in dashboard.roadmaps if item.pace and item.pace.forecast],
        no_plan=[item for item in dashboard.roadmaps if not (item.pace and item.pace.forecast)],
        feedback=unseen_feedback(user, limit=10),
        reviews=[
            review
            for review in chain(dashboard.reviews_due, dashboard.reviews_later)
            if review.due_on <= dashboard.today + dt.timedelta(days=6)
        ],
    )


def mentor_digest(user, *, now) -> MentorDigest:
    """What changed since the mentor last looked, and who is behind their own pace
    (only those who share their dates: the pace is read from them)."""
    digest = MentorDigest(updates=updates_for(user, now=now))
    for mentorship in Mentorship.objects.filter(
        mentor=user, status=Mentorship.Status.ACTIVE, share_dates=True
    ).select_related("learner"):
        for item in mentee_dashboard(mentorship).roadmaps:
            weeks = item.pace.forecast.weeks_behind if item.pace and item.pace.forecast else None
            if weeks:
                digest.behind.append((mentorship.learner.public_name, item.roadmap.title, weeks))
    return digest
