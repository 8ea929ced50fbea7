"""Malformed slugs, oversized bodies and odd headers get a clear 4xx, never a 500."""

import pytest

from mentoring import services as mentoring_services
from mentoring.models import Invite
from progress.models import Progress

CYRILLIC_A = "\u0430"  # looks like "a"
BAD_SLUGS = ["..%2F..%2Fetc", "%2e%2e", "tr%00ack", "x" * 10_000, f"tr{CYRILLIC_A}ck", "%F0%9F%92%A5", "a%20b"]


@pytest.fixture
def mentor_client(client, alice, bob, topics, track):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    client.force_login(bob)
    return client


@pytest.mark.parametrize("slug", BAD_SLUGS)
@pytest.mark.parametrize(
    "template",
    [
        "/roadmaps/{}/",
        "/roadmaps/{}/map/",
        "/roadmaps/track/topics/{}/status/",
        "/topics/{}/",
        "/mentoring/mentees/{}/",
        "/mentoring/mentees/alice/roadmaps/{}/",
        "/mentoring/mentees/alice/topics/{}/",
        "/mentoring/invite/{}/",
    ],
)
def test_malformed_slugs_and_usernames_are_404(mentor_client, template, slug):
    response = mentor_client.get(template.format(slug))
    assert response.status_code in (404, 405)  # the status URL takes POST only
    if response.status_code == 405:
        assert mentor_client.post(template.format(slug), {"status": "done"}).status_code == 404


def test_a_3_mb_note_is_refused_with_400_and_saves_nothing(alice_client, topics):
    response = alice_client.post("/topics/a/note/", {"note": "x" * 3_000_000})
    assert response.status_code == 400
    assert not Progress.objects.filter(note__startswith="x").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HX_REQUEST": "maybe"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": '"><script>alert(1)</script>'},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "javascript:alert(1)"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "\x00"},
    ],
)
def test_malformed_htmx_headers_change_nothing_but_the_fragment_choice(alice_client, alice, topics, track, headers):
    response = alice_client.post("/roadmaps/track/topics/a/status/", {"status": "done"}, **headers)
    assert response.status_code in (200, 302)
    assert b"<script>alert" not in response.content
    assert Progress.objects.get(learner=alice, topic=topics["a"]).status == "done"
    assert alice_client.get("/topics/a/", **headers).status_code == 200
