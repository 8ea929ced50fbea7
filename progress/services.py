"""Writes to a learner's progress. Every status change and its event are written
in one transaction, and the request names the status wanted (never "toggle"),
so retries, double clicks and two tabs cannot flip a tick back."""

import uuid
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from accounts.services import touch_pages
from progress import status_sql
from progress.models import EVIDENCE_MAX_LINKS, Evidence, Progress, ProgressEvent, RoadmapFollow, Status
from roadmap.models import Roadmap, Topic


@dataclass(frozen=True)
class StatusChange:
    previous: str
    status: str
    # The learner's statuses after the change (as statuses_of), when the write
    # read them in the same statement; None otherwise.
    statuses: dict[int, str] | None = None

    @property
    def changed(self) -> bool:
        return self.previous != self.status


def _locked_progress(*, learner, topic) -> Progress:
    """The (learner, topic) row, locked for this transaction; created if missing.

    INSERT ... ON CONFLICT DO NOTHING makes concurrent first ticks safe on both
    databases: exactly one row, and no IntegrityError to recover from.
    """
    progress = Progress.objects.select_for_update().filter(learner=learner, topic=topic).first()
    if progress is None:
        Progress.objects.bulk_create([Progress(learner=learner, topic=topic)], ignore_conflicts=True)
        progress = Progress.objects.select_for_update().get(learner=learner, topic=topic)
    return progress


def _apply(progress: Progress, status: str, *, reason: str, batch=None, now=None) -> bool:
    if progress.status == status:
        return False
    now = now or timezone.now()
    previous = progress.status
    progress.status = status
    if status in (Status.IN_PROGRESS, Status.DONE) and progress.started_at is None:
        progress.started_at = now
    # An undo restores the completion date the reset left in place.
    if status == Status.DONE and not (reason == ProgressEvent.Reason.UNDO and progress.completed_at):
        progress.completed_at = now
    progress.save(update_fields=["status", "started_at", "completed_at", "updated_at"])
    ProgressEvent.objects.create(
        learner_id=progress.learner_id,
        topic_id=progress.topic_id,
        from_status=previous,
        to_status=status,
        reason=reason,
        batch=batch,
        created_at=now,
    )
    return True


def set_status(*, learner, topic: Topic, status: str, roadmap: Roadmap | None = None) -> StatusChange:
    """Set one topic's status; setting the status it already has records nothing."""
    _check(status)
    # Plain SQL for a row that exists (the common case); the ORM makes a new one.
    written = status_sql.set_status(
        learner_id=learner.pk,
        topic_id=topic.pk,
        status=status,
        roadmap_id=roadmap.pk if roadmap else None,
        now=timezone.now(),
    )
    return _change(written, learner=learner, topic=topic, status=status, roadmap=roadmap)


@dataclass(frozen=True)
class RoadmapTick:
    roadmap: Roadmap
    topic: Topic
    change: StatusChange


def set_status_on_roadmap(*, learner, roadmap_slug: str, topic_slug: str, status: str) -> RoadmapTick | None:
    """set_status from a roadmap page: the same statement finds the topic live on the
    published roadmap and writes the change. None, and nothing written, if there is
    no such topic there. The roadmap and topic come back as references holding only
    what the page needs (id, slugs, title, content_version), not as fetched rows."""
    _check(status)
    found = status_sql.set_status_on_roadmap(
        learner_id=learner.pk, roadmap_slug=roadmap_slug, topic_slug=topic_slug, status=status, now=timezone.now()
    )
    if found is None:
        return None
    target, written = found
    roadmap = Roadmap.from_db(
        DEFAULT_DB_ALIAS,
        ["id", "slug", "title", "content_version"],
        [target.roadmap_id, target.roadmap_slug, target.roadmap_title, target.content_version],
    )
    topic = Topic(pk=target.topic_id, slug=topic_slug)
    change = _change(written, learner=learner, topic=topic, status=status, roadmap=roadmap)
    return RoadmapTick(roadmap=roadmap, topic=topic, change=change)


def _change(
    written: status_sql.Written, *, learner, topic: Topic, status: str, roadmap: Roadmap | None
) -> StatusChange:
    """The change the SQL wrote, or, for a topic the learner never touched (no row
    for the SQL to change), the ORM's first write."""
    if written.existed:
        return StatusChange(previous=written.previous or status, status=status, statuses=written.statuses)
    return _set_status(learner=learner, topic=topic, status=status, roadmap=roadmap)


