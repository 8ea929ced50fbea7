"""Export of a learner's progress as CSV and JSON, and import of that JSON.

The JSON holds everything needed to restore: statuses, dates, notes, evidence
and the event history, in the order it was written. Import validates the whole
file before writing, and writes all of it or nothing."""

import csv
import datetime as dt
import io
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mlepath.text import has_control_character, has_lone_surrogate, validate_line, validate_text
from progress import summary
from progress.models import (
    EVIDENCE_MAX_LINKS,
    NOTE_MAX_LENGTH,
    REVIEW_INTERVALS,
    TIME_ENTRIES_PER_TOPIC,
    TIME_ENTRY_MAX_MINUTES,
    Evidence,
    Progress,
    ProgressEvent,
    ProjectEvent,
    ProjectWork,
    Review,
    ReviewAnswer,
    RoadmapFollow,
    Status,
    TimeEntry,
)
from roadmap.models import Roadmap, Topic

FORMAT = "mlepath-progress"
VERSION = 1
MAX_IMPORT_BYTES = 2 * 1024 * 1024
# A roadmap has about 100 topics and a topic a handful of changes, so a real
# export holds hundreds of events, a few thousand for a learner on every
# roadmap. The caps leave ten times that room and keep one import to one quick
# transaction, and the history any one learner can be made to hold bounded.
MAX_IMPORT_ITEMS = 2_000  # progress items: at most one per topic
MAX_IMPORT_EVENTS = 5_000  # events in one file
MAX_LEARNER_EVENTS = 20_000  # events a learner may hold after an import
MAX_IMPORT_FOLLOWING = 200  # roadmaps followed
MAX_IMPORT_TIME_ENTRIES = 5_000  # time log entries in one file (a topic holds TIME_ENTRIES_PER_TOPIC)
_url = URLValidator(schemes=["http", "https"])
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _iso(value):
    """A moment as the learner reads it: in their time zone (the request's, see
    accounts.time_zones), with its offset, so an import reads it back exactly."""
    return timezone.localtime(value).isoformat() if value else None


def export_data(learner) -> dict:
    progress = Progress.objects.filter(learner=learner).select_related("topic").prefetch_related("evidence")
    # In the order they were written (see ProgressEvent.Meta.ordering).
    events = ProgressEvent.objects.filter(learner=learner).select_related("topic").order_by("pk")
    works = ProjectWork.objects.filter(learner=learner).select_related("project").prefetch_related("checked")
    project_events = (
        ProjectEvent.objects.filter(work__learner=learner).select_related("work__project", "actor").order_by("pk")
    )
    time_log = TimeEntry.objects.filter(learner=learner).select_related("topic").order_by("logged_on", "pk")
    reviews = Review.objects.filter(learner=learner).select_related("topic").order_by("due_on", "pk")
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(timezone.now()),
        "username": learner.username,
        "following": list(learner.follows.order_by("pk").values_list("roadmap__slug", flat=True)),
        "progress": [
            {
                "topic": p.topic.slug,
                "title": p.topic.title,
                "status": p.status,
                "started_at": _iso(p.started_at),
                "completed_at": _iso(p.completed_at),
                "updated_at": _iso(p.updated_at),
                "note": p.note,
                "evidence": [{"url": e.url, "title": e.title} for e in p.evidence.all()],
            }
            for p in progress.order_by("topic__slug")
        ],
        "events": [
            {
                "topic": e.topic.slug,
                "from": e.from_status,
                "to": e.to_status,
                "reason": e.reason,
                "at": _iso(e.created_at),
            }
            for e in events
        ],
        # Projects are exported, not imported: their reviews belong to the mentors who gave them.
        "projects": [
            {
                "project": w.project.slug,
                "title": w.project.title,
                "state": w.state,
                "criteria_met": [c.text for c in w.checked.all()],
                "repository_url": w.repository_url,
                "writeup_url": w.writeup_url,
                "demo_url": w.demo_url,
                "note": w.note,
                "started_at": _iso(w.started_at),
                "submitted_at": _iso(w.submitted_at),
                "completed_at": _iso(w.completed_at),
            }
            for w in works.order_by("project__slug")
        ],
        "project_events": [
            {
                "project": e.work.project.slug,
                "from": e.from_state,
                "to": e.to_state,
                "by": ("you" if e.actor_id == learner.pk else e.actor.public_name) if e.actor else None,
                "at": _iso(e.created_at),
            }
            for e in project_events
        ],
        # Days are the learner's own (where they live), as the pages show them.
        "time_log": [{"topic": t.topic.slug, "day": t.logged_on.isoformat(), "minutes": t.minutes} for t in time_log],
        "reviews": [
            {
                "topic": r.topic.slug,
                "due_on": r.due_on.isoformat(),
                "step": r.step,
                "reviews_done": r.reviews_done,
                "last_reviewed_at": _iso(r.last_reviewed_at),
                "last_answer": r.last_answer,
            }
            for r in reviews
        ],
    }


