"""The two statements of plain SQL a tick reads first (roadmap.selectors,
#24) answer what the ORM would, on both databases."""

import pytest

from roadmap.models import Roadmap, Topic
from roadmap.selectors import published_roadmaps, topic_on_roadmap
from roadmap.services import content_changed


def test_a_topic_on_its_roadmap_with_the_content_version(track, topics):
    content_changed()
    expected = Roadmap.objects.with_content_version().get(pk=track.pk)
    roadmap, topic = topic_on_roadmap(roadmap_slug="track", topic_slug="b")
    assert (roadmap.pk, roadmap.slug, roadmap.title, roadmap.content_version) == (
        track.pk,
        "track",
        "Track",
        expected.content_version,
    )
    assert (topic.pk, topic.slug, topic.title) == (topics["b"].pk, "b", "Beta")
    # What was not read loads when asked, as with the ORM's only().
    assert topic.estimated_hours == 3 and roadmap.summary == track.summary


@pytest.mark.parametrize(
    ("roadmap_slug", "topic_slug", "change"),
    [
        ("track", "nope", None),
        ("nope", "a", None),
        ("TRACK", "a", None),
        ("track", "a' OR '1'='1", None),
        ("track", "a", "retire"),
        ("track", "a", "unpublish"),
    ],
)
def test_a_topic_not_live_on_a_published_roadmap_is_none(track, topics, roadmap_slug, topic_slug, change):
    if change == "retire":
        Topic.objects.filter(slug="a").update(retired=True)
    if change == "unpublish":
        Roadmap.objects.filter(pk=track.pk).update(published=False)
    assert topic_on_roadmap(roadmap_slug=roadmap_slug, topic_slug=topic_slug) is None


def test_the_published_roadmaps_with_the_content_version(track):
    Roadmap.objects.create(slug="hidden", title="Hidden", summary="s", audience="everyone", published=False)
    content_changed()
    expected = {r.pk: (r.slug, r.title, r.content_version) for r in Roadmap.objects.published().with_content_version()}
    assert {pk: (r.slug, r.title, r.content_version) for pk, r in published_roadmaps().items()} == expected
    assert list(expected) == [track.pk]
