"""Each learner's progress on each published roadmap, counted when it changes
(ProgressSummary) rather than aggregated on every view of it.

The writes run in the transaction of the change they count: a status change,
reset or undo moves the counts by what changed (`record`); an import recounts
(`recount`); a follow makes the row. The summary rows are locked first, so two
changes at once each count on top of the other. A content change moves the
content version, which makes every row stale; the task `refresh_summaries`
recounts them through the worker, and until it has, a read computes a stale or
missing row afresh (`read`): a page never shows a count the content outgrew,
and a GET writes nothing.

The rule is here once: a roadmap's live topics, each counted once whatever its
sections; the hours left are the pace's (progress.pace.remaining_hours)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import connection
from django.db.models import Max, Q

from mlepath import sql
from progress import pace
from progress.models import Progress, ProgressEvent, ProgressSummary, RoadmapFollow, Status
from roadmap.models import ContentVersion, Roadmap
from roadmap.selectors import content_version_sql, roadmap_outline

Pair = tuple[int, int]  # (learner id, roadmap id)


def percent_done(*, done: int, countable: int) -> int:
    """A roadmap's completion in whole percent, rounded down: done of the topics
    not skipped (a skipped topic leaves the count; it never counts as done)."""
    return done * 100 // countable if countable else 0


@dataclass(frozen=True)
class Figures:
    """What a summary holds."""

    topics: int = 0
    hours: int = 0
    done: int = 0
    in_progress: int = 0
    skipped: int = 0
    done_hours: int = 0
    in_progress_hours: int = 0
    skipped_hours: int = 0
    last_activity: dt.datetime | None = None

    @property
    def remaining_hours(self) -> Decimal:
        return pace.remaining_of(
            hours=self.hours,
            done=self.done_hours,
            skipped=self.skipped_hours,
            in_progress=self.in_progress_hours,
        )


FIELDS = tuple(f.name for f in fields(Figures))
LAST_ACTIVITY = ProgressSummary._meta.get_field("last_activity")
COUNTED = {Status.DONE: "done", Status.IN_PROGRESS: "in_progress", Status.SKIPPED: "skipped"}


def topics_of(roadmap: Roadmap) -> dict[int, int]:
    """A roadmap's live topics and their hours, from its cached outline; a topic
    placed in two sections counts once."""
    return {topic.pk: topic.estimated_hours for section in roadmap_outline(roadmap) for topic in section.topics}


def figures_of(topics: dict[int, int], statuses: dict[int, str], last_activity=None) -> Figures:
    """The rule: a learner's statuses counted over a roadmap's topics."""
    counts = dict.fromkeys(("done", "in_progress", "skipped", "done_hours", "in_progress_hours", "skipped_hours"), 0)
    for pk, hours in topics.items():
        name = COUNTED.get(statuses.get(pk, Status.NOT_STARTED))
        if name:
            counts[name] += 1
            counts[f"{name}_hours"] += hours
    return Figures(topics=len(topics), hours=sum(topics.values()), last_activity=last_activity, **counts)


def _counted_statement(*, one_learner: bool) -> str:
    """The roadmaps summaries are kept for: every published shipped roadmap, and
    the published cohort tracks that are followed (by one learner, or by
    anyone). Plain SQL made once from _meta, as roadmap.selectors' statements."""
    roadmap, follow, column = sql.table(Roadmap), sql.table(RoadmapFollow), sql.column
    fields = ", ".join(f"r.{column(Roadmap, field.name)}" for field in Roadmap._meta.concrete_fields)
    by = f"AND f.{column(RoadmapFollow, 'learner')} = %s" if one_learner else ""
    followed = f"SELECT 1 FROM {follow} f WHERE f.{column(RoadmapFollow, 'roadmap')} = r.{column(Roadmap, 'id')} {by}"  # noqa: S608
    return (
        f"SELECT {fields}, {content_version_sql()} AS content_version "  # noqa: S608 (names from _meta, quoted)
        f"FROM {roadmap} r WHERE r.{column(Roadmap, 'published')} = %s "
        f"AND (r.{column(Roadmap, 'kind')} = %s OR EXISTS ({followed}))"
    )


COUNTED_FOR_ONE, COUNTED_FOR_ALL = _counted_statement(one_learner=True), _counted_statement(one_learner=False)