def export_json(learner) -> str:
    return json.dumps(export_data(learner), indent=2, ensure_ascii=False)


# A cell starting with one of these runs as a formula in a spreadsheet (tab and
# carriage return too, in some); OWASP's advice is to prefix it with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export_csv(learner) -> str:
    """One row per topic touched. It starts with a byte-order mark, by which
    Excel knows the file is UTF-8 (without it, it garbles every accent and
    every Japanese title); other readers skip it ("utf-8-sig")."""
    data = export_data(learner)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        ["topic", "title", "status", "started_at", "completed_at", "note", "evidence", "minutes_logged", "next_review"]
    )
    minutes: dict[str, int] = {}
    for entry in data["time_log"]:
        minutes[entry["topic"]] = minutes.get(entry["topic"], 0) + entry["minutes"]
    next_review = {review["topic"]: review["due_on"] for review in data["reviews"]}
    for row in data["progress"]:
        evidence = " ".join(item["url"] for item in row["evidence"])
        cells = [
            row["topic"],
            row["title"],
            row["status"],
            row["started_at"] or "",
            row["completed_at"] or "",
            row["note"],
            evidence,
            str(minutes.get(row["topic"], "")),
            next_review.get(row["topic"], "") if row["status"] == Status.DONE else "",
        ]
        writer.writerow([_cell(cell) for cell in cells])
    return out.getvalue()


class ImportError_(ValueError):  # noqa: N801 - not the builtin ImportError
    pass


def _is_text(value) -> bool:
    """One line of text, as slugs and URLs are: a lone surrogate (JSON's "\\ud800")
    cannot even be sent to the database as a query parameter, NUL cannot be
    stored in PostgreSQL, and no slug or URL holds a control character."""
    return isinstance(value, str) and not has_lone_surrogate(value) and not has_control_character(value)


def _check(validate, value, where: str) -> None:
    try:
        validate(value)
    except ValidationError as exc:
        raise ImportError_(_("%(where)s: %(error)s") % {"where": where, "error": exc.messages[0]}) from None


def _datetime(value, where):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportError_(_("%(where)s: a date must be text in ISO 8601 form") % {"where": where})
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ImportError_(
            _("%(where)s: %(value)s is not an ISO 8601 date") % {"where": where, "value": repr(value)}
        ) from None
    if parsed.tzinfo is None:
        raise ImportError_(_("%(where)s: %(value)s has no time zone") % {"where": where, "value": repr(value)})
    # Far-off dates overflow on conversion to UTC, or are stored where no driver can read them back.
    if not EARLIEST <= parsed <= timezone.now() + dt.timedelta(days=1):
        raise ImportError_(
            _("%(where)s: %(value)s is not a date between 2000 and today") % {"where": where, "value": repr(value)}
        )
    return parsed


