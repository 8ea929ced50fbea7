"""Two app servers, one database: nothing a request needs lives in one process."""

import re

import pytest

from progress.models import Progress
from tests.servers import Browser, collectstatic, gunicorn, server_env

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_servers(track, alice):
    env = server_env()
    collectstatic(env)
    with gunicorn(env) as one, gunicorn(env) as two:
        yield one, two


def test_sign_in_on_one_server_tick_on_the_other_and_both_agree(two_servers, alice, password):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    # The servers use the real hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    alice.password = hasher.encode(password, hasher.salt())
    alice.save()
    one, two = two_servers
    browser = Browser()
    _, _, html = browser.request(one, "GET", "/accounts/login/")
    status, location, _ = browser.request(
        one,
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": browser.csrf(html), "username": "alice", "password": password},
    )
    assert (status, location) == (302, "/dashboard/")

    # The session made on server one is valid on server two.
    status, _, html = browser.request(two, "GET", "/roadmaps/track/")
    assert status == 200 and ">Sign out</button>" in html
    status, location, _ = browser.request(
        two, "POST", "/roadmaps/track/topics/a/status/", {"csrfmiddlewaretoken": browser.csrf(html), "status": "done"}
    )
    assert (status, location) == (302, "/roadmaps/track/#a")
    assert Progress.objects.get(learner=alice, topic__slug="a").status == "done"

    for port in (one, two):
        _, _, html = browser.request(port, "GET", "/roadmaps/track/")
        assert re.search(r'id="done-a" checked\s+hx-post="/roadmaps/track/topics/a/status/"', html), port
        assert 'value="20" aria-label="Completion of Track"' in html

    # Signing out on server two ends the session on server one too, which has
    # just read it (from Redis, or on SQLite from the session cache's files).
    # The old session cookie is replayed (a second tab, or one who copied it): the
    # browser itself drops it on signing out, which would prove nothing.
    session = browser.cookies["sessionid"]
    browser.request(two, "POST", "/accounts/logout/", {"csrfmiddlewaretoken": browser.csrf(html)})
    browser.cookies["sessionid"] = session
    status, location, _ = browser.request(one, "GET", "/dashboard/")
    assert status == 302 and location.startswith("/accounts/login/")
