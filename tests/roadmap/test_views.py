import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roadmap.content import read_content
from roadmap.services import load_content
from tests.roadmap.conftest import roadmap, topic

pytestmark = pytest.mark.django_db


def build(content_files, n_topics, *, sections=2):
    topics = [
        topic(f"topic-{i}", title=f"Topic number {i}", prerequisites=[f"topic-{i - 1}"] if i else [])
        for i in range(n_topics)
    ]
    per_section = -(-n_topics // sections)
    chunks = [topics[i : i + per_section] for i in range(0, n_topics, per_section)]
    roadmaps = [roadmap("track", [(f"part-{n}", [t["slug"] for t in chunk]) for n, chunk in enumerate(chunks)])]
    load_content(content=read_content(content_files.write(topics, roadmaps)))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_roadmap_list_is_public_and_shows_size_and_hours(client, content_files):
    build(content_files, 4)
    response = client.get("/roadmaps/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/roadmaps/track/"' in html
    assert "4 topics · about 12 hours" in html


def test_roadmap_page_is_public_and_lists_sections_topics_resources_and_prerequisites(client, content_files):
    build(content_files, 4)
    html = client.get("/roadmaps/track/").content.decode()
    assert html.index("Part-0") < html.index("Part-1")
    assert '<a href="/topics/topic-0/">Topic number 0</a>' in html
    assert "https://docs.example.org/topic-1/" in html
    assert re.search(r'Builds on:\s*<a href="/topics/topic-0/">Topic number 0</a>', html)
    assert "Sign up</a> or" in html


def test_topic_page_shows_summary_resources_prerequisites_and_roadmaps(client, content_files):
    build(content_files, 3)
    html = client.get("/topics/topic-1/").content.decode()
    assert '<h1 id="topic-heading" tabindex="-1" data-panel-heading>Topic number 1</h1>' in html
    assert "https://learn.example.org/topic-1" in html
    assert '<a href="/topics/topic-0/">Topic number 0</a>' in html  # builds on
    assert '<a href="/topics/topic-2/">Topic number 2</a>' in html  # leads to
    assert 'href="/roadmaps/track/#topic-1"' in html


@pytest.mark.parametrize("url", ["/roadmaps/nope/", "/roadmaps/nope/map/", "/topics/nope/"])
def test_unknown_slugs_get_404(client, url, content_files):
    build(content_files, 2)
    assert client.get(url).status_code == 404


def test_unpublished_roadmap_is_not_shown(client, content_files):
    from roadmap.models import Roadmap

    build(content_files, 2)
    Roadmap.objects.update(published=False)
    assert client.get("/roadmaps/track/").status_code == 404
    assert "/roadmaps/track/" not in client.get("/roadmaps/").content.decode()


@pytest.mark.parametrize("path", ["/roadmaps/track/", "/roadmaps/track/map/"])
def test_roadmap_pages_run_the_same_queries_for_10_and_100_topics(client, content_files, path):
    build(content_files, 10)
    small = (count_queries(client, path), count_queries(client, path))
    build(content_files, 100, sections=5)
    large = (count_queries(client, path), count_queries(client, path))
    assert small == large
    # Cold: roadmap, sections, placements with topics, resources, prerequisites, projects, and
    # on the list the topics the roadmap assumes. Warm, both pages draw from the cache: one
    # query, for the roadmap and its content version.
    assert large == ((7, 1) if path == "/roadmaps/track/" else (6, 1))


def test_roadmap_list_runs_one_query(client, content_files, django_assert_num_queries):
    build(content_files, 10)
    with django_assert_num_queries(1):
        client.get("/roadmaps/")
