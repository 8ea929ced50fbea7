"""The roadmap page's one statement of plain SQL (progress.selectors.roadmap_page,
#24) reads what the ORM would, on both databases."""

import pytest
from django.contrib.auth.models import AnonymousUser

from progress import services
from progress.selectors import roadmap_page
from roadmap.models import Roadmap
from roadmap.services import content_changed


def test_it_reads_the_roadmap_the_version_and_the_learners_follow(alice, bob, track):
    content_changed()
    expected = Roadmap.objects.with_content_version().get(pk=track.pk)
    for learner, following, prefers_map in ((AnonymousUser(), False, False), (alice, False, False)):
        roadmap = roadmap_page("track", learner)
        assert (roadmap.pk, roadmap.title, roadmap.summary, roadmap.published) == (
            track.pk,
            track.title,
            track.summary,
            True,
        )
        assert roadmap.content_version == expected.content_version
        assert (roadmap.following, roadmap.prefers_map) == (following, prefers_map)
    services.follow_roadmap(learner=alice, roadmap=track)
    assert (roadmap_page("track", alice).following, roadmap_page("track", alice).prefers_map) == (
        True,
        False,
    )
    services.set_default_view(learner=alice, roadmap=track, map_view=True)
    assert roadmap_page("track", alice).prefers_map is True
    assert roadmap_page("track", bob).following is False  # another learner's follow is not bob's


@pytest.mark.parametrize("slug", ["track", "nope", "TRACK", "track' OR '1'='1"])
def test_an_unpublished_or_unknown_roadmap_is_none(alice, track, slug):
    Roadmap.objects.filter(pk=track.pk).update(published=False)
    assert roadmap_page(slug, alice) is None
