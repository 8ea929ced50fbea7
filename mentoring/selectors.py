"""Reads for the mentoring pages (the cohort has its own module, mentoring.cohort).

What a mentor reads of a learner goes through here, and only what the learner
shares with that mentor (Mentorship.share_dates, share_evidence, share_notes)
reaches the mentor's pages: statuses always; dates (started, completed, last
activity, the week's count, stalled, the activity calendar), evidence and notes
only when shared. What is not shared is None or empty before any template runs."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    F,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from accounts.identity import fold
from mentoring.models import Comment, Mentorship, Nudge, PaceSuggestion, ProjectComment, Review
from mentoring.news import MenteeNews, news_for
from progress.activity import ACTIVITY_REASONS
from progress.dashboard import Dashboard, dashboard_for
from progress.models import Evidence, Progress, ProgressEvent, ProjectEvent, ProjectState, ProjectWork, Status
from progress.models import Review as SpacedReview
from roadmap.models import in_language


def mentorship_for_mentor(*, mentor, username: str) -> Mentorship | None:
    """The active mentorship of this mentor with the learner of that username, or None."""
    return (
        Mentorship.objects.filter(
            mentor=mentor, learner__username_folded=fold(username), status=Mentorship.Status.ACTIVE
        )
        .select_related("learner")
        .first()
    )


@dataclass
class MenteeTopic:
    """A learner's topic as their mentor may see it: what is not shared is None."""

    status: str
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    evidence: list[Evidence] | None
    note: str | None
    review: Review | None = None  # spaced review of a done topic, read with the dates alone


def mentee_topic(mentorship: Mentorship, topic) -> MenteeTopic:
    """One query, one more for evidence when it is shared and there is progress,
    and one for the spaced review of a done topic when the dates are shared."""
    progress = Progress.objects.filter(learner_id=mentorship.learner_id, topic_id=topic.pk).first()
    status = progress.status if progress else Status.NOT_STARTED
    dates = mentorship.share_dates and progress is not None
    return MenteeTopic(
        status=status,
        started_at=progress.started_at if dates else None,
        completed_at=progress.completed_at if dates and status == Status.DONE else None,
        evidence=(list(progress.evidence.all()) if progress else []) if mentorship.share_evidence else None,
        note=(progress.note if progress else "") if mentorship.share_notes else None,
        review=(
            SpacedReview.objects.filter(learner_id=mentorship.learner_id, topic_id=topic.pk).first()
            if dates and status == Status.DONE
            else None
        ),
    )


def mentee_dashboard(mentorship: Mentorship) -> Dashboard:
    """The learner's dashboard as their mentor may see it, built from what the
    learner shares: without their dates, none is read (progress.dashboard.dashboard_for)."""
    return dashboard_for(mentorship.learner, dates=mentorship.share_dates)


def nudged_today(*, mentor, learner) -> bool:
    """Whether the mentor nudged the learner today (one a day): one query."""
    return Nudge.objects.filter(mentor=mentor, learner=learner, sent_on=timezone.localdate()).exists()


def has_active_mentor(learner) -> bool:
    return Mentorship.objects.filter(learner=learner, status=Mentorship.Status.ACTIVE).exists()


def thread_for(*, learner, topic) -> list[Comment]:
    return list(Comment.objects.filter(learner=learner, topic_id=topic.pk).select_related("author"))


def reviews_for(*, learner, topic) -> list[Review]:
    return list(Review.objects.filter(learner=learner, topic_id=topic.pk).select_related("mentor"))


def unseen_feedback(learner, limit: int = 5) -> list[Comment]:
    return list(
        Comment.objects.filter(learner=learner, seen_at__isnull=True, topic__retired=False)
        .exclude(author=learner)
        .select_related("author", "topic")
        .order_by("-created_at")[:limit]
    )


def unseen_project_feedback(learner, limit: int = 5) -> list[ProjectComment]:
    """Mentors' comments on the learner's projects that the learner has not read."""
    return list(
        ProjectComment.objects.filter(work__learner=learner, seen_at__isnull=True, work__project__retired=False)
        .exclude(author=learner)
        .select_related("author", "work__project")
        .order_by("-created_at")[:limit]
    )


