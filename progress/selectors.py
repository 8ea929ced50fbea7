"""Reads of a learner's progress, shaped for the pages that show them.

Each page-level function runs a fixed number of queries whatever the number of
topics, roadmaps and events (pinned in tests)."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

from django.db.models import Count, F, FilteredRelation, Max, Min, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from mlepath import cache, sql
from progress import pace, summary
from progress.models import (
    PROJECT_COMPLETE,
    CalendarFeed,
    Evidence,
    PlanChange,
    Progress,
    ProgressEvent,
    ProgressSummary,
    ProjectEvent,
    ProjectState,
    ProjectWork,
    RoadmapFollow,
    Status,
)
from roadmap.models import ContentVersion, Roadmap, Topic
from roadmap.selectors import ProjectEntry, SectionEntry, TopicEntry, content_version_sql, roadmap_outline

CALENDAR_WEEKS = 52
NEXT_UP_LIMIT = 5
RECENT_LIMIT = 5
# Events that count as a day "with progress" in the calendar and streaks.
ACTIVITY_STATUSES = (Status.IN_PROGRESS, Status.DONE)
ACTIVITY_REASONS = (ProgressEvent.Reason.SET, ProgressEvent.Reason.IMPORT)


@dataclass
class Completion:
    total: int = 0
    done: int = 0
    in_progress: int = 0
    skipped: int = 0
    remaining_hours: Decimal = Decimal(0)  # by the pace's rule (progress.pace.remaining_hours)

    @property
    def countable(self) -> int:
        return self.total - self.skipped

    @property
    def left(self) -> int:
        """Topics still to do: neither done nor skipped."""
        return self.countable - self.done

    @property
    def percent(self) -> int:
        return summary.percent_done(done=self.done, countable=self.countable)

    @classmethod
    def of(cls, figures: "summary.Figures") -> "Completion":
        """A roadmap's completion as its summary counted it."""
        return cls(
            total=figures.topics,
            done=figures.done,
            in_progress=figures.in_progress,
            skipped=figures.skipped,
            remaining_hours=figures.remaining_hours,
        )

    def __iadd__(self, other: "Completion") -> "Completion":
        self.total += other.total
        self.done += other.done
        self.in_progress += other.in_progress
        self.skipped += other.skipped
        self.remaining_hours += other.remaining_hours
        return self

    def add(self, topic: Topic, status: str) -> None:
        self.total += 1
        if status == Status.DONE:
            self.done += 1
        elif status == Status.SKIPPED:
            self.skipped += 1
        elif status == Status.IN_PROGRESS:
            self.in_progress += 1
        self.remaining_hours += pace.remaining_hours([(topic.estimated_hours, status)])


@dataclass
class TopicRow:
    topic: TopicEntry
    status: str = Status.NOT_STARTED
    url: str | None = None  # where the title links, when not the topic's own page
    body: str = ""  # the topic's body (roadmap.selectors.topic_bodies), where a row is rendered
    html: str = ""  # the row as rendered for the page (progress.rows), once it is


@dataclass
class SectionRows:
    section: SectionEntry
    rows: list[TopicRow]
    completion: Completion


@dataclass
class RoadmapProgress:
    roadmap: object
    sections: list[SectionRows]
    completion: Completion
    pace: "Pace | None" = None  # on the dashboard
    projects: "ProjectCompletion | None" = None  # on the dashboard
    figures: "summary.Figures | None" = None  # the summary's, where the page reads it (last activity)

    def rows(self):
        return (row for section in self.sections for row in section.rows)


