"""The production topology: nginx, configured from deploy/nginx.conf as `make
serve-proxy` configures it, in front of two gunicorn servers on one database.

Each gunicorn here has a single sync worker, so one request whose body never
finishes would stop its server: whatever keeps answering, nginx kept away.
"""

import os
import re
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from progress.models import Progress
from tests.servers import Browser, collectstatic, fetch, gunicorn, nginx, nginx_path, server_env

pytestmark = pytest.mark.django_db(transaction=True)

REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1" or bool(os.environ.get("CI"))


@pytest.fixture(scope="module")
def static_files():
    """Hashed static files, as in production: nginx serves them, and the
    servers' templates need their manifest."""
    collectstatic(server_env())


@pytest.fixture(scope="module")
def nginx_installed():
    """Locally the nginx tests skip without nginx; in CI they fail, never skip."""
    if not nginx_path() or not shutil.which("envsubst"):
        message = "nginx and envsubst are needed (apt-get install nginx gettext-base)"
        if REQUIRED:
            pytest.fail(f"{message}, and REQUIRE_BROWSER=1 or CI is set: a failure, not a skip.")
        pytest.skip(message)


@dataclass
class Topology:
    proxy: int  # nginx's port
    servers: tuple[int, int]  # the gunicorn servers' ports
    access_log: Path

    def log_lines(self, marker: str, count: int = 1, tries: int = 50) -> list[str]:
        """nginx's access log lines that hold marker, once there are count of
        them (nginx writes a line just after it has sent the answer)."""
        for _ in range(tries):
            lines = [line for line in self.access_log.read_text().splitlines() if marker in line]
            if len(lines) >= count:
                return lines
            time.sleep(0.02)
        raise AssertionError(f"{len(lines)} lines with {marker!r} in nginx's access log, not {count}")

    def upstream_of(self, marker: str) -> str:
        """The app server that answered the last request whose log line holds
        marker; "-" when nginx answered itself."""
        return re.search(r" upstream=(\S+)", self.log_lines(marker)[-1]).group(1)


@pytest.fixture
def topology(nginx_installed, static_files, tmp_path, track, alice, bob, password):
    for user in (alice, bob):
        with_server_password(user, password)
    # One SECRET_KEY for both servers, so each reads the other's sessions.
    env = server_env(TRUSTED_PROXY_COUNT="1", SECURE_PROXY_SSL_HEADER="1")
    with gunicorn(env) as one, gunicorn(env) as two, nginx([one, two], tmp_path) as proxy:
        yield Topology(proxy=proxy, servers=(one, two), access_log=tmp_path / "access.log")


def with_server_password(user, password):
    """A hash the servers accept (the tests' MD5 hasher is not in their list),
    cheap to check: PBKDF2 with few rounds, upgraded at the first sign-in."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])


def sign_in(browser, port, username, password, headers=None):
    _, _, html = browser.request(port, "GET", "/accounts/login/")
    data = {"csrfmiddlewaretoken": browser.csrf(html), "username": username, "password": password}
    return browser.request(port, "POST", "/accounts/login/", data, headers=headers)


def half_sent_body(port):
    """A sign-in POST that announces 10,000 bytes and sends 100: the body the
    server must read before it can answer (CsrfViewMiddleware reads the form,
    since the CSRF cookie is there), and it never comes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        b"POST /accounts/login/ HTTP/1.1\r\n"
        + f"Host: 127.0.0.1:{port}\r\n".encode()
        + b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 10000\r\n"
        b"Cookie: csrftoken=" + b"a" * 32 + b"\r\n\r\n" + b"username=x&password=" + b"y" * 80
    )
    return sock


def timed(request, *args, **kwargs):
    started = time.perf_counter()
    status, _, body = request(*args, **kwargs)
    return status, body, time.perf_counter() - started


