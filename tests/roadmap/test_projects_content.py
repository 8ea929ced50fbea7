"""Projects in the content files (#17, item 1): loaded, placed per section,
reworded without losing ticks, retired not deleted, and written back."""

import pytest

from progress.models import ProjectWork
from progress.projects import services as project_services
from roadmap.content import ContentError, read_content, write_content
from roadmap.models import Project, ProjectPlacement
from roadmap.selectors import content_from_database
from roadmap.services import load_content
from tests.roadmap.conftest import project, roadmap, topic

pytestmark = pytest.mark.django_db

TOPICS = [topic("a"), topic("b", prerequisites=["a"]), topic("c")]


def track(sections_projects):
    item = roadmap("track", [("basics", ["a", "b"]), ("more", ["c"])])
    for section, projects in zip(item["sections"], sections_projects, strict=True):
        section["projects"] = projects
    return item


def load(files, projects, sections_projects=(["first"], ["second"])):
    return load_content(content=read_content(files.write(TOPICS, [track(list(sections_projects))], projects)))


def test_projects_load_with_their_criteria_data_tools_topics_and_places(content_files):
    report = load(content_files, [project("first", topics=["a", "b"]), project("second", topics=["c"])])
    assert "Projects: 2 created, 0 updated, 0 retired, 0 unchanged" in report.lines()
    first = Project.objects.get(slug="first")
    criteria = [c.text for c in first.criteria.all()]
    assert criteria == ["first runs from a clean clone.", "first has a README with results."]
    assert [(d.title, d.url) for d in first.datasets.all()] == [("first data", "https://data.example.org/first")]
    assert first.tools == ["pandas", "scikit-learn"] and sorted(t.slug for t in first.topics.all()) == ["a", "b"]
    assert list(ProjectPlacement.objects.values_list("section__slug", "project__slug").order_by("section__order")) == [
        ("basics", "first"),
        ("more", "second"),
    ]
    again = load(content_files, [project("first", topics=["a", "b"]), project("second", topics=["c"])])
    assert "Projects: 0 created, 0 updated, 0 retired, 2 unchanged" in again.lines() and not again.changed


def test_a_reworded_criterion_keeps_the_learners_tick_and_a_removed_project_is_retired(content_files, alice):
    load(content_files, [project("first"), project("second", topics=["c"])])
    first = Project.objects.get(slug="first")
    work = project_services.start_project(learner=alice, project=first)
    criterion = first.criteria.get(order=0)
    work.checked.add(criterion)

    reworded = project("first", criteria=["It runs from a clean clone, in one command.", "It has a README."])
    report = load(content_files, [reworded], sections_projects=(["first"], []))
    assert "Projects: 0 created, 1 updated, 1 retired, 0 unchanged" in report.lines()
    work = ProjectWork.objects.get(pk=work.pk)
    assert [c.text for c in work.checked.all()] == ["It runs from a clean clone, in one command."]
    second = Project.objects.get(slug="second")
    assert second.retired and not second.placements.exists()


@pytest.mark.parametrize(
    ("projects", "sections_projects", "error"),
    [
        ([project("first")], (["first"], ["nope"]), "roadmaps/track.yaml: more: unknown project 'nope'"),
        ([project("first", topics=["zzz"])], (["first"], []), "projects.yaml: first: unknown topic 'zzz'"),
        ([project("first")], (["first"], ["first"]), "project 'first' is placed twice in this roadmap"),
        ([project("first"), project("lost")], (["first"], []), "projects.yaml: lost: is not placed in any roadmap"),
        ([{**project("first"), "criteria": []}], (["first"], []), "'criteria' must be a non-empty list of texts"),
        ([{**project("first"), "hours": 0}], (["first"], []), "'hours' must be a whole number from 1 to 500"),
        (
            [{**project("first"), "datasets": [{"title": "x", "url": "ftp://x"}]}],
            (["first"], []),
            "data set 1 has a malformed URL",
        ),
    ],
)
def test_bad_project_content_is_refused_with_its_file_and_slug(content_files, projects, sections_projects, error):
    with pytest.raises(ContentError) as raised:
        read_content(content_files.write(TOPICS, [track(list(sections_projects))], projects))
    assert any(error in line for line in raised.value.errors), raised.value.errors


def test_a_project_must_exercise_topics_of_the_roadmap_that_places_it(content_files):
    other = roadmap("other", [("only", ["c"])])
    other["sections"][0]["projects"] = ["first"]
    files = content_files.write(TOPICS, [track([["first"], []]), other], [project("first", topics=["a"])])
    with pytest.raises(ContentError) as raised:
        read_content(files)
    assert "roadmaps/other.yaml: only: project 'first' exercises 'a', not in this roadmap" in raised.value.errors


def test_dumproadmap_writes_the_projects_back_as_read(content_files, tmp_path):
    load(content_files, [project("first", topics=["b", "a"]), project("second", topics=["c"])])
    written = write_content(content_from_database(), tmp_path / "dumped")
    assert (tmp_path / "dumped" / "projects.yaml") in written
    assert read_content(tmp_path / "dumped") == read_content(content_files.directory)
