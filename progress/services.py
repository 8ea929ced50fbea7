"""Writes to a learner's progress. Every status change and its event are written
in one transaction, and the request names the status wanted (never "toggle"),
so retries, double clicks and two tabs cannot flip a tick back."""

import datetime as dt
import secrets
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from mlepath import writers
from progress import pace, review, summary
from progress.models import (
    EVIDENCE_MAX_LINKS,
    FEED_MAX_MINUTES,
    FEED_MIN_MINUTES,
    MAX_HOURS_PER_WEEK,
    TIME_ENTRIES_PER_TOPIC,
    TIME_ENTRY_MAX_MINUTES,
    CalendarFeed,
    Evidence,
    PlanBasis,
    PlanChange,
    Progress,
    ProgressEvent,
    ProgressSummary,
    Review,
    RoadmapFollow,
    Status,
    TimeEntry,
)
from roadmap.models import Roadmap, Topic


@dataclass(frozen=True)
class StatusChange:
    previous: str
    status: str

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


def _apply(progress: Progress, status: str, *, reason: str, batch=None, now=None) -> ProgressEvent | None:
    """Change the row's status and record its event (returned; None when the
    status is already that). The caller counts the events (summary.record)."""
    if progress.status == status:
        return None
    now = now or timezone.now()
    previous = progress.status
    progress.status = status
    if status in (Status.IN_PROGRESS, Status.DONE) and progress.started_at is None:
        progress.started_at = now
    # An undo restores the completion date the reset left in place.
    if status == Status.DONE and not (reason == ProgressEvent.Reason.UNDO and progress.completed_at):
        progress.completed_at = now
    progress.save(update_fields=["status", "started_at", "completed_at", "updated_at"])
    return ProgressEvent.objects.create(
        learner_id=progress.learner_id,
        topic_id=progress.topic_id,
        from_status=previous,
        to_status=status,
        reason=reason,
        batch=batch,
        created_at=now,
    )


def set_status(*, learner, topic: Topic, status: str, roadmap: Roadmap | None = None) -> StatusChange:
    """Set one topic's status; setting the status it already has records nothing.
    A change made from a roadmap's page puts that roadmap on the dashboard."""
    if status not in Status.values:
        raise ValueError(f"unknown status {status!r}")
    # Read before the transaction, which on SQLite holds the database's one write lock.
    roadmaps = summary.published(learner.pk)
    follow = roadmap is not None and not RoadmapFollow.objects.filter(learner=learner, roadmap=roadmap).exists()
    with writers.turn(), transaction.atomic():
        progress = _locked_progress(learner=learner, topic=topic)
        previous = progress.status
        event = _apply(progress, status, reason=ProgressEvent.Reason.SET)
        if event is not None:
            summary.record(learner_id=learner.pk, changes=[event], roadmaps=roadmaps)
            if follow:  # a shipped roadmap's summary was just counted (the topic is on it)
                _follow(learner=learner, roadmap=roadmap, summarise=roadmap.pk not in roadmaps)
    return StatusChange(previous=previous, status=status)


def _follow(*, learner, roadmap: Roadmap, summarise: bool = True) -> None:
    """Follow, and make the summary the dashboard and the mentors' pages read."""
    RoadmapFollow.objects.bulk_create([RoadmapFollow(learner=learner, roadmap=roadmap)], ignore_conflicts=True)
    if summarise:
        _summarise(learner=learner, roadmap=roadmap)


def _summarise(*, learner, roadmap: Roadmap) -> None:
    """A followed roadmap's summary, made if it is missing (a published roadmap only)."""
    if not ProgressSummary.objects.filter(learner=learner, roadmap=roadmap).exists():
        roadmaps = summary.published(learner.pk)
        if roadmap.pk in roadmaps:
            summary.recount(learner_ids={learner.pk}, roadmaps={roadmap.pk: roadmaps[roadmap.pk]})


@transaction.atomic
def follow_roadmap(*, learner, roadmap: Roadmap) -> None:
    _follow(learner=learner, roadmap=roadmap)


