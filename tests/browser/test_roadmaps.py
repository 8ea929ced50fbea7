import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_browses_roadmaps_map_and_topic(live_server, page, content, assert_accessible):
    page.goto(f"{live_server.url}/roadmaps/")
    assert_accessible(page)
    page.get_by_role("link", name="ML Engineer for software engineers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ML Engineer for software engineers")
    assert_accessible(page)

    page.get_by_role("link", name="See the map").click()
    expect(page.get_by_role("group", name="Map of ML Engineer for software engineers")).to_be_visible()
    assert_accessible(page)

    # A box opens the topic in the side panel.
    page.locator("#desktop-node-supervised-learning").click()
    panel = page.get_by_role("complementary", name="Topic details")
    expect(panel.get_by_role("heading", name="Supervised learning")).to_be_visible()
    assert_accessible(page)


def test_the_map_needs_no_sideways_scroll_on_a_phone(live_server, page, content):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/roadmaps/ml-engineer-from-scratch/map/")
    page_overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert page_overflow <= 0
    expect(page.locator(".map-desktop")).to_be_hidden()
    phone = page.locator(".map-phone")
    expect(phone).to_be_visible()
    assert phone.evaluate("el => el.scrollWidth <= el.clientWidth")
    for path in ("/roadmaps/", "/roadmaps/ml-engineer-from-scratch/", "/topics/python/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, path