def test_twenty_stalled_bodies_hold_nginx_not_the_app_servers(topology, password, capsys):
    browser = Browser()
    assert sign_in(browser, topology.proxy, "alice", password)[:2] == (302, "/dashboard/")
    held = [half_sent_body(topology.proxy) for _ in range(20)]
    try:
        time.sleep(0.3)  # nginx has read every request's headers and waits for the rest
        answers = {"/healthz": [], "/dashboard/": []}
        # Four of each, so that both app servers answer while the bodies are held.
        for _ in range(4):
            answers["/healthz"].append(timed(fetch, topology.proxy, "/healthz"))
            answers["/dashboard/"].append(timed(browser.request, topology.proxy, "GET", "/dashboard/"))
        for path, timings in answers.items():
            for status, _, seconds in timings:
                assert status == 200, path
                assert seconds < 1, f"{path} took {seconds:.3f} s with 20 bodies held"
        assert all(">Sign out</button>" in body for _, body, _ in answers["/dashboard/"])
        slowest = {path: max(seconds for _, _, seconds in timings) for path, timings in answers.items()}

        # Still held, unanswered: nginx waits for the bodies (up to client_body_timeout).
        for sock in held:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
            sock.setblocking(True)

        # Once a body is complete, the app gets the whole request at once and answers it
        # (403: the form has no CSRF token), in milliseconds, though the client took seconds.
        for sock in held:
            sock.sendall(b"y" * (10000 - 100))
            assert sock.makefile("rb").readline().startswith(b"HTTP/1.1 403 ")
    finally:
        for sock in held:
            sock.close()
    posts = topology.log_lines('"POST /accounts/login/ HTTP/1.1" 403', count=20)
    assert len(posts) == 20
    held_for = [float(re.search(r" request_time=(\S+)", line).group(1)) for line in posts]
    app_busy = [float(re.search(r" upstream_time=(\S+)", line).group(1)) for line in posts]
    assert min(held_for) > 0.3 and max(app_busy) < 0.3, posts
    with capsys.disabled():
        print(
            f"\n20 bodies held: slowest /healthz {slowest['/healthz'] * 1000:.0f} ms, "
            f"/dashboard/ {slowest['/dashboard/'] * 1000:.0f} ms; the bodies took {min(held_for):.2f}-"
            f"{max(held_for):.2f} s to arrive, their app servers spent at most {max(app_busy) * 1000:.0f} ms on them"
        )


def test_without_the_proxy_two_stalled_bodies_stop_both_app_servers(static_files, db):
    env = server_env()
    with gunicorn(env) as one, gunicorn(env) as two:
        held = [half_sent_body(one), half_sent_body(two)]
        try:
            time.sleep(0.3)
            for port in (one, two):
                with pytest.raises(TimeoutError):
                    fetch(port, "/healthz", timeout=1)
        finally:
            for sock in held:
                sock.close()
        # The body ends short: the worker gives up on it and serves again.
        for port in (one, two):
            assert fetch(port, "/healthz", timeout=5)[0] == 200


def test_a_tick_through_one_app_server_shows_through_the_other(topology, alice, password):
    browser = Browser()
    status, location, _ = sign_in(browser, topology.proxy, "alice", password)
    assert (status, location) == (302, "/dashboard/")
    _, _, html = browser.request(topology.proxy, "GET", "/roadmaps/track/")
    status, location, _ = browser.request(
        topology.proxy,
        "POST",
        "/roadmaps/track/topics/a/status/?probe=tick",
        {"csrfmiddlewaretoken": browser.csrf(html), "status": "done"},
    )
    assert (status, location) == (302, "/roadmaps/track/#a")
    assert Progress.objects.get(learner=alice, topic__slug="a").status == "done"
    ticked_on = topology.upstream_of("probe=tick")

    # nginx takes turns: within a few requests the other server answers, and shows the tick.
    served_by = set()
    for n in range(6):
        _, _, html = browser.request(topology.proxy, "GET", f"/roadmaps/track/?probe=read{n}")
        assert re.search(r'id="done-a" checked\s+hx-post="/roadmaps/track/topics/a/status/"', html)
        served_by.add(topology.upstream_of(f"probe=read{n}"))
    assert served_by == {f"127.0.0.1:{port}" for port in topology.servers}
    assert ticked_on in served_by


def test_the_sign_in_lockout_counts_the_address_nginx_saw_not_a_forged_header(topology, bob, password):
    """With TRUSTED_PROXY_COUNT=1 the app reads the rightmost X-Forwarded-For
    entry, the one nginx appends: what a client writes there changes nothing."""
    attacker = Browser()  # from 127.0.0.1
    for n in range(5):
        status, _, html = sign_in(attacker, topology.proxy, "bob", "wrong", {"X-Forwarded-For": f"1.2.3.{n}"})
        assert status == 200 and "Too many failed sign-ins" not in html
    # The right password now, and yet another forged address: still locked out.
    status, _, html = sign_in(attacker, topology.proxy, "bob", password, {"X-Forwarded-For": "1.2.3.4"})
    assert status == 429 and "Too many failed sign-ins" in html
    assert 'xff="1.2.3.4"' in topology.access_log.read_text()  # the header did reach nginx

    # Another client (127.0.0.2) is not locked out, even naming the locked address.
    other = Browser(source="127.0.0.2")
    status, location, _ = sign_in(other, topology.proxy, "bob", password, {"X-Forwarded-For": "127.0.0.1"})
    assert (status, location) == (302, "/dashboard/")


