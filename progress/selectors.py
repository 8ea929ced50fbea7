"""Reads of a learner's progress, shaped for the pages that show them.

Each page-level function runs a fixed number of queries whatever the number of
topics, roadmaps and events (pinned in tests)."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import F, FilteredRelation, Q, Sum

from mlepath import sql
from progress import pace, summary
from progress.models import (
    CalendarFeed,
    Evidence,
    PlanChange,
    Progress,
    ProgressEvent,
    ProgressSummary,
    ProjectEvent,
    ProjectWork,
    Review,
    RoadmapFollow,
    Status,
    TimeEntry,
)
from roadmap.models import ContentVersion, Roadmap, Topic
from roadmap.selectors import (
    SectionEntry,
    TopicContent,
    TopicEntry,
    content_version_sql,
    published_roadmap,
    topic_content,
)

if TYPE_CHECKING:  # the dashboard's, which builds on these
    from progress.dashboard import Pace, ProjectCompletion, TimeLog


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
    review_due: bool = False  # a done topic due for review (the learner's own page)


@dataclass
class SectionRows:
    section: SectionEntry
    rows: list[TopicRow]
    completion: Completion
    # The learner's time on its topics against their estimate, as "3.5 / 10" hours
    # (the dashboard, where they logged some on the roadmap).
    time_figures: str = ""


@dataclass
class RoadmapProgress:
    roadmap: object
    sections: list[SectionRows]
    completion: Completion
    pace: "Pace | None" = None  # on the dashboard
    projects: "ProjectCompletion | None" = None  # on the dashboard
    figures: "summary.Figures | None" = None  # the summary's, where the page reads it (last activity)
    time_log: "TimeLog | None" = None  # on the dashboard, where the learner logged time on it

    def rows(self):
        return (row for section in self.sections for row in section.rows)

    @cached_property
    def topic_ids(self) -> set[int]:
        return {row.topic.pk for row in self.rows()}


def visible_sql(roadmap: str = "r") -> str:
    """Whether the roadmap aliased `roadmap` is one a reader may open, as plain
    SQL: a shipped roadmap, or a cohort track they wrote or follow, or any track
    for site staff. Its three parameters: the reader's id twice (None for a
    visitor: it matches nobody) and whether they are staff."""
    column, follow = sql.column, sql.table(RoadmapFollow)
    r_id = f"{roadmap}.{column(Roadmap, 'id')}"
    return (
        f"({roadmap}.{column(Roadmap, 'kind')} = '{Roadmap.Kind.SHIPPED}' "  # noqa: S608 (a choice's value)
        f"OR {roadmap}.{column(Roadmap, 'author')} = %s "
        f"OR EXISTS (SELECT 1 FROM {follow} vf WHERE vf.{column(RoadmapFollow, 'learner')} = %s "  # noqa: S608
        f"AND vf.{column(RoadmapFollow, 'roadmap')} = {r_id}) OR %s)"
    )


def visibility_params(reader) -> list:
    reader_id = reader.pk if reader is not None and reader.is_authenticated else None
    return [reader_id, reader_id, bool(reader is not None and reader.is_staff)]


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
        f"FROM {roadmap} r WHERE r.{column(Roadmap, 'slug')} = %s AND r.{column(Roadmap, 'published')} = %s "
        f"AND {visible_sql()}"
    )


ROADMAP_PAGE = _roadmap_page_statement()


def roadmap_page(slug: str, learner) -> Roadmap | None:
    """A published roadmap the reader may open (a cohort track: theirs, or one
    they follow) with the content version and, for a signed-in learner, whether
    they follow it (`following`) and open it as its map (`prefers_map`): one query."""
    learner_id = learner.pk if learner.is_authenticated else None  # = NULL: matches no follow
    params = [ContentVersion.SINGLETON, learner_id, learner_id, True, slug, True, *visibility_params(learner)]
    roadmap = next(iter(Roadmap.objects.raw(ROADMAP_PAGE, params)), None)
    if roadmap is None:
        return None
    roadmap.following, roadmap.prefers_map = bool(roadmap.following), bool(roadmap.prefers_map)
    return roadmap


def may_open(roadmap: Roadmap, reader, *, staff: bool = True) -> bool:
    """Whether the reader may open this published roadmap (visible_sql's rule,
    for a roadmap read without it): no query but for someone else's cohort track.
    `staff=False` asks it of a learner as a mentor sees them: their own tracks
    and those they follow, whatever their rights on the site."""
    if not roadmap.is_track or (
        reader.is_authenticated and ((staff and reader.is_staff) or roadmap.author_id == reader.pk)
    ):
        return True
    return reader.is_authenticated and RoadmapFollow.objects.filter(learner=reader, roadmap=roadmap).exists()


def open_roadmap(slug: str, reader, *, staff: bool = True) -> Roadmap | None:
    """A published roadmap with its content version, if the reader may open it (may_open)."""
    roadmap = published_roadmap(slug)
    return roadmap if roadmap is not None and may_open(roadmap, reader, staff=staff) else None


def readable_topic(slug: str, reader) -> "TopicContent | None":
    """A live topic's content for this reader: a cohort track's own topic only
    for those who may open its track (one more query, for such topics alone)."""
    content = topic_content(slug)
    if content is None or (content.track_id is not None and not may_open_track(content.track_id, reader)):
        return None
    return content


def may_read(content, reader, *, staff: bool = True) -> bool:
    """Whether the reader may read a topic or project: a shipped one, or a
    cohort track's own if they may open its track."""
    return content.track_id is None or may_open_track(content.track_id, reader, staff=staff)


