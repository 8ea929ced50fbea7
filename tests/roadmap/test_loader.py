from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from roadmap.models import Placement, Prerequisite, Resource, Roadmap, Section, Topic
from tests.roadmap.conftest import roadmap, small_content, topic

pytestmark = pytest.mark.django_db


def load(directory):
    out = StringIO()
    call_command("loadroadmap", directory=directory, stdout=out, stderr=StringIO())
    return out.getvalue()


def load_errors(directory):
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("loadroadmap", directory=directory, stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_first_load_creates_everything_and_second_changes_nothing(content_files):
    directory = content_files.write(*small_content(3))
    first = load(directory)
    assert "Topics: 3 created, 0 updated, 0 retired, 0 unchanged" in first
    assert "Roadmaps: 1 created" in first
    assert Topic.objects.count() == 3
    assert Resource.objects.count() == 6
    assert Prerequisite.objects.count() == 2
    assert list(Placement.objects.values_list("topic__slug", flat=True)) == ["topic-0", "topic-1", "topic-2"]

    second = load(directory)
    assert "Topics: 0 created, 0 updated, 0 retired, 3 unchanged" in second
    assert "Roadmaps: 0 created, 0 updated, 0 retired, 1 unchanged" in second
    assert "Sections: 0 created, 0 updated, 0 removed, 1 unchanged" in second


def test_edits_to_titles_resources_order_and_prerequisites_are_applied(content_files):
    topics, roadmaps = small_content(3)
    load(content_files.write(topics, roadmaps))
    original_pks = dict(Topic.objects.values_list("slug", "pk"))

    topics[0]["title"] = "Renamed topic"
    topics[1]["resources"][0]["url"] = "https://docs.example.org/moved/"
    topics[2]["prerequisites"] = ["topic-0"]
    roadmaps[0]["sections"][0]["topics"].reverse()
    out = load(content_files.write(topics, roadmaps))

    assert "Topics: 0 created, 3 updated, 0 retired, 0 unchanged" in out
    assert "Sections: 0 created, 1 updated" in out
    assert Topic.objects.get(slug="topic-0").title == "Renamed topic"
    assert Resource.objects.filter(url="https://docs.example.org/moved/").exists()
    assert list(Topic.objects.get(slug="topic-2").prerequisites.values_list("slug", flat=True)) == ["topic-0"]
    assert list(Placement.objects.values_list("topic__slug", flat=True)) == ["topic-2", "topic-1", "topic-0"]
    # Same rows, so everything that points at a topic keeps pointing at it.
    assert dict(Topic.objects.values_list("slug", "pk")) == original_pks


def test_removed_topic_is_retired_not_deleted_and_comes_back(content_files, client, alice):
    from progress.models import Progress, ProgressEvent
    from progress.services import save_note, set_status

    topics, roadmaps = small_content(3)
    load(content_files.write(topics, roadmaps))
    pk = Topic.objects.get(slug="topic-2").pk
    set_status(learner=alice, topic=Topic.objects.get(pk=pk), status="done")
    save_note(learner=alice, topic=Topic.objects.get(pk=pk), note="Months of work")

    roadmaps[0]["sections"][0]["topics"].remove("topic-2")
    out = load(content_files.write(topics[:2], roadmaps))
    assert "Topics: 0 created, 0 updated, 1 retired, 2 unchanged" in out
    retired = Topic.objects.get(slug="topic-2")
    assert retired.pk == pk and retired.retired
    assert "Topic 2" not in client.get("/roadmaps/track/").content.decode()
    assert client.get("/topics/topic-2/").status_code == 404

    roadmaps[0]["sections"][0]["topics"].append("topic-2")
    out = load(content_files.write(topics, roadmaps))
    assert "Topics: 0 created, 1 updated, 0 retired, 2 unchanged" in out
    returned = Topic.objects.get(slug="topic-2")
    assert returned.pk == pk and not returned.retired
    assert "Topic 2" in client.get("/roadmaps/track/").content.decode()
    # The learner's tick, note and history lived through the retirement untouched.
    progress = Progress.objects.get(learner=alice, topic=returned)
    assert (progress.status, progress.note) == ("done", "Months of work")
    assert ProgressEvent.objects.filter(learner=alice, topic=returned).count() == 1


def test_removed_roadmap_is_unpublished_and_removed_section_goes(content_files):
    topics, roadmaps = small_content(2)
    roadmaps.append(roadmap("other", [("one", ["topic-0"]), ("two", ["topic-1"])], order=2))
    load(content_files.write(topics, roadmaps))
    roadmaps[1]["sections"].pop()
    out = load(content_files.write(topics, roadmaps))
    assert "Sections: 0 created, 0 updated, 1 removed, 2 unchanged" in out
    out = load(content_files.write(topics, roadmaps[:1]))
    assert "Roadmaps: 0 created, 0 updated, 1 retired, 1 unchanged" in out
    assert Roadmap.objects.get(slug="other").published is False
    assert Section.objects.filter(roadmap__slug="other").exists()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t, r: t.append(topic("topic-0")), "topics.yaml: topic-0: duplicate topic slug"),
        (lambda t, r: t[1].update(prerequisites=["nope"]), "topics.yaml: topic-1: unknown prerequisite 'nope'"),
        (
            lambda t, r: r[0]["sections"][0]["topics"].append("ghost"),
            "roadmaps/track.yaml: basics: unknown topic 'ghost'",
        ),
        (
            lambda t, r: t[0].update(prerequisites=["topic-2"]),
            "topics.yaml: topic-0: prerequisite cycle: topic-0 -> topic-2 -> topic-1 -> topic-0",
        ),
        (
            lambda t, r: t[2]["resources"][1].update(url="htp:/broken"),
            "topics.yaml: topic-2: resource 2 has a malformed URL: 'htp:/broken'",
        ),
        (
            lambda t, r: t[2]["resources"][0].update(url="javascript:alert(1)"),
            "topics.yaml: topic-2: resource 1 has a malformed URL",
        ),
        (lambda t, r: t[1].pop("summary"), "topics.yaml: topic-1: missing required field 'summary'"),
        (lambda t, r: t[1].pop("hours"), "topics.yaml: topic-1: missing required field 'hours'"),
        (lambda t, r: r[0].pop("title"), "roadmaps/track.yaml: track: missing required field 'title'"),
        (lambda t, r: t[1].update(slug="Bad Slug"), "topics.yaml: Bad Slug: slug must be lowercase"),
        (
            lambda t, r: r[0]["sections"][0]["topics"].append("topic-0"),
            "roadmaps/track.yaml: basics: topic 'topic-0' is placed twice in this roadmap",
        ),
        (
            lambda t, r: t.append(topic("lonely")),
            "topics.yaml: lonely: is not placed in any roadmap",
        ),
        (lambda t, r: t[0]["resources"][0].update(kind="podcast"), "topics.yaml: topic-0: resource 1 kind must be"),
        (lambda t, r: r[0].update(assumes=["ghost"]), "roadmaps/track.yaml: track: unknown assumed topic 'ghost'"),
        (
            lambda t, r: r[0].update(assumes=["topic-0"]),
            "roadmaps/track.yaml: track: topic 'topic-0' is both placed in and assumed by this roadmap",
        ),
        (lambda t, r: r[0].update(assumes="topic-0"), "roadmaps/track.yaml: track: 'assumes' must be a list"),
    ],
)
def test_invalid_content_names_file_slug_and_problem_and_loads_nothing(content_files, edit, message):
    topics, roadmaps = small_content(3)
    load(content_files.write(topics, roadmaps))
    before = list(Topic.objects.values_list("slug", "title", "retired"))

    edit(topics, roadmaps)
    topics[0]["title"] = "This edit must not land"
    errors = load_errors(content_files.write(topics, roadmaps))

    assert message in errors
    assert list(Topic.objects.values_list("slug", "title", "retired")) == before


