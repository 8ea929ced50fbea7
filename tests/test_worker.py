"""Mail leaves through the real worker (`manage.py worker`, a separate process
on the test database), never from the request: a refusing mail server neither
fails a page nor uses up a nudge (issue #13, "Mail off the request path"); and
mail survives faults: a database outage, a killed worker (issue #23, rows 6 and 7)."""

import datetime as dt
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mentoring.models import Nudge
from mlepath.mail import MAIL_QUEUE, RETRY_DELAYS
from mlepath.models import WorkerBeat
from mlepath.worker import LATE_AFTER, STALE_AFTER, requeue_stale
from tests.servers import ROOT, Proxy, database_url, free_port, server_env

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def worker(email_url: str, **env_overrides):
    """`manage.py worker` as `make serve` runs it, sending mail to `email_url`;
    yields the process (its output on .stdout)."""
    env = server_env(EMAIL_URL=email_url, LOG_LEVEL="INFO", **env_overrides)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.1", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def mail_tasks():
    """The mail the worker sends (loading the content also enqueues progress.tasks.refresh_summaries)."""
    return DBTaskResult.objects.filter(queue_name=MAIL_QUEUE)


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
        wait_for(lambda: mail_tasks().filter(status="FAILED").exists())
        retry = wait_for(lambda: mail_tasks().filter(status="READY").first())
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert retry.run_after > timezone.now()
        assert "ConnectionRefusedError" in mail_tasks().get(status="FAILED").traceback
        assert Nudge.objects.exists()  # pending: a second nudge today is still refused

        # The last attempt, brought forward, is given up: the nudge is not counted.
        kwargs = {**retry.args_kwargs["kwargs"], "attempt": len(RETRY_DELAYS) + 1}
        mail_tasks().filter(pk=retry.pk).update(run_after=timezone.now(), args_kwargs={"args": [], "kwargs": kwargs})
        wait_for(lambda: mail_tasks().filter(status="FAILED").count() == 2)
        assert not Nudge.objects.exists()
        assert not mail_tasks().filter(status="READY").exists()


def test_the_worker_sends_the_nudge_once(mentor_client, alice):
    with worker("console:") as process:
        response = mentor_client.post("/mentoring/mentees/alice/nudge/", follow=True)
        assert "Encouragement is on its way" in response.text
        wait_for(lambda: mail_tasks().filter(status="SUCCESSFUL").exists())
        mentor_client.post("/mentoring/mentees/alice/nudge/")  # refused: one a day
        time.sleep(0.5)
    output = process.stdout.read()
    assert output.count("Subject: bob is cheering you on at MLE Path") == 1, output
    assert "To: alice@example.com" in output
    assert mail_tasks().count() == 1


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
        wait_for(lambda: mail_tasks().filter(status="SUCCESSFUL").count() == 2)
        assert enqueue_due(now=monday_morning + dt.timedelta(hours=3)) == 0  # the same week: nothing more
        time.sleep(0.5)
    output = process.stdout.read()
    assert output.count("Subject: Your week at MLE Path") == 1, output
    assert output.count("Subject: Your mentees this week at MLE Path") == 1, output
    assert output.count("List-Unsubscribe-Post: List-Unsubscribe=One-Click") == 2
    assert mail_tasks().count() == 2


# --- Issue #23, rows 6 and 7: mail that survives faults ---------------------------


def test_the_worker_outlives_a_database_outage_and_sends_what_came_meanwhile(mentor_client, alice):
    if connection.vendor != "postgresql":
        pytest.skip("an outage of a database server: PostgreSQL only (SQLite is a file in the worker's process)")
    db = settings.DATABASES["default"]
    proxy = Proxy(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))
    url = database_url().replace(f":{db.get('PORT') or 5432}/", f":{proxy.port}/")
    try:
        with worker("console:", DATABASE_URL=url) as process:
            wait_for(lambda: WorkerBeat.objects.exists())
            proxy.cut()
            time.sleep(5)
            assert process.poll() is None, "the worker exited during the outage"
            # A mail asked for while the worker cannot reach the database.
            mentor_client.post("/mentoring/mentees/alice/nudge/")
            proxy.restore()
            wait_for(lambda: mail_tasks().filter(status="SUCCESSFUL").exists(), timeout=60)
            assert process.poll() is None
    finally:
        proxy.close()
    output = process.stdout.read()
    assert "database error" in output and "database back after" in output
    assert output.count("Subject: bob is cheering you on at MLE Path") == 1


