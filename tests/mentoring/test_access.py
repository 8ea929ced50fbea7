"""Every mentoring URL and method, as anonymous, alice (the learner), bob (her
active mentor), dave (her ended mentor) and charlie (a stranger)."""

import pytest
from django.test import Client

from mentoring.models import Comment, Mentorship, Nudge, Review
from progress.models import Progress

PRIVATE = ("alice-private-note", "https://example.com/alice-evidence", "Alice Liddell")


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


MENTEE_URLS = [
    ("get", "/mentoring/mentees/alice/"),
    ("get", "/mentoring/mentees/alice/roadmaps/track/"),
    ("get", "/mentoring/mentees/alice/topics/a/"),
    ("post", "/mentoring/mentees/alice/topics/a/"),
    ("post", "/mentoring/mentees/alice/topics/a/review/"),
    ("post", "/mentoring/mentees/alice/topics/a/suggest-review/"),
    ("post", "/mentoring/mentees/alice/nudge/"),
]
POST_DATA = {"body": "Keep going", "reviewed": "1"}


@pytest.mark.parametrize(("method", "url"), MENTEE_URLS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 302), ("alice", 404), ("bob", None), ("charlie", 404), ("dave", 404)],
)
def test_mentee_urls_answer_only_an_active_mentor(mentoring, request, method, url, who, expected):
    user = request.getfixturevalue(who) if who else None
    response = getattr(client_for(user), method)(url, POST_DATA if method == "post" else None)
    if who is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif who == "bob":
        assert response.status_code == (200 if method == "get" else 302)
    else:
        assert response.status_code == expected
        body = response.content.decode()
        # alice's own header shows her name; nothing else of hers is on a 404.
        secrets = PRIVATE[:2] if who == "alice" else PRIVATE
        assert not any(secret in body for secret in secrets)
    if who != "bob":
        assert not Comment.objects.exists()
        assert not Review.objects.exists()
        assert not Nudge.objects.exists()


@pytest.mark.parametrize(
    "url", ["/mentoring/mentees/nobody/", "/mentoring/mentees/../", "/mentoring/mentees/al%00ice/"]
)
def test_unknown_mentee_looks_the_same_as_a_hidden_one(mentoring, bob, url):
    assert client_for(bob).get(url).status_code == 404


def test_mentee_usernames_match_case_insensitively_for_the_mentor(mentoring, bob):
    assert client_for(bob).get("/mentoring/mentees/ALICE/").status_code == 200


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dave"])
def test_mentoring_page_shows_only_ones_own_relations(mentoring, request, who):
    response = client_for(request.getfixturevalue(who)).get("/mentoring/")
    body = response.content.decode()
    assert response.status_code == 200
    if who == "bob":
        assert "Alice Liddell" in body and "Create a link to invite learners" in body
    elif who == "alice":
        assert "bob</strong> sees your statuses" in body
        assert "dave</strong>" not in body  # ended: no longer listed
    else:
        assert "Alice Liddell" not in body