def _check(status: str) -> None:
    if status not in Status.values:
        raise ValueError(f"unknown status {status!r}")


@transaction.atomic
def _set_status(*, learner, topic: Topic, status: str, roadmap: Roadmap | None) -> StatusChange:
    progress = _locked_progress(learner=learner, topic=topic)
    previous = progress.status
    if _apply(progress, status, reason=ProgressEvent.Reason.SET):
        if roadmap is not None:
            _follow(learner=learner, roadmap=roadmap)
        touch_pages(user_id=learner.pk)
    return StatusChange(previous=previous, status=status)


def _follow(*, learner, roadmap: Roadmap) -> None:
    RoadmapFollow.objects.bulk_create([RoadmapFollow(learner=learner, roadmap=roadmap)], ignore_conflicts=True)


@transaction.atomic
def follow_roadmap(*, learner, roadmap: Roadmap) -> None:
    _follow(learner=learner, roadmap=roadmap)
    touch_pages(user_id=learner.pk)


@transaction.atomic
def unfollow_roadmap(*, learner, roadmap: Roadmap) -> None:
    RoadmapFollow.objects.filter(learner=learner, roadmap=roadmap).delete()
    touch_pages(user_id=learner.pk)


@transaction.atomic
def reset_roadmap(*, learner, roadmap: Roadmap) -> uuid.UUID | None:
    """Return every topic of the roadmap to not started; the batch id undoes it."""
    topic_ids = Topic.objects.live().filter(placements__section__roadmap=roadmap).values("pk")
    rows = (
        Progress.objects.select_for_update()
        .filter(learner=learner, topic__in=topic_ids)
        .exclude(status=Status.NOT_STARTED)
        .order_by("pk")
    )
    batch = uuid.uuid4()
    now = timezone.now()
    changed = [
        _apply(progress, Status.NOT_STARTED, reason=ProgressEvent.Reason.RESET, batch=batch, now=now)
        for progress in rows
    ]
    if not any(changed):
        return None
    touch_pages(user_id=learner.pk)
    return batch


@transaction.atomic
def undo_reset(*, learner, batch: uuid.UUID) -> int:
    """Restore the statuses a reset changed, once, and only on topics the learner
    has not touched since the reset."""
    events = list(ProgressEvent.objects.filter(learner=learner, batch=batch).order_by("pk"))
    if not events or any(event.reason == ProgressEvent.Reason.UNDO for event in events):
        return 0
    reset_at = events[-1].pk
    touched_since = set(
        ProgressEvent.objects.filter(
            learner=learner, pk__gt=reset_at, topic_id__in=[e.topic_id for e in events]
        ).values_list("topic_id", flat=True)
    )
    previous = {e.topic_id: e.from_status for e in events if e.topic_id not in touched_since}
    rows = Progress.objects.select_for_update().filter(learner=learner, topic_id__in=previous).order_by("pk")
    now = timezone.now()
    undo = ProgressEvent.Reason.UNDO
    restored = sum(_apply(p, previous[p.topic_id], reason=undo, batch=batch, now=now) for p in rows)
    if restored:
        touch_pages(user_id=learner.pk)
    return restored


@transaction.atomic
def save_note(*, learner, topic: Topic, note: str) -> Progress:
    progress = _locked_progress(learner=learner, topic=topic)
    if progress.note != note:
        progress.note = note
        progress.save(update_fields=["note", "updated_at"])
        touch_pages(user_id=learner.pk)
    return progress


class EvidenceLimitReached(Exception):
    pass


@transaction.atomic
def add_evidence(*, learner, topic: Topic, url: str, title: str = "") -> Evidence:
    progress = _locked_progress(learner=learner, topic=topic)
    existing = progress.evidence.filter(url=url).first()
    if existing:
        return existing
    if progress.evidence.count() >= EVIDENCE_MAX_LINKS:
        raise EvidenceLimitReached(f"A topic holds at most {EVIDENCE_MAX_LINKS} evidence links.")
    touch_pages(user_id=learner.pk)
    return Evidence.objects.create(progress=progress, url=url, title=title)


@transaction.atomic
def remove_evidence(*, learner, evidence_id: int) -> bool:
    deleted, _ = Evidence.objects.filter(pk=evidence_id, progress__learner=learner).delete()
    if deleted:
        touch_pages(user_id=learner.pk)
    return bool(deleted)