def parse_import(raw: bytes, *, learner=None) -> dict:
    """Validate an exported file; raise ImportError_ with the first problem found."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportError_(_("The file is larger than %(size)d MB.") % {"size": MAX_IMPORT_BYTES // 1024 // 1024})
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, absurd nesting, 5,000-digit numbers
        raise ImportError_(_("The file is not JSON exported by MLE Path.")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportError_(_("The file is not a progress export of MLE Path."))
    if data.get("version") != VERSION:
        raise ImportError_(
            _("Unsupported export version %(version)s; expected %(expected)s.")
            % {"version": repr(data.get("version")), "expected": VERSION}
        )
    items, events, following = data.get("progress"), data.get("events", []), data.get("following", [])
    if not isinstance(items, list) or not isinstance(events, list):
        raise ImportError_(_("'progress' and 'events' must be lists."))
    # Counted before anything is looked up: the lookups take every slug at once.
    if len(items) > MAX_IMPORT_ITEMS:
        raise ImportError_(
            ngettext(
                "The file holds %(count)d progress item; an import takes at most %(max)d.",
                "The file holds %(count)d progress items; an import takes at most %(max)d.",
                len(items),
            )
            % {"count": len(items), "max": MAX_IMPORT_ITEMS}
        )
    if len(events) > MAX_IMPORT_EVENTS:
        raise ImportError_(
            ngettext(
                "The file holds %(count)d event; an import takes at most %(max)d.",
                "The file holds %(count)d events; an import takes at most %(max)d.",
                len(events),
            )
            % {"count": len(events), "max": MAX_IMPORT_EVENTS}
        )
    if not isinstance(following, list) or len(following) > MAX_IMPORT_FOLLOWING:
        raise ImportError_(
            _("'following' must be a list of at most %(max)d roadmap slugs.") % {"max": MAX_IMPORT_FOLLOWING}
        )
    time_log, reviews = data.get("time_log", []), data.get("reviews", [])
    today = timezone.localdate()  # the learner's: the request's time zone (accounts.time_zones)
    if not isinstance(time_log, list) or len(time_log) > MAX_IMPORT_TIME_ENTRIES:
        raise ImportError_(
            _("'time_log' must be a list of at most %(max)d entries.") % {"max": MAX_IMPORT_TIME_ENTRIES}
        )
    if not isinstance(reviews, list) or len(reviews) > MAX_IMPORT_ITEMS:
        raise ImportError_(_("'reviews' must be a list of at most %(max)d reviews.") % {"max": MAX_IMPORT_ITEMS})
    slugs = [entry.get("topic") for entry in [*items, *events, *time_log, *reviews] if isinstance(entry, dict)]
    named = Topic.objects.filter(slug__in={s for s in slugs if _is_text(s)})
    topics = {
        t.slug: t
        for t in named.filter(
            Q(track__isnull=True) | Q(track__author=learner) | Q(track__follows__learner=learner)
            if learner is not None
            else Q(track__isnull=True)
        )
    }
    # A cohort track's own topics ("--" in their slug, never in a shipped one)
    # that this learner may not open are left out, whether they exist or not,
    # so that a file cannot tell them apart: an export taken to another account
    # keeps what that account may see.
    hidden = {slug for slug in slugs if _is_text(slug) and "--" in slug} - topics.keys()

    clean_items, seen = [], set()
    for number, item in enumerate(items, start=1):
        where = _("progress item %(number)d") % {"number": number}
        if not isinstance(item, dict):
            raise ImportError_(_("%(where)s: must be an object") % {"where": where})
        slug = item.get("topic")
        if _is_text(slug) and slug in hidden:
            continue
        if not _is_text(slug) or slug not in topics:
            raise ImportError_(_("%(where)s: unknown topic %(slug)s") % {"where": where, "slug": repr(slug)})
        if slug in seen:
            raise ImportError_(_("%(where)s: topic %(slug)s appears twice") % {"where": where, "slug": repr(slug)})
        seen.add(slug)
        # The item's place in messages from here on: its number and its topic.
        at_item = {"number": number, "slug": slug}
        where = _("progress item %(number)d (%(slug)s)") % at_item
        status = item.get("status")
        if status not in Status.values:
            raise ImportError_(_("%(where)s: unknown status %(status)s") % {"where": where, "status": repr(status)})
        note = item.get("note") or ""
        if not isinstance(note, str) or len(note) > NOTE_MAX_LENGTH:
            raise ImportError_(
                _("%(where)s: the note must be text of at most %(max)d characters")
                % {"where": where, "max": NOTE_MAX_LENGTH}
            )
        _check(validate_text, note, _("progress item %(number)d (%(slug)s) note") % at_item)
        evidence = item.get("evidence") or []
        if not isinstance(evidence, list) or len(evidence) > EVIDENCE_MAX_LINKS:
            raise ImportError_(
                _("%(where)s: at most %(max)d evidence links") % {"where": where, "max": EVIDENCE_MAX_LINKS}
            )
        clean_evidence = []
        for link in evidence:
            url = link.get("url") if isinstance(link, dict) else None
            title = (link.get("title") or "") if isinstance(link, dict) else ""
            try:
                if not _is_text(url) or len(url) > 500 or url in {known for known, _title in clean_evidence}:
                    raise ValidationError("not text, too long or listed twice")
                _url(url)
            except (ValidationError, TypeError):
                raise ImportError_(
                    _("%(where)s: evidence link %(url)s is not an http(s) URL of at most 500 characters, listed once")
                    % {"where": where, "url": repr(url)}
                ) from None
            if not isinstance(title, str) or len(title) > 120:
                raise ImportError_(
                    _("%(where)s: evidence titles are text of at most 120 characters") % {"where": where}
                )
            _check(validate_line, title, _("progress item %(number)d (%(slug)s) evidence title") % at_item)
            clean_evidence.append((url, title))
        # Translators: a place in an imported file; %(field)s is the name of a field in the file (completed_at).
        field_of_item = _("progress item %(number)d (%(slug)s) %(field)s")
        completed_at = _datetime(item.get("completed_at"), field_of_item % {**at_item, "field": "completed_at"})
        if status == Status.DONE and completed_at is None:
            raise ImportError_(_("%(where)s: a done topic needs completed_at") % {"where": where})
        clean_items.append(
            {
                "topic": topics[slug],
                "status": status,
                "started_at": _datetime(item.get("started_at"), field_of_item % {**at_item, "field": "started_at"}),
                "completed_at": completed_at,
                "note": note,
                "evidence": clean_evidence,
            }
        )

    clean_events = []
    for number, event in enumerate(events, start=1):
        where = _("event %(number)d") % {"number": number}
        if isinstance(event, dict) and _is_text(event.get("topic")) and event["topic"] in hidden:
            continue
        if not isinstance(event, dict) or not _is_text(event.get("topic")) or event.get("topic") not in topics:
            slug = event.get("topic") if isinstance(event, dict) else None
            raise ImportError_(_("%(where)s: unknown topic %(slug)s") % {"where": where, "slug": repr(slug)})
        if event.get("from") not in Status.values or event.get("to") not in Status.values:
            raise ImportError_(_("%(where)s: unknown status") % {"where": where})
        if event["from"] == event["to"]:
            raise ImportError_(_("%(where)s: 'from' and 'to' are the same") % {"where": where})
        reason = event.get("reason", ProgressEvent.Reason.IMPORT)
        if reason not in ProgressEvent.Reason.values:
            raise ImportError_(_("%(where)s: unknown reason %(reason)s") % {"where": where, "reason": repr(reason)})
        # Translators: a place in an imported file: "at" is the name of a field in the file.
        at = _datetime(event.get("at"), _("event %(number)d at") % {"number": number})
        if at is None:
            raise ImportError_(_("%(where)s: missing 'at'") % {"where": where})
        clean_events.append((topics[event["topic"]], event["from"], event["to"], reason, at))
    if not all(_is_text(slug) for slug in following):
        raise ImportError_(_("'following' must be a list of roadmap slugs."))
    roadmaps = list(
        Roadmap.objects.filter(slug__in=following, published=True)
        .filter(
            Q(kind=Roadmap.Kind.SHIPPED) | Q(author=learner) | Q(follows__learner=learner)
            if learner is not None
            else Q(kind=Roadmap.Kind.SHIPPED)
        )
        .distinct()
    )
    return {
        "progress": clean_items,
        "events": clean_events,
        "following": roadmaps,
        "time_log": _clean_time_log(time_log, topics, hidden, today),
        "reviews": _clean_reviews(reviews, topics, hidden, today),
    }


def _day(value, where, *, latest: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if _is_text(value) else None
    except ValueError:
        day = None
    if day is None or not dt.date(2000, 1, 1) <= day <= latest:
        raise ImportError_(_("%(where)s: not a day (YYYY-MM-DD)") % {"where": where})
    return day


def _clean_time_log(entries, topics, hidden, today: dt.date) -> list[tuple]:
    clean, per_topic = [], {}
    for number, entry in enumerate(entries, start=1):
        where = _("time log entry %(number)d") % {"number": number}
        slug = entry.get("topic") if isinstance(entry, dict) else None
        if _is_text(slug) and slug in hidden:
            continue
        if not _is_text(slug) or slug not in topics:
            raise ImportError_(_("%(where)s: unknown topic %(slug)s") % {"where": where, "slug": repr(slug)})
        minutes = entry.get("minutes")
        if type(minutes) is not int or not 1 <= minutes <= TIME_ENTRY_MAX_MINUTES:
            raise ImportError_(
                _("%(where)s: minutes must be a whole number from 1 to %(max)d")
                % {"where": where, "max": TIME_ENTRY_MAX_MINUTES}
            )
        per_topic[slug] = per_topic.get(slug, 0) + 1
        if per_topic[slug] > TIME_ENTRIES_PER_TOPIC:
            raise ImportError_(
                _("%(where)s: a topic holds at most %(max)d time entries")
                % {"where": where, "max": TIME_ENTRIES_PER_TOPIC}
            )
        # Time is logged on a day that has come, where the learner lives (as the topic page asks).
        clean.append((topics[slug], _day(entry.get("day"), where, latest=today), minutes))
    return clean


def _clean_reviews(reviews, topics, hidden, today: dt.date) -> list[dict]:
    clean, seen = [], set()
    for number, entry in enumerate(reviews, start=1):
        where = _("review %(number)d") % {"number": number}
        slug = entry.get("topic") if isinstance(entry, dict) else None
        if _is_text(slug) and slug in hidden:
            continue
        if not _is_text(slug) or slug not in topics or slug in seen:
            raise ImportError_(
                _("%(where)s: unknown or repeated topic %(slug)s") % {"where": where, "slug": repr(slug)}
            )
        seen.add(slug)
        step, done, answer = entry.get("step", 0), entry.get("reviews_done", 0), entry.get("last_answer", "")
        if type(step) is not int or not 0 <= step < len(REVIEW_INTERVALS):
            raise ImportError_(
                _("%(where)s: step must be 0 to %(max)d") % {"where": where, "max": len(REVIEW_INTERVALS) - 1}
            )
        if type(done) is not int or not 0 <= done <= 100_000 or answer not in ["", *ReviewAnswer.values]:
            raise ImportError_(_("%(where)s: reviews_done or last_answer is not valid") % {"where": where})
        clean.append(
            {
                "topic": topics[slug],
                "due_on": _day(entry.get("due_on"), where, latest=today + dt.timedelta(days=400)),
                "step": step,
                "reviews_done": done,
                "last_reviewed_at": _datetime(entry.get("last_reviewed_at"), where),
                "last_answer": answer,
            }
        )
    return clean


@transaction.atomic
def import_progress(*, learner, data: dict) -> tuple[int, int]:
    """Restore validated data: the topics in the file take its state, events not
    already recorded are added. Returns (topics restored, events added).
    Raises ImportError_, having changed nothing, when the events would take the
    learner's history past MAX_LEARNER_EVENTS."""
    # The learner's row is locked so that two imports at once cannot both pass the cap.
    list(get_user_model().objects.select_for_update().filter(pk=learner.pk).values_list("pk"))
    history = list(
        ProgressEvent.objects.filter(learner=learner).values_list("topic_id", "from_status", "to_status", "created_at")
    )
    known = set(history)
    new_events = [
        ProgressEvent(learner=learner, topic=topic, from_status=old, to_status=new, reason=reason, created_at=at)
        for topic, old, new, reason, at in data["events"]
        if (topic.pk, old, new, at) not in known
    ]
    if len(history) + len(new_events) > MAX_LEARNER_EVENTS:
        raise ImportError_(
            _(
                "Your history holds %(held)d events and the file adds %(added)d; "
                "a learner's history holds at most %(max)d."
            )
            % {"held": len(history), "added": len(new_events), "max": MAX_LEARNER_EVENTS}
        )
    # Create missing rows first (a tick in another tab may race us), then lock them all.
    Progress.objects.bulk_create(
        [Progress(learner=learner, topic=item["topic"]) for item in data["progress"]], ignore_conflicts=True
    )
    existing = {p.topic_id: p for p in Progress.objects.select_for_update().filter(learner=learner)}
    for item in data["progress"]:
        progress = existing[item["topic"].pk]
        for name in ("status", "started_at", "completed_at", "note"):
            setattr(progress, name, item[name])
        progress.save()
        progress.evidence.all().delete()
        Evidence.objects.bulk_create(
            Evidence(progress=progress, url=url, title=title) for url, title in item["evidence"]
        )
    ProgressEvent.objects.bulk_create(new_events)
    # A topic with time has its row, as log_time makes it: its page shows the log.
    Progress.objects.bulk_create(
        [Progress(learner=learner, topic=topic) for topic, _day, _minutes in data.get("time_log", [])],
        ignore_conflicts=True,
    )
    _import_time_log(learner=learner, entries=data.get("time_log", []))
    for review in data.get("reviews", []):
        Review.objects.update_or_create(
            learner=learner, topic=review["topic"], defaults={k: v for k, v in review.items() if k != "topic"}
        )
    follows = [RoadmapFollow(learner=learner, roadmap=roadmap) for roadmap in data.get("following", [])]
    RoadmapFollow.objects.bulk_create(follows, ignore_conflicts=True)
    summary.recount(learner_ids={learner.pk})
    return len(data["progress"]), len(new_events)


