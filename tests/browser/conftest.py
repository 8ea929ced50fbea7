import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import CHROMIUM

_axe = Axe()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium; Playwright's own browser download is not available here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def close_new_contexts(browser):
    """Close the browser contexts a test opened. An open context keeps its
    keep-alive connections to the live server, and each connection's server
    thread keeps its database connection (CONN_MAX_AGE): over a whole run on
    PostgreSQL they would exhaust its max_connections."""
    before = set(browser.contexts)
    yield
    for context in browser.contexts:
        if context not in before:
            context.close()


@pytest.fixture
def assert_accessible():
    """Run axe-core on the current page and fail with its report on any violation."""

    def check(page):
        results = _axe.run(page)
        assert results.violations_count == 0, f"axe-core on {page.url}:\n{results.generate_report()}"

    return check


@pytest.fixture
def content(transactional_db):
    """The shipped roadmaps, loaded as `make run` does."""
    call_command("loadroadmap", stdout=None)


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def topic_count(*, roadmap: str, section: str | None = None) -> int:
    """Live topics of the shipped content's roadmap (or one of its sections), so
    a test of completion figures needs no edit when a topic joins a track."""
    from roadmap.models import Placement

    placements = Placement.objects.filter(section__roadmap__slug=roadmap, topic__retired=False)
    if section:
        placements = placements.filter(section__slug=section)
    return placements.values("topic").distinct().count()


def percent(done: int, *, roadmap: str, section: str | None = None, skipped: int = 0) -> str:
    """The completion a page shows: done ÷ (topics − skipped), rounded down."""
    return str(100 * done // (topic_count(roadmap=roadmap, section=section) - skipped))


def open_menu(page):
    """On a phone the signed-in header folds its links into a menu: open it
    (a no-op where the links are in the header itself)."""
    menu = page.get_by_role("banner").locator("summary", has_text="Menu")
    if menu.is_visible():
        menu.click()