def _roadmap_page_statement() -> str:
    """A published roadmap by slug with the content version and whether the
    learner follows it and opens it as its map: plain SQL made once from the
    models' _meta, the same text on both databases. Built with the ORM (a
    subquery and two EXISTS) it cost more to compile than the rest of the query
    work of the roadmap page (#24); its values are parameters."""
    roadmap, follow = sql.table(Roadmap), sql.table(RoadmapFollow)
    column = sql.column
    fields = ", ".join(f"r.{column(Roadmap, field.name)}" for field in Roadmap._meta.concrete_fields)
    learner, of, prefers_map = (column(RoadmapFollow, name) for name in ("learner", "roadmap", "prefers_map"))
    mine = f"SELECT 1 FROM {follow} f WHERE f.{learner} = %s AND f.{of} = r.{column(Roadmap, 'id')}"  # noqa: S608
    return (
        f"SELECT {fields}, {content_version_sql()} AS content_version, "  # noqa: S608 (names from _meta, quoted)
        f"EXISTS ({mine}) AS following, EXISTS ({mine} AND f.{prefers_map} = %s) AS prefers_map "
        f"FROM {roadmap} r WHERE r.{column(Roadmap, 'slug')} = %s AND r.{column(Roadmap, 'published')} = %s"
    )


ROADMAP_PAGE = _roadmap_page_statement()


def roadmap_page_or_404(slug: str, learner):
    """A published roadmap with the content version and, for a signed-in
    learner, whether they follow it (`following`) and open it as its map
    (`prefers_map`): one query."""
    learner_id = learner.pk if learner.is_authenticated else None  # = NULL: matches no follow
    params = [ContentVersion.SINGLETON, learner_id, learner_id, True, slug, True]
    roadmap = next(iter(Roadmap.objects.raw(ROADMAP_PAGE, params)), None)
    if roadmap is None:
        raise Http404("No such roadmap")
    roadmap.following, roadmap.prefers_map = bool(roadmap.following), bool(roadmap.prefers_map)
    return roadmap


def _followed_statement() -> str:
    """The published roadmaps a learner follows, in the roadmaps' order, each with
    the content version, the learner's pace (plan_basis, hours_per_week,
    target_date) and their summary (`counted_*`, NULL when missing): plain SQL
    made once, as the roadmap page's. Built with the ORM (a FilteredRelation, a
    subquery and twelve annotations) it cost 1.4 ms of the dashboard's 4.6 ms of
    queries, 0.2 ms of it to run (#24)."""
    roadmap, follow, counted = (sql.table(m) for m in (Roadmap, RoadmapFollow, ProgressSummary))
    column = sql.column
    fields = ", ".join(f"r.{column(Roadmap, field.name)}" for field in Roadmap._meta.concrete_fields)
    pace = ", ".join(
        f"f.{column(RoadmapFollow, name)} AS {name}" for name in ("plan_basis", "hours_per_week", "target_date")
    )
    figures = ", ".join(
        [f"s.{column(ProgressSummary, 'content_version')} AS counted_version"]
        + [f"s.{column(ProgressSummary, name)} AS counted_{name}" for name in summary.FIELDS]
    )
    r_id, of = f"r.{column(Roadmap, 'id')}", "roadmap"
    return (
        f"SELECT {fields}, {content_version_sql()} AS content_version, {pace}, {figures} "  # noqa: S608
        f"FROM {roadmap} r "
        f"JOIN {follow} f ON f.{column(RoadmapFollow, of)} = {r_id} AND f.{column(RoadmapFollow, 'learner')} = %s "
        f"LEFT JOIN {counted} s ON s.{column(ProgressSummary, of)} = {r_id} "
        f"AND s.{column(ProgressSummary, 'learner')} = %s "
        f"WHERE r.{column(Roadmap, 'published')} = %s "
        f"ORDER BY r.{column(Roadmap, 'order')}, r.{column(Roadmap, 'title')}"
    )


FOLLOWED = _followed_statement()


def followed_roadmaps(learner) -> list[Roadmap]:
    """The dashboard's roadmaps: those the learner follows, with the content
    version, their pace and their summary (`counted_*`, as with_summary gives
    it): one query."""
    roadmaps = list(Roadmap.objects.raw(FOLLOWED, [ContentVersion.SINGLETON, learner.pk, learner.pk, True]))
    for roadmap in roadmaps:
        # Columns that are not the roadmap's own come back unconverted.
        roadmap.target_date = sql.day(roadmap.target_date)
        roadmap.counted_last_activity = sql.moment(roadmap.counted_last_activity)
    return roadmaps


