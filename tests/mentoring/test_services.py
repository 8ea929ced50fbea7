import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from mentoring import services
from mentoring.models import Comment, Invite, Mentorship, Nudge, Review


def test_a_mentor_invite_accepted_makes_an_active_mentorship(alice, bob):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR, expires_in_days=7)
    mentorship = services.accept_invite(invite=invite, user=alice)
    assert (mentorship.mentor, mentorship.learner, mentorship.status) == (bob, alice, "active")
    assert mentorship.share_notes is False
    # Accepting again changes nothing.
    assert services.accept_invite(invite=invite, user=alice).pk == mentorship.pk
    assert Mentorship.objects.count() == 1


def test_one_mentor_link_serves_a_whole_cohort(bob, alice, charlie, dave):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    for learner in (alice, charlie, dave):
        services.accept_invite(invite=invite, user=learner)
    assert set(Mentorship.objects.filter(mentor=bob).values_list("learner__username", flat=True)) == {
        "alice",
        "charlie",
        "dave",
    }


def test_a_learner_invite_makes_the_accepter_the_mentor(alice, bob):
    invite = services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER)
    mentorship = services.accept_invite(invite=invite, user=bob)
    assert (mentorship.mentor, mentorship.learner) == (bob, alice)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda invite: Invite.objects.filter(pk=invite.pk).update(revoked_at=timezone.now()), "revoked"),
        (
            lambda invite: Invite.objects.filter(pk=invite.pk).update(
                expires_at=timezone.now() - dt.timedelta(seconds=1)
            ),
            "expired",
        ),
    ],
)
def test_revoked_and_expired_invites_are_refused(alice, bob, setup, message):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    setup(invite)
    invite.refresh_from_db()
    with pytest.raises(services.MentoringError, match=message):
        services.accept_invite(invite=invite, user=alice)
    assert not Mentorship.objects.exists()


def test_an_invite_cannot_be_accepted_by_its_creator(bob):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    with pytest.raises(services.MentoringError, match="your own invite"):
        services.accept_invite(invite=invite, user=bob)


def test_only_the_creator_revokes(alice, bob):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    with pytest.raises(services.MentoringError):
        services.revoke_invite(invite=invite, by=alice)
    services.revoke_invite(invite=invite, by=bob)
    invite.refresh_from_db()
    assert invite.is_revoked


def test_either_side_ends_and_a_new_invite_starts_afresh(alice, bob, charlie):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentorship = services.accept_invite(invite=invite, user=alice)
    with pytest.raises(services.MentoringError):
        services.end_mentorship(mentorship=mentorship, by=charlie)
    services.end_mentorship(mentorship=mentorship, by=bob)
    mentorship.refresh_from_db()
    assert mentorship.status == "ended" and mentorship.ended_at
    assert not services.is_active_mentor(mentor=bob, learner=alice)
    with pytest.raises(services.MentoringError, match="ended after this link was made"):
        services.accept_invite(invite=invite, user=alice)
    fresh = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    again = services.accept_invite(invite=fresh, user=alice)
    assert again.pk != mentorship.pk and again.status == "active"


def test_comments_by_learner_and_active_mentor_only(mentoring, alice, bob, charlie, dave, topics):
    services.add_comment(author=bob, learner=alice, topic=topics["a"], body="  Nice work on this!  ")
    services.add_comment(author=alice, learner=alice, topic=topics["a"], body="Thanks!")
    for outsider in (charlie, dave):
        with pytest.raises(services.MentoringError):
            services.add_comment(author=outsider, learner=alice, topic=topics["a"], body="hi")
    with pytest.raises(services.MentoringError, match="Write something"):
        services.add_comment(author=bob, learner=alice, topic=topics["a"], body="   ")
    thread = list(Comment.objects.values_list("author__username", "body", "seen_at"))
    assert [(a, b) for a, b, _ in thread] == [("bob", "Nice work on this!"), ("alice", "Thanks!")]
    assert thread[0][2] is None and thread[1][2] is not None
    assert services.mark_comments_seen(learner=alice, topic=topics["a"]) == 1


