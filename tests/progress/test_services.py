import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress import services
from progress.activity import _streaks, activity_for
from progress.dashboard import dashboard_for
from progress.models import Progress, ProgressEvent, RoadmapFollow, Status
from progress.selectors import statuses_of


def statuses(learner):
    return dict(Progress.objects.filter(learner=learner).values_list("topic__slug", "status"))


def events(learner):
    return list(ProgressEvent.objects.filter(learner=learner).values_list("topic__slug", "from_status", "to_status"))


@pytest.mark.parametrize("first", Status.values)
@pytest.mark.parametrize("second", Status.values)
def test_every_transition_is_recorded_once(alice, topics, first, second):
    services.set_status(learner=alice, topic=topics["a"], status=first)
    change = services.set_status(learner=alice, topic=topics["a"], status=second)
    assert statuses(alice) == {"a": second}
    expected = []
    if first != Status.NOT_STARTED:
        expected.append(("a", Status.NOT_STARTED, first))
    if second != first:
        expected.append(("a", first, second))
    assert events(alice) == expected
    assert change.changed is (second != first)


def test_setting_the_same_status_again_records_nothing(alice, topics):
    for _ in range(3):
        services.set_status(learner=alice, topic=topics["a"], status=Status.DONE)
    assert Progress.objects.count() == 1
    assert ProgressEvent.objects.count() == 1


def test_done_sets_started_and_completed_dates_and_leaving_done_keeps_start(alice, topics):
    def progress():
        return Progress.objects.get(learner=alice, topic=topics["a"])

    services.set_status(learner=alice, topic=topics["a"], status=Status.IN_PROGRESS)
    started = progress().started_at
    assert started and progress().completed_at is None
    services.set_status(learner=alice, topic=topics["a"], status=Status.DONE)
    assert progress().started_at == started
    assert progress().completed_at >= started


def test_unknown_status_is_refused_and_changes_nothing(alice, topics):
    with pytest.raises(ValueError):
        services.set_status(learner=alice, topic=topics["a"], status="finished")
    assert not Progress.objects.exists()


def test_a_tick_through_a_roadmap_follows_it(alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=track)
    services.set_status(learner=alice, topic=topics["b"], status=Status.DONE, roadmap=track)
    assert RoadmapFollow.objects.filter(learner=alice, roadmap=track).count() == 1


def test_one_row_per_learner_and_topic_is_enforced_by_the_database(alice, topics):
    Progress.objects.create(learner=alice, topic=topics["a"])
    with pytest.raises(IntegrityError):
        Progress.objects.create(learner=alice, topic=topics["a"])


def test_reset_returns_the_roadmap_to_not_started_and_undo_restores_it(alice, bob, topics, track):
    for slug, status in [("a", "done"), ("b", "in_progress"), ("e", "skipped")]:
        services.set_status(learner=alice, topic=topics[slug], status=status)
    services.set_status(learner=bob, topic=topics["a"], status="done")
    completed_at = Progress.objects.get(learner=alice, topic=topics["a"]).completed_at

    batch = services.reset_roadmap(learner=alice, roadmap=track)
    assert set(statuses(alice).values()) == {Status.NOT_STARTED}
    assert statuses(bob) == {"a": "done"}
    assert ProgressEvent.objects.filter(batch=batch, reason="reset").count() == 3

    assert services.undo_reset(learner=alice, batch=batch) == 3
    assert statuses(alice) == {"a": "done", "b": "in_progress", "e": "skipped"}
    assert Progress.objects.get(learner=alice, topic=topics["a"]).completed_at == completed_at
    # A second undo finds nothing left to restore.
    assert services.undo_reset(learner=alice, batch=batch) == 0


def test_undo_leaves_topics_the_learner_changed_after_the_reset(alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="done")
    batch = services.reset_roadmap(learner=alice, roadmap=track)
    services.set_status(learner=alice, topic=topics["b"], status="skipped")
    assert services.undo_reset(learner=alice, batch=batch) == 1
    assert statuses(alice) == {"a": "done", "b": "skipped"}


def test_undo_of_another_learners_batch_restores_nothing(alice, bob, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    batch = services.reset_roadmap(learner=alice, roadmap=track)
    assert services.undo_reset(learner=bob, batch=batch) == 0
    assert statuses(alice) == {"a": "not_started"}


def fail_on_the_second_row(monkeypatch):
    """Make the service fail half-way through a multi-row write; returns the real _apply."""
    real_apply = services._apply
    calls = []

    def failing_apply(progress, status, **kwargs):
        calls.append(progress.topic_id)
        if len(calls) == 2:
            raise RuntimeError("server went away")
        return real_apply(progress, status, **kwargs)

    monkeypatch.setattr(services, "_apply", failing_apply)
    return real_apply


def test_a_failure_during_reset_changes_nothing(alice, topics, track, monkeypatch):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="done")
    fail_on_the_second_row(monkeypatch)
    with pytest.raises(RuntimeError):
        services.reset_roadmap(learner=alice, roadmap=track)
    assert statuses(alice) == {"a": "done", "b": "done"}
    assert ProgressEvent.objects.filter(reason="reset").count() == 0