@dataclass
class TopicProgress:
    """The learner's part of a topic's page."""

    progress: Progress | None
    evidence: list[Evidence]
    prerequisite_statuses: dict[int, str]
    history: list[ProgressEvent]  # every change of the status, oldest first

    @property
    def status(self) -> str:
        return self.progress.status if self.progress else Status.NOT_STARTED


def topic_progress(learner, topic) -> TopicProgress:
    """One query for the topic and its prerequisites, one for its history, and
    one more for evidence when the learner has touched the topic."""
    ids = [topic.pk, *(required.pk for required in topic.prerequisites)]
    rows = {p.topic_id: p for p in Progress.objects.filter(learner=learner, topic_id__in=ids)}
    mine = rows.get(topic.pk)
    return TopicProgress(
        progress=mine,
        evidence=list(mine.evidence.all()) if mine else [],
        prerequisite_statuses={pk: p.status for pk, p in rows.items()},
        history=list(ProgressEvent.objects.filter(learner=learner, topic_id=topic.pk).order_by("pk")),
    )


def roadmap_history(learner, outline, *, limit: int) -> list[ProgressEvent]:
    """The learner's status changes on a roadmap's topics, newest first: one query."""
    topic_ids = [topic.pk for section in outline for topic in section.topics]
    events = ProgressEvent.objects.filter(learner=learner, topic_id__in=topic_ids).select_related("topic")
    return list(events.order_by("-pk")[:limit])


def plan_history(learner, roadmap, *, limit: int) -> list[PlanChange]:
    """The learner's changes of pace on a roadmap, newest first: one query."""
    return list(PlanChange.objects.filter(learner=learner, roadmap=roadmap).order_by("-pk")[:limit])


def project_history(learner, outline, *, limit: int) -> list[ProjectEvent]:
    """The learner's project state changes on a roadmap's projects, newest first:
    one query (the projects come from the cached outline)."""
    ids = {project.pk for section in outline for project in section.projects}
    return list(
        ProjectEvent.objects.filter(work__learner=learner, work__project_id__in=ids)
        .select_related("work__project", "actor")
        .order_by("-pk")[:limit]
    )


def statuses_of(learner) -> dict[int, str]:
    """A learner's status on every topic they touched: one query, no model instances."""
    if learner is None or not learner.is_authenticated:
        return {}
    return dict(
        Progress.objects.filter(learner=learner).exclude(status=Status.NOT_STARTED).values_list("topic_id", "status")
    )


def project_states_of(learner) -> dict[int, str]:
    """A learner's state on every project they started: one query."""
    if learner is None or not learner.is_authenticated:
        return {}
    return dict(ProjectWork.objects.filter(learner=learner).values_list("project_id", "state"))


def roadmap_progress(roadmap, outline, statuses: dict[int, str]) -> RoadmapProgress:
    """Combine a roadmap's cached outline with a learner's statuses (no queries)."""
    overall = Completion()
    shaped = []
    for section in outline:
        completion = Completion()
        rows = []
        for topic in section.topics:
            row = TopicRow(topic=topic, status=statuses.get(topic.pk, Status.NOT_STARTED))
            completion.add(topic, row.status)
            rows.append(row)
        overall += completion
        shaped.append(SectionRows(section=section, rows=rows, completion=completion))
    return RoadmapProgress(roadmap=roadmap, sections=shaped, completion=overall)


def with_summary(roadmaps, learner):
    """Roadmaps (with their content version) with the learner's summary of each
    (progress.summary) read in the same query: `counted_*`."""
    return roadmaps.annotate(counted=FilteredRelation("summaries", condition=Q(summaries__learner=learner))).annotate(
        counted_version=F("counted__content_version"),
        **{f"counted_{name}": F(f"counted__{name}") for name in summary.FIELDS},
    )


