import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mentoring.models import Mentorship
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROADMAP = "ml-engineer-for-software-engineers"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SHOTS.mkdir(exist_ok=True)


def test_a_mentor_follows_a_learner_who_joins_by_invite_link(
    live_server, browser, content, bob, charlie, password, assert_accessible
):
    mentor = browser.new_context().new_page()
    sign_in(mentor, live_server, "bob", password)
    mentor.goto(f"{live_server.url}/mentoring/")
    assert_accessible(mentor)
    mentor.get_by_role("button", name="Create invite link").click()
    link = mentor.get_by_label("Link to share").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/mentoring/invite/[\w-]{{40,}}/", link)
    assert_accessible(mentor)

    # A newcomer opens the link signed out, signs up and comes back to it.
    learner = browser.new_context().new_page()
    learner.goto(link)
    expect(learner.get_by_role("heading", level=1)).to_have_text("bob invites you to share your progress")
    assert_accessible(learner)
    learner.get_by_role("link", name="Sign up to accept").click()
    learner.get_by_label("Username").fill("lena")
    learner.get_by_label("Email").fill("lena@example.com")
    learner.get_by_label("Password", exact=True).fill("tensor-flow-river-7")
    learner.get_by_label("Password confirmation").fill("tensor-flow-river-7")
    learner.get_by_role("button", name="Sign up").click()
    expect(learner).to_have_url(link)
    learner.get_by_role("button", name="Accept").click()
    expect(learner.get_by_text("bob is now your mentor.")).to_be_visible()
    assert Mentorship.objects.filter(mentor=bob, learner__username="lena", status="active").exists()

    learner.goto(f"{live_server.url}/roadmaps/{ROADMAP}/")
    for title in ("Supervised learning", "Regression"):
        learner.get_by_role("checkbox", name=title, exact=True).check()
        expect(learner.get_by_role("checkbox", name=title, exact=True)).to_be_checked()
    expect(learner.get_by_role("progressbar", name="Completion of Core machine learning")).to_have_attribute(
        "value", "28"
    )

    # The mentor's cohort table shows the new completion and recent activity.
    mentor.goto(f"{live_server.url}/mentoring/")
    row = mentor.get_by_role("row", name=re.compile("lena"))
    expect(
        row.get_by_role("progressbar", name="lena: completion of ML Engineer for software engineers")
    ).to_have_attribute("value", "4")
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    expect(row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"^(just now|\d+ minutes? ago)$"))
    assert_accessible(mentor)

    # The learner's roadmap, read-only.
    row.get_by_role("link", name="lena").click()
    assert_accessible(mentor)
    mentor.get_by_role("link", name="ML Engineer for software engineers").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("lena: ML Engineer for software engineers")
    for slug in ("supervised-learning", "regression"):
        expect(mentor.locator(f"li#{slug} .status-badge")).to_have_text("Done")
    expect(mentor.get_by_role("checkbox")).to_have_count(0)
    expect(mentor.locator("main form")).to_have_count(0)
    assert_accessible(mentor)

    mentor.locator("li#regression").get_by_role("link", name="Regression").click()
    mentor.get_by_label("Comment").fill("Nice: now try regularisation.")
    mentor.get_by_role("button", name="Post comment").click()
    expect(mentor.get_by_text("Nice: now try regularisation.")).to_be_visible()
    mentor.get_by_role("button", name="Mark reviewed").click()
    expect(mentor.get_by_text("Reviewed by bob")).to_be_visible()
    assert_accessible(mentor)
    mentee_url = mentor.url

    # The learner sees the feedback on the dashboard, opens it, and it is read once on screen.
    learner.goto(f"{live_server.url}/dashboard/")
    expect(learner.get_by_role("region", name="New feedback")).to_contain_text("Regression")
    assert_accessible(learner)
    learner.get_by_role("region", name="New feedback").get_by_role("link", name="Regression").click()
    thread = learner.get_by_role("region", name="Feedback")
    expect(thread).to_contain_text("Nice: now try regularisation.")
    expect(thread.get_by_role("button", name="Mark feedback as read")).to_have_count(0)  # htmx posted it
    assert_accessible(learner)
    learner.screenshot(path=str(SHOTS / "topic-feedback-read.png"), full_page=True)
    learner.goto(f"{live_server.url}/dashboard/")
    expect(learner.get_by_role("region", name="New feedback")).to_have_count(0)

    # A stranger gets the not-found page on the same URL.
    stranger = browser.new_context().new_page()
    sign_in(stranger, live_server, "charlie", password)
    response = stranger.goto(mentee_url)
    assert response.status == 404
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert "Nice: now try regularisation." not in stranger.content()
    assert_accessible(stranger)


@pytest.mark.parametrize("width", [360, 1280])
def test_mentoring_pages_fit_a_phone_and_a_desktop(live_server, page, content, alice, bob, password, width):
    from mentoring import services
    from progress import services as progress_services
    from roadmap.models import Roadmap, Topic

    invite = services.create_invite(created_by=bob, kind="mentor")
    services.accept_invite(invite=invite, user=alice)
    roadmap = Roadmap.objects.get(slug=ROADMAP)
    progress_services.set_status(learner=alice, topic=Topic.objects.get(slug="python"), status="done", roadmap=roadmap)
    sign_in(page, live_server, "bob", password)
    page.set_viewport_size({"width": width, "height": 900})
    for path in (
        "/mentoring/",
        "/mentoring/mentees/alice/",
        f"/mentoring/mentees/alice/roadmaps/{ROADMAP}/",
        "/mentoring/mentees/alice/topics/python/",
        invite.get_absolute_url(),
    ):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"


def test_a_mentor_nudges_a_stalled_learner_from_the_cohort_table(
    live_server, page, content, alice, bob, password, assert_accessible, run_tasks
):
    """The row's Nudge button submits the page's one form (form=, formaction=)."""
    import datetime as dt

    from django.core import mail
    from django.utils import timezone

    from mentoring import services

    services.accept_invite(invite=services.create_invite(created_by=bob, kind="mentor"), user=alice)
    Mentorship.objects.filter(learner=alice).update(created_at=timezone.now() - dt.timedelta(days=30))
    sign_in(page, live_server, "bob", password)
    page.goto(f"{live_server.url}/mentoring/")
    row = page.get_by_role("row", name=re.compile("Alice Liddell"))
    expect(row).to_contain_text("Stalled")
    assert_accessible(page)
    row.get_by_role("button", name="Nudge Alice Liddell").click()
    expect(page.get_by_text("Encouragement is on its way to Alice Liddell.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Alice Liddell"))).to_contain_text("Nudged today")
    run_tasks()  # the worker sends it
    assert len(mail.outbox) == 1
    assert_accessible(page)