def test_static_files_come_from_nginx_with_long_cache_and_security_headers(topology):
    _, _, html = Browser().request(topology.proxy, "GET", "/accounts/login/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)

    status, headers, _ = fetch(topology.proxy, stylesheet, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert topology.upstream_of(f"GET {stylesheet}") == "-"  # no app server was asked
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Encoding"] == "gzip"  # whitenoise's .gz copy, sent as it is
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"].startswith("default-src 'none'; frame-ancestors 'none'")

    # An unhashed name may change at the next deployment.
    status, headers, _ = fetch(topology.proxy, "/static/css/site.css")
    assert (status, headers["Cache-Control"]) == (200, "public, max-age=60")
    assert fetch(topology.proxy, "/static/css/nothing.css")[0] == 404


def test_nginx_overwrites_a_forged_x_forwarded_proto(topology):
    """The app trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER=1): from nginx
    it is the scheme nginx saw, whatever the client wrote."""
    forged = {"X-Forwarded-Proto": "https"}
    # Straight to an app server, the forged header would pass for HTTPS (HSTS is sent on HTTPS only)...
    assert "Strict-Transport-Security" in fetch(topology.servers[0], "/healthz", headers=forged)[1]
    # ...through nginx it is plain HTTP.
    assert "Strict-Transport-Security" not in fetch(topology.proxy, "/healthz", headers=forged)[1]


def test_nginx_refuses_a_body_over_3_mb_unread(topology):
    with socket.create_connection(("127.0.0.1", topology.proxy), timeout=5) as sock:
        sock.sendall(
            f"POST /dashboard/import/ HTTP/1.1\r\nHost: 127.0.0.1:{topology.proxy}\r\n".encode()
            + f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {3 * 1024 * 1024 + 1}\r\n\r\n".encode()
        )
        answer = sock.makefile("rb")
        assert answer.readline().startswith(b"HTTP/1.1 413 ")
        headers = {}
        while (line := answer.readline().decode().strip()) != "":
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        body = answer.read(int(headers["content-length"])).decode()
    # nginx logs it once it gave up reading the body it refused (client_body_timeout at most).
    [line] = topology.log_lines('"POST /dashboard/import/', tries=1000)
    assert " 413 " in line and "upstream=-" in line
    # nginx's own error page says what happened and carries the site's headers.
    assert "MLE Path takes uploads of up to 2 MB" in body
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in headers["content-security-policy"]


# --- Issue #23, rows 8 and 9: one address cannot take the proxy down ---------------

# More than the 2 x 1,024 worker_connections nginx had before: 2,100 reset every probe then.
IDLE_CONNECTIONS = 3000


def test_thousands_of_idle_connections_from_one_address_leave_probes_answering(topology, capsys):
    """Half-sent headers held open, all from 127.0.0.1, the address the probes
    come from too: nginx keeps room for them and answers the probes."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4096), hard), hard))
    idle = []
    try:
        for _ in range(IDLE_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", topology.proxy), timeout=5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            idle.append(sock)
        time.sleep(0.5)
        probes = [timed(fetch, topology.proxy, "/healthz", timeout=5) for _ in range(6)]
        assert [status for status, _, _ in probes] == [200] * 6
        errors = (topology.access_log.parent / "error.log").read_text()
        assert "worker_connections are not enough" not in errors
    finally:
        for sock in idle:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    with capsys.disabled():
        print(f"\n{IDLE_CONNECTIONS:,} idle connections: slowest probe {max(t for _, _, t in probes) * 1000:.0f} ms")


def test_a_flood_of_sign_in_posts_from_one_address_stops_at_nginx(topology, password):
    browser = Browser()
    statuses = [sign_in(browser, topology.proxy, f"nobody{n}", "wrong")[0] for n in range(30)]
    # The burst of 20 reaches the app (which answers each wrong password itself)...
    assert statuses[:20] == [200] * 20
    # ...then nginx answers 429 with its own page, and the app never sees those.
    assert 429 in statuses[20:]
    refused = [line for line in topology.log_lines('"POST /accounts/login/', count=30) if " 429 " in line]
    assert refused and all("upstream=-" in line for line in refused)
    # Pages and GETs are not counted.
    assert fetch(topology.proxy, "/accounts/login/")[0] == 200
