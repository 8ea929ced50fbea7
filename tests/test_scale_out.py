"""Two app servers, one database: nothing a request needs lives in one process."""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from progress.models import Progress

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{connection.settings_dict['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies by hand (they are Secure, we speak plain HTTP)."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, data=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            from urllib.parse import urlencode

            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[key] = morsel.value
                else:
                    self.cookies.pop(key, None)
        return response.status, response.getheader("Location"), response.read().decode()

    def csrf(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def two_servers(track, alice):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
    }
    # As in production (make serve): hashed static files first, or {% static %} has no manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )
    ports = [free_port(), free_port()]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    servers = [
        subprocess.Popen(
            [str(gunicorn), "mlepath.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "error"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        for port in ports:
            for _ in range(100):
                try:
                    if Browser().request(port, "GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"server on {port} did not start")
        yield ports
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


def test_sign_in_on_one_server_tick_on_the_other_and_both_agree(two_servers, alice, password):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    # The servers use the real hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    alice.password = hasher.encode(password, hasher.salt())
    alice.save()
    one, two = two_servers
    browser = Browser()
    _, _, html = browser.request(one, "GET", "/accounts/login/")
    status, location, _ = browser.request(
        one,
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": browser.csrf(html), "username": "alice", "password": password},
    )
    assert (status, location) == (302, "/dashboard/")

    # The session made on server one is valid on server two.
    status, _, html = browser.request(two, "GET", "/roadmaps/track/")
    assert status == 200 and ">Sign out</button>" in html
    status, location, _ = browser.request(
        two, "POST", "/roadmaps/track/topics/a/status/", {"csrfmiddlewaretoken": browser.csrf(html), "status": "done"}
    )
    assert (status, location) == (302, "/roadmaps/track/#a")
    assert Progress.objects.get(learner=alice, topic__slug="a").status == "done"

    for port in (one, two):
        _, _, html = browser.request(port, "GET", "/roadmaps/track/")
        assert re.search(r'id="done-a" name="status" value="done"\s+checked', html), port
        assert 'value="20" aria-label="Completion of Track"' in html

    # Signing out on server two ends the session on server one too.
    browser.request(two, "POST", "/accounts/logout/", {"csrfmiddlewaretoken": browser.csrf(html)})
    status, location, _ = browser.request(one, "GET", "/dashboard/")
    assert status == 302 and location.startswith("/accounts/login/")
