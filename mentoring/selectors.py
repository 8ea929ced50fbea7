"""Reads for the mentoring pages. The cohort table runs a fixed number of
queries whatever the number of mentees, roadmaps and events (pinned in tests)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from mentoring.models import Comment, Mentorship, Nudge, Review
from progress.models import Progress, ProgressEvent, RoadmapFollow, Status
from roadmap.models import Roadmap
from roadmap.selectors import roadmap_outline

STALLED_AFTER = dt.timedelta(days=14)
RECENT = dt.timedelta(days=7)
SORTS = ("name", "completion", "activity")


@dataclass
class RoadmapFigure:
    roadmap: Roadmap
    done: int
    skipped: int
    total: int

    @property
    def percent(self) -> int:
        countable = self.total - self.skipped
        return self.done * 100 // countable if countable else 0


@dataclass
class CohortRow:
    learner_id: int
    username: str
    name: str  # the learner's public name
    since: dt.datetime  # when the mentorship began
    roadmaps: list[RoadmapFigure] = field(default_factory=list)
    done_last_week: int = 0
    last_activity: dt.datetime | None = None
    stalled: bool = False
    nudged_today: bool = False
    ago: str = ""  # last activity as shown: "3 days ago"
    html: str = ""  # the row as rendered for the table (mentoring.views), once it is

    def shown(self) -> tuple:
        """Every value the table's row shows: the key of its cached rendering."""
        figures = tuple((f.roadmap.pk, f.roadmap.title, f.percent) for f in self.roadmaps)
        last = self.last_activity.isoformat() if self.last_activity else None
        return (
            self.learner_id,
            self.username,
            self.name,
            figures,
            self.done_last_week,
            last,
            self.ago,
            self.stalled,
            self.nudged_today,
        )

    @property
    def best_percent(self) -> int:
        return max((figure.percent for figure in self.roadmaps), default=0)


def mentorship_for_mentor(*, mentor, username: str) -> Mentorship | None:
    """The active mentorship of this mentor with the learner of that username, or None."""
    return (
        Mentorship.objects.filter(mentor=mentor, learner__username__iexact=username, status=Mentorship.Status.ACTIVE)
        .select_related("learner")
        .first()
    )


def _fill(rows: dict[int, CohortRow], roadmaps: dict[int, Roadmap], now) -> None:
    """Each mentee's figures, last activity and week, in a fixed number of queries,
    counted by the database: a few rows per mentee come back, not every progress row."""
    ids = list(rows)
    live = Q(topic__retired=False, topic__placements__section__roadmap__in=list(roadmaps))
    counts = {
        (learner_id, roadmap_id): (done, skipped)
        for learner_id, roadmap_id, done, skipped in Progress.objects.filter(live, learner_id__in=ids)
        .values("learner_id", "topic__placements__section__roadmap_id")
        .annotate(
            # distinct: a topic placed in two sections of one roadmap counts once
            done=Count("topic_id", distinct=True, filter=Q(status=Status.DONE)),
            skipped=Count("topic_id", distinct=True, filter=Q(status=Status.SKIPPED)),
        )
        .values_list("learner_id", "topic__placements__section__roadmap_id", "done", "skipped")
    }
    # Live topics per roadmap, from the cached outlines.
    totals = {pk: len({t.pk for s in roadmap_outline(r) for t in s.topics}) for pk, r in roadmaps.items()}
    for learner_id, roadmap_id in (
        RoadmapFollow.objects.filter(learner_id__in=ids, roadmap_id__in=roadmaps)
        .order_by("roadmap__order", "pk")
        .values_list("learner_id", "roadmap_id")
    ):
        done, skipped = counts.get((learner_id, roadmap_id), (0, 0))
        rows[learner_id].roadmaps.append(
            RoadmapFigure(roadmap=roadmaps[roadmap_id], done=done, skipped=skipped, total=totals[roadmap_id])
        )
    for learner_id, last in (
        ProgressEvent.objects.filter(learner_id__in=ids)
        .values("learner_id")
        .annotate(last=Max("created_at"))
        .values_list("learner_id", "last")
    ):
        rows[learner_id].last_activity = last
    for learner_id, done in (
        ProgressEvent.objects.filter(learner_id__in=ids, to_status=Status.DONE, created_at__gte=now - RECENT)
        .values("learner_id")
        .annotate(done=Count("topic_id", distinct=True))
        .values_list("learner_id", "done")
    ):
        rows[learner_id].done_last_week = done


def cohort_for(mentor, *, sort: str = "name", stalled_only: bool = False, now=None) -> list[CohortRow]:
    now = now or timezone.now()
    # Plain values, not model instances: a cohort has hundreds of rows.
    rows = {
        learner_id: CohortRow(learner_id=learner_id, username=username, name=display_name or username, since=since)
        for learner_id, username, display_name, since in Mentorship.objects.filter(
            mentor=mentor, status=Mentorship.Status.ACTIVE
        ).values_list("learner_id", "learner__username", "learner__display_name", "created_at")
    }
    if rows:
        roadmaps = {r.pk: r for r in Roadmap.objects.published().with_content_version()}
        _fill(rows, roadmaps, now)
        # Today's nudges of this mentor are few; no need to send 200 ids.
        for learner_id in Nudge.objects.filter(mentor=mentor, sent_on=timezone.localdate(now)).values_list(
            "learner_id", flat=True
        ):
            if learner_id in rows:
                rows[learner_id].nudged_today = True

    result = list(rows.values())
    for row in result:
        moved = row.last_activity or row.since
        row.stalled = now - moved >= STALLED_AFTER
        row.ago = ago(row.last_activity, now) if row.last_activity else ""
    if stalled_only:
        result = [row for row in result if row.stalled]
    if sort == "completion":
        result.sort(key=lambda row: (-row.best_percent, row.name.lower()))
    elif sort == "activity":
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        result.sort(key=lambda row: (row.last_activity or oldest, row.name.lower()), reverse=True)
    else:
        result.sort(key=lambda row: row.name.lower())
    return result


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


def ago(then, now) -> str:
    """ "3 days ago": the cohort table's coarse age."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (
        ("year", 31_536_000),
        ("month", 2_592_000),
        ("week", 604_800),
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
