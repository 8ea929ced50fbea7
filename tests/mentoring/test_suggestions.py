"""A mentor suggests a target date; the learner accepts (it becomes their pace,
recorded in the history) or declines (#16, item 6)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from mentoring.models import Mentorship, PaceSuggestion
from progress import services as progress_services
from progress.models import PlanChange, RoadmapFollow


@pytest.fixture
def bob_client(mentoring, bob):
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice)
    return client


def in_days(days):
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_suggestion_accepted_becomes_the_learners_pace(bob_client, alice_client, alice, track):
    target = in_days(70)
    response = bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": target.isoformat()})
    assert response.status_code == 302 and response.url == "/mentoring/mentees/alice/#suggest-track"
    assert f"Suggested to Alice Liddell: Track by {target:%-d %b %Y}." in bob_client.get(response.url).content.decode()

    dashboard = alice_client.get("/dashboard/").content.decode()
    assert "<strong>bob</strong> suggests finishing" in dashboard and f"{target:%-d %b %Y}" in dashboard
    suggestion = PaceSuggestion.objects.get()
    answer = alice_client.post(f"/mentoring/suggestions/{suggestion.pk}/", {"action": "accept"})
    assert answer.status_code == 302 and answer.url == "/dashboard/#pace-track"

    follow = RoadmapFollow.objects.get(learner=alice, roadmap=track)
    assert (follow.plan_basis, follow.target_date) == ("date", target)
    assert PlanChange.objects.get().target_date == target
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted" and suggestion.decided_at
    assert "suggests finishing" not in alice_client.get("/dashboard/").content.decode()
    assert "You suggested finishing by" in bob_client.get("/mentoring/mentees/alice/").content.decode()
    assert "<strong>accepted</strong>" in bob_client.get("/mentoring/mentees/alice/").content.decode()


def test_a_declined_suggestion_changes_no_pace(bob_client, alice_client, alice, track):
    progress_services.set_pace(learner=alice, roadmap=track, today=timezone.localdate(), hours_per_week=6)
    bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": in_days(30).isoformat()})
    suggestion = PaceSuggestion.objects.get()
    alice_client.post(f"/mentoring/suggestions/{suggestion.pk}/", {"action": "decline"})
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).hours_per_week == 6
    assert PaceSuggestion.objects.get().status == "declined"
    # Answered once: a second answer is refused.
    alice_client.post(f"/mentoring/suggestions/{suggestion.pk}/", {"action": "accept"})
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).hours_per_week == 6


def test_a_new_suggestion_replaces_the_one_waiting(bob_client, alice, track):
    for days in (30, 60):
        bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": in_days(days).isoformat()})
    assert list(PaceSuggestion.objects.values_list("target_date", "status")) == [(in_days(60), "pending")]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("", "This field is required."),
        ("2026-02-30", "Enter a valid date."),
        ("2001-01-01", "Suggest a date after today."),
    ],
)
def test_a_bad_date_is_refused_and_suggests_nothing(bob_client, alice, track, date, message):
    response = bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": date}, follow=True)
    assert message in response.content.decode()
    assert not PaceSuggestion.objects.exists()


def test_only_an_active_mentor_suggests_and_only_the_learner_answers(bob_client, alice, charlie, dave, track):
    for user in (charlie, dave):  # a stranger; alice's ex-mentor
        client = Client()
        client.force_login(user)
        response = client.post(
            "/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": in_days(9).isoformat()}
        )
        assert response.status_code == 404
    bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": in_days(30).isoformat()})
    suggestion = PaceSuggestion.objects.get()
    stranger = Client()
    stranger.force_login(charlie)
    for client in (bob_client, stranger):  # the mentor cannot answer for her, nor can anyone else
        assert client.post(f"/mentoring/suggestions/{suggestion.pk}/", {"action": "accept"}).status_code == 404
    assert PaceSuggestion.objects.get().status == "pending"
    assert Client().post(f"/mentoring/suggestions/{suggestion.pk}/", {"action": "accept"}).status_code == 302


def test_an_ended_mentorships_suggestion_is_no_longer_shown(bob_client, alice_client, alice, track):
    bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": in_days(30).isoformat()})
    Mentorship.objects.filter(mentor__username="bob").update(status="ended", ended_at=timezone.now())
    assert "suggests finishing" not in alice_client.get("/dashboard/").content.decode()


def test_an_ended_mentors_suggestion_cannot_be_accepted(bob_client, alice_client, alice, track):
    # Issue #23, row 10: hidden on the dashboard, and refused by POST too.
    bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": in_days(30).isoformat()})
    suggestion = PaceSuggestion.objects.get()
    Mentorship.objects.filter(mentor__username="bob").update(status="ended", ended_at=timezone.now())
    assert alice_client.post(f"/mentoring/suggestions/{suggestion.pk}/", {"action": "accept"}).status_code == 404
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).target_date is None
    assert PaceSuggestion.objects.get().status == "pending"


def test_a_second_answer_to_the_same_suggestion_is_refused(bob_client, alice, track):
    from mentoring import services

    bob_client.post("/mentoring/mentees/alice/roadmaps/track/suggest/", {"target_date": in_days(30).isoformat()})
    stale = PaceSuggestion.objects.get()  # what a second tab read before the first answered
    services.answer_suggestion(suggestion=PaceSuggestion.objects.get(), learner=alice, accept=True, today=in_days(0))
    with pytest.raises(services.MentoringError):
        services.answer_suggestion(suggestion=stale, learner=alice, accept=False, today=in_days(0))
    assert PaceSuggestion.objects.get().status == "accepted"
    assert PlanChange.objects.count() == 1
