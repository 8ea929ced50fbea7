"""Reads for the mentoring pages. The cohort table runs a fixed number of
queries whatever the number of mentees, roadmaps and events (pinned in tests)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from mentoring.models import Comment, Mentorship, Nudge, Review
from mlepath.pagecache import digest
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


class LearnerSummary(NamedTuple):
    """What the cohort table shows of one learner, cached under their
    progress_version (bumped by every change to it, content included).
    Times are POSIX timestamps: plain tuples of numbers unpickle fastest."""

    figures: tuple[tuple[int, int, int, int], ...]  # (roadmap id, done, skipped, total), in roadmap order
    last_activity: float | None
    # (topic id, when) of "done" events in the week before the summary was made:
    # a superset of any later week's, as an entry lives much less than a week.
    recent_done: tuple[tuple[int, float], ...]


SUMMARY_TIMEOUT = 15 * 60
# Part of every key: a new shape of LearnerSummary must not read entries of the old one.
SUMMARY_FORMAT = 2


def _cached_summaries(keys: dict[int, str], roadmaps, now) -> dict[int, LearnerSummary]:
    """Every learner's summary, from the cache where it holds it.

    Two levels: the whole cohort under a key made of every learner's key (one
    read when nothing changed, the usual case), else each learner's own entry,
    and only the missing ones are computed."""
    cohort_key = "cohort-summaries:" + digest(*keys.values())
    if (whole := cache.get(cohort_key)) is not None:
        return {pk: LearnerSummary(*summary) for pk, summary in whole.items()}
    found = cache.get_many(list(keys.values()))
    summaries = {pk: LearnerSummary(*found[key]) for pk, key in keys.items() if key in found}
    if missing := [pk for pk in keys if pk not in summaries]:
        made = _summaries(missing, roadmaps, now)
        cache.set_many({keys[pk]: tuple(summary) for pk, summary in made.items()}, SUMMARY_TIMEOUT)
        summaries |= made
    cache.set(cohort_key, {pk: tuple(summary) for pk, summary in summaries.items()}, SUMMARY_TIMEOUT)
    return summaries


def _summaries(learner_ids: list[int], roadmaps: dict[int, Roadmap], now) -> dict[int, LearnerSummary]:
    """Summaries of these learners in a fixed number of queries."""
    # Which topics each roadmap holds comes from the cached outlines; counting
    # in Python beats joining every progress row to placements and sections.
    topic_sets = {pk: {t.pk for s in roadmap_outline(r) for t in s.topics} for pk, r in roadmaps.items()}
    finished: dict[int, dict[int, str]] = {}
    for learner_id, topic_id, status in Progress.objects.filter(
        learner_id__in=learner_ids, status__in=(Status.DONE, Status.SKIPPED)
    ).values_list("learner_id", "topic_id", "status"):
        finished.setdefault(learner_id, {})[topic_id] = status
    figures: dict[int, list] = {pk: [] for pk in learner_ids}
    for learner_id, roadmap_id in (
        RoadmapFollow.objects.filter(learner_id__in=learner_ids, roadmap_id__in=roadmaps)
        .order_by("roadmap__order", "pk")
        .values_list("learner_id", "roadmap_id")
    ):
        topics = topic_sets[roadmap_id]
        statuses = [status for topic_id, status in finished.get(learner_id, {}).items() if topic_id in topics]
        figures[learner_id].append(
            (roadmap_id, statuses.count(Status.DONE), statuses.count(Status.SKIPPED), len(topics))
        )
    last = {
        learner_id: at.timestamp()
        for learner_id, at in ProgressEvent.objects.filter(learner_id__in=learner_ids)
        .values("learner_id")
        .annotate(last=Max("created_at"))
        .values_list("learner_id", "last")
    }
    recent: dict[int, list] = {pk: [] for pk in learner_ids}
    for learner_id, topic_id, created_at in ProgressEvent.objects.filter(
        learner_id__in=learner_ids, to_status=Status.DONE, created_at__gte=now - RECENT
    ).values_list("learner_id", "topic_id", "created_at"):
        recent[learner_id].append((topic_id, created_at.timestamp()))
    return {
        pk: LearnerSummary(figures=tuple(figures[pk]), last_activity=last.get(pk), recent_done=tuple(recent[pk]))
        for pk in learner_ids
    }


@dataclass
class CohortMembers:
    """A mentor's active mentees as table rows still to fill, and the cache key
    of each one's summary."""

    rows: dict[int, CohortRow]
    keys: dict[int, str]

    def stamp(self) -> str:
        """Changes whenever any mentee's row would: who they are, their names, their versions."""
        return digest(*self.keys.values(), *(row.name for row in self.rows.values()))


def cohort_members(mentor) -> CohortMembers:
    # Plain values, not model instances: a cohort has hundreds of rows.
    rows, keys = {}, {}
    for learner_id, username, display_name, version, since in Mentorship.objects.filter(
        mentor=mentor, status=Mentorship.Status.ACTIVE
    ).values_list(
        "learner_id", "learner__username", "learner__display_name", "learner__progress_version", "created_at"
    ):
        rows[learner_id] = CohortRow(
            learner_id=learner_id, username=username, name=display_name or username, since=since
        )
        keys[learner_id] = f"cohort-summary:{SUMMARY_FORMAT}:{learner_id}:{version}"
    return CohortMembers(rows=rows, keys=keys)


def cohort_for(
    mentor, *, sort: str = "name", stalled_only: bool = False, now=None, members: CohortMembers | None = None
) -> list[CohortRow]:
    now = now or timezone.now()
    members = members or cohort_members(mentor)
    rows, keys = members.rows, members.keys
    if rows:
        roadmaps = {r.pk: r for r in Roadmap.objects.published()}
        summaries = _cached_summaries(keys, roadmaps, now)
        week_ago = (now - RECENT).timestamp()
        for learner_id, summary in summaries.items():
            row = rows[learner_id]
            row.roadmaps = [
                RoadmapFigure(roadmap=roadmaps[pk], done=done, skipped=skipped, total=total)
                for pk, done, skipped, total in summary.figures
                if pk in roadmaps
            ]
            if summary.last_activity is not None:
                row.last_activity = dt.datetime.fromtimestamp(summary.last_activity, dt.UTC)
            row.done_last_week = len({topic for topic, at in summary.recent_done if at >= week_ago})
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


def thread_for(*, learner, topic) -> list[Comment]:
    return list(Comment.objects.filter(learner=learner, topic=topic).select_related("author"))


def reviews_for(*, learner, topic) -> list[Review]:
    return list(Review.objects.filter(learner=learner, topic=topic).select_related("mentor"))


def unseen_feedback(learner, limit: int = 5) -> list[Comment]:
    return list(
        Comment.objects.filter(learner=learner, seen_at__isnull=True, topic__retired=False)
        .exclude(author=learner)
        .select_related("author", "topic")
        .order_by("-created_at")[:limit]
    )
