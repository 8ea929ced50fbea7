"""Demo and scale data: learners following the roadmaps with a year of history,
mentors with cohorts. Deterministic for a given --seed; bulk inserts, so
10,000 learners take minutes on PostgreSQL."""

import datetime as dt
import random
import secrets
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.identity import fold
from accounts.models import User
from mentoring.models import Mentorship
from progress import summary
from progress.models import PlanBasis, Progress, ProgressEvent, RoadmapFollow, Status
from roadmap.models import Placement, Roadmap

BATCH = 5000
PACED = 0.6  # the share of followed roadmaps with a pace set
NOTES = [
    "Worked through the official tutorial; revisit the exercises on regularisation.",
    "Built a small notebook on a Kaggle dataset. Need more practice with pipelines.",
    "Good overview, but I should read the original paper.",
    "Pair-programmed this with a colleague; questions for my mentor about deployment.",
]


class Command(BaseCommand):
    help = "Create demo learners, mentors, progress and history (deterministic for a given --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=50)
        parser.add_argument("--mentors", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--cohort", type=int, default=200, help="mentees of the first mentor (default 200)")
        parser.add_argument("--password", help="password of every demo account (default: a new random one)")
        parser.add_argument("--prefix", default="demo", help="username prefix (default: demo)")

    def handle(self, *args, learners, mentors, seed, cohort, password, prefix, **options):
        if learners < 1 or mentors < 0 or cohort < 0:
            raise CommandError("--learners must be at least 1; --mentors and --cohort at least 0.")
        if User.objects.filter(username__startswith=f"{prefix}-").exists():
            raise CommandError(f"Demo users '{prefix}-…' exist already; use another --prefix or a fresh database.")
        roadmaps = list(Roadmap.objects.published().shipped().order_by("order"))
        if not roadmaps:
            raise CommandError("No roadmap is loaded: run 'manage.py loadroadmap' first.")
        started = time.monotonic()
        rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        password = password or secrets.token_urlsafe(12)
        hashed = make_password(password)  # one hash for all: demo data, not real accounts
        now = timezone.now()
        topics_by_roadmap = {
            r.pk: list(
                Placement.objects.filter(section__roadmap=r, topic__retired=False)
                .order_by("section__order", "order")
                .values_list("topic_id", flat=True)
            )
            for r in roadmaps
        }

        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        # bulk_create skips User.save(), which writes the folded columns.
                        username=f"{prefix}-learner-{n:05d}",
                        username_folded=fold(f"{prefix}-learner-{n:05d}"),
                        email=f"{prefix}-learner-{n:05d}@example.com",
                        email_folded=fold(f"{prefix}-learner-{n:05d}@example.com"),
                        display_name=f"Learner {n:05d}" if n % 3 else "",
                        password=hashed,
                        time_zone=rng.choice(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
                        date_joined=now - dt.timedelta(days=rng.randint(1, 365)),
                    )
                    for n in range(1, learners + 1)
                ],
                batch_size=BATCH,
            )
            mentor_users = User.objects.bulk_create(
                [
                    User(
                        username=f"{prefix}-mentor-{n:03d}",
                        username_folded=fold(f"{prefix}-mentor-{n:03d}"),
                        email=f"{prefix}-mentor-{n:03d}@example.com",
                        email_folded=fold(f"{prefix}-mentor-{n:03d}@example.com"),
                        display_name=f"Mentor {n:03d}",
                        password=hashed,
                    )
                    for n in range(1, mentors + 1)
                ]
            )
            if not users[0].pk:  # SQLite before 3.35 returns no ids from bulk_create
                users = list(User.objects.filter(username__startswith=f"{prefix}-learner-").order_by("username"))
                mentor_users = list(User.objects.filter(username__startswith=f"{prefix}-mentor-").order_by("username"))

            follows, progress, events = [], [], []
            for user in users:
                chosen = [roadmaps[0]] if rng.random() < 0.6 else roadmaps[1:2] or roadmaps[:1]
                if rng.random() < 0.35:
                    chosen = roadmaps
                seen = set()
                for roadmap in chosen:
                    follow = RoadmapFollow(learner=user, roadmap=roadmap)
                    if rng.random() < PACED:  # a pace, as a learner sets one on the dashboard
                        follow.plan_basis = PlanBasis.HOURS
                        follow.hours_per_week = rng.randint(4, 15)
                        follow.target_date = now.date() + dt.timedelta(days=rng.randint(60, 500))
                    follows.append(follow)
                    path = topics_by_roadmap[roadmap.pk]
                    reached = int(len(path) * rng.random() ** 0.5)
                    for index, topic_id in enumerate(path[: reached + 2]):
                        if topic_id in seen:
                            continue
                        seen.add(topic_id)
                        status = Status.DONE if index < reached else Status.IN_PROGRESS
                        if status == Status.DONE and rng.random() < 0.05:
                            status = Status.SKIPPED
                        start = now - dt.timedelta(days=rng.uniform(1, 365))
                        end = min(now, start + dt.timedelta(days=rng.uniform(0.1, 20)))
                        row = Progress(
                            learner=user,
                            topic_id=topic_id,
                            status=status,
                            started_at=start if status != Status.SKIPPED else None,
                            completed_at=end if status == Status.DONE else None,
                            note=rng.choice(NOTES) if rng.random() < 0.1 else "",
                        )
                        progress.append(row)
                        if status == Status.SKIPPED:
                            events.append(_event(user, topic_id, Status.NOT_STARTED, Status.SKIPPED, start))
                            continue
                        events.append(_event(user, topic_id, Status.NOT_STARTED, Status.IN_PROGRESS, start))
                        if status == Status.DONE:
                            events.append(_event(user, topic_id, Status.IN_PROGRESS, Status.DONE, end))
            RoadmapFollow.objects.bulk_create(follows, batch_size=BATCH)
            Progress.objects.bulk_create(progress, batch_size=BATCH)
            ProgressEvent.objects.bulk_create(events, batch_size=BATCH)
            # The counts the services keep (progress.summary), as the ticks would have.
            ids = [user.pk for user in users]
            for start in range(0, len(ids), 500):
                summary.recount(learner_ids=set(ids[start : start + 500]))

            mentorships = []
            if mentor_users:
                for user in users[:cohort]:
                    mentorships.append(Mentorship(mentor=mentor_users[0], learner=user))
                for index, user in enumerate(users[cohort:]):
                    if len(mentor_users) > 1 and rng.random() < 0.3:
                        mentor = mentor_users[1 + index % (len(mentor_users) - 1)]
                        mentorships.append(Mentorship(mentor=mentor, learner=user))
            Mentorship.objects.bulk_create(mentorships, batch_size=BATCH)
        # Fresh statistics, or the planner guesses from an empty table: without
        # this, PostgreSQL scanned all 400,000 progress rows for a 200-mentee cohort.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        self.stdout.write(
            f"Created {len(users)} learners and {len(mentor_users)} mentors, {len(follows)} roadmap follows, "
            f"{len(progress)} progress rows, {len(events)} events and {len(mentorships)} mentorships "
            f"in {time.monotonic() - started:.1f} s."
        )
        if mentor_users:
            self.stdout.write(f"The cohort mentor is {mentor_users[0].username} ({min(cohort, len(users))} mentees).")
        self.stdout.write(f"Every demo account's password: {password}")


def _event(user, topic_id, old, new, at):
    return ProgressEvent(learner=user, topic_id=topic_id, from_status=old, to_status=new, created_at=at)
