"""Many requests for the same (learner, topic) at once: one row, a consistent
state, every change in the history, and no error on either database."""

import threading

import pytest
from django.db import connection

from progress import services
from progress.models import Progress, ProgressEvent
from roadmap.models import Topic

THREADS = 8
TRIALS = 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_leave_one_row_and_a_consistent_history(alice, track):
    topic = Topic.objects.get(slug="a")
    errors = []
    changes = []

    def worker(number, barrier):
        try:
            barrier.wait(timeout=30)
            wanted = ("done", "in_progress", "skipped", "not_started")[number % 4]
            change = services.set_status(learner=alice, topic=topic, status=wanted, roadmap=track)
            changes.append(change.changed)
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))
        finally:
            connection.close()

    for _ in range(TRIALS):
        barrier = threading.Barrier(THREADS)
        threads = [threading.Thread(target=worker, args=(n, barrier)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert Progress.objects.filter(learner=alice, topic=topic).count() == 1

    progress = Progress.objects.get(learner=alice, topic=topic)
    history = list(ProgressEvent.objects.filter(learner=alice, topic=topic).order_by("pk"))
    assert changes.count(True) == len(history)  # every change, and only a change, is recorded
    # The events chain: each starts where the previous ended, and the last is the row's state.
    assert history[0].from_status == "not_started"
    for before, after in zip(history, history[1:], strict=False):
        assert after.from_status == before.to_status
    assert history[-1].to_status == progress.status
    if progress.status == "done":
        assert progress.completed_at is not None


def _run_at_once(work, count=THREADS):
    """Run work(n) in `count` threads released together; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(number):
        try:
            barrier.wait(timeout=30)
            results[number] = work(number)
        except Exception as exc:  # asserted by the caller
            results[number] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_htmx_ticks_all_answer_200_and_agree(alice, track):
    """8 tabs tick the same topic at once, 30 times over: every answer is a 200
    fragment, never a 500 or "database is locked", and the page agrees with the row."""
    from django.test import Client

    statuses = ("done", "in_progress", "skipped", "not_started")
    clients = [Client(raise_request_exception=False) for _ in range(THREADS)]
    for client in clients:
        client.force_login(alice)

    def tick(number):
        wanted = statuses[number % 4]
        response = clients[number].post("/roadmaps/track/topics/a/status/", {"status": wanted}, HTTP_HX_REQUEST="true")
        return response.status_code

    for _ in range(TRIALS):
        assert _run_at_once(tick) == [200] * THREADS
    final = Progress.objects.get(learner=alice, topic__slug="a").status
    page = clients[0].get("/roadmaps/track/").content.decode()
    assert f'class="topic status-{final}" id="a"' in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_invite_acceptance_makes_one_mentorship_per_pair(bob, track):
    from django.test import Client

    from mentoring import services as mentoring_services
    from mentoring.models import Invite, Mentorship
    from tests.factories import UserFactory

    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    url = f"/mentoring/invite/{invite.token}/"
    learner = UserFactory(username="twotabs")
    same = [Client(raise_request_exception=False) for _ in range(THREADS)]
    for client in same:
        client.force_login(learner)
    # One learner accepting in 8 tabs at once: one mentorship.
    assert set(_run_at_once(lambda n: same[n].post(url, {"action": "accept"}).status_code)) == {302}
    assert Mentorship.objects.filter(mentor=bob, learner=learner).count() == 1
    # 8 learners accepting the same cohort link at once: 8 mentorships.
    learners = [UserFactory(username=f"cohort{n}") for n in range(THREADS)]
    clients = [Client(raise_request_exception=False) for _ in learners]
    for client, user in zip(clients, learners, strict=True):
        client.force_login(user)
    assert set(_run_at_once(lambda n: clients[n].post(url, {"action": "accept"}).status_code)) == {302}
    assert Mentorship.objects.filter(mentor=bob, learner__in=learners, status="active").count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_of_different_topics_all_count_in_the_summary(alice, track):
    """Each tick moves the summary on top of the others (its row is locked by the
    UPDATE), the first ones included, which make it (progress.summary)."""
    from progress import summary
    from progress.models import ProgressSummary
    from tests.progress.test_summary import oracle

    topics = list(Topic.objects.order_by("slug"))
    statuses = ("done", "in_progress", "skipped", "done")

    for trial in range(6):
        if trial % 2:  # the rows are made by ticks at once, too
            ProgressSummary.objects.filter(learner=alice).delete()
        wanted = [statuses[(n + trial) % 4] for n in range(len(topics))]
        results = _run_at_once(
            lambda n, wanted=wanted: services.set_status(
                learner=alice, topic=topics[n], status=wanted[n], roadmap=track
            ),
            count=len(topics),
        )
        assert all(isinstance(result, services.StatusChange) for result in results), results
        roadmaps = summary.published()
        row = ProgressSummary.objects.get(learner=alice, roadmap=track)
        kept = summary.Figures(*(getattr(row, name) for name in summary.FIELDS))
        assert row.content_version == roadmaps[track.pk].content_version
        assert kept == oracle(alice, track)