def test_a_task_left_running_by_a_killed_worker_is_sent_by_the_next(mentor_client, alice):
    stalled_smtp = socket.create_server(("127.0.0.1", 0))  # accepts, never greets: a send hangs
    try:
        with worker(f"smtp://127.0.0.1:{stalled_smtp.getsockname()[1]}?timeout=60") as first:
            mentor_client.post("/mentoring/mentees/alice/nudge/")
            wait_for(lambda: mail_tasks().filter(status="RUNNING").exists())
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
    finally:
        stalled_smtp.close()
    [task] = mail_tasks().all()
    assert task.status == "RUNNING"  # nobody will finish it: the worker is gone
    # Time passes beyond STALE_AFTER, and the killed worker's last beat ages.
    mail_tasks().filter(pk=task.pk).update(started_at=timezone.now() - STALE_AFTER - dt.timedelta(seconds=1))
    WorkerBeat.objects.update(beat_at=timezone.now() - LATE_AFTER - dt.timedelta(seconds=1))
    with worker("console:") as second:
        wait_for(lambda: mail_tasks().filter(pk=task.pk, status="SUCCESSFUL").exists())
    assert second.stdout.read().count("Subject: bob is cheering you on at MLE Path") == 1
    assert mail_tasks().count() == 1


def running_task(*, started_ago: dt.timedelta, worker_ids: list[str]) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="mentoring.tasks.send_nudge",
        backend_name="default",
        queue_name="mail",
        run_after=timezone.now(),
        status="RUNNING",
        started_at=timezone.now() - started_ago,
        worker_ids=worker_ids,
    )


def test_only_tasks_of_lost_workers_run_again_and_not_forever(db):
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="alive", beat_at=now)
    WorkerBeat.objects.create(worker_id="gone", beat_at=now - LATE_AFTER - dt.timedelta(seconds=1))
    long = STALE_AFTER + dt.timedelta(seconds=1)
    recent = running_task(started_ago=STALE_AFTER - dt.timedelta(seconds=30), worker_ids=["gone"])
    busy = running_task(started_ago=long, worker_ids=["alive"])  # a long task of a worker that still beats
    lost = running_task(started_ago=long, worker_ids=["gone"])
    unknown = running_task(started_ago=long, worker_ids=["never-beat"])
    cursed = running_task(started_ago=long, worker_ids=["w1", "w2", "gone"])  # it took three workers down
    assert requeue_stale(now=now) == (2, 1)
    status = dict(mail_tasks().values_list("pk", "status"))
    assert (status[recent.pk], status[busy.pk]) == ("RUNNING", "RUNNING")
    assert (status[lost.pk], status[unknown.pk]) == ("READY", "READY")
    assert status[cursed.pk] == "FAILED"
    assert "3 workers were lost" in mail_tasks().get(pk=cursed.pk).traceback


def test_healthz_worker_tells_a_late_worker(client):
    assert client.get("/healthz/worker").status_code == 503  # none ever polled
    with worker("console:"):
        answer = wait_for(lambda: (r := client.get("/healthz/worker")).status_code == 200 and r)
    assert answer.json()["status"] == "ok"
    WorkerBeat.objects.update(beat_at=timezone.now() - LATE_AFTER - dt.timedelta(seconds=1))
    late = client.get("/healthz/worker")
    assert late.status_code == 503 and late.json()["status"] == "late"
    # The load balancer's /healthz does not depend on it.
    assert client.get("/healthz").status_code == 200


def test_supervise_starts_a_command_again_when_it_exits(tmp_path):
    runs = tmp_path / "runs"
    process = subprocess.Popen(["deploy/supervise", "sh", "-c", f"echo run >> {runs}; exit 3"], cwd=ROOT)
    try:
        wait_for(lambda: runs.exists() and runs.read_text().count("run") >= 2, timeout=10)
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
