"""Every command the README shows works as written on a fresh clone after `make run` (issue #15).

The commands are the lines of the README's ```sh blocks and the first column of
its tables headed "command". Each is run here (RUN, SERVERS) or skipped with its
reason (SKIPPED); a command the README gains that is in none of them fails
`test_every_readme_command_is_run_or_skipped_with_a_reason`, so the README
cannot drift from what works.

The clone is a copy of what the next commit would hold: the working tree's files
that git tracks or would track (uncommitted and new files included; ignored ones
such as .env, db.sqlite3 and staticfiles/ left out), with their modification
times, so the Makefile's stamps see what they would see here. The project's .venv
is linked in, so nothing is downloaded: with PIP_NO_INDEX an install the venv
already satisfies is a no-op, and one that would need the network fails. Every
command gets a clean environment (PATH, HOME, LANG): no DEBUG, SECRET_KEY,
DATABASE_URL or REDIS_URL from this run, so the clone uses its own SQLite file and
never this run's database, and reads only the settings `make run` wrote for it.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.servers import fetch, free_port

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CONTENT = Path("roadmap") / "content"


def readme_commands(text: str) -> list[str]:
    """The README's commands, in order, each once: the lines of its ```sh blocks
    (comments dropped) and the backquoted first cells of tables headed `command`."""
    commands = []
    in_sh = False
    table_of_commands = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_sh = not in_sh and stripped == "```sh"
            continue
        if in_sh:
            command = re.sub(r"\s+#.*$", "", stripped)
            if command and not command.startswith("#"):
                commands.append(command)
            continue
        if not stripped.startswith("|"):
            table_of_commands = False
            continue
        first_cell = stripped.strip("|").split("|")[0].strip()
        if first_cell == "command":
            table_of_commands = True
        elif table_of_commands and (match := re.fullmatch(r"`([^`]+)`", first_cell)):
            commands.append(match.group(1))
    return list(dict.fromkeys(commands))


def unchanged_content(before: dict[str, bytes], clone: Path) -> None:
    after = content_files(clone)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"dumproadmap changed the content files it should give back as they are: {changed}"


@dataclass
class Run:
    """A README command run in the clone after `make run`: exactly as written, or
    with `args` and `env` added where it would ask a question. Its output must
    match `output`; `check` looks at the clone afterwards."""

    output: str
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[dict[str, bytes], Path], None] | None = None


# In the order they run, each on the database `make run` set up.
RUN = {
    ".venv/bin/python manage.py loadroadmap": Run(r"Topics: 0 created, 0 updated, 0 retired, \d+ unchanged"),
    ".venv/bin/python manage.py dumproadmap": Run(r"Wrote .*topics\.yaml", check=unchanged_content),
    ".venv/bin/python manage.py send_digests": Run(r"Queued 0 digests\."),
    ".venv/bin/python manage.py seed_demo": Run(r"The cohort mentor is demo-mentor-001.*\n.*password: \S+"),
    # It prompts; --noinput takes the answers from the environment.
    ".venv/bin/python manage.py createsuperuser": Run(
        r"Superuser created successfully",
        args=("--noinput",),
        env={
            "DJANGO_SUPERUSER_USERNAME": "admin",
            "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
            "DJANGO_SUPERUSER_PASSWORD": "a-long-admin-password-0123",
        },
    ),
    ".venv/bin/python manage.py clearsessions": Run(r"\A\Z"),  # prints nothing
    ".venv/bin/python manage.py clearthrottles": Run(r"Deleted \d+ ended rate-limit counters"),
    ".venv/bin/python manage.py prune_db_task_results --queue-name '*' --min-age-days 30": Run(
        r"Deleted \d+ task result"
    ),
}

# Servers: started in their own process group, run until `path` answers 200, stopped.
# `make run` comes first (the clone fixture); the others run after RUN.
SERVERS = {"make run": "/", "make serve": "/healthz"}

SKIPPED = {
    "make test": "recursive: it runs the suite this test belongs to",
    "make lint": (
        "checks the code, not the set-up: .ci/run runs it before make test, and a finding there would fail "
        "this test too; it needs only the dev-deps that make test sets up"
    ),
    "make linkcheck": (
        "fetches every resource URL from the internet, which tests never reach; "
        "tests/roadmap/test_checklinks.py runs the same command against a local server"
    ),
    ".ci/run": "recursive (make lint, make test twice), and installs system packages and starts PostgreSQL",
    "export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mlepath": (
        "PostgreSQL: this run may be on it, and the clone must not touch it; make test on PostgreSQL "
        "(.ci/run) runs the same set-up"
    ),
    "createdb -h 127.0.0.1 -U postgres mlepath": "PostgreSQL: creates a database on the machine's server",
    "sudo apt-get install nginx gettext-base": "installs system packages (.ci/run does, for tests/test_proxy.py)",
    "sudo apt-get install graphviz": "installs a system package (.ci/run does, for the map's tests)",
    "sudo MLEPATH_STATIC_ROOT=/srv/mlepath/staticfiles NGINX_SERVER_NAME=mlepath.example "
    "deploy/render-nginx /etc/nginx": (
        "replaces the machine's /etc/nginx/nginx.conf; tests/test_proxy.py renders the same configuration "
        "with deploy/render-nginx into a temporary directory and runs it"
    ),
    "sudo nginx -t && sudo systemctl reload nginx": "reloads the machine's nginx",
}


def test_every_readme_command_is_run_or_skipped_with_a_reason():
    commands = readme_commands(README.read_text())
    listed = {*RUN, *SERVERS, *SKIPPED}
    unlisted = [command for command in commands if command not in listed]
    assert not unlisted, (
        f"The README shows commands this test neither runs nor skips: {unlisted}. "
        "Add each to RUN or SERVERS (and make it work on a fresh clone after make run), "
        "or to SKIPPED with the reason it cannot run here."
    )
    gone = sorted(listed - set(commands))
    assert not gone, f"Listed here but no longer in the README: {gone}"
    assert not {*RUN, *SERVERS} & set(SKIPPED)


def test_readme_commands_are_read_from_sh_blocks_and_command_tables():
    text = """