def summarised(data: RoadmapProgress) -> RoadmapProgress:
    """A roadmap's completion as its summary counted it (with_summary), unless the
    summary is missing or the content outgrew it: then as the rows count it, which
    is the same rule on the same statuses."""
    roadmap = data.roadmap
    if getattr(roadmap, "counted_version", None) == roadmap.content_version:
        data.figures = summary.Figures(*(getattr(roadmap, f"counted_{name}") for name in summary.FIELDS))
        data.completion = Completion.of(data.figures)
    return data


@dataclass
class StatusUpdate:
    """What a status change redraws on the roadmap page: the topic's row, its
    section's completion and the roadmap's."""

    row: TopicRow
    section: SectionRows
    completion: Completion
    continue_topic: TopicEntry | None = None


def status_update(outline, statuses: dict[int, str], topic_id: int) -> StatusUpdate | None:
    """The parts of the roadmap page a change to one topic redraws (no queries);
    None if the topic is not in the outline. Shapes no other row."""
    overall = Completion()
    found = None
    for section in outline:
        completion = Completion()
        for topic in section.topics:
            status = statuses.get(topic.pk, Status.NOT_STARTED)
            completion.add(topic, status)
            if found is None and topic.pk == topic_id:
                # The section's completion is whole once its loop ends.
                found = TopicRow(topic=topic, status=status), section, completion
        overall += completion
    if found is None:
        return None
    row, section, completion = found
    return StatusUpdate(
        row=row,
        section=SectionRows(section, [row], completion),
        completion=overall,
        continue_topic=continue_topic(outline, statuses),
    )


def continue_topic(outline, statuses: dict[int, str]) -> TopicEntry | None:
    """Where a learner continues a roadmap: the first topic in progress, else
    the first they can take up (as next_rows: all it builds on here settled)."""
    topics = [topic for section in outline for topic in section.topics]
    for topic in topics:
        if statuses.get(topic.pk) == Status.IN_PROGRESS:
            return topic
    on_roadmap = {topic.pk for topic in topics}
    settled = (Status.DONE, Status.SKIPPED)
    for topic in topics:
        if statuses.get(topic.pk) not in settled and all(
            statuses.get(pk) in settled for pk in topic.prerequisite_ids if pk in on_roadmap
        ):
            return topic
    return None


# --- Activity -------------------------------------------------------------


@dataclass
class CalendarDay:
    date: dt.date
    count: int
    x: int
    y: int

    @property
    def label(self) -> str:
        what = f"{self.count} topic{'s' if self.count != 1 else ''} started or completed" if self.count else "none"
        return f"{self.date.strftime('%a %d %b %Y')}: {what}"

    @property
    def level(self) -> int:
        return 0 if self.count == 0 else 1 if self.count == 1 else 2 if self.count <= 3 else 3 if self.count <= 6 else 4


@dataclass
class Activity:
    active: list[CalendarDay]  # the days with progress, oldest first: the others are the pattern's
    months: list[tuple[int, str]]
    active_days: int
    total: int
    current_streak: int
    longest_streak: int
    today: dt.date
    width: int = 0
    height: int = 0
    fragment_key: str = ""  # what the rendered calendar is made of (its {% cache %} key)
    first_day: dt.date | None = None  # the learner's first day of activity, where they live (the pace's history)
    # The grid of empty days is drawn as two pattern-filled rectangles (the
    # full weeks, then this week up to today); only active days are drawn one by one.
    left: int = 0
    top: int = 0
    grid_height: int = 0
    weeks_width: int = 0
    this_week_x: int = 0
    this_week_height: int = 0


CELL = 13
CALENDAR_TOP = 18
CALENDAR_LEFT = 2  # the weekday names sit in a column of their own, outside the scroller
# Room right of the grid for a month that begins in the last week: its name
# ("Dec") is wider than the one column it starts in.
CALENDAR_RIGHT = 2 * CELL


