"""Issue #25, item 8 in Chromium: the smaller snags of a first week, each seen
as a learner and a mentor meet it, at 360 and 1280 px, with axe-core on every
page: the home page names projects, pace, the calendar and the portfolio; a
topic's breadcrumb names its other track beside it, not nested; a prerequisite
the track assumes reads "Assumed known"; a checkbox stands before its label,
its help below; the dashboard leads to the calendar feed; the activity
calendar's last month label is whole; the CSV opens in Excel (a byte-order
mark); a new mentor's first button says it invites learners."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from progress import services
from roadmap.models import Topic
from tests.browser.conftest import sign_in

LAST_LABEL_INSIDE = """(svg) => {
  const labels = [...svg.querySelectorAll("text.calendar-label")];
  const last = labels[labels.length - 1].getBBox();
  return last.x + last.width <= svg.viewBox.baseVal.width;
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_smaller_snags_of_a_first_week(live_server, browser, content, alice, password, assert_accessible, width):
    services.set_status(learner=alice, topic=Topic.objects.get(slug="numpy"), status="done")
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()

    page.goto(f"{live_server.url}/")
    learner = page.get_by_role("region", name="What you get as a learner")
    for heading in ("Projects, reviewed", "A pace that fits your week", "A portfolio for employers"):
        expect(learner.get_by_role("heading", name=heading)).to_be_visible()
    expect(learner).to_contain_text("calendar")
    assert_accessible(page)

    sign_in(page, live_server, "alice", password)
    # Python is on both tracks: the breadcrumb says so beside the first, and
    # the software engineers' track assumes what Python builds on.
    page.goto(f"{live_server.url}/topics/python/?roadmap=ml-engineer-for-software-engineers")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_contain_text("also on")
    expect(crumbs.get_by_role("link")).to_have_count(3)  # Roadmaps › one track · also on the other
    builds_on = page.locator(".prerequisite-list")
    expect(builds_on).to_contain_text("Assumed known")
    expect(builds_on).not_to_contain_text("Not started")
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator(".calendar-scroll svg.calendar").evaluate(LAST_LABEL_INSIDE)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8's byte-order mark
    page.get_by_role("link", name="Your study calendar").click()
    expect(page.locator("#calendar")).to_be_in_viewport()
    # On the account page a checkbox stands before its label, on one line, its help text below.
    box = page.locator(".checkbox-field input[type=checkbox]").first
    label = page.locator(".checkbox-field label").first
    assert abs(box.bounding_box()["y"] - label.bounding_box()["y"]) < label.bounding_box()["height"]
    assert box.bounding_box()["x"] < label.bounding_box()["x"]
    help_text = page.locator(".checkbox-field + .helptext").first  # the digests' checkboxes have one
    expect(help_text).to_be_visible()
    assert help_text.bounding_box()["y"] >= label.bounding_box()["y"] + label.bounding_box()["height"] - 1
    assert_accessible(page)

    page.goto(f"{live_server.url}/mentoring/")
    expect(page.get_by_role("button", name="Create a link to invite learners")).to_be_visible()
    expect(page.get_by_role("button", name="Create a link to invite a mentor")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    context.close()
