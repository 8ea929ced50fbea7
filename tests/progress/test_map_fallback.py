"""Without a working Graphviz the map page still answers: it says the map
cannot be drawn and offers its text version (projects and their states
included), and no request runs Graphviz again for a while."""

from progress.projects import services as project_services
from roadmap import svgmap
from roadmap.models import Project

MAP = "/roadmaps/track/map/"


def test_without_graphviz_the_map_page_offers_its_text_version(alice_client, alice, topics, track, monkeypatch):
    runs = []

    def broken(program, source):
        runs.append(program)
        raise svgmap.LayoutError("dot: not found")

    monkeypatch.setattr(svgmap, "_graphviz", broken)
    project = Project.objects.create(slug="p", title="Predict it", brief="Brief.", estimated_hours=5)
    project.placements.create(section=track.sections.first(), order=1)
    project_services.start_project(learner=alice, project=project)
    response = alice_client.get(MAP)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The map cannot be drawn right now" in html and 'class="map-node' not in html
    assert 'id="map-text"' in html and "Beta</a> (builds on Alpha)" in html
    assert "Predict it</a> · In progress" in html
    assert alice_client.get(MAP).status_code == 200
    assert len(runs) == 1  # the failure is remembered: the second view did not run Graphviz


def test_graphviz_answering_nonsense_is_a_failed_layout(client, topics, track, monkeypatch):
    monkeypatch.setattr(svgmap, "_graphviz", lambda program, source: {"objects": [{"name": "t1"}]})
    response = client.get(MAP)
    assert response.status_code == 200 and "The map cannot be drawn right now" in response.content.decode()
