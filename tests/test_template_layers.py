"""Templates keep the apps' layers too (issue #26, item 4), as `make lint`'s
import contracts keep the Python: a template never loads the tags of, includes
or extends a template of, or loads the script of, an app above its own. A page
shows what a higher app owns through a slot it declares (mlepath.slots)."""

import re
from pathlib import Path

from django.conf import settings

from mlepath import slots

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"

# What each app's templates may use: its own, and what lies below it (the
# same layers as pyproject.toml's contracts; "mlepath" is the shared base).
MAY_USE = {
    "mlepath": {"mlepath"},
    "accounts": {"mlepath", "accounts"},
    "roadmap": {"mlepath", "accounts", "roadmap"},
    "progress": {"mlepath", "accounts", "roadmap", "progress"},
    "mentoring": {"mlepath", "accounts", "roadmap", "progress", "mentoring"},
}
# Template folders that are not an app's name: whose they are.
FOLDERS = {"registration": "accounts", "includes": "mlepath", "django": "mlepath"}
SCRIPTS = {"site.js": "mlepath", "accounts.js": "accounts", "mentoring.js": "mentoring"}

LOAD = re.compile(r"\{%\s*load\s+([^%]+?)\s*%\}")
TEMPLATE_REF = re.compile(r"\{%\s*(?:include|extends)\s+\"([^\"#]+)")
SCRIPT = re.compile(r"static\s+'js/([\w.-]+\.js)'")
SLOT = re.compile(r"\{%\s*slot\s+\"([\w-]+)\"")


def owner_of_template(name: str) -> str | None:
    """The app a template belongs to, by its folder; None for Django's own (admin)."""
    first = name.split("/", 1)[0] if "/" in name else ""
    if first == "admin":
        return "roadmap" if name.startswith("admin/roadmap/") else None
    if not first:
        return "mlepath"
    return FOLDERS.get(first, first)


def libraries() -> dict[str, str]:
    """Each of our tag libraries, by its name, with its app."""
    return {path.stem: path.parent.parent.name for path in ROOT.glob("*/templatetags/*.py") if path.stem != "__init__"}


def uses(text: str):
    """(kind, what, owner) for each cross-reference in a template's text."""
    ours = libraries()
    for match in LOAD.finditer(text):
        for library in match.group(1).split():
            if library in ours:
                yield "load", library, ours[library]
    for match in TEMPLATE_REF.finditer(text):
        if (owner := owner_of_template(match.group(1))) is not None:
            yield "template", match.group(1), owner
    for match in SCRIPT.finditer(text):
        yield "script", match.group(1), SCRIPTS[match.group(1)]


def back_arrows(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        name = path.relative_to(root).as_posix()
        owner = owner_of_template(name)
        if owner is None:
            continue
        for kind, what, used in uses(path.read_text()):
            if used not in MAY_USE[owner]:
                found.append(f"{name} ({owner}) {kind} {what} ({used})")
    return found


def test_no_template_reaches_above_its_app():
    assert back_arrows(TEMPLATES) == []


def test_the_check_itself_sees_each_kind_of_back_arrow(tmp_path):
    page = tmp_path / "progress" / "page.html"
    page.parent.mkdir()
    page.write_text(
        '{% load lookup mentoring %}{% include "mentoring/includes/thread.html" %}'
        "<script src=\"{% static 'js/mentoring.js' %}\"></script>"
    )
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "account.html").write_text('{% load calendar_feed %}{% extends "progress/x.html" %}')
    (tmp_path / "mentoring").mkdir()
    (tmp_path / "mentoring" / "fine.html").write_text('{% load statuses %}{% include "progress/includes/pace.html" %}')
    assert back_arrows(tmp_path) == [
        "accounts/account.html (accounts) load calendar_feed (progress)",
        "accounts/account.html (accounts) template progress/x.html (progress)",
        "progress/page.html (progress) load mentoring (mentoring)",
        "progress/page.html (progress) template mentoring/includes/thread.html (mentoring)",
        "progress/page.html (progress) script mentoring.js (mentoring)",
    ]


def test_every_slot_filled_is_declared_by_a_page_and_every_declared_slot_is_filled():
    declared = {match.group(1) for path in TEMPLATES.rglob("*.html") for match in SLOT.finditer(path.read_text())}
    assert (
        slots.filled()
        == declared
        == {
            "account-sections",
            "dashboard-news",
            "topic-reviews",
            "topic-feedback",
            "project-review",
            "project-feedback",
        }
    )


def test_a_slots_forms_carry_the_pages_csrf_token(alice_client):
    html = alice_client.get("/accounts/").content.decode()
    section = html[html.index('id="calendar"') :]
    assert 'name="csrfmiddlewaretoken" value="' in section.split("</section>")[0]
