"""On SQLite a tick waits its turn behind another process's write by a lock
the kernel queues (mlepath.writers), rather than by SQLite's sleep-and-retry."""

import subprocess
import sys
import time

import pytest
from django.db import connection

from mlepath import writers

HOLD = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_writer_waits_for_another_process_to_finish(db):
    if connection.vendor != "sqlite":
        with writers.turn():  # nothing to wait for: PostgreSQL locks rows
            pass
        pytest.skip("the turn is SQLite's only")
    path = f"{connection.settings_dict['NAME']}.writers"
    other = subprocess.Popen([sys.executable, "-c", HOLD, path, "0.6"], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        start = time.monotonic()
        with writers.turn():
            waited = time.monotonic() - start
        assert waited > 0.3  # the other writer held it for 0.6 s
    finally:
        other.wait(timeout=10)


def test_a_tick_takes_its_turn_and_counts(alice_client, alice, topics):
    """The turn is released after each tick: two in a row both count."""
    for status in ("done", "in_progress"):
        response = alice_client.post("/roadmaps/track/topics/a/status/", {"status": status}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert alice.progress.get(topic=topics["a"]).status == "in_progress"
