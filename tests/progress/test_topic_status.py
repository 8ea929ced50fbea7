"""The status controls of a topic's page and side panel (issue #14, item 2):
the same four statuses as the roadmap page, with and without JavaScript."""

import re

import pytest

from progress.models import Progress, RoadmapFollow


def status_of(learner, slug):
    row = Progress.objects.filter(learner=learner, topic__slug=slug).first()
    return row.status if row else "not_started"


def test_the_topic_page_offers_all_four_statuses(alice_client, topics, track):
    html = alice_client.get("/topics/a/").content.decode()
    form = html[html.index('<form id="topic-status"') : html.index("</form>", html.index('<form id="topic-status"'))]
    assert 'action="/topics/a/status/"' in form and "csrfmiddlewaretoken" in form
    labels = re.findall(r'name="status" value="(\w+)"[^>]*>(?:<span aria-hidden="true">✓ </span>)?([^<]+)<', form)
    assert labels == [
        ("done", "Done"),
        ("in_progress", "In progress"),
        ("skipped", "Skip"),
        ("not_started", "Not started"),
    ]
    assert re.search(r'value="not_started"[^>]*aria-pressed="true"', form)
    # The page has no roadmap rows to redraw: only its review and time log (a tick of done shows them).
    assert 'hx-select-oob="#review,#time-log"' in form


def test_without_javascript_a_status_saves_and_returns_to_the_topic(alice_client, alice, topics, track):
    response = alice_client.post("/topics/a/status/", {"status": "in_progress"})
    assert (response.status_code, response["Location"]) == (302, "/topics/a/#topic-status")
    assert status_of(alice, "a") == "in_progress"
    assert not RoadmapFollow.objects.exists()  # no roadmap named: none followed


def test_with_htmx_on_the_topic_page_only_the_controls_come_back(alice_client, alice, topics, track):
    response = alice_client.post("/topics/a/status/", {"status": "skipped"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form id="topic-status"')
    assert re.search(r'value="skipped"[^>]*aria-pressed="true"', html)
    assert "status-badge" not in html  # the pressed choice says the status, once (issue #25)
    # Nothing of a roadmap page; only the words a screen reader says.
    assert 'hx-swap-oob="true"' not in html and '<li class="topic' not in html
    assert '<div id="announcer" hx-swap-oob="innerHTML">Alpha: skipped.</div>' in html
    assert status_of(alice, "a") == "skipped"


def test_in_a_roadmaps_panel_the_row_and_bars_come_back_too(alice_client, alice, topics, track):
    panel = alice_client.get("/topics/a/?roadmap=track", HTTP_HX_REQUEST="true").content.decode()
    assert '<input type="hidden" name="roadmap" value="track">' in panel
    assert 'hx-select-oob="#review,#time-log,#a"' in panel
    response = alice_client.post("/topics/a/status/", {"status": "done", "roadmap": "track"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert re.search(r'value="done"[^>]*aria-pressed="true"', html)
    assert '<li class="topic status-done" id="a">' in html
    assert 'id="roadmap-progress" class="completion completion-large" hx-swap-oob="true"' in html
    assert '<div id="announcer" hx-swap-oob="innerHTML">Alpha: done. Basics:' in html
    assert status_of(alice, "a") == "done"
    assert RoadmapFollow.objects.filter(learner=alice, roadmap=track).exists()  # as a tick on its page


def test_a_roadmap_the_topic_is_not_on_is_ignored(alice_client, alice, topics, track):
    panel = alice_client.get("/topics/a/?roadmap=elsewhere", HTTP_HX_REQUEST="true").content.decode()
    assert 'name="roadmap"' not in panel
    response = alice_client.post(
        "/topics/a/status/", {"status": "done", "roadmap": "elsewhere"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'hx-swap-oob="true"' not in response.content.decode()
    assert status_of(alice, "a") == "done"


@pytest.mark.parametrize("bad", ["", "finished", "DONE"])
def test_a_bad_status_is_a_400_and_changes_nothing(alice_client, alice, topics, bad):
    assert alice_client.post("/topics/a/status/", {"status": bad}).status_code == 400
    assert not Progress.objects.exists()


def test_the_controls_need_a_signed_in_post(client, alice, topics):
    assert client.post("/topics/a/status/", {"status": "done"}).status_code == 302  # to sign in
    client.force_login(alice)
    assert client.get("/topics/a/status/").status_code == 405
    assert client.post("/topics/nope/status/", {"status": "done"}).status_code == 404
    assert not Progress.objects.exists()
