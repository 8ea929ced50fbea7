from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from mentoring.models import Mentorship
from progress.models import Progress, ProgressEvent


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def shape(prefix):
    return sorted(
        (username.removeprefix(prefix), slug, status)
        for username, slug, status in Progress.objects.filter(learner__username__startswith=prefix).values_list(
            "learner__username", "topic__slug", "status"
        )
    )


@pytest.mark.django_db
def test_seed_demo_is_deterministic_and_says_what_it_made(db):
    call_command("loadroadmap", stdout=StringIO())
    out = seed(learners=20, mentors=3, cohort=8, seed=3, prefix="one", password="demo-pass-123")
    assert "Created 20 learners and 3 mentors" in out
    assert "Every demo account's password: demo-pass-123" in out
    seed(learners=20, mentors=3, cohort=8, seed=3, prefix="two", password="demo-pass-123")
    assert shape("one") == shape("two") != []
    assert Mentorship.objects.filter(mentor__username="one-mentor-001").count() == 8
    learner = User.objects.get(username="one-learner-00001")
    assert learner.check_password("demo-pass-123")
    # The history agrees with the statuses: every done topic has its completion event.
    done = Progress.objects.filter(learner=learner, status="done").count()
    assert ProgressEvent.objects.filter(learner=learner, to_status="done").count() == done


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_twice_with_one_prefix_or_without_content(db):
    with pytest.raises(CommandError, match="loadroadmap"):
        seed(learners=2, mentors=0)
    call_command("loadroadmap", stdout=StringIO())
    seed(learners=2, mentors=0, prefix="x")
    with pytest.raises(CommandError, match="exist already"):
        seed(learners=2, mentors=0, prefix="x")


@pytest.mark.django_db
def test_seed_track_makes_a_track_of_the_size_asked_its_learners_counted(db):
    from progress.models import ProgressSummary, RoadmapFollow
    from roadmap.models import Roadmap, Topic

    call_command("loadroadmap", stdout=StringIO())
    seed(learners=60, mentors=2, cohort=10, seed=1, password="demo-pass-123")
    out = StringIO()
    call_command("seed_track", topics=12, own=3, learners=2, skip=1, stdout=out)
    track = Roadmap.objects.get(kind="cohort")
    assert f"{track.slug}: 12 topics (3 of its own), followed by 2 learners" in out.getvalue()
    live = Topic.objects.live().filter(placements__section__roadmap=track)
    assert live.count() == 12 and live.filter(track=track).count() == 3
    followers = RoadmapFollow.objects.filter(roadmap=track)
    assert followers.count() == 2 and all(f.plan_basis == "hours" for f in followers)
    summaries = ProgressSummary.objects.filter(roadmap=track)
    assert summaries.count() == 2 and {s.topics for s in summaries} == {12}
