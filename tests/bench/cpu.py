"""Where a page's time goes, in process: the median CPU time of a request (Django's
test client, DEBUG off), with --parts where it goes (session, user, templates,
SQL built and run), with --top its cProfile hot spots.

Run against a seeded bench database (make bench leaves one in bench-results/):
    DATABASE_URL=sqlite:///bench-results/bench.sqlite3 .venv/bin/python -m tests.bench.cpu \\
        /mentoring/ --as demo-mentor-001 --top 25
    ... -m tests.bench.cpu /dashboard/import/ /dashboard/ --parts
    ... -m tests.bench.cpu /roadmaps/ml-engineer-for-software-engineers/topics/python/status/ --tick --htmx --parts
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlepath.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "profile-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--as", dest="username", default="", help="the signed-in user (default: a learner with a pace)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--top", type=int, default=0, help="print the cProfile hot spots, this many lines")
    parser.add_argument("--sort", default="cumulative", help="cProfile's order: cumulative, tottime, ...")
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument(
        "--tick", action="store_true", help="POST status=done and status=not_started in turn (a status URL)"
    )
    parser.add_argument(
        "--parts", action="store_true", help="print where each request's time goes: session, user, SQL, templates..."
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    users = User.objects.all()
    user = users.get(username=args.username) if args.username else users.filter(follows__plan_basis="hours").first()
    client = Client()
    client.force_login(user)
    headers = {"HX-Request": "true"} if args.htmx else {}
    statuses = ("done", "not_started")

    def request(path, n):
        if args.tick:
            return client.post(path, {"status": statuses[n % 2]}, headers=headers)
        return client.get(path, headers=headers)

    for path in args.paths:
        for _ in range(20):  # warm the caches and the connection
            assert request(path, _).status_code == 200, path
        times = []
        for n in range(args.runs):
            start = time.process_time()
            request(path, n)
            times.append(time.process_time() - start)
        # Profiled in a loop of its own, so that the median above is cProfile's overhead free.
        profile = cProfile.Profile() if args.top or args.parts else None
        for n in range(args.runs if profile else 0):
            profile.enable()
            request(path, n)
            profile.disable()
        print(f"{path}: median {statistics.median(times) * 1000:.2f} ms CPU per request ({args.runs} runs)")
        if profile and args.top:
            pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)
        if profile and args.parts:
            print_parts(pstats.Stats(profile), args.runs)


# The parts of a request, each the cumulative time of the functions named (file
# suffix, function); a part may include another (the view includes its SQL).
PARTS = {
    "the whole request (profiled)": [("django/test/client.py", "request")],
    "session: read": [("contrib/sessions/backends/cached_db.py", "load")],
    "signed-in user: read": [("contrib/auth/__init__.py", "get_user")],
    "navigation (context processor)": [("mentoring/navigation.py", "navigation_of")],
    "view, templates included": [("django/core/handlers/base.py", "_get_response")],
    "templates: render": [("django/template/backends/django.py", "render")],
    "SQL: build and compile": [("django/db/models/sql/compiler.py", "as_sql")],
    "SQL: run (driver)": [("django/db/backends/utils.py", "_execute")],
    "querysets evaluated (all of SQL)": [("django/db/models/query.py", "_fetch_all")],
    "reverse()": [("django/urls/base.py", "reverse")],
    "CSRF token": [("django/middleware/csrf.py", "get_token")],
}


def print_parts(stats: pstats.Stats, runs: int) -> None:
    """Milliseconds per request spent in each part (under cProfile, which
    inflates every part by a similar factor: read them as shares)."""
    spent = {}
    for (filename, _line, name), (_calls, _primitive, _tottime, cumtime, _callers) in stats.stats.items():
        for part, functions in PARTS.items():
            if any(filename.endswith(suffix) and name == function for suffix, function in functions):
                # A recursive function's cumulative time counts its outermost calls once.
                spent[part] = spent.get(part, 0.0) + cumtime
    whole = spent.get("the whole request (profiled)") or 1.0
    for part in PARTS:
        seconds = spent.get(part, 0.0)
        print(f"  {part:34} {seconds / runs * 1000:7.2f} ms  {seconds / whole:6.1%}")


if __name__ == "__main__":
    main()