def test_every_problem_is_reported_at_once(content_files):
    topics, roadmaps = small_content(3)
    topics[0].pop("summary")
    topics[1]["resources"][0]["url"] = "not a url"
    roadmaps[0].pop("audience")
    errors = load_errors(content_files.write(topics, roadmaps)).splitlines()
    assert errors == [
        "topics.yaml: topic-0: missing required field 'summary'",
        "topics.yaml: topic-1: resource 1 has a malformed URL: 'not a url'",
        "roadmaps/track.yaml: track: missing required field 'audience'",
    ]


def test_unreadable_yaml_is_reported_with_its_file(content_files):
    directory = content_files.write(*small_content(2))
    (directory / "topics.yaml").write_text("topics: [unclosed\n")
    errors = load_errors(directory)
    assert errors.startswith("topics.yaml: (no slug): cannot be read")
    assert not Topic.objects.exists()


def test_a_failure_half_way_leaves_the_database_as_it_was(content_files, monkeypatch):
    topics, roadmaps = small_content(3)
    load(content_files.write(topics, roadmaps))
    topics[0]["title"] = "Half-way edit"
    roadmaps[0]["title"] = "Never saved"

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("roadmap.services._upsert_roadmap", explode)
    with pytest.raises(RuntimeError):
        load(content_files.write(topics, roadmaps))
    assert Topic.objects.get(slug="topic-0").title == "Topic 0"


