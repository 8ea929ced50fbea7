"""The two statements of plain SQL a tick reads first (roadmap.selectors,
#24) answer what the ORM would, on both databases."""

import pytest

from roadmap.models import Roadmap, Topic
from roadmap.selectors import topic_on_roadmap
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


def test_the_roadmaps_counted_with_their_content_version(track, alice, bob):
    """progress.summary.published: the published shipped roadmaps, and the cohort
    tracks followed (by the learner, or by anyone), each with its own version."""
    from mentoring import tracks
    from progress import services, summary

    Roadmap.objects.create(slug="hidden", title="Hidden", summary="s", audience="everyone", published=False)
    cohort = tracks.create_track(author=bob, title="Team", introduction="Intro.", copy_from=track)
    tracks.add_section(track=cohort, by=bob, title="More")  # its own revision moves on, no one else's
    content_changed()
    services.follow_roadmap(learner=alice, roadmap=cohort)
    expected = {r.pk: (r.slug, r.title, r.content_version) for r in Roadmap.objects.published().with_content_version()}
    assert expected[cohort.pk][2] == expected[track.pk][2] + 1
    counted = lambda roadmaps: {pk: (r.slug, r.title, r.content_version) for pk, r in roadmaps.items()}  # noqa: E731
    assert counted(summary.published(alice.pk)) == expected
    assert counted(summary.published(bob.pk)) == {track.pk: expected[track.pk]}
    assert counted(summary.published()) == expected
