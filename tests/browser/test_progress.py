import re

import pytest
from playwright.sync_api import expect

from progress.models import Progress
from tests.browser.conftest import percent, sign_in, topic_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACK = "ml-engineer-for-software-engineers"
ROADMAP = f"/roadmaps/{TRACK}/"


def test_ticking_updates_the_bars_in_place_and_persists(live_server, page, content, alice, password, assert_accessible):
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")
    roadmap_bar = page.get_by_role("progressbar", name="Completion of ML Engineer for software engineers")
    section_bar = page.get_by_role("progressbar", name="Completion of Core machine learning")
    expect(roadmap_bar).to_have_attribute("value", "0")
    assert_accessible(page)

    # A marker on window survives only if the page is never reloaded.
    page.evaluate("window.__noReload = true")
    checkbox = page.get_by_role("checkbox", name="Supervised learning", exact=True)
    checkbox.focus()
    page.keyboard.press("Space")

    core_ml = percent(1, roadmap=TRACK, section="core-ml")
    expect(section_bar).to_have_attribute("value", core_ml)
    expect(page.locator("#section-progress-core-ml .completion-figure")).to_have_text(f"{core_ml}%")
    expect(roadmap_bar).to_have_attribute("value", percent(1, roadmap=TRACK))
    expect(page.get_by_role("checkbox", name="Supervised learning", exact=True)).to_be_checked()
    assert page.evaluate("window.__noReload") is True
    # Focus stays on the control that was used.
    assert page.evaluate("document.activeElement.id") == "done-supervised-learning"

    page.get_by_role("button", name="Skip: Regression").click()
    expect(page.get_by_role("button", name="Skip: Regression")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#section-progress-core-ml .completion-detail")).to_contain_text("1 skipped")
    expect(section_bar).to_have_attribute("value", percent(1, roadmap=TRACK, section="core-ml", skipped=1))
    assert page.evaluate("window.__noReload") is True
    assert_accessible(page)

    page.reload()
    expect(page.get_by_role("checkbox", name="Supervised learning", exact=True)).to_be_checked()
    assert Progress.objects.get(learner=alice, topic__slug="supervised-learning").status == "done"

    page.get_by_role("link", name="Dashboard").click()
    dashboard_bar = page.get_by_role("progressbar", name="Completion of ML Engineer for software engineers")
    expect(dashboard_bar).to_have_attribute("value", percent(1, roadmap=TRACK, skipped=1))
    expect(page.get_by_text(f"1 of {topic_count(roadmap=TRACK) - 1} done")).to_be_visible()
    expect(page.get_by_role("region", name="Recently completed")).to_contain_text("Supervised learning")
    assert_accessible(page)


def test_topic_panel_opens_in_place_and_saves_the_note(live_server, page, content, alice, password, assert_accessible):
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")
    page.evaluate("window.__noReload = true")
    page.get_by_role("heading", name="Supervised learning", exact=True).get_by_role("link").click()
    panel = page.get_by_role("complementary", name="Topic details")
    expect(panel.get_by_role("heading", name="Supervised learning")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    assert_accessible(page)

    panel.get_by_label("Note").fill("Work through the scikit-learn user guide chapter 1.")
    expect(panel.get_by_role("status")).to_have_text("Saved", timeout=5000)
    note = Progress.objects.get(learner=alice, topic__slug="supervised-learning").note
    assert note == "Work through the scikit-learn user guide chapter 1."

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()


def test_ticking_works_with_javascript_disabled(live_server, browser, content, alice, password):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{ROADMAP}")
    row = page.locator("li#regression")
    row.get_by_role("button", name="Done: Regression").click()
    expect(page).to_have_url(re.compile(r"#regression$"))
    expect(page.get_by_role("checkbox", name="Regression", exact=True)).to_be_checked()
    assert Progress.objects.get(learner=alice, topic__slug="regression").status == "done"
    page.locator("li#regression").get_by_role("button", name="Not done: Regression").click()
    expect(page.get_by_role("checkbox", name="Regression", exact=True)).not_to_be_checked()
    assert Progress.objects.get(learner=alice, topic__slug="regression").status == "not_started"

    page.locator("li#python").get_by_role("button", name="In progress: Python").click()
    expect(page.locator("li#python .status-badge")).to_have_text("In progress")

    page.goto(f"{live_server.url}/topics/regression/")
    page.get_by_label("Note").fill("Saved without JavaScript")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    assert Progress.objects.get(learner=alice, topic__slug="regression").note == "Saved without JavaScript"
    # axe-core is JavaScript, so it cannot run here; these pages are checked with scripting on.
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_progress_pages_fit_a_phone_and_a_desktop(live_server, page, content, alice, password, width):
    sign_in(page, live_server, "alice", password)
    page.set_viewport_size({"width": width, "height": 900})
    for path in (ROADMAP, "/dashboard/", "/topics/python/", f"{ROADMAP}reset/", "/dashboard/import/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"


def test_a_tick_after_signing_in_again_in_another_tab_says_to_reload(
    live_server, browser, content, alice, password, assert_accessible
):
    """Django rotates the CSRF token at sign-in: the first tab's token goes stale,
    and its next tick says so instead of failing silently."""
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    sign_in(first, live_server, "alice", password)
    first.goto(f"{live_server.url}{ROADMAP}")
    second.goto(f"{live_server.url}/dashboard/")
    second.get_by_role("button", name="Sign out").click()
    sign_in(second, live_server, "alice", password)

    first.get_by_role("checkbox", name="Supervised learning", exact=True).check()
    expect(first.get_by_role("alert")).to_have_text(
        "Your session changed in another tab. Please reload the page and try again."
    )
    assert not Progress.objects.filter(learner=alice, status="done").exists()
    assert_accessible(first)
    first.reload()
    first.get_by_role("checkbox", name="Supervised learning", exact=True).check()
    expect(first.get_by_role("progressbar", name="Completion of Core machine learning")).to_have_attribute(
        "value", percent(1, roadmap=TRACK, section="core-ml")
    )
    assert Progress.objects.filter(learner=alice, status="done").count() == 1
