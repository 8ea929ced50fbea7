import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mentoring.models import Mentorship
from tests.browser.conftest import percent, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROADMAP = "ml-engineer-for-software-engineers"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SHOTS.mkdir(exist_ok=True)


def mentee_card(page, name):
    """A mentee's card in the cohort."""
    return page.locator(".cohort-list > li").filter(has=page.get_by_role("link", name=name, exact=True))


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_a_mentor_follows_a_learner_who_joins_by_invite_link(
    live_server, browser, content, bob, charlie, password, assert_accessible
):
    mentor = browser.new_context().new_page()
    sign_in(mentor, live_server, "bob", password)
    mentor.goto(f"{live_server.url}/mentoring/")
    assert_accessible(mentor)
    mentor.get_by_role("button", name="Create a link to invite learners").click()
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
        "value", percent(2, roadmap=ROADMAP, section="core-ml")
    )

    # The mentor's cohort shows the new completion and recent activity.
    mentor.goto(f"{live_server.url}/mentoring/")
    row = mentee_card(mentor, "lena")
    expect(
        row.get_by_role("progressbar", name="lena: completion of ML Engineer for software engineers")
    ).to_have_attribute("value", percent(2, roadmap=ROADMAP))
    expect(row.locator("dt:text-is('Done in 7 days') + dd")).to_have_text("2")
    expect(row.locator("dt:text-is('Last activity') + dd")).to_have_text(re.compile(r"^(just now|\d+ minutes? ago)$"))
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


