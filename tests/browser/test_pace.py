"""Issue #16, item 1 and 2 in Chromium: setting a pace on the dashboard (by
hours a week, then by a date), reading the forecast and this week's plan, a
mistake answered in place, and removing the pace; at 360 and 1280 px, light
and dark, with axe-core on every page. Without JavaScript, the same through the
pace's own page."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress import services
from progress.models import ProgressEvent, RoadmapFollow
from roadmap.models import Roadmap, Topic
from tests.browser.conftest import sign_in

TRACK = "ml-engineer-for-software-engineers"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_a_learner_sets_a_pace_and_reads_the_forecast(
    live_server, browser, content, alice, password, assert_accessible, width, scheme
):
    track = Roadmap.objects.get(slug=TRACK)
    for slug in ("ml-engineer-role", "ml-job-market"):
        services.set_status(learner=alice, topic=Topic.objects.get(slug=slug), status="done", roadmap=track)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(alice.time_zone or "UTC"))

    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    expect(card).to_contain_text("Set a pace to see when you will finish")
    card.get_by_role("link", name="Set a pace").click()  # htmx opens the form in the card, focused
    expect(card.locator("form.pace-form")).to_be_focused()
    card.get_by_label("Hours a week", exact=True).fill("10")
    card.get_by_role("button", name="Save pace").click()

    expect(page.locator(".messages")).to_contain_text("at 10 hours a week")
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    follow = RoadmapFollow.objects.get(learner=alice, roadmap=track)
    expect(card).to_contain_text(f"Finish at your plan{follow.target_date:%-d %b %Y}")
    # Her first day (issue #25): the plan and this week, no verdict, and the rule said.
    verdict = card.locator(".pace-verdict")
    expect(verdict).to_contain_text(f"At 10 h a week you finish on {follow.target_date:%-d %b %Y}.")
    expect(verdict).to_contain_text("two weeks after your first topic")
    expect(card.locator(".pace-rule")).to_contain_text("once you have two weeks of history")
    expect(card).not_to_contain_text("Behind")
    expect(card.locator(".week-plan li").first).to_contain_text("End-to-end ML systems")
    expect(card).to_contain_text("2 topics done this week")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/pace-{width}-{scheme}.png", full_page=True)

    # Five weeks after her first topic, the same hours are judged.
    ProgressEvent.objects.create(
        learner=alice,
        topic=Topic.objects.get(slug="python"),
        from_status="not_started",
        to_status="in_progress",
        created_at=timezone.now() - dt.timedelta(weeks=5),
    )
    page.reload()
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    expect(card.locator(".pace-verdict")).to_contain_text("Behind by")  # 6 h in 4 weeks, far below 10 a week
    expect(card).to_contain_text("Your pace, last 4 weeks")

    # A date too close is answered in place, and nothing changes.
    card.get_by_role("link", name="Change or remove your pace").click()
    expect(card.get_by_role("radio", name="By hours a week")).to_be_checked()
    card.get_by_role("radio", name="By a target date").check()
    card.get_by_label("Target date", exact=True).fill((today + dt.timedelta(days=2)).isoformat())
    card.get_by_role("button", name="Save pace").click()
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    expect(card.get_by_role("alert")).to_contain_text("Please correct the errors below.")
    expect(card).to_contain_text("That date needs")
    assert page.url.endswith("/dashboard/")  # still the dashboard, the form answered in place
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).hours_per_week == 10
    assert_accessible(page)
    page.screenshot(path=f"screenshots/pace-error-{width}-{scheme}.png", full_page=True)

    card.get_by_role("button", name="Remove pace").click()
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    expect(card).to_contain_text("Set a pace to see when you will finish")
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).plan_basis == ""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_pace_has_a_page_of_its_own(live_server, browser, content, alice, password, assert_accessible, width):
    track = Roadmap.objects.get(slug=TRACK)
    services.follow_roadmap(learner=alice, roadmap=track)
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/roadmaps/{TRACK}/pace/")  # a new tab from the dashboard's link, say
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pace on ML Engineer for software engineers")
    assert_accessible(page)

    page.get_by_label("Hours a week", exact=True).fill("200")
    page.get_by_role("button", name="Save pace").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the errors below.")
    expect(page.locator("form.pace-form")).to_contain_text("less than or equal to 80")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/pace-page-error-{width}.png", full_page=True)

    page.get_by_label("Hours a week", exact=True).fill("12")
    page.get_by_role("button", name="Save pace").click()
    expect(page.locator(".messages")).to_contain_text("at 12 hours a week")
    assert page.url.endswith(f"/dashboard/#pace-{TRACK}")
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).hours_per_week == 12


def test_without_javascript_the_dashboard_links_to_that_page(live_server, browser, content, alice, password):
    track = Roadmap.objects.get(slug=TRACK)
    services.follow_roadmap(learner=alice, roadmap=track)
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, "alice", password)
    page.get_by_role("region", name="ML Engineer for software engineers").get_by_role("link", name="Set a pace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pace on ML Engineer for software engineers")
    page.get_by_role("radio", name="By a target date").check()
    page.get_by_label("Target date", exact=True).fill("2099-01-01")
    page.get_by_role("button", name="Save pace").click()
    expect(page.locator(".messages")).to_contain_text("to finish by 1 Jan 2099")
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).target_date == dt.date(2099, 1, 1)