def test_dump_then_load_changes_nothing_and_reproduces_the_shipped_files(tmp_path):
    from roadmap.content import DEFAULT_DIRECTORY

    load(DEFAULT_DIRECTORY)
    call_command("dumproadmap", directory=tmp_path, stdout=StringIO())
    out = load(tmp_path)
    assert "0 created, 0 updated, 0 retired" in out
    assert "Sections: 0 created, 0 updated, 0 removed" in out
    shipped = sorted(p.relative_to(DEFAULT_DIRECTORY) for p in DEFAULT_DIRECTORY.rglob("*.yaml"))
    dumped = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.yaml"))
    assert dumped == shipped
    for relative in shipped:
        assert (tmp_path / relative).read_text() == (DEFAULT_DIRECTORY / relative).read_text(), relative


def test_a_content_change_moves_one_version_row_whatever_the_number_of_learners(content_files):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from roadmap.models import ContentVersion
    from tests.factories import UserFactory

    load(content_files.write(*small_content(2)))
    UserFactory.create_batch(30)
    before = ContentVersion.objects.get().version
    topics, roadmaps = small_content(2)
    topics[0]["summary"] = "Rewritten."
    with CaptureQueriesContext(connection) as captured:
        load(content_files.write(topics, roadmaps))
    assert ContentVersion.objects.get().version == before + 1
    assert not [q["sql"] for q in captured if "accounts_user" in q["sql"]]


def test_a_dump_after_retiring_a_prerequisite_in_the_admin_loads_again(tmp_path):
    from roadmap.content import DEFAULT_DIRECTORY
    from roadmap.services import retire_topics

    load(DEFAULT_DIRECTORY)
    required = Topic.objects.filter(unlocks__isnull=False, retired=False).first()
    retire_topics(topics=Topic.objects.filter(pk=required.pk))
    call_command("dumproadmap", directory=tmp_path, stdout=StringIO())
    dumped = yaml.safe_load((tmp_path / "topics.yaml").read_text())["topics"]
    assert not any(required.slug in (topic.get("prerequisites") or []) for topic in dumped)
    out = load(tmp_path)  # refused before: "unknown prerequisite"
    assert "Topics: 0 created" in out


def test_a_roadmap_assumes_topics_of_another_and_its_page_names_them(content_files, client):
    topics, roadmaps = small_content(3)
    topics.append(topic("basics-first", title="Basics first"))
    roadmaps.append(roadmap("primer", [("only", ["basics-first"])], order=2))
    roadmaps[0]["assumes"] = ["basics-first"]
    out = load(content_files.write(topics, roadmaps))
    assert "Roadmaps: 2 created" in out
    assert list(Roadmap.objects.get(slug="track").assumed_topics.values_list("slug", flat=True)) == ["basics-first"]

    page = client.get("/roadmaps/track/").content.decode()
    assert 'Assumed knowledge, taught in another track: <a href="/topics/basics-first/">Basics first</a>.' in page
    assert "Assumed knowledge" not in client.get("/roadmaps/primer/").content.decode()

    del roadmaps[0]["assumes"]
    out = load(content_files.write(topics, roadmaps))
    assert "Roadmaps: 0 created, 1 updated" in out
    assert not Roadmap.objects.get(slug="track").assumed_topics.exists()
    assert "Assumed knowledge" not in client.get("/roadmaps/track/").content.decode()
