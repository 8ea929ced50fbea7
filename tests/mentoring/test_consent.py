"""A mentorship exists only by consent: links serve whom they were made for,
and nothing brings back a mentorship that either side ended (issue #13, 1)."""

import pytest
from django.core import mail

from mentoring import services
from mentoring.models import Invite, Mentorship


def accept(client, user, invite):
    client.force_login(user)
    return client.post(invite.get_absolute_url(), {"action": "accept"}, follow=True)


def test_a_mentor_cannot_reopen_a_mentorship_the_learner_ended(client, alice, bob):
    link = services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER)
    accept(client, bob, link)
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    services.end_mentorship(mentorship=mentorship, by=alice)

    # The mentor posts "Accept" again on the learner's old link.
    response = accept(client, bob, link)
    assert not Mentorship.objects.filter(status="active").exists()
    assert "revoked" in response.content.decode()
    assert client.get(link.get_absolute_url()).status_code == 410


def test_ending_closes_the_learners_link_it_came_through(alice, bob):
    link = services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER, single_use=False)
    mentorship = services.accept_invite(invite=link, user=bob)
    services.end_mentorship(mentorship=mentorship, by=bob)
    link.refresh_from_db()
    assert link.is_revoked
    with pytest.raises(services.MentoringError):
        services.accept_invite(invite=link, user=bob)


def test_no_link_made_before_the_end_brings_the_pair_back(alice, bob, charlie):
    # A mentor's cohort link stays open for the rest of the cohort, but not for
    # the pair whose mentorship ended after it was made, whoever ended it.
    cohort = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    for ender in ("learner", "mentor"):
        mentorship = services.accept_invite(invite=cohort, user=alice) if ender == "learner" else None
        if mentorship is None:
            fresh = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
            mentorship = services.accept_invite(invite=fresh, user=alice)
        services.end_mentorship(mentorship=mentorship, by=alice if ender == "learner" else bob)
        with pytest.raises(services.MentoringError, match="ended after this link was made"):
            services.accept_invite(invite=cohort, user=alice)
    assert services.accept_invite(invite=cohort, user=charlie).status == "active"
    # A link made after the end is a new consent.
    later = services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER)
    assert services.accept_invite(invite=later, user=bob).status == "active"


def test_a_learners_link_serves_one_mentor_by_default(client, alice, bob, charlie):
    link = services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER)
    assert link.single_use
    accept(client, bob, link)
    response = accept(client, charlie, link)
    assert "already used" in response.content.decode()
    assert list(Mentorship.objects.values_list("mentor__username", flat=True)) == ["bob"]
    # Accepting twice is still harmless for the one it served.
    assert services.accept_invite(invite=link, user=bob).mentor == bob


def test_the_multi_use_option_is_chosen_on_the_page(client, alice, bob, charlie, dave):
    client.force_login(alice)
    client.post("/mentoring/invites/", {"mentor-kind": "learner", "mentor-uses": "many"})
    client.force_login(bob)
    client.post("/mentoring/invites/", {"kind": "mentor"})
    mine, cohort = Invite.objects.get(created_by=alice), Invite.objects.get(created_by=bob)
    assert (mine.single_use, cohort.single_use) == (False, False)
    client.force_login(alice)
    client.post("/mentoring/invites/", {"mentor-kind": "learner"})
    assert Invite.objects.filter(created_by=alice).latest("pk").single_use


def test_the_learner_is_told_at_once_who_now_mentors_them(client, alice, bob, run_tasks):
    link = services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER)
    accept(client, bob, link)
    run_tasks()
    [notice] = mail.outbox
    assert notice.to == [alice.email]
    assert "is now your mentor" in notice.subject
    assert "http://testserver/mentoring/" in notice.body
    client.force_login(alice)
    page = client.get("/mentoring/").content.decode()
    assert "Your mentors" in page and bob.public_name in page


@pytest.mark.django_db(transaction=True)
def test_mentors_racing_for_one_single_use_link_make_one_mentorship(alice):
    from django.test import Client

    from tests.factories import UserFactory
    from tests.progress.test_concurrency import THREADS, _run_at_once

    link = services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER)
    mentors = [UserFactory(username=f"mentor{n}") for n in range(THREADS)]
    clients = [Client(raise_request_exception=False) for _ in mentors]
    for client, mentor in zip(clients, mentors, strict=True):
        client.force_login(mentor)
    url = link.get_absolute_url()
    statuses = _run_at_once(lambda n: clients[n].post(url, {"action": "accept"}).status_code)
    assert set(statuses) == {302}  # the losers are told the link was used, never a 500
    assert Mentorship.objects.filter(learner=alice).count() == 1
