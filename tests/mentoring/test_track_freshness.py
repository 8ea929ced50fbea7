"""Every write to a cohort track shows at once on every page it affects (#28),
as tests/test_freshness.py holds for the rest: each test views the pages
first (so that anything they could cache is filled), writes through the URL
a user would use, and views them again. No task is run, no cache cleared."""

import pytest
from django.test import Client
from django.urls import reverse

from mentoring import tracks
from progress import services as progress_services
from roadmap.models import Topic

pytestmark = pytest.mark.usefixtures("needs_graphviz")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def live(mentoring, alice, bob, track, topics):
    """bob's track (Alpha and Beta in one section, an own topic), followed by alice, who did Alpha."""
    made = tracks.create_track(author=bob, title="Team ML", introduction="Intro.")
    section = tracks.add_section(track=made, by=bob, title="Start")
    tracks.add_topics(track=made, by=bob, section=section, topics=[topics["a"], topics["b"]])
    own = tracks.create_own_topic(
        track=made,
        by=bob,
        section=section,
        spec=tracks.OwnTopic(title="Our store", summary="Old summary.", hours=2, resources=(), prerequisites=()),
    )
    progress_services.follow_roadmap(learner=alice, roadmap=made)
    learner, mentor = signed_in(alice), signed_in(bob)
    urls = [made.get_absolute_url(), f"{made.get_absolute_url()}map/", "/dashboard/", own.get_absolute_url()]
    for url in urls:
        page(learner, url)
    page(mentor, reverse("mentoring_track", args=[made.pk]))
    page(mentor, reverse("mentoring_mentee_roadmap", args=["alice", made.slug]))
    return {"track": made, "section": section, "own": own, "learner": learner, "mentor": mentor}


def test_a_topic_added_or_taken_off_shows_on_the_learners_pages_and_the_mentors(live, topics):
    track, learner, mentor = live["track"], live["learner"], live["mentor"]
    content = reverse("mentoring_track_content", args=[track.pk])
    assert "1 of 3 done" in page(learner, "/dashboard/")
    mentor.post(content, {"action": "add-topics", "section": live["section"].pk, "topics": [topics["e"].pk]})
    assert "Epsilon" in page(learner, track.get_absolute_url())
    assert "Epsilon" in page(learner, f"{track.get_absolute_url()}map/")
    assert "1 of 4 done" in page(learner, "/dashboard/")
    assert "25% · 1 of 4" in page(mentor, reverse("mentoring_track", args=[track.pk]))
    assert "1 of 4 done" in page(mentor, reverse("mentoring_mentee_roadmap", args=["alice", track.slug]))
    mentor.post(content, {"action": "remove-topic", "topic": topics["a"].pk})
    assert "Alpha" not in page(learner, f"{track.get_absolute_url()}map/")
    assert "0 of 3 done" in page(learner, "/dashboard/")


def test_an_own_topic_edited_shows_on_its_page_and_the_roadmap_at_once(live):
    track, own, learner, mentor = live["track"], live["own"], live["learner"], live["mentor"]
    url = reverse("mentoring_track_topic", args=[track.pk, own.pk])
    form = {"title": "Our feature store", "summary": "New summary.", "hours": "5", "resources": "https://example.com/x"}
    assert mentor.post(url, form).status_code == 302
    topic_page = page(learner, own.get_absolute_url())
    assert "Our feature store" in topic_page and "New summary." in topic_page and "https://example.com/x" in topic_page
    assert "Our feature store" in page(learner, track.get_absolute_url())
    assert "Our feature store" in page(learner, f"{track.get_absolute_url()}map/")


def test_the_tracks_title_and_introduction_show_at_once(live):
    track, learner, mentor = live["track"], live["learner"], live["mentor"]
    form = {"title": "Team ML 2027", "introduction": "A new start.", "target_date": "2027-03-01"}
    assert mentor.post(reverse("mentoring_track", args=[track.pk]), form).status_code == 302
    roadmap_page = page(learner, track.get_absolute_url())
    assert "Team ML 2027" in roadmap_page and "A new start." in roadmap_page and "1 Mar 2027" in roadmap_page
    assert "Team ML 2027" in page(learner, "/dashboard/")
    assert "title, introduction or date changed" in page(learner, f"{track.get_absolute_url()}history/")


def test_an_offer_and_its_answer_show_on_both_sides_at_once(live, charlie, bob):
    from mentoring import services
    from mentoring.models import Invite, TrackOffer

    services.accept_invite(invite=services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR), user=charlie)
    stranger, mentor, track = signed_in(charlie), live["mentor"], live["track"]
    page(stranger, "/dashboard/")
    mentor.post(reverse("mentoring_track_offer", args=[track.pk]), {"learners": [charlie.pk]})
    assert "offers you the track" in page(stranger, "/dashboard/")
    offer = TrackOffer.objects.get(learner=charlie)
    stranger.post(reverse("mentoring_track_offered", args=[offer.pk]), {"answer": "accept"})
    assert "offers you the track" not in page(stranger, "/dashboard/")
    assert "Team ML" in page(stranger, "/dashboard/")
    editor = page(mentor, reverse("mentoring_track", args=[track.pk]))
    assert editor.count("Follows it") == 2


def test_a_link_made_and_closed_and_a_deleted_track_show_at_once(live, charlie):
    track, learner, mentor = live["track"], live["learner"], live["mentor"]
    mentor.post(reverse("mentoring_track_link", args=[track.pk]), {"action": "share"})
    track.refresh_from_db()
    join = reverse("mentoring_track_join", args=[track.share_token])
    assert signed_in(charlie).get(join).status_code == 200
    mentor.post(reverse("mentoring_track_link", args=[track.pk]), {"action": "unshare"})
    assert signed_in(charlie).get(join).status_code == 404
    mentor.post(reverse("mentoring_track_delete", args=[track.pk]))
    assert "Team ML" not in page(learner, "/dashboard/")
    assert learner.get(track.get_absolute_url()).status_code == 404
    assert learner.get(live["own"].get_absolute_url()).status_code == 404


def test_sections_moved_and_prerequisites_assumed_show_at_once(live, topics):
    track, learner, mentor = live["track"], live["learner"], live["mentor"]
    content = reverse("mentoring_track_content", args=[track.pk])
    mentor.post(content, {"action": "add-section", "section-title": "Later"})
    later = track.sections.get(title="Later")
    mentor.post(content, {"action": "add-topics", "section": later.pk, "topics": [topics["d"].pk]})
    roadmap_page = page(learner, track.get_absolute_url())
    assert roadmap_page.index("1. Start") < roadmap_page.index("2. Later")
    mentor.post(content, {"action": "move-section", "section": later.pk, "direction": "up"})
    roadmap_page = page(learner, track.get_absolute_url())
    assert roadmap_page.index("1. Later") < roadmap_page.index("2. Start")
    mentor.post(content, {"action": "assume-missing"})
    assert Topic.objects.get(slug="c").title in page(learner, track.get_absolute_url()).split("Assumed knowledge")[1]