```sh
make run    # serves
# a comment line
.venv/bin/python manage.py check --deploy
```
```python
print("not a command")
```
| command | what it does |
| --- | --- |
| `make lint` | lints |

| variable | default |
| --- | --- |
| `DEBUG` | `0` |
"""
    assert readme_commands(text) == ["make run", ".venv/bin/python manage.py check --deploy", "make lint"]


def clean_env(**extra) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    env["LANG"] = os.environ.get("LANG", "C.UTF-8")
    return env | {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"} | extra


def copy_working_tree(destination: Path) -> None:
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.split(b"\0")
    for name in filter(None, (os.fsdecode(name) for name in names)):
        source = ROOT / name
        if not os.path.lexists(source):  # deleted in the working tree, not yet in git
            continue
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination / name, follow_symlinks=False)
    (destination / ".venv").symlink_to(ROOT / ".venv")


def content_files(clone: Path) -> dict[str, bytes]:
    return {str(path.relative_to(clone)): path.read_bytes() for path in sorted((clone / CONTENT).rglob("*.yaml"))}


@contextmanager
def server(clone: Path, command: str, path: str, log: Path):
    """`command` running in the clone, in its own process group; yields its port
    once `path` answers 200, and stops the whole group afterwards."""
    port = free_port()
    with open(log, "w") as output:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=clone,
            env=clean_env(PORT=str(port)),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            with suppress(OSError):
                if fetch(port, path, timeout=5)[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`{command}` did not answer 200 on {path}:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)
        yield port
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone of the working tree, after `make run` served it once."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs the git checkout, to know which files a clone holds")
    if not (ROOT / ".venv" / ".dev-deps").exists():
        pytest.skip("needs the project's .venv (make dev-deps), linked into the clone")
    root = tmp_path_factory.mktemp("clone")
    clone = root / "mlepath"
    clone.mkdir()
    copy_working_tree(clone)
    assert not (clone / ".env").exists()
    with server(clone, "make run", SERVERS["make run"], root / "make-run.log") as port:
        status, _, body = fetch(port, "/")
        assert status == 200
        assert b"MLE" in body
    return clone


def test_make_run_serves_a_fresh_clone_and_writes_its_development_settings(clone):
    env_file = clone / ".env"
    comment, *settings = env_file.read_text().splitlines()
    assert comment.startswith("# ")
    assert "development only" in comment
    assert settings[0] == "DEBUG=1"
    assert re.fullmatch(r"SECRET_KEY=[A-Za-z0-9_-]{60,}", settings[1]), settings[1]
    assert len(settings) == 2
    assert env_file.stat().st_mode & 0o077 == 0, "the secret key is readable by others"
    assert (clone / "db.sqlite3").exists(), "make run used another database than the clone's own"

    written = env_file.read_bytes()
    result = subprocess.run(
        ["make", ".env"], cwd=clone, env=clean_env(), capture_output=True, text=True, timeout=60, check=True
    )
    assert "up to date" in result.stdout
    assert env_file.read_bytes() == written, "make overwrote an existing .env"


@pytest.mark.parametrize("command", RUN)
def test_readme_command_works_as_written_after_make_run(clone, command):
    run = RUN[command]
    before = content_files(clone)
    result = subprocess.run(
        ["bash", "-c", " ".join([command, *map(shlex.quote, run.args)])],
        cwd=clone,
        env=clean_env(**run.env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"`{command}` failed ({result.returncode}):\n{output[-4000:]}"
    assert re.search(run.output, output.strip(), re.MULTILINE), f"`{command}` printed:\n{output[-4000:]}"
    if run.check:
        run.check(before, clone)


def test_make_serve_after_make_run_stays_production_like(clone, tmp_path):
    """The .env that `make run` wrote says DEBUG=1; `make serve` sets DEBUG=0, and
    the environment wins: hashed static files, and no debug page."""
    with server(clone, "make serve", SERVERS["make serve"], tmp_path / "make-serve.log") as port:
        status, _, home = fetch(port, "/")
        assert status == 200
        assert re.search(rb'href="/static/css/site\.[0-9a-f]{12}\.css"', home), "static files are not hashed"
        status, _, missing = fetch(port, "/no-such-page/")
        assert status == 404
        assert b"URLconf" not in missing, "make serve shows Django's debug 404 page"