def ago(then, now) -> str:
    """ "3 days ago": the cohort table's coarse age, by Django's timesince to its
    largest unit; "just now" within the minute (timesince says "0 minutes")."""
    if (now - then).total_seconds() < 60:
        return _("just now")
    return (_("%(time)s ago") % {"time": timesince(then, now, depth=1)}).replace("\xa0", " ")


# --- What changed since the mentor last looked ------------------------------


# The topics done since the mentor last looked are named up to this many (the
# latest) and counted: "12 topics done (A, B, C and 9 more)".
DONE_TITLES_SHOWN = 3


@dataclass
class MenteeUpdate(MenteeNews):
    done_titles: list[str] = field(default_factory=list)  # the latest few, oldest first

    @property
    def done_not_named(self) -> int:
        return max(0, self.done - len(self.done_titles))


def updates_for(mentor, *, now=None) -> list[MenteeUpdate]:
    """Each active mentee with news since the mentor last looked (mentoring.news),
    with the titles of the latest topics done: two queries, whatever the cohort."""
    updates = [MenteeUpdate(**vars(item)) for item in news_for(mentor.pk, now=now)]
    by_learner = {u.learner_id: u for u in updates if u.done}
    if by_learner:
        events = (
            ProgressEvent.objects.filter(
                learner_id__in=by_learner,
                to_status=Status.DONE,
                reason__in=ACTIVITY_REASONS,
                created_at__gt=min(u.seen for u in by_learner.values()),
            )
            # Each mentee's latest few only: a first week can hold a hundred ticks.
            .annotate(latest=Window(RowNumber(), partition_by=F("learner_id"), order_by=F("pk").desc()))
            .filter(latest__lte=DONE_TITLES_SHOWN)
        )
        rows = events.order_by("pk").values_list("learner_id", "topic__title", "topic__translations", "created_at")
        for learner_id, title, translations, at in rows:
            if at > by_learner[learner_id].seen:
                by_learner[learner_id].done_titles.append(in_language(title, translations, "title"))
    return updates


def pending_suggestions(learner) -> list:
    """Mentors' suggested target dates waiting for the learner's answer: one query."""
    return list(
        PaceSuggestion.objects.filter(
            mentorship__learner=learner,
            mentorship__status=Mentorship.Status.ACTIVE,
            status=PaceSuggestion.Status.PENDING,
            roadmap__published=True,
        ).select_related("mentorship__mentor", "roadmap")
    )


def suggestions_by_roadmap(mentorship) -> dict[int, object]:
    """The latest suggestion of this mentorship per roadmap, for the mentor's page: one query."""
    latest = {}
    for suggestion in PaceSuggestion.objects.filter(mentorship=mentorship):
        latest.setdefault(suggestion.roadmap_id, suggestion)
    return latest


def review_queue_for(mentor) -> list:
    """Submitted work of the mentor's active mentees, oldest submission first: one query."""
    return list(
        ProjectWork.objects.filter(
            state=ProjectState.SUBMITTED,
            project__retired=False,
            learner__mentorships_as_learner__mentor=mentor,
            learner__mentorships_as_learner__status=Mentorship.Status.ACTIVE,
        )
        .select_related("learner", "project")
        .order_by("submitted_at", "pk")
    )


def project_thread(work: ProjectWork | None) -> list[ProjectComment]:
    if work is None:
        return []
    return list(ProjectComment.objects.filter(work=work).select_related("author"))


def last_review(work: ProjectWork | None, thread: list[ProjectComment]) -> ProjectEvent | None:
    """The review that put the work in its state (approved, or changes
    requested), with its mentor and `words`: the comment they sent with it
    (review_project writes it just after the event). One query, and only then."""
    if work is None or work.state not in (ProjectState.APPROVED, ProjectState.CHANGES_REQUESTED):
        return None
    review = (
        ProjectEvent.objects.filter(work=work, to_state=work.state)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if review is not None:
        review.words = next(
            (c.body for c in thread if c.author_id == review.actor_id and c.created_at >= review.created_at), ""
        )
    return review
