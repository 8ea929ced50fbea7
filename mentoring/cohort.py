"""A mentor's cohort: a card per mentee with each followed roadmap's
completion and pace, the week's count, last activity, stalled, and what waits
for review, sorted and filtered. A fixed number of queries whatever the number
of mentees, roadmaps and events (pinned in tests); dates only where shared."""

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
)
from django.utils import timezone

from mentoring.models import Mentorship, Nudge
from mentoring.news import STALLED_AFTER
from mentoring.selectors import ago
from progress import pace, summary
from progress.activity import ACTIVITY_REASONS, ACTIVITY_STATUSES
from progress.models import Progress, ProgressEvent, RoadmapFollow, Status
from roadmap.models import Roadmap

RECENT = dt.timedelta(days=7)
SORTS = ("name", "completion", "activity")


@dataclass
class RoadmapFigure:
    roadmap: Roadmap
    done: int
    skipped: int
    total: int
    remaining: Decimal | None = None  # hours, by the pace's rule, when a pace is set and dates shared
    plan: tuple | None = None  # (hours a week, target date)
    forecast: pace.Forecast | None = None

    @property
    def pace_shown(self) -> tuple | None:
        """What the cohort card says of the pace (in words by the pace template's
        "verdict-short" partial): part of the card's cache key."""
        f = self.forecast
        return None if f is None else (f.hours_per_week, f.target_date, f.verdict, f.weeks_behind)

    @property
    def percent(self) -> int:
        return summary.percent_done(done=self.done, countable=self.total - self.skipped)


@dataclass
class CohortRow:
    learner_id: int
    username: str
    name: str  # the learner's public name
    since: dt.datetime  # when the mentorship began
    dates_shared: bool = True  # False: the week, last activity and "stalled" are the learner's secret
    roadmaps: list[RoadmapFigure] = field(default_factory=list)
    done_last_week: int = 0
    last_activity: dt.datetime | None = None
    stalled: bool = False
    nudged_today: bool = False
    awaiting_review: int = 0  # projects submitted and waiting for a review (review_queue_for)
    ago: str = ""  # last activity as shown: "3 days ago"
    html: str = ""  # the row as rendered for the cohort (mentoring.views.index), once it is

    def shown(self) -> tuple:
        """Every value the cohort's row shows: the key of its cached rendering."""
        figures = tuple((f.roadmap.pk, f.roadmap.title, f.percent, f.pace_shown) for f in self.roadmaps)
        last = self.last_activity.isoformat() if self.last_activity else None
        return (
            self.learner_id,
            self.username,
            self.name,
            self.dates_shared,
            figures,
            self.done_last_week,
            last,
            self.ago,
            self.stalled,
            self.nudged_today,
            self.awaiting_review,
        )

    @property
    def best_percent(self) -> int:
        return max((figure.percent for figure in self.roadmaps), default=0)


