"""Writers take turns on SQLite by a lock the kernel queues.

SQLite has one write lock per database. A writer that finds it taken sleeps
and retries (busy_timeout), in steps that grow to 100 ms, while writers that
arrive later may take the lock first: under a stream of ticks a few wait for
hundreds of milliseconds (make bench's set status, #24). An exclusive flock on
a file beside the database queues them instead: each is woken as soon as the
one before it is done. It only orders the writers: SQLite's own lock still
guards the data. PostgreSQL locks rows, and needs none of this.
"""

import contextlib
import fcntl
import os

from django.db import connection

_files: dict[str, int] = {}


def _lock_file(database: str) -> int:
    if database not in _files:
        _files[database] = os.open(f"{database}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    return _files[database]


@contextlib.contextmanager
def turn():
    """The caller's turn to write (wrap the write transaction in it); at once on PostgreSQL."""
    database = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or database == ":memory:" or "mode=memory" in database:
        yield
        return
    descriptor = _lock_file(database)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