def may_open_track(track_id: int, reader, *, staff: bool = True) -> bool:
    """Whether the reader may read what belongs to this cohort track (its own
    topics and projects): one query."""
    if not reader.is_authenticated:
        return False
    track = Roadmap.objects.filter(pk=track_id, published=True).values_list("kind", "author_id").first()
    if track is None:
        return staff and reader.is_staff
    roadmap = Roadmap(pk=track_id, kind=track[0], author_id=track[1])
    return may_open(roadmap, reader, staff=staff)


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
    review: Review | None = None  # while the topic is done
    time_entries: list[TimeEntry] = field(default_factory=list)  # oldest first

    @property
    def status(self) -> str:
        return self.progress.status if self.progress else Status.NOT_STARTED

    @property
    def logged_minutes(self) -> int:
        return sum(entry.minutes for entry in self.time_entries)


def topic_progress(learner, topic) -> TopicProgress:
    """One query for the topic and its prerequisites, one for its history, and
    when the learner has touched the topic, one each for its evidence, its time
    log and (a done topic) its review."""
    ids = [topic.pk, *(required.pk for required in topic.prerequisites)]
    rows = {p.topic_id: p for p in Progress.objects.filter(learner=learner, topic_id__in=ids)}
    mine = rows.get(topic.pk)
    done = mine is not None and mine.status == Status.DONE
    return TopicProgress(
        progress=mine,
        evidence=list(mine.evidence.all()) if mine else [],
        prerequisite_statuses={pk: p.status for pk, p in rows.items()},
        history=list(ProgressEvent.objects.filter(learner=learner, topic_id=topic.pk).order_by("pk")),
        review=Review.objects.filter(learner=learner, topic_id=topic.pk).select_related("suggested_by").first()
        if done
        else None,
        time_entries=list(TimeEntry.objects.filter(learner=learner, topic_id=topic.pk)) if mine else [],
    )


@dataclass(frozen=True)
class ReviewEntry:
    """A review as the dashboard, the digest and the calendar list it."""

    topic: TopicEntry  # from the outline of a followed roadmap
    due_on: object  # a date
    reviews_done: int


def reviews_of(learner, statuses: dict[int, str], topics: dict[int, TopicEntry]) -> list[ReviewEntry]:
    """The learner's reviews of the topics of their roadmaps (`topics`, from the
    cached outlines: live ones, in the reader's language) that are done (by
    `statuses`, statuses_of's), the oldest due first: one query, no join."""
    rows = Review.objects.filter(learner=learner).values_list("topic_id", "due_on", "reviews_done")
    entries = [
        ReviewEntry(topic=topics[topic_id], due_on=due_on, reviews_done=done)
        for topic_id, due_on, done in rows
        if topic_id in topics and statuses.get(topic_id) == Status.DONE
    ]
    return sorted(entries, key=lambda entry: (entry.due_on, entry.topic.title))


def due_for_review(learner, today) -> set[int]:
    """The learner's topics whose review is due on `today` (their day): one query,
    no join. A review counts while its topic is done: the rows and boxes that
    show the mark are a done topic's (progress.rows, the map)."""
    return set(Review.objects.filter(learner=learner, due_on__lte=today).values_list("topic_id", flat=True))


def time_logged(learner) -> list[tuple[int, object, int]]:
    """The learner's time log as (topic id, day, minutes) a topic and day: one query."""
    return list(
        TimeEntry.objects.filter(learner=learner)
        .values_list("topic_id", "logged_on")
        .annotate(total=Sum("minutes"))
        .order_by()
    )


def roadmap_history(learner, outline, *, limit: int) -> list[ProgressEvent]:
    """The learner's status changes on a roadmap's topics, newest first: one query."""
    topic_ids = [topic.pk for section in outline for topic in section.topics]
    events = ProgressEvent.objects.filter(learner=learner, topic_id__in=topic_ids).select_related("topic")
    return list(events.order_by("-pk")[:limit])


def time_history(learner, outline, *, limit: int) -> list[TimeEntry]:
    """The learner's time logged on a roadmap's topics, newest first: one query."""
    topic_ids = [topic.pk for section in outline for topic in section.topics]
    entries = TimeEntry.objects.filter(learner=learner, topic_id__in=topic_ids).select_related("topic")
    return list(entries.order_by("-created_at", "-pk")[:limit])


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
