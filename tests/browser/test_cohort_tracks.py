"""Cohort tracks in Chromium (#28): a mentor composes a track with two own
topics and an own project, previews it, offers it; the learner accepts and
ticks; the mentor sees it; editing the live track loses nothing. axe-core on
every page, at a phone's width and a desktop's."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mentoring.models import Mentorship
from progress.models import Progress
from roadmap.models import Roadmap, Topic
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SHOTS.mkdir(exist_ok=True)


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def write_topic(page, *, title, summary, hours, resources="", prerequisites=()):
    page.get_by_role("link", name="Write your own topic").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Estimated hours").fill(str(hours))
    page.get_by_label("Resources").fill(resources)
    for name in prerequisites:
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="Save the topic").click()
    expect(page.get_by_text("Topic saved.")).to_be_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_mentor_shapes_a_track_and_a_mentee_follows_it(
    live_server, browser, content, alice, bob, password, assert_accessible, width
):
    Mentorship.objects.create(mentor=bob, learner=alice)
    size = {"width": width, "height": 800}
    mentor = browser.new_context(viewport=size).new_page()
    sign_in(mentor, live_server, "bob", password)
    mentor.goto(f"{live_server.url}/mentoring/")
    mentor.get_by_role("link", name="Cohort tracks").click()
    assert_accessible(mentor)

    # An empty track, with one section of two shipped topics.
    mentor.get_by_label("Title").fill("Team ML")
    mentor.get_by_label("Introduction").fill("Our path to shipping models.\nStart with the basics.")
    mentor.get_by_role("button", name="Make the track").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Team ML")
    assert_accessible(mentor)
    mentor.get_by_label("Section title").fill("Foundations")
    mentor.get_by_role("button", name="Add a section").click()
    mentor.locator("summary", has_text="Add to this section").click()
    mentor.get_by_label("Shipped topics").select_option(label=["Supervised learning", "Regression"])
    mentor.get_by_role("button", name="Add the topics").click()
    expect(mentor.get_by_text("2 topics added.")).to_be_visible()
    if mentor.get_by_role("button", name="Mark them as known already").count():
        mentor.get_by_role("button", name="Mark them as known already").click()
    expect(mentor.get_by_role("heading", name="Missing prerequisites")).to_have_count(0)

    # Two topics of the mentor's own, the second building on the first, and a project.
    mentor.locator("summary", has_text="Add to this section").click()
    write_topic(
        mentor,
        title="Our feature store",
        summary="How we keep features.",
        hours=4,
        resources="Design doc | https://example.com/feature-store",
    )
    assert_accessible(mentor)
    mentor.locator("summary", has_text="Add to this section").click()
    write_topic(
        mentor, title="Our model registry", summary="Where models live.", hours=3, prerequisites=["Our feature store"]
    )
    mentor.locator("summary", has_text="Add to this section").click()
    mentor.get_by_role("link", name="Write your own project").click()
    mentor.get_by_label("Title").fill("Ship a churn model")
    mentor.get_by_label("Brief").fill("Train, register and serve it.")
    mentor.get_by_label("Estimated hours").fill("8")
    mentor.get_by_label("Acceptance criteria").fill("It is registered\nIt serves predictions")
    mentor.get_by_role("checkbox", name="Our model registry").check()
    assert_accessible(mentor)
    mentor.get_by_role("button", name="Save the project").click()
    expect(mentor.get_by_text("Project saved.")).to_be_visible()
    expect(mentor.get_by_text("4 topics · about")).to_be_visible()
    assert not scrolls_sideways(mentor)
    mentor.screenshot(path=SHOTS / f"track-editor-{width}.png", full_page=True)

    # The preview, as a learner sees it.
    mentor.get_by_role("link", name="Preview as a learner").click()
    expect(mentor.get_by_text("Preview: the track as your learners see it")).to_be_visible()
    expect(mentor.get_by_role("heading", name="1. Foundations")).to_be_visible()
    expect(mentor.get_by_text("Our model registry").first).to_be_visible()
    assert_accessible(mentor)
    mentor.get_by_role("link", name="Back to editing").click()

    # Offered to alice, who accepts on her dashboard and ticks.
    mentor.get_by_role("checkbox", name="alice").check()
    mentor.get_by_role("button", name="Offer the track to those ticked").click()
    expect(mentor.get_by_text("Offered to 1 mentee.")).to_be_visible()

    learner = browser.new_context(viewport=size).new_page()
    sign_in(learner, live_server, "alice", password)
    expect(learner.get_by_role("heading", name="Tracks offered by your mentors")).to_be_visible()
    assert_accessible(learner)
    learner.get_by_role("button", name="Accept Team ML").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Team ML")
    expect(learner.get_by_text("A cohort track shaped by a mentor.")).to_be_visible()
    for title in ("Supervised learning", "Our feature store"):
        learner.get_by_role("checkbox", name=title, exact=True).check()
        expect(learner.get_by_role("checkbox", name=title, exact=True)).to_be_checked()
    assert_accessible(learner)
    assert not scrolls_sideways(learner)
    learner.screenshot(path=SHOTS / f"track-learner-{width}.png", full_page=False)

    # The mentor sees it: on the track's page and in the cohort filtered to the track.
    mentor.reload()
    learners = mentor.locator("#learners")
    expect(learners.get_by_text("Follows it")).to_be_visible()
    expect(learners.get_by_text("50% · 2 of 4")).to_be_visible()
    track = Roadmap.objects.get(title="Team ML")
    mentor.goto(f"{live_server.url}/mentoring/?track={track.slug}")
    expect(mentor.get_by_text("1 of your mentees follows Team ML")).to_be_visible()
    assert_accessible(mentor)

    # Editing the live track: a done topic taken off keeps its tick; the learner reads what changed.
    mentor.goto(f"{live_server.url}/mentoring/tracks/{track.pk}/")
    mentor.get_by_role("button", name="Take off Supervised learning").click()
    expect(mentor.get_by_role("link", name="Supervised learning", exact=True)).to_have_count(0)
    supervised = Topic.objects.get(title="Supervised learning", track=None)
    assert Progress.objects.get(learner=alice, topic=supervised).status == "done"
    learner.reload()
    expect(learner.get_by_role("checkbox", name="Supervised learning", exact=True)).to_have_count(0)
    expect(learner.get_by_role("checkbox", name="Our feature store", exact=True)).to_be_checked()
    learner.goto(f"{live_server.url}/roadmaps/{track.slug}/history/")
    expect(learner.get_by_text(re.compile(r"The track changed: .*1 topic taken off"))).to_be_visible()
    assert_accessible(learner)
