"""Issue #14 in Chromium: the map shows where the learner is and changes a
status from its side panel; the topic page and the roadmap's panel offer every
status; at 360 and 1280 px, light and dark, with axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from progress import services
from progress.models import Progress
from roadmap.models import Topic
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.usefixtures("needs_graphviz")

ROADMAP = "/roadmaps/ml-engineer-for-software-engineers/"


def status_of(alice, slug):
    row = Progress.objects.filter(learner=alice, topic__slug=slug).first()
    return row.status if row else "not_started"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_map_shows_a_ticked_topic_and_changes_a_status_from_its_panel(
    live_server, browser, content, alice, password, assert_accessible, width, scheme
):
    services.set_status(learner=alice, topic=Topic.objects.get(slug="supervised-learning"), status="done")
    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}map/")
    layout = "phone" if width == 360 else "desktop"
    done = page.locator(f"#{layout}-node-supervised-learning")
    expect(done).to_have_attribute("aria-label", "Supervised learning: Done")
    expect(done).to_contain_text("✓ Done")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/map-{width}-{scheme}.png", full_page=False)

    page.locator(f"#{layout}-node-unsupervised-learning").click()
    panel = page.get_by_role("complementary", name="Topic details")
    expect(panel.get_by_role("heading", name="Unsupervised learning")).to_be_visible()
    panel.get_by_role("button", name="In progress").click()
    # The map redraws in place: the box says so, and so does the text version.
    expect(page.locator(f"#{layout}-node-unsupervised-learning")).to_contain_text("◐ In progress")
    expect(panel.get_by_role("button", name="In progress")).to_have_attribute("aria-pressed", "true")
    assert status_of(alice, "unsupervised-learning") == "in_progress"
    assert_accessible(page)
    page.screenshot(path=f"screenshots/map-panel-{width}-{scheme}.png", full_page=False)


def test_the_map_becomes_the_default_view(live_server, page, content, alice, password, assert_accessible):
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}map/")
    page.get_by_role("button", name="Always open this roadmap as a map").click()
    expect(page.get_by_text("now opens as this map")).to_be_visible()
    page.goto(f"{live_server.url}{ROADMAP}")
    expect(page).to_have_url(re.compile(r"/map/$"))
    page.get_by_role("link", name="List view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ML Engineer for software engineers")
    assert_accessible(page)


def test_the_roadmaps_panel_changes_a_status_and_the_row_and_bar_follow(
    live_server, page, content, alice, password, assert_accessible
):
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")
    bar = page.locator("#roadmap-progress .completion-figure")
    expect(bar).to_have_text("0%")
    page.get_by_role("heading", name="Supervised learning", exact=True).get_by_role("link").click()
    panel = page.get_by_role("complementary", name="Topic details")
    panel.get_by_role("button", name="Done").click()
    expect(panel.get_by_role("button", name="Done")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#done-supervised-learning")).to_be_checked()
    expect(bar).not_to_have_text("0%")
    assert status_of(alice, "supervised-learning") == "done"
    assert_accessible(page)


def test_the_topic_page_offers_every_status_without_javascript(live_server, browser, content, alice, password):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/topics/supervised-learning/")
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("button", name="Skip")).to_have_attribute("aria-pressed", "true")
    assert status_of(alice, "supervised-learning") == "skipped"
    page.get_by_role("button", name="Not started").click()
    assert status_of(alice, "supervised-learning") == "not_started"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_roadmap_history_and_a_visitors_map_read_well(
    live_server, browser, content, alice, password, assert_accessible, width, scheme
):
    services.set_status(learner=alice, topic=Topic.objects.get(slug="numpy"), status="done")
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}{ROADMAP}map/")
    expect(visitor.locator("a.map-node.status-done")).to_have_count(0)
    assert visitor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(visitor)
    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of ML Engineer for software engineers")
    expect(page.get_by_role("listitem").filter(has_text="NumPy")).to_contain_text("Not started → Done")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/history-{width}-{scheme}.png", full_page=True)
