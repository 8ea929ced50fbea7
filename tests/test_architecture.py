"""The rules of the code base that a test can hold: app boundaries, public APIs
only, GETs that never write, and no user text rewritten after rendering."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.test_csp_every_route import concrete, mentored, routes  # noqa: F401 - mentored is a fixture

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "mentoring", "mlepath", "progress", "roadmap")


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_a_contract(tmp_path):
    """The contracts can fail: roadmap importing progress is reported."""
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "node_modules", "*.sqlite3*"))
    views = copy / "roadmap" / "views.py"
    views.write_text("from progress import selectors  # noqa\n" + views.read_text())
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint_imports, "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "roadmap.views -> progress.selectors" in result.stdout


# Private names of Django, psycopg and redis-py that this code base once reached for.
PRIVATE = re.compile(
    r"_get_connection_pool|ServerBindingCursor|\._cache\b|\._lock\b|\._set\(|\._expire_info|"
    r"\._has_expired|connection\._|\._get_session_auth_hash|\._client\b|make_debug_cursor|\.wrap_database_errors"
)


def test_no_private_api_of_django_psycopg_or_redis_is_used():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if PRIVATE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# A selector returns data: what does not exist is None, and the view answers 404
# (mlepath.shortcuts.or_404); addresses are the templates' and views' to make.
HTTP_IN_A_SELECTOR = re.compile(r"\b(Http404|get_object_or_404|get_list_or_404|reverse|redirect|HttpResponse)\b")


def test_selectors_return_data_not_http_answers():
    selectors = [path for app in APPS for path in (ROOT / app).rglob("selectors.py")]
    assert len(selectors) >= 3  # roadmap's, progress's and mentoring's
    found = {
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in selectors
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if HTTP_IN_A_SELECTOR.search(line.split("#")[0])
    }
    assert not found, found
    assert HTTP_IN_A_SELECTOR.search("    raise Http404('No such roadmap')")  # the check sees one


@pytest.mark.parametrize("who", ["anonymous", "alice", "bob"])
def test_no_get_writes_to_the_database(client, alice, bob, mentored, who):  # noqa: F811
    from mentoring import services as mentoring_services
    from roadmap.models import Topic

    # bob's feedback is unread on alice's topic page: reading the page must not record it.
    mentoring_services.add_comment(author=bob, learner=alice, topic=Topic.objects.get(slug="a"), body="Unread")
    if who != "anonymous":
        client.force_login(alice if who == "alice" else bob)
    for name, route in routes():
        if name in ("logout", "healthz"):
            continue
        url = concrete(route, mentored.token)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
            client.get(url, HTTP_HX_REQUEST="true")
        writes = [q["sql"] for q in captured if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
        # Django's session may be saved on a sign-in redirect; nothing of ours is written.
        writes = [sql for sql in writes if "django_session" not in sql]
        assert writes == [], (url, writes)


def test_a_name_that_looks_like_a_placeholder_is_shown_as_written(alice_client, alice, track):
    """Pages are rendered per request: no string in user text is ever replaced."""
    alice.display_name = "__csrf_token_placeholder__ __csp_nonce_placeholder__"
    alice.save()
    response = alice_client.get("/dashboard/")
    html = response.content.decode()
    assert "Welcome, __csrf_token_placeholder__ __csp_nonce_placeholder__" in html
    token = re.search(r'"x-csrftoken": "([^"]+)"', html).group(1)
    heading = html[html.index("Welcome,") : html.index("</h1>")]
    assert token not in heading