@pytest.fixture
def cohort(content, alice, bob, charlie, dave):
    """bob mentors alice (active today), charlie (quiet for three weeks) and dave
    (who keeps his dates private); mira mentors bob; bob has an open link."""
    import datetime as dt

    from django.utils import timezone

    from mentoring import services
    from progress import services as progress_services
    from progress.models import ProgressEvent
    from roadmap.models import Roadmap, Topic

    roadmap = Roadmap.objects.get(slug=ROADMAP)
    invite = services.create_invite(created_by=bob, kind="mentor")
    for learner, topics in (
        (alice, ("python", "version-control")),
        (charlie, ("python",)),
        (dave, ("python", "version-control", "web-apis-http")),
    ):
        services.accept_invite(invite=invite, user=learner)
        for slug in topics:
            topic = Topic.objects.get(slug=slug)
            progress_services.set_status(learner=learner, topic=topic, status="done", roadmap=roadmap)
    progress_services.add_evidence(
        learner=alice, topic=Topic.objects.get(slug="python"), url="https://example.com/alice-notebook"
    )
    ProgressEvent.objects.filter(learner=charlie).update(created_at=timezone.now() - dt.timedelta(days=21))
    Mentorship.objects.filter(learner=charlie).update(created_at=timezone.now() - dt.timedelta(days=30))
    Mentorship.objects.filter(learner=dave).update(share_dates=False)
    mira = UserFactory(username="mira", display_name="Mira Mentor")
    services.accept_invite(invite=services.create_invite(created_by=bob, kind="learner"), user=mira)
    return invite


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_cohort_shows_every_fact_and_a_nudge_with_its_rule_on_a_phone_and_a_desktop(
    live_server, page, cohort, password, assert_accessible, width, scheme
):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "bob", password)
    page.goto(f"{live_server.url}/mentoring/")
    # bob mentors: what changed since he last looked, his mentees, then his mentors, then his links.
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings == ["What changed since you last looked", "Your mentees", "Your mentors", "Your invite links"]
    expect(page.locator("#nudge-rule")).to_contain_text("you can nudge each mentee once a day")
    for name, week, last in (
        ("Alice Liddell", "2", re.compile(r"just now|minutes? ago")),
        ("charlie", "0", "3 weeks ago"),
        ("dave", "Private", "Private"),
    ):
        card = mentee_card(page, name)
        for term in ("Completion", "Done in 7 days", "Last activity"):
            # On a wide screen the column header names the facts; the terms stay for screen readers.
            expect(card.locator(f"dt:text-is('{term}')")).to_have_count(1)
        expect(card.locator("dt:text-is('Done in 7 days') + dd")).to_have_text(week)
        expect(card.locator("dt:text-is('Last activity') + dd")).to_have_text(last)
        nudge = card.get_by_role("button", name=f"Nudge {name}")
        expect(nudge).to_be_visible()
        expect(card.get_by_text("once a day")).to_be_visible()
        for element in (nudge, card.locator("dt:text-is('Last activity') + dd")):
            box = element.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name}: off-screen at {width}px"
    if width == 360:
        expect(mentee_card(page, "dave").locator("dt:text-is('Last activity')")).to_be_visible()
    else:
        expect(page.locator(".cohort-head")).to_be_visible()
    expect(mentee_card(page, "charlie")).to_contain_text("Stalled")
    assert not scrolls_sideways(page), f"/mentoring/ scrolls sideways at {width}px"
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / f"mentoring-{width}-{scheme}.png"), full_page=True)

    # alice's view: her mentor first, with what he sees.
    learner = page.context.browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(learner, live_server, "alice", password)
    learner.goto(f"{live_server.url}/mentoring/")
    assert learner.get_by_role("heading", level=2).all_inner_texts()[0] == "Your mentors"
    expect(learner.locator(".mentor-sees")).to_have_text("bob sees your statuses · dates · evidence. Private: notes.")
    assert not scrolls_sideways(learner)
    assert_accessible(learner)
    learner.screenshot(path=str(SHOTS / f"mentoring-learner-{width}-{scheme}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_mentoring_pages_fit_a_phone_and_a_desktop(live_server, page, cohort, password, assert_accessible, width):
    sign_in(page, live_server, "bob", password)
    page.set_viewport_size({"width": width, "height": 900})
    for path in (
        "/mentoring/",
        "/mentoring/mentees/alice/",
        f"/mentoring/mentees/alice/roadmaps/{ROADMAP}/",
        "/mentoring/mentees/alice/topics/python/",
        "/mentoring/mentees/dave/",
        "/mentoring/mentees/dave/topics/python/",
        cohort.get_absolute_url(),
    ):
        page.goto(f"{live_server.url}{path}")
        assert not scrolls_sideways(page), f"{path} scrolls sideways at {width}px"
        assert_accessible(page)


def test_the_copy_button_copies_an_invite_link_and_says_so(live_server, browser, bob, password, assert_accessible):
    context = browser.new_context(
        permissions=["clipboard-read", "clipboard-write"], viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    sign_in(page, live_server, "bob", password)
    page.goto(f"{live_server.url}/mentoring/")
    mentees = page.get_by_role("region", name="Your mentees")
    mentees.get_by_label("Link expires").select_option("7")
    mentees.get_by_role("button", name="Create a link to invite learners").click()
    link = page.get_by_label("Link to share").input_value()
    # The choices made are kept for the next link.
    expect(mentees.get_by_label("Link expires")).to_have_value("7")
    status = page.get_by_role("status").filter(has_text="Copied")
    expect(status).to_have_count(0)
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[id^=copy-status-]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert_accessible(page)
    context.close()

    # Without JavaScript there is no Copy button: the link is there to select.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "bob", password)
    page.goto(f"{live_server.url}/mentoring/")
    expect(page.get_by_role("button", name="Copy link")).to_have_count(0)
    expect(page.get_by_label("Link to share")).to_have_value(link)
    expect(page.get_by_label("Link to share")).to_be_editable(editable=False)
    page.get_by_label("Link to share").select_text()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == link
    context.close()


def test_hiding_evidence_removes_it_from_the_mentors_view(live_server, browser, cohort, password, assert_accessible):
    topic = f"{live_server.url}/mentoring/mentees/alice/topics/python/"
    mentor = browser.new_context().new_page()
    sign_in(mentor, live_server, "bob", password)
    mentor.goto(topic)
    expect(mentor.get_by_role("link", name="https://example.com/alice-notebook")).to_be_visible()

    # With JavaScript: unticking saves at once, and the sentence says what bob sees now.
    learner = browser.new_context().new_page()
    sign_in(learner, live_server, "alice", password)
    learner.goto(f"{live_server.url}/mentoring/")
    card = learner.locator(".mentor-card").filter(has_text="bob")
    expect(card.get_by_role("button", name="Save what bob sees")).to_be_hidden()
    card.get_by_role("checkbox", name=re.compile("^Evidence")).uncheck()
    expect(card.get_by_role("status")).to_have_text("bob sees your statuses · dates. Private: evidence · notes.")
    assert_accessible(learner)
    assert Mentorship.objects.get(learner__username="alice", mentor__username="bob").share_evidence is False

    mentor.goto(topic)
    expect(mentor.get_by_text("Alice Liddell keeps evidence private.")).to_be_visible()
    assert "alice-notebook" not in mentor.content()
    assert_accessible(mentor)
    for path in ("/mentoring/", "/mentoring/mentees/alice/", f"/mentoring/mentees/alice/roadmaps/{ROADMAP}/"):
        mentor.goto(f"{live_server.url}{path}")
        assert "alice-notebook" not in mentor.content(), path
        assert_accessible(mentor)

    # Without JavaScript: the Save button posts the choices and the page comes back.
    nojs = browser.new_context(java_script_enabled=False).new_page()
    sign_in(nojs, live_server, "alice", password)
    nojs.goto(f"{live_server.url}/mentoring/")
    card = nojs.locator(".mentor-card").filter(has_text="bob")
    card.get_by_role("checkbox", name=re.compile("^Evidence")).check()
    card.get_by_role("checkbox", name=re.compile("^Dates")).uncheck()
    card.get_by_role("button", name="Save what bob sees").click()
    expect(nojs.get_by_text("Saved: bob sees your statuses · evidence. Private: dates · notes.")).to_be_visible()
    mentor.goto(topic)
    expect(mentor.get_by_role("link", name="https://example.com/alice-notebook")).to_be_visible()
    expect(mentor.get_by_text("dates kept private")).to_be_visible()


def test_a_mentor_nudges_a_learner_from_the_cohort(
    live_server, page, content, alice, bob, password, assert_accessible, run_tasks
):
    """The card's Nudge button submits the page's one form (form=, formaction=)."""
    import datetime as dt

    from django.core import mail
    from django.utils import timezone

    from mentoring import services

    services.accept_invite(invite=services.create_invite(created_by=bob, kind="mentor"), user=alice)
    Mentorship.objects.filter(learner=alice).update(created_at=timezone.now() - dt.timedelta(days=30))
    sign_in(page, live_server, "bob", password)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/mentoring/")
    card = mentee_card(page, "Alice Liddell")
    expect(card).to_contain_text("Stalled")
    assert_accessible(page)
    card.get_by_role("button", name="Nudge Alice Liddell").click()
    expect(page.get_by_text("Encouragement is on its way to Alice Liddell.")).to_be_visible()
    expect(mentee_card(page, "Alice Liddell")).to_contain_text("Nudged today · again tomorrow")
    run_tasks()  # the worker sends it
    assert len(mail.outbox) == 1
    assert_accessible(page)