@transaction.atomic
def set_default_view(*, learner, roadmap: Roadmap, map_view: bool) -> None:
    """Open this roadmap as its map (or its list); choosing a view follows it."""
    RoadmapFollow.objects.update_or_create(learner=learner, roadmap=roadmap, defaults={"prefers_map": map_view})
    _summarise(learner=learner, roadmap=roadmap)


@transaction.atomic
def unfollow_roadmap(*, learner, roadmap: Roadmap) -> None:
    RoadmapFollow.objects.filter(learner=learner, roadmap=roadmap).delete()


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
    reset = ProgressEvent.Reason.RESET
    events = [_apply(progress, Status.NOT_STARTED, reason=reset, batch=batch, now=now) for progress in rows]
    events = [event for event in events if event is not None]
    summary.record(learner_id=learner.pk, changes=events)
    return batch if events else None


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
    restored = [_apply(p, previous[p.topic_id], reason=undo, batch=batch, now=now) for p in rows]
    restored = [event for event in restored if event is not None]
    summary.record(learner_id=learner.pk, changes=restored)
    return len(restored)


@transaction.atomic
def save_note(*, learner, topic: Topic, note: str) -> Progress:
    progress = _locked_progress(learner=learner, topic=topic)
    if progress.note != note:
        progress.note = note
        progress.save(update_fields=["note", "updated_at"])
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
        raise EvidenceLimitReached(
            ngettext(
                "A topic holds at most %(count)d evidence link.",
                "A topic holds at most %(count)d evidence links.",
                EVIDENCE_MAX_LINKS,
            )
            % {"count": EVIDENCE_MAX_LINKS}
        )
    return Evidence.objects.create(progress=progress, url=url, title=title)


@transaction.atomic
def remove_evidence(*, learner, evidence_id: int) -> bool:
    deleted, _ = Evidence.objects.filter(pk=evidence_id, progress__learner=learner).delete()
    return bool(deleted)


class PlanError(ValueError):
    """A pace that cannot be a plan; the message says why, for the form."""


