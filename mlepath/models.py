from django.db import models


class WorkerBeat(models.Model):
    """When each background worker (`manage.py worker`) last polled for tasks:
    /healthz/worker reads the newest, so a worker that died or hangs is seen."""

    worker_id = models.CharField(max_length=64, unique=True)  # the unique index serves the upsert
    beat_at = models.DateTimeField(db_index=True)  # /healthz/worker: the newest beat

    def __str__(self):
        return f"{self.worker_id} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