def _import_time_log(*, learner, entries: list[tuple]) -> None:
    """Add the file's entries the log lacks: an entry already there (same topic,
    day and minutes, as many times) is not added again, so importing a file
    twice logs its time once. A topic keeps at most TIME_ENTRIES_PER_TOPIC."""
    held: dict[tuple, int] = {}
    per_topic: dict[int, int] = {}
    for topic_id, day, minutes in TimeEntry.objects.filter(learner=learner).values_list(
        "topic_id", "logged_on", "minutes"
    ):
        held[(topic_id, day, minutes)] = held.get((topic_id, day, minutes), 0) + 1
        per_topic[topic_id] = per_topic.get(topic_id, 0) + 1
    new = []
    for topic, day, minutes in entries:
        key = (topic.pk, day, minutes)
        if held.get(key):
            held[key] -= 1
            continue
        if per_topic.get(topic.pk, 0) >= TIME_ENTRIES_PER_TOPIC:
            raise ImportError_(
                _("The file would take %(topic)s past %(max)d time entries.")
                % {"topic": topic.slug, "max": TIME_ENTRIES_PER_TOPIC}
            )
        per_topic[topic.pk] = per_topic.get(topic.pk, 0) + 1
        new.append(TimeEntry(learner=learner, topic=topic, logged_on=day, minutes=minutes))
    TimeEntry.objects.bulk_create(new)
