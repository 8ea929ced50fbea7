"""The learner's dashboard, assembled: each followed roadmap's completion and
pace, "Continue", open projects, recently completed and the activity (read
without dates for a mentor the learner does not share them with)."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain

from django.urls import reverse
from django.utils import timezone

from progress import burnup, pace
from progress.activity import Activity, activity_for
from progress.models import PROJECT_COMPLETE, Progress, ProjectState, ProjectWork, Status
from progress.selectors import (
    ReviewEntry,
    RoadmapProgress,
    TopicRow,
    followed_roadmaps,
    reviews_of,
    roadmap_progress,
    statuses_of,
    summarised,
    time_logged,
    with_summary,
)
from roadmap.models import Roadmap, Topic, in_language
from roadmap.selectors import ProjectEntry, roadmap_outline

NEXT_UP_LIMIT = 5
RECENT_LIMIT = 5


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
    chart: burnup.Chart | None = None  # with a plan


@dataclass
class TimeLog:
    """A learner's time logged on one roadmap's topics (each section's is on its SectionRows)."""

    minutes: int

    @property
    def hours(self) -> int | float:
        return burnup.hours_of(self.minutes)


def time_log_of(data: RoadmapProgress, spent: dict[int, int]) -> TimeLog | None:
    """The roadmap's share of the learner's time (`spent`: minutes a topic), and
    each section's on its SectionRows; None if none. No query."""
    logged = [sum(spent.get(row.topic.pk, 0) for row in section.rows) for section in data.sections]
    if not any(logged):
        return None
    for section, minutes in zip(data.sections, logged, strict=True):
        # Figures alone (a number is written the same in every language we have); the words are the template's.
        section.time_figures = f"{burnup.hours_of(minutes)} / {sum(row.topic.estimated_hours for row in section.rows)}"
    return TimeLog(minutes=sum(logged))


def pace_of(
    data: RoadmapProgress,
    *,
    plan,
    completed: list[tuple[int, dt.datetime]],
    logged: list[tuple[int, dt.date, int]] = (),
    spent: dict[int, int] | None = None,
    first_activity: dt.date | None,
    now,
    time_zone,
) -> Pace:
    """`plan` has plan_basis, hours_per_week and target_date (a RoadmapFollow);
    `completed` is the learner's (topic id, completed at) of every done topic
    (completions); `logged` their time log (selectors.time_logged) and `spent`
    its minutes a topic; `first_activity` their first day (Activity.first_day). No query."""
    remaining = data.completion.remaining_hours
    if not plan.plan_basis:
        return Pace(basis="", remaining=remaining)
    hours = {row.topic.pk: row.topic.estimated_hours for row in data.rows()}
    since = now - dt.timedelta(weeks=pace.ACTUAL_PACE_WEEKS)
    monday = pace.week_start(now, time_zone)
    today = now.astimezone(time_zone).date()
    spent = spent or {}
    speed = pace.speed_of((row.topic.estimated_hours, row.status, spent.get(row.topic.pk, 0)) for row in data.rows())
    forecast = pace.forecast(
        remaining=remaining,
        hours_per_week=plan.hours_per_week,
        target_date=plan.target_date,
        done_recently_hours=sum(hours[pk] for pk, at in completed if pk in hours and at >= since),
        first_activity=first_activity,
        today=today,
        speed=speed,
    )
    statuses = {row.topic.pk: row.status for row in data.rows()}
    return Pace(
        basis=plan.plan_basis,
        remaining=remaining,
        forecast=forecast,
        week=pace.week_plan(data.rows(), hours_per_week=plan.hours_per_week, ratio=speed.ratio),
        done_this_week=sum(1 for pk, at in completed if pk in hours and at >= monday),
        chart=burnup.chart(
            started=first_activity or today,
            today=today,
            scope_hours=sum(h for pk, h in hours.items() if statuses[pk] != Status.SKIPPED),
            completed=[
                (at.astimezone(time_zone).date(), hours[pk])
                for pk, at in completed
                if pk in hours and statuses[pk] == Status.DONE
            ],
            logged=[(day, minutes) for topic_id, day, minutes in logged if topic_id in hours],
            target_date=plan.target_date,
            finish_at_actual=forecast.finish_at_actual,
        ),
    )


def completions(learner) -> list[tuple[int, dt.datetime]]:
    """The learner's done topics and when they were completed (the pace and the chart): one query."""
    return list(Progress.objects.filter(learner=learner, status=Status.DONE).values_list("topic_id", "completed_at"))


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
    # Read with dates only: reviews are due on days, and time is logged on days.
    reviews_due: list[ReviewEntry] = field(default_factory=list)  # oldest due first
    reviews_later: list[ReviewEntry] = field(default_factory=list)  # soonest first
    logged_this_week: int = 0  # minutes, on any topic
    time_logged: bool = False  # any time, ever
    today: dt.date | None = None

    @property
    def reviews_done(self) -> int:
        return sum(review.reviews_done for review in chain(self.reviews_due, self.reviews_later))


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
    reviews, logged, today, this_week = [], [], None, 0
    if dates:
        # The pace's one query, only for a learner who set one.
        completed = completions(learner) if any(r.plan_basis for r in roadmaps) else []
        logged = time_logged(learner)
        reviews = reviews_of(learner, statuses, {row.topic.pk: row.topic for data in shaped for row in data.rows()})
        time_zone = zoneinfo.ZoneInfo(learner.time_zone or "UTC")
        today = now.astimezone(time_zone).date()
        monday = pace.week_start(now, time_zone).date()
        spent: dict[int, int] = {}
        for topic_id, day, minutes in logged:
            spent[topic_id] = spent.get(topic_id, 0) + minutes
            this_week += minutes if day >= monday else 0
        for data in shaped:
            data.pace = pace_of(
                data,
                plan=data.roadmap,
                completed=completed,
                logged=logged,
                spent=spent,
                first_activity=activity.first_day,
                now=now,
                time_zone=time_zone,
            )
            data.time_log = time_log_of(data, spent) if spent else None

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

    works = [
        (pk, state, slug, in_language(title, translations, "title"), hours)
        for pk, state, slug, title, translations, hours in ProjectWork.objects.filter(
            learner=learner, project__retired=False
        ).values_list(
            "project_id",
            "state",
            "project__slug",
            "project__title",
            "project__translations",
            "project__estimated_hours",
        )
    ]
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
        reviews_due=[review for review in reviews if review.due_on <= today],
        reviews_later=[review for review in reviews if review.due_on > today],
        logged_this_week=this_week,
        time_logged=bool(logged),
        today=today,
    )


def completion_of_followed(learner) -> list[RoadmapProgress]:
    """The completion of each published shipped roadmap the learner follows
    (the public portfolio: a cohort track is seen by its people alone), from
    the summaries: one query, and the statuses only if one is missing or stale."""
    roadmaps = list(
        with_summary(
            Roadmap.objects.published().shipped().with_content_version().filter(follows__learner=learner), learner
        ).order_by("order")
    )
    stale = any(roadmap.counted_version != roadmap.content_version for roadmap in roadmaps)
    statuses = statuses_of(learner) if stale else {}
    return [summarised(roadmap_progress(roadmap, roadmap_outline(roadmap), statuses)) for roadmap in roadmaps]
