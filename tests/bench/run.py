"""`make bench`: the production-like server under concurrent signed-in clients.

Seeds a dedicated database, starts gunicorn (DEBUG off, plain HTTP on
loopback), and drives each hot path with wrk: 16 connections, each one a
different signed-in learner. The same run measures a ceiling before and after
each endpoint: an empty Django (tests/bench/ceiling.py: no app, no middleware,
no database), served by the same gunicorn with as many workers on a port of its
own. Each endpoint's throughput is reported as a ratio to the ceiling measured
around it. The app's own /ping (its middleware, no query) is one more row, for
information.
"""

import argparse
import contextlib
import html
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
LUA = Path(__file__).with_name("report.lua")
ROADMAP = "ml-engineer-for-software-engineers"
CEILING_APP = "tests.bench.ceiling:application"
MINIMAL_SETTINGS = "tests.bench.minimal.settings"


class Endpoint(NamedTuple):
    path: str | None  # None: report.lua makes the paths (topics in turn)
    mode: str  # how report.lua makes the requests: get, htmx, topic, status, sitting
    target: float | None = None  # least share of the ceiling's requests per second
    p99_ms: float | None = None  # highest p99 latency
    mentor: bool = False  # signed in as the mentor rather than as learners
    unpaced: bool = False  # signed in as learners without a pace rather than with one
    minimal: bool = False  # served by tests/bench/minimal rather than by the app
    cohort_track: bool = False  # signed in as learners of the 60-topic cohort track (path's {track}: its slug)
    studying: bool = False  # signed in as paced learners with reviews due and a time log (manage.py seed_study)
    # The endpoint whose ratio to the floor this one's must stay within 10% of (issue #28).
    compared_with: str | None = None


ENDPOINTS = {
    # The app's middleware, no query, no template: for information.
    "ping": Endpoint("/ping", "get"),
    # Django's own signed-in page with nothing of the app's (tests/bench/minimal):
    # what the signed-in floor would cost if the app added nothing. For information.
    "minimal_signed_in": Endpoint("/page/", "get", minimal=True),
    # The least a signed-in page costs: session, user, the base template and one
    # small form (the import page). No page can beat it: each page's "÷ floor"
    # column is its share of this row. Targets: issue #24.
    "signed_in_floor": Endpoint("/dashboard/import/", "get", 0.20, p99_ms=150),
    "set_status": Endpoint(None, "status", 0.12, p99_ms=150),
    "roadmap_page": Endpoint(f"/roadmaps/{ROADMAP}/", "get", 0.08, p99_ms=150),
    # A mentor's 60-topic cohort track (manage.py seed_track), followed by other
    # paced learners in place of the shipped roadmap: its page and their
    # dashboard must cost what the shipped roadmap's do (issue #28). Each is
    # measured right after the page it is compared with, so that the two share
    # a ceiling window: the machine's drift over minutes is not theirs.
    "track_roadmap_page": Endpoint(
        "/roadmaps/{track}/", "get", 0.08, p99_ms=150, cohort_track=True, compared_with="roadmap_page"
    ),
    "dashboard": Endpoint("/dashboard/", "get", 0.06, p99_ms=150),
    "track_dashboard": Endpoint("/dashboard/", "get", 0.06, p99_ms=150, cohort_track=True, compared_with="dashboard"),
    # Paced learners with reviews (half of them due) and weeks of logged time:
    # their dashboard lists the reviews, the time by section and the forecast
    # at their own speed, as the others' draws the burn-up chart (issue #29).
    "study_dashboard": Endpoint("/dashboard/", "get", 0.06, p99_ms=150, studying=True, compared_with="dashboard"),
    # The same page for learners who set no pace: what a pace costs (issue #16).
    "dashboard_unpaced": Endpoint("/dashboard/", "get", unpaced=True),
    "topic_page": Endpoint(None, "topic", 0.08, p99_ms=150),
    "topic_panel": Endpoint("/topics/supervised-learning/", "htmx"),
    # Each learner in turn ticks a topic, then opens the roadmap page, the
    # dashboard and the topic's page: all four requests are counted.
    "sitting": Endpoint(None, "sitting", 0.08, p99_ms=150),
    "cohort_200": Endpoint("/mentoring/", "get", 0.025, p99_ms=400, mentor=True),
}
TRACK_TOPICS = 60
WITHIN = 0.10  # a cohort track's ratio to the floor against the shipped roadmap's
# The empty Django of ceiling.py, measured around each endpoint.
CEILING = Endpoint("/ping", "get")


