"""Helpers for tests that run the production-like server (gunicorn, DEBUG off)
as a separate process against the test database."""

import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


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

    def __init__(self, *, source=None):
        self.cookies = {}
        # Another loopback address to connect from (all of 127.0.0.0/8 is this
        # machine on Linux): a second client, as a server sees it.
        self.source = source

    def request(self, port, method, path, data=None, headers=None):
        source = (self.source, 0) if self.source else None
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=source)
        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
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

    @staticmethod
    def csrf(html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def session_key_for(user) -> str:
    """A signed-in session made directly in the session store, as a sign-in would
    (signed with the current SECRET_KEY)."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def server_env(**extra) -> dict:
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}}
    if "sessions" in settings.CACHES:  # the run's own session cache (tests/conftest.py), shared by its servers
        env["SESSION_CACHE_DIR"] = settings.CACHES["sessions"]["LOCATION"]
    return (
        env
        | {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "LOG_LEVEL": "CRITICAL",
        }
        | extra
    )


def collectstatic(env) -> None:
    # As in production (make serve): hashed static files first, or {% static %} has no manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )


@contextmanager
def gunicorn(env, *, workers=1):
    """A running server; yields its port."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "mlepath.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "critical",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(150):
            try:
                if Browser().request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn on {port} did not start")
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def fetch(port, path, *, headers=None, timeout=20):
    """One GET; its status, headers and body (bytes), for what Browser does not show."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def nginx_path() -> str | None:
    """Debian's nginx, or None. It is in /usr/sbin, which a user's PATH may lack."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if os.access(found, os.X_OK) else None


@contextmanager
def nginx(app_ports, run_dir: Path):
    """nginx in front of the app servers on app_ports, configured as make
    serve-proxy configures it: deploy/nginx.conf rendered by deploy/render-nginx.
    Yields its port. Its access log, run_dir / "access.log", names the app server
    that answered each request (upstream=...)."""
    port = free_port()
    env = os.environ | {
        # root's nginx would hand its workers to www-data; a user's runs as itself.
        "NGINX_USER": pwd.getpwuid(os.geteuid()).pw_name,
        "NGINX_LISTEN": f"127.0.0.1:{port}",
        "NGINX_SERVER_NAME": "127.0.0.1",
        "MLEPATH_APP_SERVERS": " ".join(f"127.0.0.1:{app_port}" for app_port in app_ports),
        "MLEPATH_STATIC_ROOT": str(settings.STATIC_ROOT),
        "NGINX_PID": str(run_dir / "nginx.pid"),
        "NGINX_TEMP_DIR": str(run_dir),
        "NGINX_ACCESS_LOG": str(run_dir / "access.log"),
        "NGINX_ERROR_LOG": str(run_dir / "error.log"),
    }
    subprocess.run([ROOT / "deploy" / "render-nginx", run_dir], env=env, check=True, timeout=30)
    # What nginx says before it has read its configuration goes to stderr.
    with open(run_dir / "stderr.log", "w") as stderr:
        server = subprocess.Popen(
            [nginx_path(), "-c", run_dir / "nginx.conf", "-p", run_dir, "-g", "daemon off;"],
            start_new_session=True,
            stderr=stderr,
        )
    try:
        answered = False
        for _ in range(100):
            if server.poll() is not None:
                break
            with suppress(OSError):
                answered = Browser().request(port, "GET", "/healthz")[0] == 200
            if answered:
                break
            time.sleep(0.1)
        if not answered:
            logs = [(run_dir / name).read_text() for name in ("stderr.log", "error.log") if (run_dir / name).exists()]
            raise RuntimeError(f"nginx on {port} did not answer:\n{''.join(logs)}")
        yield port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


class Proxy:
    """Forwards 127.0.0.1:<port> to the database; cut() drops every connection
    and refuses new ones until restore()."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.up = True
        self.pairs = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.up = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()
