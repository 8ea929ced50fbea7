import pytest
from axe_playwright_python.sync_playwright import Axe

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


@pytest.fixture
def assert_accessible():
    """Run axe-core on the current page and fail with its report on any violation."""

    def check(page):
        results = _axe.run(page)
        assert results.violations_count == 0, f"axe-core on {page.url}:\n{results.generate_report()}"

    return check