def published(learner_id: int | None = None) -> dict[int, Roadmap]:
    """The roadmaps summaries are kept for, by id, with their content version:
    the published shipped ones, and the cohort tracks the learner follows (any
    learner, without one). One query."""
    params = [ContentVersion.SINGLETON, True, Roadmap.Kind.SHIPPED]
    statement = COUNTED_FOR_ALL if learner_id is None else COUNTED_FOR_ONE
    return {r.pk: r for r in Roadmap.objects.raw(statement, params if learner_id is None else [*params, learner_id])}


def fresh(pairs: Iterable[Pair], roadmaps: dict[int, Roadmap]) -> dict[Pair, Figures]:
    """The figures of (learner, roadmap) pairs from the learners' progress rows
    and events: two queries whatever the number of pairs."""
    pairs = set(pairs)
    if not pairs:
        return {}
    learner_ids = {learner_id for learner_id, _ in pairs}
    topics = {pk: topics_of(roadmaps[pk]) for pk in {roadmap_id for _, roadmap_id in pairs}}
    statuses: dict[int, dict[int, str]] = {learner_id: {} for learner_id in learner_ids}
    for learner_id, topic_id, status in (
        Progress.objects.filter(learner_id__in=learner_ids)
        .exclude(status=Status.NOT_STARTED)
        .values_list("learner_id", "topic_id", "status")
    ):
        statuses[learner_id][topic_id] = status
    last = {
        row["learner_id"]: row
        for row in ProgressEvent.objects.filter(learner_id__in=learner_ids)
        .values("learner_id")
        .annotate(**{f"r{pk}": Max("created_at", filter=Q(topic_id__in=list(ids))) for pk, ids in topics.items()})
    }
    return {
        (learner_id, roadmap_id): figures_of(
            topics[roadmap_id], statuses[learner_id], last.get(learner_id, {}).get(f"r{roadmap_id}")
        )
        for learner_id, roadmap_id in pairs
    }


def read(pairs: Iterable[Pair], roadmaps: dict[int, Roadmap], *, learners=None) -> dict[Pair, Figures]:
    """The figures of (learner, roadmap) pairs, roadmaps read with their content
    version: one query, and two more only for rows missing or stale. `learners`,
    a query of learner ids holding the pairs', selects them by subquery."""
    pairs = set(pairs)
    if not pairs:
        return {}
    result = {}
    learners = {learner_id for learner_id, _ in pairs} if learners is None else learners
    for learner_id, roadmap_id, version, *values in ProgressSummary.objects.filter(
        learner_id__in=learners, roadmap_id__in=roadmaps
    ).values_list("learner_id", "roadmap_id", "content_version", *FIELDS):
        if (learner_id, roadmap_id) in pairs and version == roadmaps[roadmap_id].content_version:
            result[learner_id, roadmap_id] = Figures(*values)
    result.update(fresh(pairs - result.keys(), roadmaps))
    return result


def _locked(learner_ids: set[int], roadmaps: dict[int, Roadmap]) -> dict[Pair, ProgressSummary]:
    """The learners' rows of these roadmaps, locked for the transaction; a missing
    row is made stale (version 0), so that it is counted afresh under the lock."""
    rows = ProgressSummary.objects.select_for_update().filter(learner_id__in=learner_ids, roadmap_id__in=roadmaps)
    found = {(row.learner_id, row.roadmap_id): row for row in rows.order_by("pk")}
    # Every learner has a row of each shipped roadmap; of a cohort track, its followers alone.
    wanted = {(learner_id, pk) for learner_id in learner_ids for pk, r in roadmaps.items() if not r.is_track}
    if tracks := [pk for pk, r in roadmaps.items() if r.is_track]:
        follows = RoadmapFollow.objects.filter(learner_id__in=learner_ids, roadmap_id__in=tracks)
        wanted |= set(follows.values_list("learner_id", "roadmap_id"))
    if len(found) < len(wanted):
        ProgressSummary.objects.bulk_create(
            [ProgressSummary(learner_id=learner_id, roadmap_id=pk) for learner_id, pk in wanted - found.keys()],
            ignore_conflicts=True,
        )
        found = {(row.learner_id, row.roadmap_id): row for row in rows.order_by("pk")}
    return found


