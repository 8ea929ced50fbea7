"""The database goes away under load and comes back: the production-like server
answers 503 with Retry-After meanwhile (never 500), recovers by itself within
seconds, and loses no tick it acknowledged.

The server reaches PostgreSQL through a TCP proxy that the test cuts and
restores: the same as a database restart, seen from the app, without stopping
the database that the rest of the suite uses."""

import re
import threading
import time

import pytest
from django.db import connection

from progress.models import Progress, ProgressEvent
from tests.servers import Browser, Proxy, collectstatic, database_url, gunicorn, server_env, session_key_for

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user, secret_key) -> str:
    from django.test import override_settings

    with override_settings(SECRET_KEY=secret_key):  # the server's key signs its sessions
        return session_key_for(user)


def test_the_server_answers_503_while_the_database_is_away_and_recovers_by_itself(alice, topics, track):
    if connection.vendor != "postgresql":
        pytest.skip("an outage of a database server: PostgreSQL only (SQLite is a file in the app's process)")
    db = connection.settings_dict
    proxy = Proxy(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))
    url = re.sub(r"@[^/]+/", f"@127.0.0.1:{proxy.port}/", database_url())
    env = server_env(DATABASE_URL=url)
    collectstatic(env)
    browser = Browser()
    browser.cookies = {"sessionid": session_cookie(alice, env["SECRET_KEY"]), "csrftoken": "a" * 32}
    log = []  # (when, what, status)
    acknowledged = []  # (topic, status) of every tick answered 200, in order
    stop = threading.Event()

    def learner(port):
        slugs, n = list(topics), 0
        while not stop.is_set():
            slug = slugs[n % len(slugs)]
            status = "done" if (n // len(slugs)) % 2 == 0 else "not_started"
            path = f"/roadmaps/track/topics/{slug}/status/"
            try:
                code, _, _ = browser.request(port, "POST", path, {"status": status, "csrfmiddlewaretoken": "a" * 32})
            except OSError as exc:
                code = f"connection error: {exc}"
            log.append((time.monotonic(), "tick", code))
            if code == 302:  # the no-JavaScript answer: back to the roadmap
                acknowledged.append((slug, status))
                n += 1
            try:
                code = browser.request(port, "GET", "/dashboard/")[0]
            except OSError as exc:
                code = f"connection error: {exc}"
            log.append((time.monotonic(), "dashboard", code))
            time.sleep(0.05)

    try:
        with gunicorn(env, workers=2) as port:
            worker = threading.Thread(target=learner, args=(port,))
            worker.start()
            time.sleep(1.5)
            proxy.cut()
            cut_at = time.monotonic()
            time.sleep(1)
            health = browser.request(port, "GET", "/healthz")
            time.sleep(2)
            proxy.restore()
            restored_at = time.monotonic()
            time.sleep(6)
            stop.set()
            worker.join(timeout=30)
    finally:
        proxy.close()

    codes = [code for _, _, code in log]
    assert 500 not in codes and all(isinstance(code, int) for code in codes), set(map(str, codes))
    assert set(codes) <= {200, 302, 503}
    during = [code for at, _, code in log if cut_at + 0.5 < at < restored_at]
    assert during and set(during) == {503}
    assert health[0] == 503
    first_ok = min(at for at, what, code in log if at > restored_at and code in (200, 302))
    assert first_ok - restored_at < 5
    # No acknowledged tick is lost: each is an event, in order, and the last one per topic holds.
    assert len(acknowledged) > 10
    events = [(e.topic.slug, e.to_status) for e in ProgressEvent.objects.filter(learner=alice).select_related("topic")]
    remaining = iter(events)
    assert all(tick in remaining for tick in acknowledged), "an acknowledged tick has no event"
    last = dict(acknowledged)
    assert {p.topic.slug: p.status for p in Progress.objects.filter(learner=alice, topic__slug__in=last)} == last
