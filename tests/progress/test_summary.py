"""The progress summary (progress.summary): what the dashboard, the roadmap list,
the cohort, the mentee page, the portfolio and the digests read equals a fresh
aggregate of the learner's rows after every kind of write, on both databases."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import transaction
from django.db.models import Max
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progress import services, summary, transfer
from progress.models import Progress, ProgressEvent, ProgressSummary, RoadmapFollow, Status
from progress.tasks import learners_to_recount, refresh_summaries
from roadmap.models import Placement, Roadmap, Section, Topic
from roadmap.services import content_changed

SLUGS = ("a", "b", "c", "d", "e")


@pytest.fixture
def two_tracks(track, alice, bob):
    """`track` (a b c | d e) and `second`, which shares a and e with it and places
    e in two of its sections (counted once)."""
    second = Roadmap.objects.create(slug="second", title="Second", summary="s", audience="everyone")
    first = Section.objects.create(roadmap=second, slug="one", title="One", order=1)
    other = Section.objects.create(roadmap=second, slug="two", title="Two", order=2)
    topics = {t.slug: t for t in Topic.objects.all()}
    Placement.objects.create(section=first, topic=topics["a"], order=1)
    Placement.objects.create(section=first, topic=topics["e"], order=2)
    Placement.objects.create(section=other, topic=topics["e"], order=1)
    content_changed()
    return {"track": track, "second": second}


def oracle(learner, roadmap) -> summary.Figures:
    """The aggregate from the rows themselves, without the outline or the summary."""
    if not roadmap.published:
        return None
    held = {
        topic.pk: topic.estimated_hours
        for topic in Topic.objects.filter(retired=False, placements__section__roadmap=roadmap).distinct()
    }
    statuses = dict(Progress.objects.filter(learner=learner, topic_id__in=held).values_list("topic_id", "status"))
    counts = dict.fromkeys(("done", "in_progress", "skipped"), 0)
    hours = dict.fromkeys(counts, 0)
    for pk, status in statuses.items():
        if status != Status.NOT_STARTED:
            counts[status] += 1
            hours[status] += held[pk]
    last = ProgressEvent.objects.filter(learner=learner, topic_id__in=held).aggregate(last=Max("created_at"))["last"]
    return summary.Figures(
        topics=len(held),
        hours=sum(held.values()),
        **counts,
        **{f"{name}_hours": value for name, value in hours.items()},
        last_activity=last,
    )


def check(learners) -> None:
    roadmaps = summary.published()
    pairs = {(learner.pk, pk) for learner in learners for pk in roadmaps}
    read = summary.read(pairs, roadmaps)
    by_pk = {learner.pk: learner for learner in learners}
    for (learner_id, roadmap_id), figures in read.items():
        assert figures == oracle(by_pk[learner_id], roadmaps[roadmap_id]), (learner_id, roadmaps[roadmap_id].slug)
    # And the rows kept at the current version hold exactly that (not only the fallback).
    for row in ProgressSummary.objects.filter(learner__in=learners, roadmap__in=roadmaps):
        if row.content_version == roadmaps[row.roadmap_id].content_version:
            kept = summary.Figures(*(getattr(row, name) for name in summary.FIELDS))
            assert kept == read[row.learner_id, row.roadmap_id], (row.learner_id, row.roadmap.slug)


TICK = st.tuples(
    st.just("tick"),
    st.sampled_from(("alice", "bob")),
    st.sampled_from(SLUGS),
    st.sampled_from(Status.values),
    st.sampled_from(("track", "second", None)),
)
RESET = st.tuples(st.just("reset"), st.sampled_from(("alice", "bob")), st.sampled_from(("track", "second")))
UNDO = st.tuples(st.just("undo"), st.sampled_from(("alice", "bob")))
IMPORT = st.tuples(st.just("import"), st.sampled_from(("alice", "bob")))  # the other's export
CONTENT = st.tuples(
    st.just("content"),
    st.sampled_from(("retire", "restore", "hours", "move", "unpublish", "publish")),
    st.sampled_from(SLUGS),
    st.integers(1, 40),
)
FOLLOW = st.tuples(st.just("follow"), st.sampled_from(("alice", "bob")), st.sampled_from(("track", "second")))
REFRESH = st.just(("refresh",))
STEPS = st.lists(st.one_of(TICK, TICK, TICK, RESET, UNDO, IMPORT, CONTENT, FOLLOW, REFRESH), min_size=1, max_size=25)


def apply(step, *, users, tracks, batches) -> None:
    kind, *args = step
    if kind == "tick":
        name, slug, status, on = args
        roadmap = tracks[on] if on else None
        services.set_status(learner=users[name], topic=Topic.objects.get(slug=slug), status=status, roadmap=roadmap)
    elif kind == "reset":
        name, slug = args
        batch = services.reset_roadmap(learner=users[name], roadmap=tracks[slug])
        if batch:
            batches.setdefault(name, []).append(batch)
    elif kind == "undo":
        (name,) = args
        if batches.get(name):
            services.undo_reset(learner=users[name], batch=batches[name].pop())
    elif kind == "import":
        (name,) = args
        source = users["bob" if name == "alice" else "alice"]
        data = transfer.parse_import(transfer.export_json(source).encode())
        transfer.import_progress(learner=users[name], data=data)
    elif kind == "follow":
        name, slug = args
        services.follow_roadmap(learner=users[name], roadmap=tracks[slug])
    elif kind == "refresh":
        refresh_summaries.call()
    else:
        change, slug, number = args
        topic = Topic.objects.get(slug=slug)
        if change == "retire":
            Topic.objects.filter(pk=topic.pk).update(retired=True)
        elif change == "restore":
            Topic.objects.filter(pk=topic.pk).update(retired=False)
        elif change == "hours":
            Topic.objects.filter(pk=topic.pk).update(estimated_hours=number)
        elif change == "move":  # onto the other roadmap's first section, or off it
            section = Section.objects.filter(roadmap=tracks["second" if number % 2 else "track"]).first()
            placed = Placement.objects.filter(section=section, topic=topic)
            placed.delete() if placed.exists() else Placement.objects.create(section=section, topic=topic, order=9)
        else:
            Roadmap.objects.filter(pk=tracks["second"].pk).update(published=change == "publish")
        content_changed()


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_summary_equals_a_fresh_aggregate_after_every_write(two_tracks, alice, bob, steps):
    users = {"alice": alice, "bob": bob}
    with transaction.atomic():
        for cache in caches.all():  # outlines are cached by content version, which the rollback moves back
            cache.clear()
        batches = {}
        for step in steps:
            apply(step, users=users, tracks=two_tracks, batches=batches)
            check([alice, bob])
        transaction.set_rollback(True)


def test_a_tick_counts_on_every_roadmap_that_holds_the_topic_once(two_tracks, alice, topics):
    services.set_status(learner=alice, topic=topics["e"], status=Status.DONE, roadmap=two_tracks["second"])
    rows = {row.roadmap.slug: row for row in ProgressSummary.objects.filter(learner=alice)}
    assert (rows["track"].done, rows["track"].done_hours, rows["track"].topics) == (1, 11, 5)
    assert (rows["second"].done, rows["second"].done_hours, rows["second"].topics) == (1, 11, 2)
    assert rows["second"].last_activity is not None


def test_after_a_content_change_the_worker_recounts_and_reads_do_not_wait(
    two_tracks, alice, topics, run_tasks, django_capture_on_commit_callbacks
):
    services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=two_tracks["track"])
    run_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.filter(slug="a").update(estimated_hours=20)
        content_changed()
    roadmaps = summary.published()
    stale = ProgressSummary.objects.get(learner=alice, roadmap__slug="track")
    assert stale.content_version != roadmaps[stale.roadmap_id].content_version
    # Read before the worker ran: counted afresh, not the stale row.
    assert summary.read({(alice.pk, stale.roadmap_id)}, roadmaps)[alice.pk, stale.roadmap_id].done_hours == 20
    assert learners_to_recount(roadmaps) == [alice.pk]
    assert run_tasks() >= 1  # the task the content change enqueued
    row = ProgressSummary.objects.get(pk=stale.pk)
    assert (row.content_version, row.done_hours, row.hours) == (roadmaps[row.roadmap_id].content_version, 20, 46)
    assert learners_to_recount(roadmaps) == []


def test_a_follow_makes_the_summary_and_a_read_writes_nothing(two_tracks, alice, django_assert_num_queries):
    roadmaps = summary.published()
    pair = (alice.pk, two_tracks["second"].pk)
    assert summary.read({pair}, roadmaps)[pair].topics == 2  # counted on read
    assert not ProgressSummary.objects.exists()  # and nothing written by it
    services.follow_roadmap(learner=alice, roadmap=two_tracks["second"])
    assert RoadmapFollow.objects.filter(learner=alice).count() == 1
    assert ProgressSummary.objects.get(learner=alice).topics == 2
    with django_assert_num_queries(1):
        summary.read({pair}, roadmaps)


def test_an_import_with_past_dates_keeps_the_latest_activity(two_tracks, alice, bob, topics):
    services.set_status(learner=bob, topic=topics["a"], status=Status.DONE, roadmap=two_tracks["track"])
    ProgressEvent.objects.filter(learner=bob).update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    transfer.import_progress(learner=alice, data=transfer.parse_import(transfer.export_json(bob).encode()))
    row = ProgressSummary.objects.get(learner=alice, roadmap=two_tracks["track"])
    assert (row.done, row.last_activity) == (1, dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