def test_reviewed_only_for_done_topics_and_by_active_mentors(mentoring, alice, bob, dave, topics):
    services.set_reviewed(mentor=bob, learner=alice, topic=topics["a"], reviewed=True)
    services.set_reviewed(mentor=bob, learner=alice, topic=topics["a"], reviewed=True)
    assert Review.objects.count() == 1
    with pytest.raises(services.MentoringError, match="done"):
        services.set_reviewed(mentor=bob, learner=alice, topic=topics["b"], reviewed=True)
    with pytest.raises(services.MentoringError):
        services.set_reviewed(mentor=dave, learner=alice, topic=topics["a"], reviewed=True)
    services.set_reviewed(mentor=bob, learner=alice, topic=topics["a"], reviewed=False)
    assert not Review.objects.exists()
    # The learner's own status is untouched by reviews.
    assert alice.progress.get(topic=topics["a"]).status == "done"


def test_nudge_sends_one_email_per_day(mentoring, alice, bob, dave, run_tasks):
    services.nudge(mentor=bob, learner=alice)
    assert mail.outbox == []  # the worker sends it, not the request
    assert run_tasks() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    assert "cheering you on" in mail.outbox[0].subject
    assert f"{settings.SITE_URL}/dashboard/" in mail.outbox[0].body  # where to pick up
    with pytest.raises(services.MentoringError, match="already sent"):
        services.nudge(mentor=bob, learner=alice)
    with pytest.raises(services.MentoringError):
        services.nudge(mentor=dave, learner=alice)
    run_tasks()
    assert len(mail.outbox) == 1
    Nudge.objects.update(sent_on=timezone.localdate() - dt.timedelta(days=1))
    services.nudge(mentor=bob, learner=alice)
    run_tasks()
    assert len(mail.outbox) == 2


def refuse_connections(monkeypatch):
    """The mail server refuses every connection, as SMTP on a closed port does."""

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


def test_a_nudge_is_retried_and_given_up_without_using_up_the_day(mentoring, alice, bob, monkeypatch, run_tasks):
    from django_tasks_db.models import DBTaskResult

    from mlepath.mail import RETRY_DELAYS

    refuse_connections(monkeypatch)
    services.nudge(mentor=bob, learner=alice)  # the page answers at once: the mail is the worker's
    for attempt in range(1, len(RETRY_DELAYS) + 2):
        assert run_tasks() == 1
        assert Nudge.objects.exists() == (attempt <= len(RETRY_DELAYS)), attempt
        # The next attempt waits for its pause; bring it forward.
        assert run_tasks() == 0
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    assert DBTaskResult.objects.filter(status="FAILED").count() == len(RETRY_DELAYS) + 1
    assert mail.outbox == []
    # Given up, so it does not count: the mentor can nudge again today.
    monkeypatch.undo()
    services.nudge(mentor=bob, learner=alice)
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_mentor_name_with_a_line_break_still_sends_the_nudge(mentoring, alice, bob, run_tasks):
    from accounts.models import User

    User.objects.filter(pk=bob.pk).update(display_name="Bob\r\nBcc: everyone@example.com")
    bob.refresh_from_db()
    services.nudge(mentor=bob, learner=alice)
    run_tasks()
    assert [m.subject for m in mail.outbox] == ["Bob Bcc: everyone@example.com is cheering you on at MLE Path"]
    assert mail.outbox[0].bcc == [] and mail.outbox[0].to == [alice.email]


def test_new_feedback_ignores_retired_topics(mentoring, alice, bob, topics):
    from mentoring.selectors import unseen_feedback

    services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Look again")
    assert len(unseen_feedback(alice)) == 1
    topics["a"].retired = True
    topics["a"].save()
    assert unseen_feedback(alice) == []
