"""Issue #25, item 6 in Chromium: on a phone's first screen (360×740) the
roadmap page shows where to continue and the completion bar; its intro folds
and stays folded; the signed-in header is one row, its links in a menu. At
1280 px too, light and dark, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from progress import services
from roadmap.models import Topic
from tests.browser.conftest import sign_in

ROADMAP = "/roadmaps/ml-engineer-for-software-engineers/"


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["360", "1280"])
def test_the_first_screen_says_where_to_continue(
    live_server, browser, content, alice, password, assert_accessible, size, scheme
):
    services.set_status(learner=alice, topic=Topic.objects.get(slug="numpy"), status="in_progress")
    width, height = size
    page = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")

    # The signed-in header is one row: on a phone, the brand and a menu.
    header = page.get_by_role("banner")
    brand = header.get_by_role("link", name="MLE Path")
    assert header.bounding_box()["height"] < 70
    if width == 360:
        menu = header.locator("summary", has_text="Menu")
        assert abs(menu.bounding_box()["y"] - brand.bounding_box()["y"]) < 20
        expect(header.get_by_role("button", name="Sign out")).to_be_hidden()
    else:
        expect(header.get_by_role("link", name="Dashboard")).to_be_visible()
        expect(header.get_by_role("button", name="Sign out")).to_be_visible()

    # Where to continue and the completion bar, in the first screen.
    go_on = page.get_by_role("link", name="Continue: NumPy")
    assert in_first_screen(page, go_on)
    assert in_first_screen(page, page.locator("#roadmap-progress"))
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/first-screen-{width}-{scheme}.png")

    # It leads to the topic's row; ticking it there moves "Continue" on.
    go_on.click()
    numpy = page.get_by_role("checkbox", name="NumPy", exact=True)
    expect(numpy).to_be_in_viewport()
    numpy.check()
    expect(page.locator("#continue-link")).not_to_contain_text("NumPy")
    expect(page.locator("#continue-link a")).to_have_text("Continue: What an ML engineer does")

    # A status changed in the side panel moves it on as well.
    page.get_by_role("heading", name="What an ML engineer does", exact=True).get_by_role("link").click()
    panel = page.get_by_role("complementary", name="Topic details")
    panel.get_by_role("button", name="Done").click()
    expect(panel.get_by_role("button", name="Done")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#continue-link a")).to_be_visible()
    expect(page.locator("#continue-link a")).not_to_have_text("Continue: What an ML engineer does")
    page.keyboard.press("Escape")

    # The intro folds, and stays folded on the next visit.
    intro = page.locator("details.roadmap-intro")
    expect(intro).to_have_attribute("open", "")
    page.get_by_text("About this roadmap").click()
    expect(intro).not_to_have_attribute("open", "")
    page.reload()
    expect(page.locator("details.roadmap-intro")).not_to_have_attribute("open", "")
    expect(page.get_by_role("navigation", name="Sections")).to_be_hidden()


def test_the_phone_menu_opens_the_pages_and_signs_out(
    live_server, browser, content, alice, password, assert_accessible
):
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/roadmaps/")
    header = page.get_by_role("banner")
    header.locator("summary", has_text="Menu").click()
    expect(header.get_by_role("link", name="Mentoring")).to_be_visible()
    assert_accessible(page)
    header.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    header.locator("summary", has_text="Menu").click()
    header.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()


GAP_BEFORE_COLON = """(link) => {
  const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  const word = document.createRange(), colon = document.createRange();
  word.selectNodeContents(texts[0]);
  const after = texts.find((text) => text.textContent.startsWith(":"));
  colon.setStart(after, 0);
  colon.setEnd(after, 1);
  return colon.getBoundingClientRect().left - word.getBoundingClientRect().right;
}"""


def test_the_roadmap_lists_continue_reads_continue_colon(live_server, browser, content, alice, password):
    """ "Continue : NumPy" had a stray space: the button's flex gap before the colon."""
    services.set_status(learner=alice, topic=Topic.objects.get(slug="numpy"), status="in_progress")
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/roadmaps/")
    link = page.locator('a[href="/roadmaps/ml-engineer-for-software-engineers/#numpy"]')
    expect(link).to_have_text("Continue ML Engineer for software engineers: NumPy")
    assert abs(link.evaluate(GAP_BEFORE_COLON)) < 1
