"""The dashboard's roadmaps by one statement of plain SQL (progress.selectors.
followed_roadmaps, #24) read what the ORM reads, on both databases: the
roadmaps followed, their order, the content version, the pace and the summary,
missing, stale or fresh, and nobody else's."""

import datetime as dt

from django.db.models import F, FilteredRelation, Q

from progress import services
from progress.models import ProgressSummary
from progress.selectors import followed_roadmaps, with_summary
from roadmap.models import Roadmap
from roadmap.services import content_changed

PACE = ("plan_basis", "hours_per_week", "target_date")
COUNTED = ("counted_version", *(f"counted_{name}" for name in services.summary.FIELDS))


def orm(learner) -> list[Roadmap]:
    """The query the statement replaced."""
    roadmaps = (
        Roadmap.objects.published()
        .with_content_version()
        .annotate(mine=FilteredRelation("follows", condition=Q(follows__learner=learner)))
        .filter(mine__isnull=False)
        .annotate(plan_basis=F("mine__plan_basis"), hours_per_week=F("mine__hours_per_week"))
        .annotate(target_date=F("mine__target_date"))
        .order_by("order", "title")
    )
    return list(with_summary(roadmaps, learner))


def read(roadmaps) -> list[tuple]:
    return [
        (r.pk, r.slug, r.title, r.order, r.published, r.content_version, *(getattr(r, n) for n in PACE + COUNTED))
        for r in roadmaps
    ]


def test_the_statement_reads_what_the_orm_reads(alice, bob, track, topics):
    second = Roadmap.objects.create(slug="second", title="Second", summary="s", audience="everyone", order=0)
    hidden = Roadmap.objects.create(slug="hidden", title="Hidden", summary="s", audience="everyone", published=False)
    content_changed()

    def same():
        for learner in (alice, bob):
            assert read(followed_roadmaps(learner)) == read(orm(learner))

    same()  # no follow at all
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.set_status(learner=alice, topic=topics["b"], status="in_progress", roadmap=track)
    same()  # one follow, its summary fresh, with a last activity
    assert read(followed_roadmaps(alice))[0][-1] is not None
    services.follow_roadmap(learner=alice, roadmap=second)
    services.follow_roadmap(learner=alice, roadmap=hidden)
    services.follow_roadmap(learner=bob, roadmap=track)
    services.set_pace(learner=alice, roadmap=track, today=dt.date(2026, 12, 5), target_date=dt.date(2027, 3, 1))
    services.set_pace(learner=bob, roadmap=track, today=dt.date(2026, 12, 5), hours_per_week=6)
    same()  # the order (second first), a pace by date and one by hours, the unpublished left out
    assert [r.slug for r in followed_roadmaps(alice)] == ["second", "track"]
    assert followed_roadmaps(alice)[1].target_date == dt.date(2027, 3, 1)
    ProgressSummary.objects.filter(learner=alice, roadmap=second).delete()
    content_changed()
    same()  # a summary missing, the others stale
    assert followed_roadmaps(alice)[0].counted_version is None
