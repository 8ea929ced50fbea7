"""Issue #25, item 3 in Chromium: the map reads at a glance on both tracks, at
360 and 1280 px, light and dark. Each status has its own colour and icon, as
its legend shows them; projects are on the map with their state; the text is
never drawn smaller than 14 px, even with the side panel open; a box pointed
at lights its own lines; no sideways scroll; axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from progress import services
from progress.projects import services as project_services
from roadmap.models import Project, Topic
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.usefixtures("needs_graphviz")

TAXI = "nyc-taxi-eda-first-principles"
TRACKS = ["ml-engineer-for-software-engineers", "ml-engineer-from-scratch"]

SCALE = """() => {
  const map = [...document.querySelectorAll("svg.roadmap-map")].find((svg) => svg.getBoundingClientRect().width > 0);
  return map.getBoundingClientRect().width / map.viewBox.baseVal.width;
}"""
STROKE = "(element) => getComputedStyle(element).stroke"
COLOUR = "(element) => getComputedStyle(element).color"


@pytest.fixture
def progress(content, alice, bob):
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    for slug in ("python", "version-control", "linear-algebra"):
        services.set_status(learner=alice, topic=topics[slug], status="done")
    services.set_status(learner=alice, topic=topics["numpy"], status="in_progress")
    services.set_status(learner=alice, topic=topics["agile-practices"], status="skipped")
    project_services.start_project(learner=alice, project=Project.objects.get(slug=TAXI))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_map_reads_at_a_glance(live_server, browser, progress, password, assert_accessible, width, scheme):
    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    layout = "phone" if width == 360 else "desktop"
    for slug in TRACKS:
        page.goto(f"{live_server.url}/roadmaps/{slug}/map/")
        expect(page.locator(f".map-{layout}")).to_be_visible()
        assert page.evaluate(SCALE) >= 0.999  # 14 px text stays 14 px
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

        # Each status its own colour, the one its legend item shows.
        legend = page.get_by_role("list", name="Legend")
        for status in ("done", "in_progress"):
            box = page.locator(f"#{layout}-node-{'numpy' if status == 'in_progress' else 'python'} rect")
            assert box.evaluate(STROKE) == legend.locator(f".status-{status}").evaluate(COLOUR)
        next_box = page.locator(f".map-{layout} a.map-node.is-next rect").first
        assert next_box.evaluate(STROKE) == legend.locator(".is-next").evaluate(COLOUR)
        strokes = {
            page.locator(f"#{layout}-node-python rect").evaluate(STROKE),
            page.locator(f"#{layout}-node-numpy rect").evaluate(STROKE),
            next_box.evaluate(STROKE),
            page.locator(f".map-{layout} a.map-node.status-not_started:not(.is-next) rect").first.evaluate(STROKE),
        }
        assert len(strokes) == 4
        expect(page.locator(f"#{layout}-node-numpy")).to_contain_text("◐ In progress")
        expect(page.locator(f"#{layout}-node-agile-practices")).to_contain_text("↷ Skipped")

        # Projects are on the map, a different shape, with the learner's state.
        projects = page.locator(f".map-{layout} a.map-project")
        assert projects.count() == Project.objects.filter(placements__section__roadmap__slug=slug).distinct().count()
        expect(projects.locator("polygon").first).to_be_visible()
        taxi = page.locator(f"#{layout}-project-{TAXI}")
        expect(taxi).to_have_attribute(
            "aria-label", re.compile(r"^Project: Clean and explore NYC taxi trips.*: In progress$")
        )
        expect(taxi).to_contain_text("◐ In progress")

        # A box pointed at lights its own lines, and only those.
        box = page.locator(f"#{layout}-node-numpy")
        box.hover()
        key = box.get_attribute("data-key")
        lit = page.locator(f".map-{layout} .map-edges path.is-lit")
        own = page.locator(
            f'.map-{layout} .map-edges path[data-from="{key}"], .map-{layout} .map-edges path[data-to="{key}"]'
        )
        assert own.count() > 0
        expect(lit).to_have_count(own.count())
        assert_accessible(page)
        page.screenshot(path=f"screenshots/map-layout-{slug}-{width}-{scheme}.png")  # the hovered box, lit

    if width == 1280:
        # With the side panel open the map narrows: the one-column drawing
        # takes over rather than shrinking the text.
        page.locator("#desktop-node-numpy").click()
        expect(page.get_by_role("complementary", name="Topic details")).to_be_visible()
        expect(page.locator(".map-phone")).to_be_visible()
        assert page.evaluate(SCALE) >= 0.999
        # The opened box's lines are lit on the drawing now shown (the pointer
        # moved off the box it now rests on, which it would light).
        page.mouse.move(1, 1)
        key = page.locator("#phone-node-numpy").get_attribute("data-key")
        own = page.locator(
            f'.map-phone .map-edges path[data-from="{key}"], .map-phone .map-edges path[data-to="{key}"]'
        )
        expect(page.locator(".map-phone .map-edges path.is-lit")).to_have_count(own.count())
        assert own.count() > 0
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        assert_accessible(page)
        # Escape closes the panel: the wide drawing is back, and focus on the box that opened it.
        page.keyboard.press("Escape")
        expect(page.locator(".map-desktop")).to_be_visible()
        expect(page.locator("#desktop-node-numpy")).to_be_focused()
        key = page.locator("#desktop-node-numpy").get_attribute("data-key")
        own = page.locator(
            f'.map-desktop .map-edges path[data-from="{key}"], .map-desktop .map-edges path[data-to="{key}"]'
        )
        expect(page.locator(".map-desktop .map-edges path.is-lit")).to_have_count(own.count())  # focus lights them
