"""Reviews and a time log for demo learners, for `make bench` and a demo site:
--learners paced learners of the first shipped roadmap (after the first --skip)
get their first done topics (up to --reviews) under review, half of them due,
and two entries of time a done topic, spread over their weeks of history.

They are picked as twins of the first --learners paced learners (whose
dashboard `make bench` measures without reviews and time): for each of those,
the next learner with as many roadmaps followed and as many paces set, so that
the two groups differ by the reviews and the time log, not by their roadmaps."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from progress.models import TIME_ENTRY_MAX_MINUTES, PlanBasis, Progress, Review, RoadmapFollow, Status, TimeEntry
from roadmap.models import Roadmap


class Command(BaseCommand):
    help = "Give demo learners reviews (half of them due) and a time log on their done topics."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=16)
        parser.add_argument("--skip", type=int, default=32, help="paced learners left without them first")
        parser.add_argument("--reviews", type=int, default=12, help="done topics under review, a learner")
        parser.add_argument("--prefix", default="demo")

    def handle(self, *args, learners, skip, reviews, prefix, **options):
        source = Roadmap.objects.published().shipped().order_by("order").first()
        if source is None:
            raise CommandError("Run loadroadmap and seed_demo first.")
        paced = list(
            RoadmapFollow.objects.filter(
                roadmap=source, plan_basis=PlanBasis.HOURS, learner__username__startswith=f"{prefix}-learner-"
            )
            .select_related("learner")
            .annotate(
                roadmaps=Count("learner__follows", distinct=True),
                paces=Count("learner__follows", filter=~Q(learner__follows__plan_basis=""), distinct=True),
            )
            .order_by("learner__username")
        )
        candidates, follows = paced[skip:], []
        for twin in paced[:learners]:
            match = next((f for f in candidates if (f.roadmaps, f.paces) == (twin.roadmaps, twin.paces)), None)
            if match is None:
                raise CommandError(f"No paced demo learner after the first {skip} is like {twin.learner}: seed more.")
            candidates.remove(match)
            follows.append(match)
        today = timezone.localdate()
        made_reviews = made_entries = 0
        with transaction.atomic():
            for follow in follows:
                done = list(
                    Progress.objects.filter(learner=follow.learner, status=Status.DONE)
                    .select_related("topic")
                    .order_by("completed_at")
                )
                if not done:
                    raise CommandError(f"{follow.learner} has no done topic to review.")
                Review.objects.bulk_create(
                    [
                        # Every other one due (some days ago), the others later.
                        Review(
                            learner=follow.learner,
                            topic=row.topic,
                            step=n % 5,
                            due_on=today + dt.timedelta(days=-n if n % 2 == 0 else n + 1),
                            reviews_done=n % 5,
                        )
                        for n, row in enumerate(done[:reviews])
                    ],
                    ignore_conflicts=True,
                )
                made_reviews += min(reviews, len(done))
                entries = []
                for row in done:
                    finished = timezone.localdate(row.completed_at)
                    minutes = min(TIME_ENTRY_MAX_MINUTES, row.topic.estimated_hours * 40)
                    for days_before in (3, 0):
                        entries.append(
                            TimeEntry(
                                learner=follow.learner,
                                topic=row.topic,
                                minutes=minutes,
                                logged_on=finished - dt.timedelta(days=days_before),
                            )
                        )
                TimeEntry.objects.bulk_create(entries)
                made_entries += len(entries)
        self.stdout.write(f"{made_reviews} reviews and {made_entries} time entries for {len(follows)} learners.")
