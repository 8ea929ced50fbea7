"""The background worker's care: what keeps mail flowing through faults.

`manage.py worker` runs django-tasks-db's own worker in rounds (each round runs
every task that is due) and, between rounds:
- beats (mlepath.models.WorkerBeat), so /healthz/worker can tell a worker that
  stopped polling;
- puts back to READY a task left RUNNING longer than STALE_AFTER: its worker
  was killed mid-task (kill -9, a lost machine), and nobody else would ever run it;
- outlives a database outage: an error reaching the database is logged, and
  the next round waits 1, 2, 4 ... up to 30 seconds.
"""

import datetime as dt

from django.db.models import Q
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mlepath.models import WorkerBeat

# Far longer than any task runs: a mail is one SMTP conversation with a 10 s
# timeout (EMAIL_URL's ?timeout=), retried later as a new task when it fails.
STALE_AFTER = dt.timedelta(minutes=5)
# A worker polls every second; it records that at most this often.
BEAT_EVERY = dt.timedelta(seconds=15)
# /healthz/worker reports a worker late when no beat is newer than this.
LATE_AFTER = dt.timedelta(minutes=2)
PAUSES = (1, 2, 4, 8, 16, 30)
# Workers a task may lose before it is marked failed instead of run again.
MAX_CLAIMS = 3


def beat(worker_id: str, *, now: dt.datetime) -> None:
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": now})
    # Beats of workers gone for a day only fill the table.
    WorkerBeat.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()


def requeue_stale(*, now: dt.datetime) -> tuple[int, int]:
    """Tasks claimed more than STALE_AFTER ago by a worker that stopped beating
    (killed, or its machine lost): run them again, unless MAX_CLAIMS workers
    were lost on one already (a task that kills its worker would otherwise
    come back forever): that one is marked failed. Returns (requeued, given up).
    At least once: a mail whose worker died in the middle of its SMTP
    conversation may be sent twice, never lost."""
    alive = set(WorkerBeat.objects.filter(beat_at__gte=now - LATE_AFTER).values_list("worker_id", flat=True))
    stale = DBTaskResult.objects.filter(Q(status=TaskResultStatus.RUNNING), Q(started_at__lt=now - STALE_AFTER))
    requeue, give_up = [], []
    for pk, worker_ids in stale.values_list("pk", "worker_ids"):
        if worker_ids and worker_ids[-1] in alive:
            continue  # its worker still beats: a long task, not a lost one
        (give_up if len(worker_ids) >= MAX_CLAIMS else requeue).append(pk)
    # Each update re-checks RUNNING: a task that finished meanwhile is left alone.
    requeued = DBTaskResult.objects.filter(pk__in=requeue, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY
    )
    given_up = DBTaskResult.objects.filter(pk__in=give_up, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="mlepath.worker.LostWorkers",
        traceback=f"{MAX_CLAIMS} workers were lost while running this task; it is not run again.",
    )
    return requeued, given_up


def last_beat() -> dt.datetime | None:
    return WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