def _save(rows: dict[Pair, ProgressSummary], figures: dict[Pair, Figures], roadmaps: dict[int, Roadmap]) -> None:
    if not rows:
        return
    if len(rows) > 2:  # a recount
        for pair, row in rows.items():
            row.content_version = roadmaps[row.roadmap_id].content_version
            for name in FIELDS:
                setattr(row, name, getattr(figures[pair], name))
        ProgressSummary.objects.bulk_update(rows.values(), ["content_version", *FIELDS])
        return
    # A tick's one or two rows: a plain UPDATE each costs a fifth of bulk_update's CASE of one row.
    for pair, row in rows.items():
        values = {name: getattr(figures[pair], name) for name in FIELDS}
        ProgressSummary.objects.filter(pk=row.pk).update(
            content_version=roadmaps[row.roadmap_id].content_version, **values
        )


def _column(name: str) -> str:
    return sql.column(ProgressSummary, name)


def _move_statement(roadmaps: int) -> str:
    """The UPDATE that moves a learner's rows of `roadmaps` roadmaps, of one content
    version, by a change: plain SQL made from the model's _meta, the same text on
    both databases. Built with the ORM (F, Greatest, Coalesce), the same UPDATE
    cost 1.1 ms to build and compile and held SQLite's write lock that much
    longer on every tick (#24); its values are parameters, in the order of MOVED."""
    counts = ", ".join(f"{_column(name)} = {_column(name)} + %s" for name in MOVED)
    last = _column("last_activity")
    return (
        f"UPDATE {sql.table(ProgressSummary)} SET {counts}, "  # noqa: S608 (names from _meta)
        f"{last} = CASE WHEN {last} IS NULL OR {last} < %s THEN %s ELSE {last} END "
        f"WHERE {_column('learner')} = %s AND {_column('content_version')} = %s "
        f"AND {_column('roadmap')} IN ({', '.join(['%s'] * roadmaps)})"
    )


MOVED = ("done", "in_progress", "skipped", "done_hours", "in_progress_hours", "skipped_hours")
MOVE = {count: _move_statement(count) for count in (1, 2, 3, 4)}  # more roadmaps are built when needed


def _move(*, learner_id: int, roadmaps: list[Roadmap], held: dict[int, int], changes: list[ProgressEvent]) -> int:
    """Move the learner's rows of `roadmaps` (one content version) by `changes`,
    all of topics they hold; returns how many rows moved."""
    counts = dict.fromkeys(MOVED, 0)
    for event in changes:
        for status, sign in ((event.from_status, -1), (event.to_status, 1)):
            if name := COUNTED.get(status):
                counts[name] += sign
                counts[f"{name}_hours"] += sign * held[event.topic_id]
    latest = LAST_ACTIVITY.get_db_prep_value(max(event.created_at for event in changes), connection)
    statement = MOVE.get(len(roadmaps)) or _move_statement(len(roadmaps))
    params = [*counts.values(), latest, latest, learner_id, roadmaps[0].content_version, *(r.pk for r in roadmaps)]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def record(*, learner_id: int, changes: list[ProgressEvent], roadmaps: dict[int, Roadmap] | None = None) -> None:
    """Count status changes just written (their events), in their transaction:
    each published roadmap holding a changed topic has its row moved by them,
    one UPDATE each, as long as the row is of the content version the changes
    were counted against. `roadmaps` (published(), read before the transaction
    so that it holds the write lock for less) may be a version behind: a row
    missing, or of any other version, has all the learner's rows counted afresh
    under a lock, against the content as it is now (recount)."""
    if not changes:
        return
    roadmaps = published(learner_id) if roadmaps is None else roadmaps
    # Roadmaps holding the same changed topics move by the same amounts (a topic's
    # hours are its own): one UPDATE for each such group, usually one in all.
    groups: dict[frozenset, list[Roadmap]] = {}
    for roadmap in roadmaps.values():
        held = topics_of(roadmap)
        if moved := frozenset(event.topic_id for event in changes if event.topic_id in held):
            groups.setdefault(moved, []).append(roadmap)
    for moved, group in groups.items():
        changed = [event for event in changes if event.topic_id in moved]
        if _move(learner_id=learner_id, roadmaps=group, held=topics_of(group[0]), changes=changed) < len(group):
            recount(learner_ids={learner_id})
            return


def recount(*, learner_ids: set[int], roadmaps: dict[int, Roadmap] | None = None) -> None:
    """Count learners' rows afresh (an import, a follow, a content change), in
    the caller's transaction: of every published roadmap, or of those given."""
    if roadmaps is None:
        roadmaps = published(next(iter(learner_ids)) if len(learner_ids) == 1 else None)
    if not roadmaps or not learner_ids:
        return
    rows = _locked(learner_ids, roadmaps)
    _save(rows, fresh(rows.keys(), roadmaps), roadmaps)