def _streaks(active: set[dt.date], today: dt.date) -> tuple[int, int]:
    longest = run = 0
    previous = None
    for day in sorted(active):
        run = run + 1 if previous and day - previous == dt.timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    # The current streak survives until the end of today: yesterday's run counts.
    current = 0
    day = today if today in active else today - dt.timedelta(days=1)
    while day in active:
        current += 1
        day -= dt.timedelta(days=1)
    return current, longest


def _day_counts(events, tz) -> dict[dt.date, int]:
    """Topics started or completed per day: a topic ticked, unticked and ticked
    again the same day counts once."""
    return dict(
        events.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("topic", distinct=True))
        .values_list("day", "n")
    )


def activity_for(learner, *, now=None) -> Activity:
    """Days with progress in the learner's time zone. The events' count and
    newest id (one aggregate query) key the grouped counts in the cache: any new
    or removed activity event gives a new key (mlepath.cache)."""
    tz = zoneinfo.ZoneInfo(learner.time_zone or "UTC")
    today = timezone.localtime(now or timezone.now(), tz).date()
    events = ProgressEvent.objects.filter(learner=learner, to_status__in=ACTIVITY_STATUSES, reason__in=ACTIVITY_REASONS)
    version = events.aggregate(count=Count("pk"), last=Max("pk"), first=Min("created_at"))
    key = cache.activity_key(learner_id=learner.pk, time_zone=tz.key, count=version["count"], last=version["last"])
    counts = cache.get_or_set(key, lambda: _day_counts(events, tz))
    current, longest = _streaks(set(counts), today)
    # 52 full weeks plus this one, Monday first, ending today: a day's cell is
    # its week's column and its weekday's row.
    start = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=CALENDAR_WEEKS)

    def column(day: dt.date) -> int:
        return CALENDAR_LEFT + (day - start).days // 7 * CELL

    shown = [
        CalendarDay(date=day, count=n, x=column(day), y=CALENDAR_TOP + day.weekday() * CELL)
        for day, n in sorted(counts.items())
        if start <= day <= today and n
    ]
    months, first = [(column(start), start.strftime("%b"))], start.replace(day=1)
    while (first := (first + dt.timedelta(days=31)).replace(day=1)) <= today:
        months.append((column(first), first.strftime("%b")))
    return Activity(
        left=CALENDAR_LEFT,
        top=CALENDAR_TOP,
        grid_height=7 * CELL,
        weeks_width=CALENDAR_WEEKS * CELL,
        this_week_x=CALENDAR_LEFT + CALENDAR_WEEKS * CELL,
        this_week_height=(today.weekday() + 1) * CELL,
        active=shown,
        months=months[1:] if len(months) > 1 and months[1][0] - months[0][0] < 3 * CELL else months,
        active_days=len(shown),
        total=sum(d.count for d in shown),
        current_streak=current,
        longest_streak=longest,
        today=today,
        width=CALENDAR_LEFT + (CALENDAR_WEEKS + 1) * CELL + CALENDAR_RIGHT,
        height=CALENDAR_TOP + 7 * CELL,
        fragment_key=f"{key}:{today.isoformat()}",
        first_day=timezone.localtime(version["first"], tz).date() if version["first"] else None,
    )


# --- Dashboard ------------------------------------------------------------


def next_rows(data: RoadmapProgress, statuses: dict[int, str]):
    """The topics of a roadmap a learner can take up now, in study order: not
    done or skipped, with every prerequisite done or skipped (a skipped topic is
    one the learner knows or chose to pass, so it holds nothing back).
    Prerequisites outside this roadmap (e.g. programming basics for the software
    engineers' track) are assumed known by its audience."""
    in_roadmap = {row.topic.pk for row in data.rows()}
    settled = (Status.DONE, Status.SKIPPED)
    for row in data.rows():
        if row.status in settled:
            continue
        if all(statuses.get(pk) in settled for pk in row.topic.prerequisite_ids if pk in in_roadmap):
            yield row