def test_mentoring_page_needs_sign_in(mentoring):
    response = Client().get("/mentoring/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/mentoring/"


def test_bob_sees_statuses_and_evidence_but_not_notes_until_shared(mentoring, alice, bob):
    client = client_for(bob)
    body = client.get("/mentoring/mentees/alice/topics/a/").content.decode()
    assert "Done" in body and "https://example.com/alice-evidence" in body
    assert "alice-private-note" not in body
    Mentorship.objects.filter(mentor=bob, learner=alice).update(share_notes=True)
    assert "alice-private-note" in client.get("/mentoring/mentees/alice/topics/a/").content.decode()


def test_the_mentor_roadmap_view_has_no_controls(mentoring, bob):
    body = client_for(bob).get("/mentoring/mentees/alice/roadmaps/track/").content.decode()
    assert "<form" not in body.split('<main id="main"', 1)[1].split("</main>", 1)[0]  # the footer's language form aside
    assert 'type="checkbox"' not in body
    assert 'aria-label="Completion of Track"' in body
    assert 'href="/mentoring/mentees/alice/topics/a/"' in body


def test_a_mentor_posting_to_status_changes_only_their_own_progress(mentoring, alice, bob):
    client_for(bob).post("/roadmaps/track/topics/a/status/", {"status": "skipped"})
    assert Progress.objects.get(learner=alice, topic__slug="a").status == "done"
    assert Progress.objects.get(learner=bob, topic__slug="a").status == "skipped"


@pytest.mark.parametrize(
    ("who", "expected"), [(None, 302), ("alice", 404), ("bob", 302), ("charlie", 404), ("dave", 404)]
)
def test_only_the_creator_revokes_an_invite(mentoring, request, who, expected):
    invite = mentoring["bob_invite"]
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post(f"/mentoring/invites/{invite.pk}/revoke/")
    assert response.status_code == expected
    invite.refresh_from_db()
    assert invite.is_revoked is (who == "bob")


@pytest.mark.parametrize(
    ("who", "expected"), [(None, 302), ("alice", 302), ("bob", 302), ("charlie", 404), ("dave", 404)]
)
def test_either_side_ends_a_mentorship_and_access_ends_at_once(mentoring, request, alice, bob, who, expected):
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post(f"/mentoring/mentorships/{mentorship.pk}/end/")
    assert response.status_code == expected
    mentorship.refresh_from_db()
    assert (mentorship.status == "ended") is (who in ("alice", "bob"))
    expected_mentee_status = 404 if who in ("alice", "bob") else 200
    assert client_for(bob).get("/mentoring/mentees/alice/").status_code == expected_mentee_status


@pytest.mark.parametrize(("who", "expected"), [(None, 302), ("alice", 302), ("bob", 404), ("charlie", 404)])
def test_only_the_learner_shares_notes(mentoring, request, alice, bob, who, expected):
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post(f"/mentoring/mentorships/{mentorship.pk}/notes/", {"share_notes": "1"})
    assert response.status_code == expected
    mentorship.refresh_from_db()
    assert mentorship.share_notes is (who == "alice")


@pytest.mark.parametrize(
    "url",
    [
        "/mentoring/invites/",
        "/mentoring/invites/1/revoke/",
        "/mentoring/mentorships/1/end/",
        "/mentoring/mentorships/1/notes/",
        "/mentoring/mentees/alice/topics/a/review/",
        "/mentoring/mentees/alice/topics/a/suggest-review/",
        "/mentoring/mentees/alice/nudge/",
        "/topics/a/comments/",
    ],
)
def test_post_only_urls_refuse_get_and_missing_csrf(mentoring, bob, url):
    client = client_for(bob)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(bob)
    assert strict.post(url).status_code == 403


@pytest.mark.parametrize("who", [None, "alice", "bob", "charlie", "dave"])
def test_invite_page_is_public_and_says_who_asks(mentoring, request, who):
    invite = mentoring["bob_invite"]
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(f"/mentoring/invite/{invite.token}/")
    body = response.content.decode()
    assert response.status_code == 200
    if who == "bob":
        assert "This is your own invite link" in body and ">Accept</button>" not in body
    elif who is None:
        assert "bob invites you to share your progress" in body
        assert f"/accounts/signup/?next=/mentoring/invite/{invite.token}/" in body
    else:
        assert "bob invites you to share your progress" in body and ">Accept</button>" in body
    assert "alice-private-note" not in body


def test_unknown_invite_token_is_a_404(mentoring, charlie):
    assert client_for(charlie).get("/mentoring/invite/not-a-real-token/").status_code == 404


def test_revoked_and_expired_invites_say_so(mentoring, bob, charlie):
    from django.utils import timezone

    invite = mentoring["bob_invite"]
    invite.revoked_at = timezone.now()
    invite.save()
    response = client_for(charlie).get(invite.get_absolute_url())
    assert response.status_code == 410 and "This invite link was revoked" in response.content.decode()
    response = client_for(charlie).post(invite.get_absolute_url(), {"action": "accept"}, follow=True)
    assert "revoked" in response.content.decode()
    assert not Mentorship.objects.filter(mentor=bob, learner__username="charlie").exists()


@pytest.mark.parametrize("who", [None, "bob", "charlie", "dave"])
def test_only_the_learner_can_mark_their_feedback_read(mentoring, request, bob, topics, who):
    from mentoring import services

    services.add_comment(author=bob, learner=request.getfixturevalue("alice"), topic=topics["a"], body="Unread")
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post("/topics/a/comments/seen/")
    # Anyone else marks only their own threads (none here): alice's comment stays unread.
    assert response.status_code == 302
    assert Comment.objects.get(body="Unread").seen_at is None


def test_the_learner_marks_their_feedback_read_by_post_only(mentoring, alice, bob, topics):
    from mentoring import services

    services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Unread")
    client = client_for(alice)
    assert client.get("/topics/a/comments/seen/").status_code == 405
    assert Comment.objects.get(body="Unread").seen_at is None
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post("/topics/a/comments/seen/").status_code == 403
    assert Comment.objects.get(body="Unread").seen_at is None
    response = client.post("/topics/a/comments/seen/")
    assert response.status_code == 302 and response["Location"] == "/topics/a/#comments"
    assert Comment.objects.get(body="Unread").seen_at is not None
    assert client.post("/topics/nope/comments/seen/").status_code == 404
