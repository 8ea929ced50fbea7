"""Many requests for the same (learner, topic) at once: one row, a consistent
state, every change in the history, and no error on either database."""

import threading

import pytest
from django.db import connection

from progress import services
from progress.models import Progress, ProgressEvent
from roadmap.models import Topic

THREADS = 8
TRIALS = 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_leave_one_row_and_a_consistent_history(alice, track):
    topic = Topic.objects.get(slug="a")
    errors = []

    def worker(number, barrier):
        try:
            barrier.wait(timeout=30)
            wanted = ("done", "in_progress", "skipped", "not_started")[number % 4]
            services.set_status(learner=alice, topic=topic, status=wanted, roadmap=track)
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
    # The events chain: each starts where the previous ended, and the last is the row's state.
    assert history[0].from_status == "not_started"
    for before, after in zip(history, history[1:], strict=False):
        assert after.from_status == before.to_status
    assert history[-1].to_status == progress.status
    if progress.status == "done":
        assert progress.completed_at is not None
