"""Issue #16, item 3 in Chromium: on the account page a learner makes a private
calendar link (a mistake answered first), copies it, and the feed it serves
parses; then renews it (the old link 404s), moves the study block and revokes
it; at 360 and 1280 px, light and dark, with axe-core on every page state."""

import datetime as dt
import re

import icalendar
import pytest
from playwright.sync_api import expect

from progress import services
from progress.dashboard import dashboard_for
from roadmap.models import Roadmap
from tests.browser.conftest import sign_in

TRACK = "ml-engineer-for-software-engineers"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_a_learner_makes_renews_moves_and_revokes_a_calendar_link(
    live_server, browser, content, alice, password, assert_accessible, width, scheme
):
    alice.time_zone = "Europe/Berlin"
    alice.save(update_fields=["time_zone"])
    services.set_pace(learner=alice, roadmap=Roadmap.objects.get(slug=TRACK), today=dt.date.today(), hours_per_week=8)
    first_topic = dashboard_for(alice).roadmaps[0].pace.week[0].topic.title

    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/accounts/")
    section = page.get_by_role("region", name="Study calendar")
    expect(section).to_contain_text("no notes, evidence or mentor feedback")
    assert_accessible(page)

    # A start time left empty is answered in place (400), and nothing is made.
    section.get_by_label("Day").select_option("Wednesday")
    section.get_by_label("Start time").fill("")
    section.get_by_role("button", name="Create my calendar link").click()
    section = page.get_by_role("region", name="Study calendar")
    expect(section.get_by_role("alert")).to_contain_text("Please correct the errors below.")
    expect(section).to_contain_text("This field is required.")
    assert_accessible(page)
    page.screenshot(path=f"screenshots/calendar-error-{width}-{scheme}.png", full_page=True)

    section.get_by_label("Start time").fill("19:30")
    section.get_by_label("Length").select_option("1 hour 30 minutes")
    section.get_by_role("button", name="Create my calendar link").click()
    expect(page).to_have_url(re.compile(r"/accounts/#calendar$"))
    expect(page.locator(".messages")).to_contain_text("Your calendar link is ready.")
    section = page.get_by_role("region", name="Study calendar")
    expect(section).to_contain_text("Shown only this once")
    expect(section).to_contain_text("Google Calendar: Other calendars › From URL")
    expect(section).to_contain_text("Wednesdays at 19:30 for 1 hour 30 minutes, in your time zone (Europe/Berlin)")
    link = section.get_by_label("Your calendar link")
    url = link.input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/calendar/[A-Za-z0-9_-]{{43}}\.ics", url)
    section.get_by_role("button", name="Copy link").click()
    expect(section.locator("#calendar-copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/calendar-{width}-{scheme}.png", full_page=True)

    # What a calendar app gets from the link.
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    feed = icalendar.Calendar.from_ical(response.body())
    (event,) = feed.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert (start.strftime("%A %H:%M"), event["DTSTART"].params["TZID"]) == ("Wednesday 19:30", "Europe/Berlin")
    assert first_topic in str(event["DESCRIPTION"])
    uid = event["UID"]

    # Shown once: a reload shows the block, not the link.
    page.reload()
    section = page.get_by_role("region", name="Study calendar")
    expect(section).to_contain_text("Wednesdays at 19:30")
    expect(section.get_by_label("Your calendar link")).to_have_count(0)

    # Renewing gives a new link; the old one stops at once, the event stays the same.
    section.get_by_role("button", name="Renew the link").click()
    section = page.get_by_role("region", name="Study calendar")
    renewed = section.get_by_label("Your calendar link").input_value()
    assert renewed != url
    assert page.request.get(url).status == 404
    response = page.request.get(renewed)
    assert response.status == 200
    assert icalendar.Calendar.from_ical(response.body()).walk("VEVENT")[0]["UID"] == uid
    assert_accessible(page)

    # Moving the block keeps the link.
    section.locator("summary", has_text="Change the study block").click()
    section.get_by_label("Day").select_option("Sunday")
    section.get_by_label("Start time").fill("08:15")
    section.get_by_role("button", name="Save the block").click()
    section = page.get_by_role("region", name="Study calendar")
    expect(section).to_contain_text("Sundays at 08:15 for 1 hour 30 minutes")
    moved = icalendar.Calendar.from_ical(page.request.get(renewed).body()).walk("VEVENT")[0]
    assert moved.decoded("DTSTART").strftime("%A %H:%M") == "Sunday 08:15"
    assert_accessible(page)
    page.screenshot(path=f"screenshots/calendar-feed-{width}-{scheme}.png", full_page=True)

    section.get_by_role("button", name="Revoke the link").click()
    expect(page.locator(".messages")).to_contain_text("Your calendar link is revoked")
    section = page.get_by_role("region", name="Study calendar")
    expect(section.get_by_role("button", name="Create my calendar link")).to_be_visible()
    assert page.request.get(renewed).status == 404
    assert_accessible(page)
    context.close()
