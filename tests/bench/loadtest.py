"""`make loadtest`: simulated learners against the production-like server.

50 learners (by default) sign in, one every half second, then browse roadmaps,
open topic panels, tick topics and look at their dashboard, with a think time of
0.3 to 1 s between steps, for 60 seconds. The server is gunicorn with DEBUG off
on loopback, on the PostgreSQL of DATABASE_URL (its own database,
mlepath_loadtest), seeded with demo learners. Reports failures and latency
percentiles, overall and per step; exits non-zero when a target is missed
(zero failures, p95 under 250 ms, p99 under 500 ms).
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from tests.bench.run import ROADMAP, ROOT, bench_env, free_port, manage, start_server
from tests.servers import Browser

TARGETS_MS = {"p95": 250, "p99": 500}


def prepare(learners: int) -> tuple[dict, str]:
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith("postgres"):
        raise SystemExit("make loadtest runs on PostgreSQL: set DATABASE_URL=postgres://...")
    import psycopg

    base, _, _ = given.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS mlepath_loadtest WITH (FORCE)")
        conn.execute("CREATE DATABASE mlepath_loadtest")
    env = bench_env(f"{base}/mlepath_loadtest")
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "loadroadmap")
    output = manage(env, "seed_demo", "--learners", str(learners), "--mentors", "2", "--seed", "7", capture=True)
    password = re.search(r"password: (\S+)", output).group(1)
    manage(env, "collectstatic", "--no-input", "-v0")
    return env, password


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


class Learner(threading.Thread):
    def __init__(self, number, port, password, topics, deadline, record):
        super().__init__(daemon=True)
        self.username = f"demo-learner-{number + 1:05d}"
        self.port, self.password, self.topics = port, password, topics
        self.deadline, self.record = deadline, record
        self.browser = Browser()
        self.random = random.Random(number)  # noqa: S311 - think times and choices, not secrets

    def step(self, name, method, path, data=None, **headers):
        started = time.perf_counter()
        try:
            status, location, body = self.browser.request(self.port, method, path, data, headers=headers)
        except OSError as exc:
            status, location, body = f"error: {exc}", None, ""
        self.record(name, (time.perf_counter() - started) * 1000, status)
        return status, location, body

    def run(self):
        _, _, html = self.step("sign-in page", "GET", "/accounts/login/")
        token = Browser.csrf(html)
        data = {"csrfmiddlewaretoken": token, "username": self.username, "password": self.password}
        status, location, _ = self.step("sign in", "POST", "/accounts/login/", data)
        if (status, location) != (302, "/dashboard/"):
            self.record("sign in refused", 0, "not signed in")
            return
        csrf = self.browser.cookies.get("csrftoken", "")
        while time.monotonic() < self.deadline:
            slug = self.random.choice(self.topics)
            action = self.random.random()
            if action < 0.35:
                status = self.random.choice(["done", "in_progress", "not_started"])
                self.step(
                    "tick",
                    "POST",
                    f"/roadmaps/{ROADMAP}/topics/{slug}/status/",
                    {"status": status},
                    **{"HX-Request": "true", "X-CSRFToken": csrf},
                )
            elif action < 0.55:
                self.step("roadmap page", "GET", f"/roadmaps/{ROADMAP}/")
            elif action < 0.75:
                self.step("topic panel", "GET", f"/topics/{slug}/", **{"HX-Request": "true"})
            elif action < 0.9:
                self.step("dashboard", "GET", "/dashboard/")
            else:
                self.step("roadmap list", "GET", "/roadmaps/")
            time.sleep(self.random.uniform(0.3, 1.0))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    args.out.mkdir(exist_ok=True)
    print(f"Seeding {args.learners} learners on PostgreSQL…", flush=True)
    env, password = prepare(args.learners)
    topics = (
        manage(
            env,
            "shell",
            "-c",
            "from roadmap.models import Placement; print(','.join(Placement.objects.filter("
            f"section__roadmap__slug='{ROADMAP}').values_list('topic__slug', flat=True)))",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
        .split(",")
    )
    port = free_port()
    server = start_server(env, port, args.workers)
    samples = defaultdict(list)
    failures = defaultdict(int)
    lock = threading.Lock()

    def record(name, ms, status):
        with lock:
            samples[name].append(ms)
            if not isinstance(status, int) or status >= 400:
                failures[f"{name}: {status}"] += 1

    try:
        deadline = time.monotonic() + args.duration
        learners = [Learner(n, port, password, topics, deadline, record) for n in range(args.learners)]
        for learner in learners:
            learner.start()
            time.sleep(0.5)  # arrivals spread over the first half minute
        for learner in learners:
            learner.join(timeout=args.duration + 60)
    finally:
        import signal

        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    everything = [ms for values in samples.values() for ms in values]
    report = {
        "learners": args.learners,
        "duration_s": args.duration,
        "requests": len(everything),
        "failures": dict(failures),
        "p50_ms": round(statistics.median(everything), 1),
        "p95_ms": round(percentile(everything, 0.95), 1),
        "p99_ms": round(percentile(everything, 0.99), 1),
        "steps": {
            name: {
                "requests": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
            }
            for name, values in sorted(samples.items())
        },
    }
    print(f"\n{args.learners} learners, {args.duration} s, {report['requests']} requests")
    print(f"{'step':16}{'requests':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, step in report["steps"].items():
        print(f"{name:16}{step['requests']:10d}{step['p50_ms']:9.1f}{step['p95_ms']:9.1f}{step['p99_ms']:9.1f}")
    print(f"{'all':16}{report['requests']:10d}{report['p50_ms']:9.1f}{report['p95_ms']:9.1f}{report['p99_ms']:9.1f}")
    print(f"failures: {sum(failures.values())} {dict(failures) or ''}")
    path = args.out / "loadtest-postgresql.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"Written to {path}")
    ok = not failures and report["p95_ms"] < TARGETS_MS["p95"] and report["p99_ms"] < TARGETS_MS["p99"]
    print("targets (zero failures, p95 < 250 ms, p99 < 500 ms):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
