"""`manage.py worker`: the background worker that `make run`, `make serve` and
the deployment recipe start (mlepath.worker says what it adds to django-tasks-db's)."""

import argparse
import contextlib
import logging
import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, close_old_connections, connections
from django.tasks.signals import task_finished
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from mlepath import worker

logger = logging.getLogger("mlepath.worker")


class Command(BaseCommand):
    help = "Run every due task (mail) as it comes, through database outages and killed workers."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls (default: 1).")
        parser.add_argument("--worker-id", default="", help="A name unique among the workers (default: random).")
        parser.add_argument(
            "--reload",
            action=argparse.BooleanOptionalAction,
            default=settings.DEBUG,
            help="Restart on code changes, as runserver does (default: DEBUG).",
        )

    def handle(self, *, interval: float, worker_id: str, reload: bool, **options):
        worker_id = worker_id or get_random_string(32)
        if reload:
            run_with_reloader(self.run, interval=interval, worker_id=worker_id, in_reloader=True)
        else:
            self.run(interval=interval, worker_id=worker_id)

    def run(self, *, interval: float, worker_id: str, in_reloader: bool = False):
        # django-tasks-db's worker in batch mode: each run() takes every task
        # that is due, one at a time, then returns. Its signal handling stays:
        # SIGTERM between tasks exits at once, during one after the task.
        rounds = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if not in_reloader or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            rounds.configure_signals()  # in the process that runs tasks, not the reloader's
        logger.info("worker %s: polling every %s s", worker_id, interval)
        care = Care(worker_id)
        # A long round (a backlog of digests behind a slow mail server) still
        # beats, after each task.
        task_finished.connect(care.after_task, weak=False, dispatch_uid=f"mlepath.worker.{worker_id}")
        failures = 0
        while rounds.running:
            try:
                close_old_connections()
                care.between_rounds()
                rounds.run()
            except (DatabaseError, InterfaceError) as error:  # InterfaceError: a connection the server dropped
                pause = worker.PAUSES[min(failures, len(worker.PAUSES) - 1)]
                failures += 1
                logger.warning("worker %s: database error (%s); trying again in %s s", worker_id, error, pause)
                connections.close_all()
                care.next_beat = None
                time.sleep(pause)
                continue
            if failures:
                logger.info("worker %s: database back after %d failed attempt(s)", worker_id, failures)
                failures = 0
            time.sleep(interval)


class Care:
    """What the worker does besides running tasks, at most every BEAT_EVERY."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.next_beat = None

    def due(self, now) -> bool:
        return self.next_beat is None or now >= self.next_beat

    def between_rounds(self) -> None:
        now = timezone.now()
        if not self.due(now):
            return
        worker.beat(self.worker_id, now=now)
        requeued, given_up = worker.requeue_stale(now=now)
        if requeued:
            logger.warning(
                "worker %s: %d task(s) left running by a lost worker will run again", self.worker_id, requeued
            )
        if given_up:
            logger.error(
                "worker %s: %d task(s) lost %d workers and are marked failed",
                self.worker_id,
                given_up,
                worker.MAX_CLAIMS,
            )
        self.next_beat = now + worker.BEAT_EVERY

    def after_task(self, sender, **kwargs) -> None:
        now = timezone.now()
        if self.due(now):
            with contextlib.suppress(DatabaseError, InterfaceError):  # the next round says so
                worker.beat(self.worker_id, now=now)
