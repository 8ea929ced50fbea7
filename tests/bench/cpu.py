"""Where a page's time goes, in process: the median CPU time of a request (Django's
test client, DEBUG off) and, with --top, its cProfile hot spots.

Run against a seeded bench database (make bench leaves one in bench-results/):
    DATABASE_URL=sqlite:///bench-results/bench.sqlite3 .venv/bin/python -m tests.bench.cpu \\
        /mentoring/ --as demo-mentor-001 --top 25
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
    for path in args.paths:
        for _ in range(20):  # warm the caches and the connection
            assert client.get(path, headers=headers).status_code == 200, path
        times = []
        profile = cProfile.Profile() if args.top else None
        for _ in range(args.runs):
            start = time.process_time()
            if profile:
                profile.enable()
            client.get(path, headers=headers)
            if profile:
                profile.disable()
            times.append(time.process_time() - start)
        print(f"{path}: median {statistics.median(times) * 1000:.2f} ms CPU per request ({args.runs} runs)")
        if profile:
            pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
