"""`manage.py worker`: the background worker that `make run`, `make serve` and
the deployment recipe start (mlepath.worker says what it adds to django-tasks-db's)."""

import argparse
import logging
import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, close_old_connections, connections
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
        next_beat = None
        failures = 0
        while rounds.running:
            try:
                close_old_connections()
                now = timezone.now()
                if next_beat is None or now >= next_beat:
                    worker.beat(worker_id, now=now)
                    if requeued := worker.requeue_stale(now=now):
                        logger.warning(
                            "worker %s: %d task(s) left running by a lost worker will run again", worker_id, requeued
                        )
                    next_beat = now + worker.BEAT_EVERY
                rounds.run()
            except (DatabaseError, InterfaceError) as error:  # InterfaceError: a connection the server dropped
                pause = worker.PAUSES[min(failures, len(worker.PAUSES) - 1)]
                failures += 1
                logger.warning("worker %s: database unavailable (%s); trying again in %s s", worker_id, error, pause)
                connections.close_all()
                next_beat = None
                time.sleep(pause)
                continue
            if failures:
                logger.info("worker %s: database back after %d failed attempt(s)", worker_id, failures)
                failures = 0
            time.sleep(interval)
