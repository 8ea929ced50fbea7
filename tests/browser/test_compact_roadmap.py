"""Issue #14, item 3 in Chromium: a compact roadmap page whose completion bar
stays in view while ticking, with folding sections remembered and topic
details one click away; at 360 and 1280 px, light and dark."""

import pytest
from playwright.sync_api import expect

from roadmap.models import Topic
from tests.browser.conftest import sign_in

ROADMAP = "/roadmaps/ml-engineer-for-software-engineers/"


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_bar_stays_in_view_after_ticking_a_late_topic(
    live_server, browser, content, alice, password, assert_accessible, width, scheme
):
    page = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/roadmap-{width}-{scheme}.png")

    # Summaries are folded: the page lists topics first.
    summary = page.locator("#supervised-learning .topic-more")
    expect(summary).not_to_have_attribute("open", "")
    late = page.get_by_role("checkbox", name="Model monitoring", exact=True)
    late.scroll_into_view_if_needed()
    late.check()
    bar = page.locator(".sticky-progress #roadmap-progress")
    topics = Topic.objects.filter(placements__section__roadmap__slug=ROADMAP.split("/")[2]).distinct().count()
    expect(bar.locator(".completion-figure")).to_have_text(f"{100 // topics}%")  # 1 done, rounded down
    assert in_view(page, bar), "the completion bar scrolled out of view"
    expect(page.locator("#section-progress-mlops .completion-detail")).to_contain_text("left in this section")
    page.screenshot(path=f"screenshots/roadmap-ticked-{width}-{scheme}.png")


def test_a_folded_section_stays_folded_and_a_topic_opens_its_details(
    live_server, page, content, alice, password, assert_accessible
):
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")
    section = page.locator("#section-core-ml details.section-topics")
    expect(section).to_have_attribute("open", "")
    section.locator("> summary").click()
    expect(page.get_by_role("checkbox", name="Supervised learning", exact=True)).to_be_hidden()
    page.reload()
    expect(page.get_by_role("checkbox", name="Supervised learning", exact=True)).to_be_hidden()
    section.locator("> summary").click()
    topic = page.locator("#supervised-learning")
    topic.locator(".topic-more > summary").click()
    expect(topic.get_by_role("link", name="Supervised learning (scikit-learn user guide)")).to_be_visible()
    assert_accessible(page)