@dataclass
class Pace:
    """A learner's pace on one followed roadmap, as the dashboard shows it."""

    basis: str  # PlanBasis, or "" without a plan
    remaining: Decimal
    forecast: pace.Forecast | None = None  # with a plan
    week: list[TopicRow] = field(default_factory=list)  # this week's plan
    done_this_week: int = 0


def pace_of(
    data: RoadmapProgress,
    *,
    plan,
    completed: list[tuple[int, dt.datetime]],
    first_activity: dt.date | None,
    now,
    time_zone,
) -> Pace:
    """`plan` has plan_basis, hours_per_week and target_date (a RoadmapFollow);
    `completed` is the learner's (topic id, completed at) of the last weeks
    (recent_completions); `first_activity` their first day (Activity.first_day).
    No query."""
    remaining = data.completion.remaining_hours
    if not plan.plan_basis:
        return Pace(basis="", remaining=remaining)
    hours = {row.topic.pk: row.topic.estimated_hours for row in data.rows()}
    since = now - dt.timedelta(weeks=pace.ACTUAL_PACE_WEEKS)
    monday = pace.week_start(now, time_zone)
    week = pace.week_plan(data.rows(), hours_per_week=plan.hours_per_week)
    return Pace(
        basis=plan.plan_basis,
        remaining=remaining,
        forecast=pace.forecast(
            remaining=remaining,
            hours_per_week=plan.hours_per_week,
            target_date=plan.target_date,
            done_recently_hours=sum(hours[pk] for pk, at in completed if pk in hours and at >= since),
            first_activity=first_activity,
            today=now.astimezone(time_zone).date(),
        ),
        week=week,
        done_this_week=sum(1 for pk, at in completed if pk in hours and at >= monday),
    )


def recent_completions(learner, *, now) -> list[tuple[int, dt.datetime]]:
    """The learner's topics completed in the weeks the actual pace looks at: one query."""
    since = now - dt.timedelta(weeks=pace.ACTUAL_PACE_WEEKS)
    return list(
        Progress.objects.filter(learner=learner, status=Status.DONE, completed_at__gte=since).values_list(
            "topic_id", "completed_at"
        )
    )


@dataclass
class ProjectCompletion:
    """A roadmap's projects for one learner, counted apart from its topics: the
    topic completion stays the share of topics done; a project counts as
    complete once approved by a mentor or marked complete (self-assessed)."""

    complete: int
    self_assessed: int
    total: int


@dataclass
class OpenProject:
    """A project the learner has started and not finished, for "Continue"."""

    project: object  # roadmap.selectors.ProjectEntry
    roadmap: object
    state: str
    label: str


@dataclass
class Dashboard:
    roadmaps: list[RoadmapProgress]
    next_up: list[tuple[Topic, object, str]]  # topic, roadmap, status
    recently_completed: list[Progress]
    activity: Activity | None  # None: read without dates
    open_projects: list[OpenProject] = field(default_factory=list)


def project_figures(shaped: list[RoadmapProgress], works: list[tuple]) -> list[OpenProject]:
    """Each followed roadmap's ProjectCompletion, from its cached outline and the
    learner's (project id, state, slug, title, hours) rows (one query, by the
    caller); returns every open project, whether or not its roadmap is followed."""
    states = {pk: state for pk, state, *_ in works}
    placed_in = {}
    for data in shaped:
        entries = [project for section in data.sections for project in section.section.projects]
        data.projects = ProjectCompletion(
            complete=sum(1 for p in entries if states.get(p.pk) in PROJECT_COMPLETE),
            self_assessed=sum(1 for p in entries if states.get(p.pk) == ProjectState.SELF_ASSESSED),
            total=len(entries),
        )
        for entry in entries:
            placed_in.setdefault(entry.pk, data.roadmap)
    open_projects = [
        OpenProject(
            project=ProjectEntry(
                pk=pk, slug=slug, title=title, estimated_hours=hours, url=reverse("project_detail", args=[slug])
            ),
            roadmap=placed_in.get(pk),
            state=state,
            label=ProjectState(state).label,
        )
        for pk, state, slug, title, hours in works
        if state not in PROJECT_COMPLETE
    ]
    # What waits on the learner first: changes requested, then work in progress, then submitted.
    order = [ProjectState.CHANGES_REQUESTED, ProjectState.IN_PROGRESS, ProjectState.SUBMITTED]
    return sorted(open_projects, key=lambda item: (order.index(item.state), item.project.title))


