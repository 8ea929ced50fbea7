"""Loading new content over a database in use: every learner's progress survives.

fixtures/content-2025/ is the content as shipped before the 2026 update (issue
#15): topics added, sections added and reordered, prerequisites and resources
changed, no slug removed. A learner who ticked topics under it keeps every
status, note, piece of evidence and history event after `loadroadmap`.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from progress import services
from progress.models import Evidence, Progress, ProgressEvent, Status
from roadmap.content import read_content
from roadmap.models import Roadmap, Topic
from roadmap.services import load_content

BEFORE = Path(__file__).parent / "fixtures" / "content-2025"
TRACK = "ml-engineer-for-software-engineers"


def snapshot(learner):
    return {
        "progress": sorted(
            Progress.objects.filter(learner=learner).values_list(
                "topic__slug", "status", "note", "started_at", "completed_at"
            )
        ),
        "events": list(
            ProgressEvent.objects.filter(learner=learner)
            .order_by("pk")
            .values_list("topic__slug", "from_status", "to_status", "reason", "created_at")
        ),
        "evidence": sorted(
            Evidence.objects.filter(progress__learner=learner).values_list("progress__topic__slug", "url")
        ),
    }


@pytest.fixture
def learner_under_old_content(alice):
    load_content(content=read_content(BEFORE))
    roadmap = Roadmap.objects.get(slug=TRACK)
    services.follow_roadmap(learner=alice, roadmap=roadmap)
    topic = {t.slug: t for t in Topic.objects.all()}
    for slug in ("ml-engineer-role", "python", "numpy", "linear-algebra", "data-pipelines-orchestration"):
        services.set_status(learner=alice, topic=topic[slug], status=Status.DONE, roadmap=roadmap)
    services.set_status(learner=alice, topic=topic["tensorflow-lite"], status=Status.IN_PROGRESS, roadmap=roadmap)
    services.set_status(learner=alice, topic=topic["agile-practices"], status=Status.SKIPPED, roadmap=roadmap)
    services.set_status(learner=alice, topic=topic["pandas"], status=Status.IN_PROGRESS, roadmap=roadmap)
    services.set_status(learner=alice, topic=topic["pandas"], status=Status.DONE, roadmap=roadmap)
    services.save_note(learner=alice, topic=topic["tensorflow-lite"], note="Converted my model with the old toolchain.")
    services.add_evidence(learner=alice, topic=topic["numpy"], url="https://github.com/alice/numpy-exercises")
    return alice


def test_loadroadmap_over_the_2025_content_keeps_every_learners_progress_and_history(learner_under_old_content):
    alice = learner_under_old_content
    before = snapshot(alice)
    assert len(before["events"]) == 9

    out = StringIO()
    call_command("loadroadmap", stdout=out)

    assert "Topics: 15 created" in out.getvalue()
    assert "0 retired" in out.getvalue().splitlines()[0]
    assert snapshot(alice) == before
    assert not Topic.objects.filter(retired=True).exists()
    # The ticked topics sit in their (new) sections of the same roadmap.
    on_track = set(Topic.objects.filter(placements__section__roadmap__slug=TRACK).values_list("slug", flat=True))
    assert {slug for slug, *_ in before["progress"]} <= on_track


def test_the_learner_sees_the_same_ticks_after_the_update(learner_under_old_content, client):
    client.force_login(learner_under_old_content)
    call_command("loadroadmap", stdout=StringIO())

    page = client.get(f"/roadmaps/{TRACK}/?view=list").content.decode()
    topic_page = client.get("/topics/tensorflow-lite/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()

    # 6 done of the new size, the skipped one apart; the 15 new topics count as not started.
    live = Topic.objects.filter(placements__section__roadmap__slug=TRACK).distinct().count()
    assert live == 50 + 15
    assert f"6 of {live - 1} done · 1 in progress · 1 skipped" in page
    assert "LiteRT (formerly TensorFlow Lite)" in topic_page
    assert "Converted my model with the old toolchain." in topic_page
    assert re.search(r'value="in_progress"[^>]*aria-pressed="true"', topic_page)  # its status, pressed
    # What builds on the learner's ticks is next: the job market, after the role.
    assert "Salaries and the ML job market" in dashboard