def test_notes_and_evidence_are_saved_per_topic(alice, topics):
    services.save_note(learner=alice, topic=topics["a"], note="Revisit the proofs.")
    services.add_evidence(learner=alice, topic=topics["a"], url="https://github.com/alice/nb", title="Notebook")
    services.add_evidence(learner=alice, topic=topics["a"], url="https://github.com/alice/nb", title="Again")
    progress = Progress.objects.get(learner=alice, topic=topics["a"])
    assert progress.note == "Revisit the proofs."
    assert progress.status == Status.NOT_STARTED
    assert list(progress.evidence.values_list("title", flat=True)) == ["Notebook"]


def test_evidence_is_limited_to_five_links(alice, topics):
    for n in range(5):
        services.add_evidence(learner=alice, topic=topics["a"], url=f"https://example.com/{n}")
    with pytest.raises(services.EvidenceLimitReached):
        services.add_evidence(learner=alice, topic=topics["a"], url="https://example.com/6")


def test_streaks_count_consecutive_days_and_survive_until_the_end_of_today():
    today = dt.date(2026, 11, 26)
    days = {today - dt.timedelta(days=n) for n in (1, 2, 3, 10, 11, 12, 13, 14)}
    assert _streaks(days, today) == (3, 5)
    assert _streaks(days | {today}, today) == (4, 5)
    assert _streaks({today - dt.timedelta(days=2)}, today) == (0, 1)
    assert _streaks(set(), today) == (0, 0)


def test_activity_days_are_counted_in_the_learners_time_zone(alice, topics):
    alice.time_zone = "Pacific/Auckland"  # UTC+13 in November
    alice.save()
    services.set_status(learner=alice, topic=topics["a"], status="done")
    # 20:00 UTC on the 25th is already the 26th in Auckland.
    ProgressEvent.objects.update(created_at=dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC))
    now = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    activity = activity_for(alice, now=now)
    assert [day.date for day in activity.active] == [dt.date(2026, 11, 26)]
    assert activity.current_streak == 1


def test_every_month_label_of_the_activity_calendar_fits_inside_it(alice):
    """Issue #25: the last month's name was cut ("De"). A name is three letters
    of 10 px text, about 20 px wide, whatever day of the year it is."""
    for days in range(0, 366, 3):
        now = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=days)
        activity = activity_for(alice, now=now)
        assert all(x + 20 <= activity.width for x, _ in activity.months), now


def test_dashboard_next_up_waits_for_prerequisites_and_skips_done(alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.set_status(learner=alice, topic=topics["e"], status="skipped", roadmap=track)
    data = dashboard_for(alice, now=timezone.now())
    assert [t.slug for t, _, _ in data.next_up] == ["b"]
    completion = data.roadmaps[0].completion
    assert (completion.done, completion.skipped, completion.total, completion.percent) == (1, 1, 5, 25)
    assert completion.remaining_hours == 3 + 5 + 7
    assert [p.topic.slug for p in data.recently_completed] == ["a"]


def test_reset_with_nothing_started_returns_no_batch(alice, track):
    assert services.reset_roadmap(learner=alice, roadmap=track) is None


def test_undo_works_once_and_skips_topics_touched_after_the_reset(alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="done")
    batch = services.reset_roadmap(learner=alice, roadmap=track)
    # b ticked and unticked again after the reset: back at not_started, but the learner's choice.
    services.set_status(learner=alice, topic=topics["b"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="not_started")
    assert services.undo_reset(learner=alice, batch=batch) == 1
    assert statuses(alice) == {"a": "done", "b": "not_started"}
    services.set_status(learner=alice, topic=topics["a"], status="not_started")
    assert services.undo_reset(learner=alice, batch=batch) == 0
    assert statuses(alice)["a"] == "not_started"


def test_a_change_to_an_existing_row_records_event_and_follow_and_nothing_on_a_repeat(alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status=Status.IN_PROGRESS)  # creates the row
    assert not RoadmapFollow.objects.exists()

    change = services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=track)
    assert statuses_of(alice) == {topics["a"].pk: Status.DONE}
    assert (change.previous, change.status, change.changed) == (Status.IN_PROGRESS, Status.DONE, True)
    progress = Progress.objects.get(learner=alice, topic=topics["a"])
    assert progress.status == Status.DONE and progress.completed_at >= progress.started_at
    assert RoadmapFollow.objects.filter(learner=alice, roadmap=track).exists()
    event = ProgressEvent.objects.latest("pk")
    assert (event.from_status, event.to_status, event.reason) == (Status.IN_PROGRESS, Status.DONE, "set")

    repeat = services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=track)
    assert not repeat.changed
    assert ProgressEvent.objects.count() == 2
    services.set_status(learner=alice, topic=topics["b"], status=Status.SKIPPED)
    services.set_status(learner=alice, topic=topics["a"], status=Status.NOT_STARTED)
    assert statuses_of(alice) == {topics["b"].pk: Status.SKIPPED}


