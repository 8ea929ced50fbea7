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
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from django.db.models import Max, Q

from progress.models import Progress, ProgressEvent, ProgressSummary, Status
from roadmap.models import Roadmap
from roadmap.selectors import roadmap_outline

Pair = tuple[int, int]  # (learner id, roadmap id)


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
        """The pace's rule (progress.pace.remaining_hours): half of a topic in progress is left."""
        return Decimal(self.hours - self.done_hours - self.skipped_hours) - Decimal(self.in_progress_hours) / 2

    @property
    def percent(self) -> int:
        # Skipped topics leave the denominator; they never count as done.
        countable = self.topics - self.skipped
        return self.done * 100 // countable if countable else 0


FIELDS = tuple(f.name for f in fields(Figures))
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


def _moved(figures: Figures, hours: int, previous: str, status: str, at: dt.datetime) -> Figures:
    """Figures after one topic of `hours` went from `previous` to `status` at `at`."""
    changes = {}
    for old_or_new, sign in ((previous, -1), (status, 1)):
        name = COUNTED.get(old_or_new)
        if name:
            changes[name] = changes.get(name, getattr(figures, name)) + sign
            changes[f"{name}_hours"] = changes.get(f"{name}_hours", getattr(figures, f"{name}_hours")) + sign * hours
    last = figures.last_activity
    return replace(figures, **changes, last_activity=at if last is None or at > last else last)


def published() -> dict[int, Roadmap]:
    """The roadmaps summaries are kept for, with the content version: one query."""
    return {roadmap.pk: roadmap for roadmap in Roadmap.objects.published().with_content_version()}


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
    wanted = {(learner_id, pk) for learner_id in learner_ids for pk in roadmaps}
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


def record(*, learner_id: int, changes: list[ProgressEvent]) -> None:
    """Count status changes just written (their events), in their transaction:
    each published roadmap holding a changed topic has its row moved by them.
    A row missing or stale is counted afresh, and every published roadmap gets
    one, so a learner's later reads find them all."""
    if not changes:
        return
    roadmaps = published()
    rows = _locked({learner_id}, roadmaps)
    current = {pair for pair, row in rows.items() if row.content_version == roadmaps[row.roadmap_id].content_version}
    figures = fresh(rows.keys() - current, roadmaps)
    for pair in current:
        held = topics_of(roadmaps[pair[1]])
        moved = [event for event in changes if event.topic_id in held]
        if moved:
            value = Figures(*(getattr(rows[pair], name) for name in FIELDS))
            for event in moved:
                value = _moved(value, held[event.topic_id], event.from_status, event.to_status, event.created_at)
            figures[pair] = value
    _save({pair: rows[pair] for pair in figures}, figures, roadmaps)


def recount(*, learner_ids: set[int], roadmaps: dict[int, Roadmap] | None = None) -> None:
    """Count learners' rows afresh (an import, a follow, a content change), in
    the caller's transaction: of every published roadmap, or of those given."""
    roadmaps = published() if roadmaps is None else roadmaps
    if not roadmaps or not learner_ids:
        return
    rows = _locked(learner_ids, roadmaps)
    _save(rows, fresh(rows.keys(), roadmaps), roadmaps)
