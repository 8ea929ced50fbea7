"""The map shows where the learner is (issue #14, item 1): every box its
status in text as well as colour, the next topics marked, a text version with
statuses, the side panel that changes a status, and the map as default view."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress import services
from progress.models import RoadmapFollow

pytestmark = pytest.mark.usefixtures("needs_graphviz")

MAP = "/roadmaps/track/map/"


def node(html, slug, layout="desktop"):
    match = re.search(rf'<a href="/topics/{slug}/" id="{layout}-node-{slug}".*?</a>', html, re.S)
    assert match, f"no {layout} box for {slug}"
    return match.group(0)


def test_a_visitor_sees_the_map_without_statuses(client, topics, track):
    html = client.get(MAP).content.decode()
    assert html.count('class="map-node"') == 2 * 5  # desktop and phone drawings
    assert "map-status" not in html and "Always open" not in html
    assert "Alpha comes before Beta" in html
    assert 'id="map-text"' in html


def test_the_learners_map_shows_each_status_in_words_and_marks_next(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    html = alice_client.get(MAP).content.decode()
    done = node(html, "a")
    assert 'class="map-node status-done"' in done and "✓ Done" in done
    assert 'aria-label="Alpha: Done"' in done
    nxt = node(html, "b")
    assert "is-next" in nxt and "→ Next" in nxt and 'aria-label="Beta: Next"' in nxt
    later = node(html, "c")  # builds on b, which is not done
    assert "is-next" not in later and "map-status" not in later
    assert "is-next" in node(html, "b", layout="phone")
    text = html[html.index('id="map-text"') :]
    assert re.search(r'Alpha</a> · <span class="status-badge status-done">Done</span>', text)
    assert re.search(r'Beta</a> \(builds on Alpha\) · <span class="status-badge status-not_started">Next</span>', text)
    assert ">20%<" in html  # the completion bar: 1 of 5


def test_a_skipped_prerequisite_holds_nothing_back(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="skipped")
    html = alice_client.get(MAP).content.decode()
    assert "↷ Skipped" in node(html, "a") and "is-next" in node(html, "b")


def test_the_map_runs_the_same_queries_whatever_the_progress(alice_client, alice, topics, track):
    alice_client.get(MAP)  # the outline is cached on the first view
    with CaptureQueriesContext(connection) as before:
        alice_client.get(MAP)
    for slug in "abc":
        services.set_status(learner=alice, topic=topics[slug], status="done")
    with CaptureQueriesContext(connection) as after:
        alice_client.get(MAP)
    # The user, the roadmap, statuses, project states, the topics due for review, the
    # navigation; the session where the cache misses it.
    assert len(after) == len(before) <= 7


def test_htmx_redraws_only_the_map_area(alice_client, topics, track):
    html = alice_client.get(MAP, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="map-area"') and "<html" not in html
    assert 'hx-trigger="progress-changed from:body"' in html


def test_the_side_panel_of_the_map_changes_a_status_and_asks_the_map_to_redraw(alice_client, alice, topics, track):
    panel = alice_client.get("/topics/b/?roadmap=track&page=map", HTTP_HX_REQUEST="true").content.decode()
    # The panel redraws its own review and time log, and no roadmap row: the map redraws itself.
    assert '<input type="hidden" name="page" value="map">' in panel and 'hx-select-oob="#review,#time-log"' in panel
    response = alice_client.post(
        "/topics/b/status/", {"status": "in_progress", "roadmap": "track", "page": "map"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Trigger"] == "progress-changed"
    assert 'hx-swap-oob="true"' not in response.content.decode()
    assert "Beta: in progress." in response.content.decode()
    assert "◐ In progress" in node(alice_client.get(MAP).content.decode(), "b")


def test_the_map_can_be_the_roadmaps_default_view(alice_client, alice, track):
    assert alice_client.get("/roadmaps/track/").status_code == 200
    response = alice_client.post("/roadmaps/track/view/", {"view": "map"})
    assert response["Location"] == MAP
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).prefers_map
    assert alice_client.get("/roadmaps/track/")["Location"] == MAP
    assert alice_client.get("/roadmaps/track/?view=list").status_code == 200
    assert "Open this roadmap as a list" in alice_client.get(MAP).content.decode()
    alice_client.post("/roadmaps/track/view/", {"view": "list"})
    assert alice_client.get("/roadmaps/track/").status_code == 200


def test_choosing_a_view_needs_a_signed_in_post(client, alice, track):
    assert client.post("/roadmaps/track/view/", {"view": "map"}).status_code == 302  # to sign in
    assert not RoadmapFollow.objects.exists()
    client.force_login(alice)
    assert client.get("/roadmaps/track/view/").status_code == 405
    assert client.post("/roadmaps/nope/view/", {"view": "map"}).status_code == 404