def test_a_status_change_is_one_transaction_of_a_lock_and_three_writes(alice, topics, track):
    """The one status rule, the same statements on both databases: the published
    roadmaps and whether the learner follows this one read first, outside the
    transaction (on SQLite it holds the one write lock); then lock the row,
    update it, record the event, move the summary (progress.summary, one UPDATE
    for every roadmap holding the topic), and follow the roadmap if not yet."""

    def tick(topic, status):
        with CaptureQueriesContext(connection) as captured:
            services.set_status(learner=alice, topic=topics[topic], status=status, roadmap=track)
        return [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]  # the test's own transaction

    services.set_status(learner=alice, topic=topics["a"], status=Status.IN_PROGRESS)
    first = tick("a", Status.DONE)
    assert len(first) == 7, first
    assert '"roadmap_roadmap"' in first[0] and '"progress_roadmapfollow"' in first[1]
    assert "FOR UPDATE" in first[2] or connection.vendor == "sqlite"  # SQLite locks the whole database instead
    assert first[3].startswith("UPDATE") and first[4].startswith("INSERT") and first[6].startswith("INSERT")
    assert first[5].startswith('UPDATE "progress_progresssummary"')
    later = tick("a", Status.IN_PROGRESS)  # following already: no write for it
    assert len(later) == 6 and not any(sql.startswith("INSERT") and "roadmapfollow" in sql for sql in later), later


def test_a_failure_during_undo_restores_nothing(alice, topics, track, monkeypatch):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="in_progress")
    batch = services.reset_roadmap(learner=alice, roadmap=track)
    real_apply = fail_on_the_second_row(monkeypatch)
    with pytest.raises(RuntimeError):
        services.undo_reset(learner=alice, batch=batch)
    assert statuses(alice) == {"a": "not_started", "b": "not_started"}
    assert not ProgressEvent.objects.filter(reason="undo").exists()
    monkeypatch.setattr(services, "_apply", real_apply)
    assert services.undo_reset(learner=alice, batch=batch) == 2  # the undo is still there to use


def test_a_failure_during_import_changes_nothing(alice, topics, track, monkeypatch):
    import json

    from progress import transfer

    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.save_note(learner=alice, topic=topics["a"], note="before")
    exported = transfer.export_data(alice)
    for item in exported["progress"]:
        item["note"] = "after"
    data = transfer.parse_import(json.dumps(exported).encode())
    before = (statuses(alice), list(Progress.objects.values_list("note", flat=True)), ProgressEvent.objects.count())

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ProgressEvent.objects, "bulk_create", fail)  # after the progress rows are written
    with pytest.raises(RuntimeError):
        transfer.import_progress(learner=alice, data=data)
    after = (statuses(alice), list(Progress.objects.values_list("note", flat=True)), ProgressEvent.objects.count())
    assert after == before


def test_the_activity_calendars_weeks_start_on_the_readers_first_day_of_the_week(alice, topics, track):
    """#27: Monday first in English, Sunday first in Japanese, with the rows'
    names in the reader's language; a day keeps its own date either way."""
    from django.utils import translation

    from progress.activity import CALENDAR_TOP, CELL

    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    sunday = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    ProgressEvent.objects.update(created_at=sunday)
    now = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)  # a Wednesday
    with translation.override("en"):
        english = activity_for(alice, now=now)
    with translation.override("ja"):
        japanese = activity_for(alice, now=now)
    assert [day.date for day in english.active] == [day.date for day in japanese.active] == [sunday.date()]
    assert english.active[0].y == CALENDAR_TOP + 6 * CELL  # the last row when weeks start on Monday
    assert japanese.active[0].y == CALENDAR_TOP  # the first when they start on Sunday
    assert japanese.active[0].x == english.active[0].x + CELL  # and a week further on: this week's column
    assert [name for _, name in english.weekdays] == ["Tue", "Thu", "Sat"]
    assert [name for _, name in japanese.weekdays] == ["月", "水", "金"]
    assert english.this_week_height == 3 * CELL and japanese.this_week_height == 4 * CELL
