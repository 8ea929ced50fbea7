"""A demo cohort track, for `make bench` and a demo site: the first demo
mentor's track of --topics topics (a copy of the first shipped roadmap, its
last topics left out and --own topics of the mentor's own added, each with a
resource and a prerequisite), followed in place of that roadmap, with the same
pace, by --learners demo learners who follow it with a pace. Their ticks on its
shipped topics count on the track as they did."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from mentoring import tracks
from progress import summary
from progress.models import PlanBasis, RoadmapFollow
from roadmap.models import Placement, Roadmap


class Command(BaseCommand):
    help = "Create a demo cohort track of N topics, followed by demo learners in place of a shipped roadmap."

    def add_arguments(self, parser):
        parser.add_argument("--topics", type=int, default=60)
        parser.add_argument("--own", type=int, default=5, help="of them, the mentor's own topics")
        parser.add_argument("--learners", type=int, default=16)
        parser.add_argument("--skip", type=int, default=16, help="paced learners left on the shipped roadmap first")
        parser.add_argument("--prefix", default="demo")

    def handle(self, *args, topics, own, learners, skip, prefix, **options):
        mentor = User.objects.filter(username=f"{prefix}-mentor-001").first()
        source = Roadmap.objects.published().shipped().order_by("order").first()
        if mentor is None or source is None:
            raise CommandError("Run loadroadmap and seed_demo first.")
        if not 1 <= topics <= tracks.TOPICS_MAX or not 0 <= own <= min(topics, tracks.OWN_TOPICS_MAX):
            raise CommandError(f"--topics must be from 1 to {tracks.TOPICS_MAX}, --own from 0 to --topics.")
        with transaction.atomic():
            track = tracks.create_track(
                author=mentor, title="Demo cohort track", introduction="The team's path.", copy_from=source
            )
            placed = list(Placement.objects.filter(section__roadmap=track).order_by("-section__order", "-order", "-pk"))
            # Cut the shipped topics from the end, then fill the last section with the mentor's own.
            shipped = min(len(placed), topics - own)
            Placement.objects.filter(pk__in=[p.pk for p in placed[: len(placed) - shipped]]).delete()
            section = track.sections.order_by("order").last()
            previous = section.placements.order_by("order").last()
            for n in range(shipped, topics):
                spec = tracks.OwnTopic(
                    title=f"Team topic {n + 1}",
                    summary="How the team does it.",
                    hours=3,
                    resources=(("Team wiki", f"https://example.com/wiki/{n + 1}"),),
                    prerequisites=(previous.topic,) if previous else (),
                )
                made = tracks.create_own_topic(track=track, by=mentor, section=section, spec=spec)
                previous = Placement.objects.get(section=section, topic=made)
            tracks.assume_missing(track=track, by=mentor)
            follows = list(
                RoadmapFollow.objects.filter(
                    roadmap=source, plan_basis=PlanBasis.HOURS, learner__username__startswith=f"{prefix}-learner-"
                ).order_by("learner__username")[skip : skip + learners]
            )
            RoadmapFollow.objects.filter(pk__in=[f.pk for f in follows]).update(roadmap=track)
            summary.recount(learner_ids={f.learner_id for f in follows})
        self.stdout.write(f"{track.slug}: {topics} topics ({own} of its own), followed by {len(follows)} learners")