def _share(result: dict) -> float:
    """A measurement's requests per second as a share of the ceiling measured around it."""
    return result["rps"] / result["ceiling_rps"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return env | {
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "mlepath.settings",
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(args, out: Path) -> tuple[str, str]:
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        import psycopg

        base, _, _ = given.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS mlepath_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE mlepath_bench")
        return f"{base}/mlepath_bench", "postgresql"
    path = out / "bench.sqlite3"
    for stale in out.glob("bench.sqlite3*"):
        stale.unlink()
    return f"sqlite:///{path}", "sqlite"


def settle(database_url: str, engine: str) -> None:
    """Leave the database as a running site has it: the seed's dead rows vacuumed
    and its writes checkpointed, so that neither autovacuum nor a checkpoint
    runs during the first endpoint measured."""
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
            conn.execute("CHECKPOINT")
    else:
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def manage(env, *args, capture=False):
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True)
    return result.stdout if capture else ""


def make_sessions(env) -> dict:
    """Signed-in sessions made directly in the database, as a sign-in would."""
    script = """
import json
import os
from accounts.models import User
from roadmap.models import Placement, Roadmap
from tests.servers import session_key_for as session_for

roadmap = os.environ["BENCH_ROADMAP"]
# Learners with a pace set on the roadmap: their dashboard does the most (issue #16).
learners = list(
    User.objects.filter(follows__roadmap__slug=roadmap, follows__plan_basis="hours").order_by("username")[:16]
)
track = Roadmap.objects.get(kind="cohort", title="Demo cohort track")
on_track = list(User.objects.filter(follows__roadmap=track).order_by("username")[:16])
unpaced = list(
    User.objects.filter(follows__roadmap__slug=roadmap, follows__plan_basis="")
    .exclude(follows__plan_basis__in=["hours", "date"]).order_by("username")[:16]
)
studying = list(User.objects.filter(reviews__isnull=False).distinct().order_by("username")[:16])
mentor = User.objects.get(username="demo-mentor-001")
topics = list(
    Placement.objects.filter(section__roadmap__slug=roadmap)
    .order_by("section__order", "order").values_list("topic__slug", "topic__title")
)
sessions = {
    "learners": [session_for(u) for u in learners],
    "unpaced": [session_for(u) for u in unpaced],
    "on_track": [session_for(u) for u in on_track],
    "studying": [session_for(u) for u in studying],
    "track": track.slug,
    "mentor": session_for(mentor),
    "topics": [slug for slug, _ in topics],
    "titles": dict(topics),
}
print(json.dumps(sessions))
"""
    output = manage(env | {"BENCH_ROADMAP": ROADMAP}, "shell", "-c", script, capture=True)
    return json.loads(output.strip().splitlines()[-1])


def start_server(env, port, workers, threads=1, *, app="mlepath.wsgi", ready="/healthz"):
    process = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn ({app}) did not answer {ready}")


def stop(process) -> None:
    """Stops gunicorn and its workers: it was started in a process group of its own."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def serving(env, workers, threads, **server):
    """A gunicorn on a free loopback port for the block: yields its base URL."""
    port = free_port()
    process = start_server(env, port, workers, threads, **server)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is answered as an HTTPError


_opener = urllib.request.build_opener(_NoRedirect)


def check(url, cookie, *, htmx=False, post=None, csrf=""):
    """The body of a 200 answer, exactly: a redirect (to the sign-in page, say)
    would pass wrk's count of errors, which only counts statuses from 400."""
    headers = {"Cookie": cookie, **({"HX-Request": "true"} if htmx else {})}
    data = None
    if post is not None:
        data = urllib.parse.urlencode(post).encode()
        headers |= {"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - our own server on loopback
    try:
        with _opener.open(request, timeout=10) as response:
            if response.status == 200:
                return response.read().decode()
            status, location = response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        status, location = error.code, error.headers.get("Location")
    raise SystemExit(f"{url} answered {status}" + (f", to {location}: not signed in?" if location else ""))


def sanity_checks(base, ceiling, *, cookie, mentor_cookie, csrf, topics, titles) -> None:
    """One request of each kind measured, each answered as it should be, before
    any is measured."""
    if check(f"{ceiling}/ping", "") != "pong" or check(f"{base}/ping", cookie) != "pong":
        raise SystemExit("a /ping did not answer pong")
    if "completion of" not in check(f"{base}/mentoring/", mentor_cookie):
        raise SystemExit("the cohort table shows no mentee")
    for slug in (topics[0], topics[-1]):
        page = check(f"{base}/topics/{slug}/", cookie)
        if html.escape(titles[slug]) not in page or "<html" not in page:
            raise SystemExit(f"/topics/{slug}/ is not the topic's page")
    panel_path = ENDPOINTS["topic_panel"].path
    panel = check(base + panel_path, cookie, htmx=True)
    panel_title = titles.get(panel_path.strip("/").rpartition("/")[2], "")
    if html.escape(panel_title) not in panel or "<html" in panel:
        raise SystemExit(f"{panel_path} as an htmx request is not the topic's panel")
    # One round of the sitting, ticking a topic of the roadmap (as set_status does).
    slug = topics[len(topics) // 2]
    for status in ("done", "not_started"):
        check(f"{base}/roadmaps/{ROADMAP}/topics/{slug}/status/", cookie, htmx=True, post={"status": status}, csrf=csrf)
    check(f"{base}/roadmaps/{ROADMAP}/", cookie)
    check(f"{base}/dashboard/", cookie)
    if html.escape(titles[slug]) not in check(f"{base}/topics/{slug}/", cookie):
        raise SystemExit(f"/topics/{slug}/ does not show its title")


def cpu_seconds() -> dict:
    """CPU seconds used so far by gunicorn, PostgreSQL and Redis processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        for key in totals:
            if key in name:
                totals[key] += (int(fields[11]) + int(fields[12])) / ticks
    return totals


def _mean_of(windows: list[dict]) -> dict:
    """The ceiling over all its windows: mean throughput, worst latencies, all errors."""
    mean = {"rps": sum(w["rps"] for w in windows) / len(windows)}
    mean |= {k: max(w[k] for w in windows) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")}
    mean |= {k: sum(w[k] for w in windows) for k in ("requests", "duration_us", "errors", "status_errors", "not_200")}
    return mean | {"windows_rps": [round(w["rps"], 1) for w in windows]}


def run_wrk(url, *, mode, cookies, csrf, topics, duration, connections):
    # One connection per wrk thread, so each can be a different signed-in learner.
    env = os.environ | {
        "BENCH_MODE": mode,
        "BENCH_COOKIES": "|".join(cookies),
        "BENCH_CSRF": csrf,
        "BENCH_TOPICS": ",".join(topics),
        "BENCH_ROADMAP": ROADMAP,
    }
    command = [
        "wrk",
        "-t",
        str(connections),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
        "-s",
        str(LUA),
        url,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    match = re.search(r"BENCH_JSON (\{.*\})", output)
    if not match:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    data = json.loads(match.group(1))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when above 1)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    parser.add_argument("--only", nargs="+", choices=list(ENDPOINTS), help="endpoints to measure")
    parser.add_argument("--cpu", action="store_true", help="also report CPU seconds of gunicorn and the database")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    args.out.mkdir(exist_ok=True)

    database_url, engine = prepare_database(args, args.out)
    env = bench_env(database_url)
    print(f"Seeding {args.learners} learners on {engine}…", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "loadroadmap")
    manage(env, "seed_demo", "--learners", str(args.learners), "--mentors", "5", "--cohort", "200", "--seed", "1")
    manage(env, "seed_track", "--topics", str(TRACK_TOPICS), "--learners", "16", "--skip", "16")
    manage(env, "seed_study", "--learners", "16", "--skip", "32")
    manage(env, "collectstatic", "--no-input", "-v0")
    settle(database_url, engine)
    sessions = make_sessions(env)
    csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it as cookie and header alike
    cookies = [f"sessionid={key}; csrftoken={csrf}" for key in sessions["learners"]]
    mentor_cookie = f"sessionid={sessions['mentor']}; csrftoken={csrf}"
    unpaced_cookies = [f"sessionid={key}; csrftoken={csrf}" for key in sessions["unpaced"]]
    track_cookies = [f"sessionid={key}; csrftoken={csrf}" for key in sessions["on_track"]]
    study_cookies = [f"sessionid={key}; csrftoken={csrf}" for key in sessions["studying"]]
    # The ceiling configures Django in code: no settings module.
    ceiling_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}

    results = {}
    with contextlib.ExitStack() as servers:
        base = servers.enter_context(serving(env, args.workers, args.threads))
        ceiling_base = servers.enter_context(
            serving(ceiling_env, args.workers, args.threads, app=CEILING_APP, ready="/ping")
        )
        minimal_base = servers.enter_context(
            serving(env | {"DJANGO_SETTINGS_MODULE": MINIMAL_SETTINGS}, args.workers, args.threads, ready="/ping")
        )
        if "Sign out" not in check(f"{minimal_base}/page/", cookies[0]):
            raise SystemExit("the minimal signed-in page is not signed in")
        sanity_checks(
            base,
            ceiling_base,
            cookie=cookies[0],
            mentor_cookie=mentor_cookie,
            csrf=csrf,
            topics=sessions["topics"],
            titles=sessions["titles"],
        )

        track_page = check(f"{base}/roadmaps/{sessions['track']}/", track_cookies[0])
        if "Demo cohort track" not in track_page or f"{TRACK_TOPICS} topics in" not in track_page:
            raise SystemExit(f"the cohort track's page does not show its {TRACK_TOPICS} topics")
        if "Demo cohort track" not in check(f"{base}/dashboard/", track_cookies[0]):
            raise SystemExit("a learner of the cohort track does not see it on their dashboard")
        studying = check(f"{base}/dashboard/", study_cookies[0])
        if not all(part in studying for part in ('id="reviews-title"', "review-list", "Time logged", "burnup-chart")):
            raise SystemExit("a learner with reviews and a time log does not see them on their dashboard")
        if "burnup-chart" not in check(f"{base}/dashboard/", cookies[0]):
            raise SystemExit("a paced learner's dashboard draws no burn-up chart")

        def wrk(url, mode, cookie_list, duration, connections=args.connections):
            return run_wrk(
                url,
                mode=mode,
                cookies=cookie_list,
                csrf=csrf,
                topics=sessions["topics"],
                duration=duration,
                connections=connections,
            )

        def ceiling_window():
            return wrk(ceiling_base + CEILING.path, CEILING.mode, cookies, max(3, args.duration // 2))

        wrk(ceiling_base + CEILING.path, CEILING.mode, cookies, 2, connections=4)
        ceilings = [ceiling_window()]

        def measure(name, endpoint):
            """One endpoint, for args.duration, with the ceiling measured just before and after it."""
            cookie_list = [mentor_cookie] if endpoint.mentor else unpaced_cookies if endpoint.unpaced else cookies
            cookie_list = track_cookies if endpoint.cohort_track else cookie_list
            cookie_list = study_cookies if endpoint.studying else cookie_list
            path = (endpoint.path or "/").replace("{track}", sessions["track"])
            url = (minimal_base if endpoint.minimal else base) + path
            # Warm up the workers (connections, template cache) before measuring.
            wrk(url, endpoint.mode, cookie_list, 2, connections=4)
            result = wrk(url, endpoint.mode, cookie_list, args.duration)
            # The machine's speed drifts during a run: each endpoint is compared
            # with the ceiling measured just before and just after it.
            ceilings.append(ceiling_window())
            result["ceiling_rps"] = (ceilings[-2]["rps"] + ceilings[-1]["rps"]) / 2
            print(f"  {name:17} {result['rps']:8.1f} req/s, ceiling {result['ceiling_rps']:.1f}", flush=True)
            return result

        for name, endpoint in ENDPOINTS.items():
            if args.only and name not in args.only:
                continue
            cpu_before = cpu_seconds() if args.cpu else None
            results[name] = measure(name, endpoint)
            if cpu_before:
                used = {k: v - cpu_before[k] for k, v in cpu_seconds().items()}
                per = {k: f"{v / results[name]['requests'] * 1000:.2f} ms" for k, v in used.items()}
                print(f"  {'':17} CPU per request (warm-up included): {per}", flush=True)
            if endpoint.compared_with in results:
                # A page compared with another is measured in turn with it twice
                # (this one, the other, this one, the other): the ratios compared are
                # the means of two windows each, so neither is a window the other missed.
                base_name = endpoint.compared_with
                again_base = measure(f"{base_name} again", ENDPOINTS[base_name])
                again = measure(f"{name} again", endpoint)
                results[name]["paired"] = {
                    "ratio": (_share(results[name]) + _share(again)) / 2,
                    "compared_ratio": (_share(results[base_name]) + _share(again_base)) / 2,
                }
        results = {"ceiling": _mean_of(ceilings)} | results

    ceiling = results["ceiling"]["rps"]
    report = {
        "database": engine,
        "learners": args.learners,
        "connections": args.connections,
        "workers": args.workers,
        "threads": args.threads,
        "duration_s": args.duration,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "ceiling": "empty Django: tests/bench/ceiling.py, no app, no middleware, no database",
        "ceiling_rps": round(ceiling, 1),
        "endpoints": {},
    }
    ok = True
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms")
    header = (
        f"{'endpoint':18}"
        + "".join(f"{c:>9}" for c in columns)
        + f"{'errors':>8}{'ratio':>8}{'÷ floor':>9}{'target':>8}{'p99 <':>8}  verdict"
    )
    # The signed-in floor's own share of the ceiling: every page's second ratio is against it.
    floor = results.get("signed_in_floor")
    floor_ratio = floor["rps"] / floor.get("ceiling_rps", ceiling) if floor else None
    print(f"\n{engine}, {args.learners} learners, {args.connections} connections, {args.workers} workers")
    print(header)
    print("-" * len(header))
    for name, data in results.items():
        endpoint = ENDPOINTS.get(name, CEILING)
        ratio = data["rps"] / data.get("ceiling_rps", ceiling)
        missed = [
            reason
            for reason, failed in (
                ("errors", data["errors"] > 0),
                ("ratio", endpoint.target is not None and ratio < endpoint.target),
                ("p99", endpoint.p99_ms is not None and data["p99_ms"] >= endpoint.p99_ms),
            )
            if failed
        ]
        # Each as a share of the ceiling measured around it, in two windows taken in turn.
        paired = data.get("paired")
        if paired and paired["ratio"] < paired["compared_ratio"] * (1 - WITHIN):
            missed.append(f"more than {WITHIN:.0%} below {endpoint.compared_with}")
        ok = ok and not missed
        report["endpoints"][name] = {
            **{k: round(v, 2) if isinstance(v, float) else v for k, v in data.items()},
            "ratio_to_ceiling": round(ratio, 3),
            "ratio_to_floor": round(ratio / floor_ratio, 3) if floor_ratio else None,
            "target_ratio": endpoint.target,
            "p99_target_ms": endpoint.p99_ms,
            "meets_target": not missed,
        }
        target = f"{endpoint.target:.1%}".replace(".0%", "%") if endpoint.target else "-"
        p99_target = f"{endpoint.p99_ms:.0f}" if endpoint.p99_ms else "-"
        of_floor = f"{ratio / floor_ratio:.0%}" if floor_ratio else "-"
        print(
            f"{name:18}{data['rps']:9.1f}{data['p50_ms']:9.1f}{data['p95_ms']:9.1f}{data['p99_ms']:9.1f}"
            f"{data['errors']:8d}{ratio:8.1%}{of_floor:>9}{target:>8}{p99_target:>8}  "
            + (f"MISS ({', '.join(missed)})" if missed else "ok")
        )
    print(
        "ceiling: an empty Django (tests/bench/ceiling.py), mean of its windows "
        f"{results['ceiling']['windows_rps']}; ping: the app's /ping, its middleware and no query; "
        "minimal_signed_in: Django's own signed-in page, nothing of the app's (tests/bench/minimal)."
    )
    for name, data in results.items():
        if paired := data.get("paired"):
            change = paired["ratio"] / paired["compared_ratio"] - 1
            print(
                f"{name} against {ENDPOINTS[name].compared_with}, two windows each taken in turn: "
                f"{paired['ratio']:.2%} against {paired['compared_ratio']:.2%} of the ceiling ({change:+.0%})"
            )
    if "sitting" in results:
        kinds = results["sitting"]["by_kind"]
        print("sitting: " + ", ".join(f"{kind} {n['requests']} ({n['not_200']} not 200)" for kind, n in kinds.items()))
    path = args.out / f"bench-{engine}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"\nWritten to {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