@dataclass
class Cohort:
    rows: list[CohortRow]  # sorted, and filtered when only the stalled are asked for
    size: int  # every active mentee, whatever the filter

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _fill(rows: dict[int, CohortRow], roadmaps: dict[int, Roadmap], now, *, mentees) -> None:
    """Each mentee's figures from their progress summaries (progress.summary),
    last activity and week, in a fixed number of queries whatever the cohort's size.
    `mentees` (the mentor's active mentorships) selects the learners by subquery:
    hundreds of ids as parameters cost more to build than the queries take to run."""
    learners = mentees.values("learner_id")
    # Dates only of those who share them: the others' are never read.
    dated = mentees.filter(share_dates=True).values("learner_id")
    follows = list(
        RoadmapFollow.objects.filter(learner_id__in=learners, roadmap_id__in=roadmaps)
        .order_by("roadmap__order", "pk")
        .values_list("learner_id", "roadmap_id", "plan_basis", "hours_per_week", "target_date")
    )
    pairs = {(learner_id, roadmap_id) for learner_id, roadmap_id, *_ in follows}
    figures = summary.read(pairs, roadmaps, learners=learners)
    planned = []
    for learner_id, roadmap_id, basis, hours_per_week, target_date in follows:
        if learner_id not in rows:  # a mentorship that began since the first query
            continue
        counted = figures[learner_id, roadmap_id]
        figure = RoadmapFigure(
            roadmap=roadmaps[roadmap_id], done=counted.done, skipped=counted.skipped, total=counted.topics
        )
        rows[learner_id].roadmaps.append(figure)
        if basis and rows[learner_id].dates_shared:  # the pace is read from the dates
            figure.remaining = counted.remaining_hours
            figure.plan = (hours_per_week, target_date)
            planned.append((learner_id, figure))
    # Each mentee's last activity (any change) and first day of activity (as
    # the dashboard's calendar counts it: the pace's history), in their zone.
    first_days, zones = {}, {}
    activity = Q(to_status__in=ACTIVITY_STATUSES, reason__in=ACTIVITY_REASONS)
    for learner_id, last, first, zone in (
        ProgressEvent.objects.filter(learner_id__in=dated)
        .values("learner_id")
        .annotate(last=Max("created_at"), first=Min("created_at", filter=activity))
        .values_list("learner_id", "last", "first", "learner__time_zone")
    ):
        if learner_id in rows:
            rows[learner_id].last_activity = last
            zones[learner_id] = zoneinfo.ZoneInfo(zone or "UTC")
            if first:
                first_days[learner_id] = timezone.localtime(first, zones[learner_id]).date()
    if planned:
        # Hours completed in the weeks the actual pace looks at, per mentee and
        # roadmap: the few rows done lately, their hours from the cached outlines.
        held = {pk: summary.topics_of(roadmap) for pk, roadmap in roadmaps.items()}
        recent = Counter()
        for learner_id, topic_id in Progress.objects.filter(
            learner_id__in=dated,
            status=Status.DONE,
            completed_at__gte=now - dt.timedelta(weeks=pace.ACTUAL_PACE_WEEKS),
        ).values_list("learner_id", "topic_id"):
            for pk, topics in held.items():
                if topic_id in topics:
                    recent[learner_id, pk] += topics[topic_id]
        for learner_id, figure in planned:
            hours_per_week, target_date = figure.plan
            figure.forecast = pace.forecast(
                remaining=figure.remaining,
                hours_per_week=hours_per_week,
                target_date=target_date,
                done_recently_hours=recent.get((learner_id, figure.roadmap.pk), 0),
                first_activity=first_days.get(learner_id),
                today=timezone.localdate(now, zones.get(learner_id, dt.UTC)),
            )
    # Done in the last 7 days: distinct topics the learner marked done in the
    # window (not a reset undone) and that are still done at its end, now.
    still_done = Progress.objects.filter(
        learner_id=OuterRef("learner_id"), topic_id=OuterRef("topic_id"), status=Status.DONE
    )
    for learner_id, done in (
        ProgressEvent.objects.filter(
            Exists(still_done),
            learner_id__in=dated,
            to_status=Status.DONE,
            reason__in=ACTIVITY_REASONS,
            created_at__gte=now - RECENT,
        )
        .values("learner_id")
        .annotate(done=Count("topic_id", distinct=True))
        .values_list("learner_id", "done")
    ):
        if learner_id in rows:
            rows[learner_id].done_last_week = done


def cohort_for(
    mentor, *, sort: str = "name", stalled_only: bool = False, track_id: int | None = None, now=None
) -> Cohort:
    """The mentor's active mentees as cards; with `track_id`, those who follow
    that cohort track, each card with that track's completion alone."""
    now = now or timezone.now()
    mentees = Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
    # Plain values, not model instances: a cohort has hundreds of rows.
    rows = {
        learner_id: CohortRow(
            learner_id=learner_id,
            username=username,
            name=display_name or username,
            since=since,
            dates_shared=dates_shared,
        )
        for learner_id, username, display_name, since, dates_shared in mentees.values_list(
            "learner_id", "learner__username", "learner__display_name", "created_at", "share_dates"
        )
    }
    if rows:
        # The shipped roadmaps and the cohort tracks a mentee follows: not every track of the site.
        followed = RoadmapFollow.objects.filter(roadmap=OuterRef("pk"), learner__in=mentees.values("learner_id"))
        roadmaps = {
            r.pk: r
            for r in Roadmap.objects.published()
            .filter(Q(kind=Roadmap.Kind.SHIPPED) | Exists(followed))
            .with_content_version()
        }
        _fill(rows, roadmaps, now, mentees=mentees)
        # Today's nudges of this mentor are few; no need to send 200 ids.
        for learner_id in Nudge.objects.filter(mentor=mentor, sent_on=timezone.localdate(now)).values_list(
            "learner_id", flat=True
        ):
            if learner_id in rows:
                rows[learner_id].nudged_today = True

    result = list(rows.values())
    for row in result:
        if row.dates_shared:
            row.stalled = now - (row.last_activity or row.since) >= STALLED_AFTER
            row.ago = ago(row.last_activity, now) if row.last_activity else ""
    if stalled_only:
        result = [row for row in result if row.stalled]
    if track_id is not None:
        for row in result:
            row.roadmaps = [figure for figure in row.roadmaps if figure.roadmap.pk == track_id]
        result = [row for row in result if row.roadmaps]
    if sort == "completion":
        result.sort(key=lambda row: (-row.best_percent, row.name.lower()))
    elif sort == "activity":
        # Those who keep their dates private sort with those never active: last.
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        result.sort(key=lambda row: (row.last_activity or oldest, row.name.lower()), reverse=True)
    else:
        result.sort(key=lambda row: row.name.lower())
    return Cohort(rows=result, size=len(rows))
