"""Issue #14, item 4 in Chromium: a dashboard that says what to do next, at
360 and 1280 px, light and dark, with axe-core on the page."""

import pytest
from playwright.sync_api import expect

from mentoring import services as mentoring_services
from progress import services
from roadmap.models import Roadmap, Topic
from tests.browser.conftest import open_menu, sign_in


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_dashboard_says_what_to_do_next(
    live_server, browser, content, alice, bob, password, assert_accessible, width, scheme
):
    track = Roadmap.objects.get(slug="ml-engineer-for-software-engineers")
    for slug in ("ml-engineer-role", "end-to-end-ml-systems"):
        services.set_status(learner=alice, topic=Topic.objects.get(slug=slug), status="done", roadmap=track)
    services.set_status(learner=alice, topic=Topic.objects.get(slug="numpy"), status="in_progress")
    invite = mentoring_services.create_invite(created_by=bob, kind="mentor")
    mentoring_services.accept_invite(invite=invite, user=alice)
    mentoring_services.add_comment(author=bob, learner=alice, topic=Topic.objects.get(slug="numpy"), body="Nice start")

    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    open_menu(page)  # on a phone it says "Menu 1 new"
    expect(page.get_by_role("link", name="Dashboard 1 new comment from your mentors")).to_be_visible()
    carry_on = page.get_by_role("region", name="Continue")
    first = carry_on.get_by_role("listitem").first
    expect(first).to_contain_text("NumPy")
    expect(first).to_contain_text("In progress")
    expect(first).to_contain_text("ML Engineer for software engineers")
    # The weekday names of the calendar are on screen, not scrolled away.
    tuesday = page.locator(".calendar-days text", has_text="Tue")
    box = tuesday.bounding_box()
    assert box and 0 <= box["x"] <= width
    # Section percentages stay on one line.
    page.get_by_text("Completion by section").first.click()
    figure = page.locator(".section-completion .completion-figure").first
    assert figure.bounding_box()["height"] < 30
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(page)
    page.screenshot(path=f"screenshots/dashboard-{width}-{scheme}.png", full_page=True)
