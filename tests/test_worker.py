"""Mail leaves through the real worker (`manage.py db_worker`, a separate
process on the test database), never from the request: a refusing mail server
neither fails a page nor uses up a nudge (issue #13, "Mail off the request path")."""

import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mentoring.models import Nudge
from mlepath.mail import RETRY_DELAYS
from tests.servers import ROOT, free_port, server_env

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def worker(email_url: str):
    """`db_worker` as `make serve` runs it, sending mail to `email_url`; yields
    a function that returns what it has printed so far."""
    env = server_env(EMAIL_URL=email_url, LOG_LEVEL="INFO")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.1", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


@pytest.fixture
def mentor_client(client, mentoring, bob):
    client.force_login(bob)
    return client


def test_a_refusing_mail_server_fails_no_page_and_uses_up_no_nudge(mentor_client, alice):
    closed_port = free_port()  # nothing listens there: every connection is refused
    with worker(f"smtp://127.0.0.1:{closed_port}?timeout=2"):
        started = time.monotonic()
        response = mentor_client.post("/mentoring/mentees/alice/nudge/", follow=True)
        assert time.monotonic() - started < 1
        assert "Encouragement is on its way to Alice Liddell." in response.text

        # The first attempt fails and the next one is scheduled after its pause.
        wait_for(lambda: DBTaskResult.objects.filter(status="FAILED").exists())
        retry = wait_for(lambda: DBTaskResult.objects.filter(status="READY").first())
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after > timezone.now()
        assert "ConnectionRefusedError" in DBTaskResult.objects.get(status="FAILED").traceback
        assert Nudge.objects.exists()  # pending: a second nudge today is still refused

        # The last attempt, brought forward, is given up: the nudge is not counted.
        kwargs = {**retry.args_kwargs["kwargs"], "attempt": len(RETRY_DELAYS) + 1}
        DBTaskResult.objects.filter(pk=retry.pk).update(
            run_after=timezone.now(), args_kwargs={"args": [], "kwargs": kwargs}
        )
        wait_for(lambda: DBTaskResult.objects.filter(status="FAILED").count() == 2)
        assert not Nudge.objects.exists()
        assert not DBTaskResult.objects.filter(status="READY").exists()


def test_the_worker_sends_the_nudge_once(mentor_client, alice):
    with worker("console:") as process:
        response = mentor_client.post("/mentoring/mentees/alice/nudge/", follow=True)
        assert "Encouragement is on its way" in response.text
        wait_for(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").exists())
        mentor_client.post("/mentoring/mentees/alice/nudge/")  # refused: one a day
        time.sleep(0.5)
    output = process.stdout.read()
    assert output.count("Subject: bob is cheering you on at MLE Path") == 1, output
    assert "To: alice@example.com" in output
    assert DBTaskResult.objects.count() == 1


def test_the_worker_sends_each_weekly_digest_once(mentoring, alice, bob, track):
    """Issue #16: two runs of send_digests in one week (its enqueue_due, at a fixed
    Monday morning), one mail per person, sent by the real worker."""
    import datetime as dt

    from mentoring.digests import enqueue_due

    monday_morning = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)

    for user, field in ((alice, "learner_digest"), (bob, "mentor_digest")):
        setattr(user, field, True)
        user.save()
    with worker("console:") as process:
        assert enqueue_due(now=monday_morning) == 2
        wait_for(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2)
        assert enqueue_due(now=monday_morning + dt.timedelta(hours=3)) == 0  # the same week: nothing more
        time.sleep(0.5)
    output = process.stdout.read()
    assert output.count("Subject: Your week at MLE Path") == 1, output
    assert output.count("Subject: Your mentees this week at MLE Path") == 1, output
    assert output.count("List-Unsubscribe-Post: List-Unsubscribe=One-Click") == 2
    assert DBTaskResult.objects.count() == 2