def _remaining_hours(*, learner, roadmap: Roadmap):
    """The hours left as the learner will spend them: at their own speed once
    they logged enough (progress.pace.Speed), as the dashboard's forecast counts."""
    topics = Topic.objects.live().filter(placements__section__roadmap=roadmap).distinct()
    statuses = dict(Progress.objects.filter(learner=learner, topic__in=topics).values_list("topic_id", "status"))
    spent = dict(
        TimeEntry.objects.filter(learner=learner, topic__in=topics)
        .values_list("topic_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    rows = list(topics.values_list("pk", "estimated_hours"))
    speed = pace.speed_of((hours, statuses.get(pk), spent.get(pk, 0)) for pk, hours in rows)
    return pace.remaining_hours((hours, statuses.get(pk)) for pk, hours in rows) * speed.ratio


@transaction.atomic
def set_pace(
    *, learner, roadmap: Roadmap, today: dt.date, hours_per_week: int | None = None, target_date: dt.date | None = None
) -> RoadmapFollow:
    """Plan a roadmap at hours a week or by a target date (exactly one); the
    other is derived from the hours that remain today. Setting a pace follows
    the roadmap, and the change is recorded for its history."""
    if (hours_per_week is None) == (target_date is None):
        raise ValueError("give hours_per_week or target_date")
    remaining = _remaining_hours(learner=learner, roadmap=roadmap)
    if hours_per_week is not None:
        if not 1 <= hours_per_week <= MAX_HOURS_PER_WEEK:
            raise PlanError(gettext("Choose from 1 to %(max)d hours a week.") % {"max": MAX_HOURS_PER_WEEK})
        basis = PlanBasis.HOURS
        target_date = pace.finish_date(remaining=remaining, hours_per_week=hours_per_week, today=today)
    else:
        if target_date <= today:
            raise PlanError(gettext("Choose a date after today."))
        basis = PlanBasis.DATE
        hours_per_week = pace.hours_per_week_for(remaining=remaining, target=target_date, today=today)
        if hours_per_week > MAX_HOURS_PER_WEEK:
            raise PlanError(
                gettext(
                    "That date needs %(needed)d hours a week for the %(remaining)s hours left; "
                    "choose a later date (at most %(max)d hours a week)."
                )
                % {"needed": hours_per_week, "remaining": f"{remaining:.0f}", "max": MAX_HOURS_PER_WEEK}
            )
    plan = {"plan_basis": basis, "hours_per_week": hours_per_week, "target_date": target_date}
    follow, _ = RoadmapFollow.objects.update_or_create(learner=learner, roadmap=roadmap, defaults=plan)
    PlanChange.objects.create(
        learner=learner, roadmap=roadmap, basis=basis, **{k: plan[k] for k in plan if k != "plan_basis"}
    )
    return follow


@transaction.atomic
def clear_pace(*, learner, roadmap: Roadmap) -> bool:
    """Remove the plan (the roadmap stays followed); False if there was none."""
    cleared = (
        RoadmapFollow.objects.filter(learner=learner, roadmap=roadmap)
        .exclude(plan_basis="")
        .update(plan_basis="", hours_per_week=None, target_date=None)
    )
    if cleared:
        PlanChange.objects.create(learner=learner, roadmap=roadmap, basis="")
    return bool(cleared)


# --- Calendar feed ------------------------------------------------------------


class FeedError(ValueError):
    """A study block that cannot be; the message says why, for the form."""


def _study_block(*, weekday: int, start: dt.time, minutes: int) -> dict:
    if weekday not in CalendarFeed.Weekday.values:
        raise FeedError(gettext("Choose a day of the week."))
    if start.tzinfo is not None:
        raise FeedError(gettext("Give the time as it reads on your clock, without a time zone."))
    if not FEED_MIN_MINUTES <= minutes <= FEED_MAX_MINUTES:
        raise FeedError(
            gettext("Choose from %(min)d minutes to %(max)d hours.")
            % {"min": FEED_MIN_MINUTES, "max": FEED_MAX_MINUTES // 60}
        )
    return {"weekday": weekday, "start": start.replace(second=0, microsecond=0), "minutes": minutes}


def _set_block(feed: CalendarFeed, block: dict) -> list[str]:
    """The fields that changed; a new block restarts the event's series."""
    changed = [name for name, value in block.items() if getattr(feed, name) != value]
    if changed:
        for name in changed:
            setattr(feed, name, block[name])
        feed.block_set_at = timezone.now()
        changed.append("block_set_at")
    return changed


@transaction.atomic
def create_or_renew_feed(*, learner, weekday: int, start: dt.time, minutes: int) -> str:
    """Give the learner a calendar feed with this weekly study block, under a new
    token: the URL of any previous one answers 404 from now on. Returns the raw
    token, which is stored only as its digest and cannot be shown again."""
    block = _study_block(weekday=weekday, start=start, minutes=minutes)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.select_for_update().filter(learner=learner).first()
    if feed is None:
        # ON CONFLICT DO NOTHING: two first requests at once leave one row, no IntegrityError.
        fresh = CalendarFeed(learner=learner, token_digest=CalendarFeed.digest(token), **block)
        CalendarFeed.objects.bulk_create([fresh], ignore_conflicts=True)
        feed = CalendarFeed.objects.select_for_update().get(learner=learner)
    feed.token_digest = CalendarFeed.digest(token)
    feed.save(update_fields=["token_digest", *_set_block(feed, block)])
    return token


@transaction.atomic
def update_feed_block(*, learner, weekday: int, start: dt.time, minutes: int) -> bool:
    """Move the study block; the URL stays the same. False without a feed."""
    block = _study_block(weekday=weekday, start=start, minutes=minutes)
    feed = CalendarFeed.objects.select_for_update().filter(learner=learner).first()
    if feed is None:
        return False
    if changed := _set_block(feed, block):
        feed.save(update_fields=changed)
    return True


@transaction.atomic
def revoke_feed(*, learner) -> bool:
    """Delete the learner's feed: its URL answers 404 from now on. False if there was none."""
    deleted, _ = CalendarFeed.objects.filter(learner=learner).delete()
    return bool(deleted)


# --- Review and the time log ---------------------------------------------------


def learner_today(learner, *, now=None) -> dt.date:
    """Today where the learner lives: the day reviews and time are counted by."""
    return timezone.localdate(now or timezone.now(), timezone=zoneinfo.ZoneInfo(learner.time_zone or "UTC"))


class ReviewError(ValueError):
    """A review that cannot be; the message says why, for the page."""


@transaction.atomic
def mark_for_review(*, learner, topic: Topic, suggested_by=None) -> Review:
    """Put a done topic under review, due the day after; a topic already under
    review stays as it is (a second click, or a mentor's suggestion after the
    learner's own)."""
    if not Progress.objects.filter(learner=learner, topic=topic, status=Status.DONE).exists():
        raise ReviewError(gettext("Only a done topic can be reviewed: tick it done first."))
    due_on = review.first_due(learner_today(learner))
    # ON CONFLICT DO NOTHING: two first clicks make one review, on both databases.
    Review.objects.bulk_create(
        [Review(learner=learner, topic=topic, due_on=due_on, suggested_by=suggested_by)], ignore_conflicts=True
    )
    return Review.objects.get(learner=learner, topic=topic)


@transaction.atomic
def review_done(*, learner, topic: Topic, answer: str, was_due: dt.date) -> Review:
    """Record a review and set the next by the rule (progress.review). `was_due`
    is the due date the learner answered: a repeat of the same answer (a double
    click, a second tab) finds it moved and changes nothing."""
    if answer not in Review.Answer.values:
        raise ReviewError(gettext("Choose how the review went: easy, fine or hard."))
    item = Review.objects.select_for_update().filter(learner=learner, topic=topic).first()
    if item is None or not Progress.objects.filter(learner=learner, topic=topic, status=Status.DONE).exists():
        raise ReviewError(gettext("This topic is not under review."))
    if item.due_on != was_due:
        return item
    now = timezone.now()
    item.step = review.next_step(item.step, answer)
    item.due_on = review.due_after(item.step, learner_today(learner, now=now))
    item.reviews_done += 1
    item.last_reviewed_at = now
    item.last_answer = answer
    item.save(update_fields=["step", "due_on", "reviews_done", "last_reviewed_at", "last_answer"])
    return item


@transaction.atomic
def leave_review(*, learner, topic: Topic) -> bool:
    deleted, _ = Review.objects.filter(learner=learner, topic=topic).delete()
    return bool(deleted)


class TimeLogError(ValueError):
    """Time that cannot be logged; the message says why, for the form."""


def _check_entry(*, learner, minutes: int, day: dt.date) -> None:
    if not 1 <= minutes <= TIME_ENTRY_MAX_MINUTES:
        raise TimeLogError(
            gettext("Log between 1 minute and %(hours)d hours at a time.") % {"hours": TIME_ENTRY_MAX_MINUTES // 60}
        )
    if day > learner_today(learner):
        raise TimeLogError(gettext("That day is still to come: log time once it is spent."))


@transaction.atomic
def log_time(*, learner, topic: Topic, minutes: int, day: dt.date | None = None) -> TimeEntry:
    """Log time spent on a topic, on a day (today by default) where the learner lives."""
    day = day or learner_today(learner)
    _check_entry(learner=learner, minutes=minutes, day=day)
    # The topic's row, locked: two tabs count the topic's entries one after the other.
    _locked_progress(learner=learner, topic=topic)
    if TimeEntry.objects.filter(learner=learner, topic=topic).count() >= TIME_ENTRIES_PER_TOPIC:
        raise TimeLogError(
            gettext("A topic holds at most %(count)d time entries: edit one instead.")
            % {"count": TIME_ENTRIES_PER_TOPIC}
        )
    return TimeEntry.objects.create(learner=learner, topic=topic, minutes=minutes, logged_on=day)


@transaction.atomic
def edit_time(*, learner, entry_id: int, minutes: int, day: dt.date) -> bool:
    """Change one of the learner's own entries; False if they have no such entry."""
    _check_entry(learner=learner, minutes=minutes, day=day)
    return bool(TimeEntry.objects.filter(pk=entry_id, learner=learner).update(minutes=minutes, logged_on=day))


@transaction.atomic
def delete_time(*, learner, entry_id: int) -> bool:
    deleted, _ = TimeEntry.objects.filter(pk=entry_id, learner=learner).delete()
    return bool(deleted)
