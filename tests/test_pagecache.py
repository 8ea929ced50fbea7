"""Cached pages (mlepath.pagecache) are never stale, never shared between people,
and carry this request's CSRF token and CSP nonce."""

import re

from django.contrib.messages import constants
from django.contrib.messages.storage.session import SessionStorage  # noqa: F401 - documents the storage used
from django.test import Client

from accounts.services import touch_everyone
from mentoring import services as mentoring_services
from mentoring.models import Invite
from progress import services
from roadmap.models import Topic


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_dashboard_shows_each_change_made_since_it_was_cached(alice_client, alice, topics, track):
    assert "Pick a roadmap to start" in page(alice_client, "/dashboard/").text
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    html = page(alice_client, "/dashboard/").text
    assert "20%" in html and "Recently completed" in html and ">Alpha</a>" in html
    services.reset_roadmap(learner=alice, roadmap=track)
    assert "20%" not in page(alice_client, "/dashboard/").text
    services.unfollow_roadmap(learner=alice, roadmap=track)
    assert "Pick a roadmap to start" in page(alice_client, "/dashboard/").text


def test_the_dashboard_shows_new_feedback_until_it_is_read(alice_client, alice, bob, topics, track):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    assert "New feedback" not in page(alice_client, "/dashboard/").text
    mentoring_services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Try the exercises too")
    assert "Try the exercises too" in page(alice_client, "/dashboard/").text
    page(alice_client, "/topics/a/")  # reading the thread marks it seen
    assert "Try the exercises too" not in page(alice_client, "/dashboard/").text


def test_the_roadmap_page_shows_ticks_follows_and_content_changes(alice_client, alice, topics, track):
    html = page(alice_client, "/roadmaps/track/").text
    assert "Follow this roadmap" in html and "checked" not in html
    services.set_status(learner=alice, topic=topics["b"], status="done", roadmap=track)
    html = page(alice_client, "/roadmaps/track/").text
    assert "Remove from dashboard" in html
    assert re.search(r'id="done-b"[^>]*checked', html)
    Topic.objects.filter(pk=topics["b"].pk).first().save()  # an admin edit, through the signal
    Topic.objects.filter(pk=topics["b"].pk).update(title="Beta, revised")
    touch_everyone()  # what the loader's content bump does for every learner
    assert "Beta, revised" in page(alice_client, "/roadmaps/track/").text


def test_an_unpublished_roadmap_is_gone_at_once_for_a_learner_with_its_page_cached(alice_client, topics, track):
    assert page(alice_client, "/roadmaps/track/")
    track.published = False
    track.save()  # an admin edit: the content signal bumps every learner's progress_version
    assert alice_client.get("/roadmaps/track/").status_code == 404


def test_a_cached_page_is_never_shown_to_someone_else(client, alice, bob, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    client.force_login(alice)
    assert "Alice Liddell" in page(client, "/roadmaps/track/").text
    client.force_login(bob)
    html = page(client, "/roadmaps/track/").text
    assert "Alice Liddell" not in html and not re.search(r'id="done-a"[^>]*checked', html)
    client.logout()
    html = page(client, "/roadmaps/track/").text
    assert "Alice Liddell" not in html and "Sign up" in html and 'id="done-a"' not in html


def test_a_new_display_name_or_time_zone_shows_at_once(alice_client, alice, topics, track):
    page(alice_client, "/dashboard/")
    alice.display_name = "Alice Pleasance"
    alice.time_zone = "Pacific/Kiritimati"
    alice.save()
    html = page(alice_client, "/dashboard/").text
    assert "Welcome, Alice Pleasance" in html


def test_each_response_carries_its_own_csrf_token_and_nonce(alice_client, topics, track):
    seen = set()
    for url in ("/dashboard/", "/dashboard/", "/roadmaps/track/", "/roadmaps/track/"):
        response = page(alice_client, url)
        html = response.text
        assert "placeholder__" not in html
        header_nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        page_nonces = set(re.findall(r'nonce="([^"]+)"', html))
        assert page_nonces == {header_nonce}
        seen.add(header_nonce)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert token and token in html
    assert len(seen) == 4


def test_a_flash_message_shows_once_on_a_cached_page(alice_client, topics, track):
    page(alice_client, "/roadmaps/track/")
    response = alice_client.post("/roadmaps/track/follow/", follow=True)
    assert "Track is now on your dashboard." in response.text
    assert "now on your dashboard" not in page(alice_client, "/roadmaps/track/").text
    assert constants.SUCCESS


def test_the_cached_mentoring_page_shows_each_change_at_once(client, alice, bob, topics, track):
    client.force_login(bob)
    assert "No open invite links." in page(client, "/mentoring/").text
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    html = page(client, "/mentoring/").text
    assert f"/mentoring/invite/{invite.token}/" in html and "No mentees yet" in html
    mentorship = mentoring_services.accept_invite(invite=invite, user=alice)
    assert "Alice Liddell" in page(client, "/mentoring/").text
    mentoring_services.revoke_invite(invite=invite, by=bob)
    assert "No open invite links." in page(client, "/mentoring/").text

    # alice's side: her mentor's name, the note-sharing button, and the mentor's new name.
    learner = Client()
    learner.force_login(alice)
    assert "Share my notes" in page(learner, "/mentoring/").text
    mentoring_services.set_note_sharing(mentorship=mentorship, by=alice, share=True)
    assert "Stop sharing notes" in page(learner, "/mentoring/").text
    from accounts import services as account_services

    account_services.update_profile(user=bob, display_name="Coach Bob", email=bob.email, time_zone="UTC")
    assert "Coach Bob" in page(learner, "/mentoring/").text
    mentoring_services.end_mentorship(mentorship=mentorship, by=bob)
    assert "Nobody mentors you yet." in page(learner, "/mentoring/").text
    assert "Alice Liddell" not in page(client, "/mentoring/").text


def test_a_mentor_renamed_shows_in_the_learners_cached_dashboard_feedback(alice_client, alice, bob, topics, track):
    from accounts import services as account_services

    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    mentoring_services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Nice work")
    assert "from bob" in page(alice_client, "/dashboard/").text
    account_services.update_profile(user=bob, display_name="Coach Bob", email=bob.email, time_zone="UTC")
    assert "from Coach Bob" in page(alice_client, "/dashboard/").text