def dashboard_for(learner, *, now=None, dates: bool = True) -> Dashboard:
    """The learner's dashboard. Without `dates` (a mentor the learner does not
    share their dates with) nothing dated is read at all: no activity, streaks,
    completion dates (not even their order) or pace (read from the dates)."""
    now = now or timezone.now()
    roadmaps = followed_roadmaps(learner)
    statuses = statuses_of(learner)
    shaped = [summarised(roadmap_progress(r, roadmap_outline(r), statuses)) for r in roadmaps]
    activity = activity_for(learner, now=now) if dates else None
    if dates:
        # The pace's one query, only for a learner who set one.
        completed = recent_completions(learner, now=now) if any(r.plan_basis for r in roadmaps) else []
        time_zone = zoneinfo.ZoneInfo(learner.time_zone or "UTC")
        for data in shaped:
            data.pace = pace_of(
                data,
                plan=data.roadmap,
                completed=completed,
                first_activity=activity.first_day,
                now=now,
                time_zone=time_zone,
            )

    # "Continue": what the learner has in progress first, then what each
    # roadmap has next for them, each with the roadmap it is on.
    next_up, seen = [], set()
    in_progress = ((row, data.roadmap) for data in shaped for row in data.rows() if row.status == Status.IN_PROGRESS)
    up_next = ((row, data.roadmap) for data in shaped for row in next_rows(data, statuses))
    for row, roadmap in chain(in_progress, up_next):
        if len(next_up) == NEXT_UP_LIMIT:
            break
        if row.topic.pk not in seen:
            next_up.append((row.topic, roadmap, row.status))
            seen.add(row.topic.pk)

    works = list(
        ProjectWork.objects.filter(learner=learner, project__retired=False).values_list(
            "project_id", "state", "project__slug", "project__title", "project__estimated_hours"
        )
    )
    open_projects = project_figures(shaped, works)

    recent = (
        list(
            Progress.objects.filter(learner=learner, status=Status.DONE, topic__retired=False)
            .select_related("topic")
            .order_by("-completed_at")[:RECENT_LIMIT]
        )
        if dates
        else []
    )
    return Dashboard(
        roadmaps=shaped,
        next_up=next_up,
        recently_completed=recent,
        activity=activity,
        open_projects=open_projects,
    )


def completion_of_followed(learner) -> list[RoadmapProgress]:
    """The completion of each published roadmap the learner follows (the
    portfolio), from the summaries: one query, and the statuses only if one is
    missing or stale."""
    roadmaps = list(
        with_summary(
            Roadmap.objects.published().with_content_version().filter(follows__learner=learner), learner
        ).order_by("order")
    )
    stale = any(roadmap.counted_version != roadmap.content_version for roadmap in roadmaps)
    statuses = statuses_of(learner) if stale else {}
    return [summarised(roadmap_progress(roadmap, roadmap_outline(roadmap), statuses)) for roadmap in roadmaps]


# --- Calendar feed ------------------------------------------------------------


def calendar_feed_of(learner) -> CalendarFeed | None:
    """The learner's feed, if they made one (the account page): one query."""
    return CalendarFeed.objects.filter(learner=learner).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a URL's token opens, with its learner, or None for an unknown,
    renewed or revoked token or a deactivated account: one query, by digest."""
    return (
        CalendarFeed.objects.select_related("learner")
        .filter(token_digest=CalendarFeed.digest(token), learner__is_active=True)
        .first()
    )
