"""Weekly digests (#16, item 4): opt-in, due on Monday 08:00 where the recipient
lives, sent once a week through the tasks framework's worker, with a signed
one-click unsubscribe link that works without signing in and cannot be forged."""

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mentoring import digests
from mentoring import services as mentoring_services
from mentoring.models import DigestSent, Mentorship
from progress import services as progress_services
from progress.models import ProgressEvent

MONDAY_9_TOKYO = dt.datetime(2026, 11, 30, 0, tzinfo=dt.UTC)  # 09:00 in Tokyo, Sunday 16:00 in Los Angeles


@pytest.fixture
def subscribed(alice, bob, topics, track, mentoring):
    """alice (Tokyo) takes the weekly digest and has a pace; bob (Tokyo) mentors her and takes the mentor digest."""
    for user, field in ((alice, "learner_digest"), (bob, "mentor_digest")):
        user.time_zone = "Asia/Tokyo"
        setattr(user, field, True)
        user.save()
    progress_services.set_pace(learner=alice, roadmap=track, today=dt.date(2026, 11, 30), hours_per_week=8)
    return alice, bob


def test_digests_are_sent_once_a_week_through_the_worker(subscribed, run_tasks, topics):
    alice, bob = subscribed
    mentoring_services.add_comment(author=bob, learner=alice, topic=topics["b"], body="Try the exercises")

    assert digests.enqueue_due(now=MONDAY_9_TOKYO) == 2
    assert run_tasks() == 2
    assert digests.enqueue_due(now=MONDAY_9_TOKYO + dt.timedelta(hours=5)) == 0  # the same week
    assert run_tasks() == 0

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2
    learner = by_recipient[alice.email]
    assert learner.subject == "Your week at MLE Path"
    assert "This week on Track (8 h a week" in learner.body
    assert "  - Beta (3 h)\n  - Gamma (5 h)\n" in learner.body  # a is done; b and c fill the 8 hours
    assert "bob on Beta" in learner.body  # new feedback, by its author's name
    assert "Try the exercises" not in learner.body
    assert "alice-private-note" not in learner.body
    mentor = by_recipient[bob.email]
    assert mentor.subject == "Your mentees this week at MLE Path"
    for message in (learner, mentor):
        link = re.search(r"^(http://127\.0\.0\.1:8000/mentoring/digests/unsubscribe/\S+/)$", message.body, re.M)
        assert link and message.extra_headers["List-Unsubscribe"] == f"<{link.group(1)}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert DigestSent.objects.count() == 2

    # The next week, again once.
    assert digests.enqueue_due(now=MONDAY_9_TOKYO + dt.timedelta(days=7)) == 2


def test_a_digest_waits_for_monday_8_oclock_where_the_recipient_lives(subscribed, alice, bob):
    alice.time_zone = "America/Los_Angeles"  # still Sunday there
    alice.save()
    # bob's of the week beginning on Monday 30 in Tokyo; alice's of the week still running
    # in Los Angeles (from Monday 23), which nothing had sent yet.
    assert digests.enqueue_due(now=MONDAY_9_TOKYO) == 2
    assert list(DigestSent.objects.filter(user=alice).values_list("week", flat=True)) == [dt.date(2026, 11, 23)]
    # Monday 08:00 in Los Angeles, in winter time (UTC-8), is 16:00 UTC.
    assert digests.enqueue_due(now=dt.datetime(2026, 11, 30, 15, 59, tzinfo=dt.UTC)) == 0
    assert digests.enqueue_due(now=dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)) == 1
    assert DigestSent.objects.filter(user=alice).latest("week").week == dt.date(2026, 11, 30)


def test_no_digest_without_opting_in_and_no_mentor_digest_without_mentees(alice, bob, charlie, mentoring):
    charlie.mentor_digest = True  # mentors nobody
    charlie.save()
    assert digests.enqueue_due(now=MONDAY_9_TOKYO + dt.timedelta(hours=12)) == 0


def test_the_mentor_digest_names_news_and_who_is_behind_within_what_is_shared(subscribed, run_tasks, track):
    alice, bob = subscribed
    Mentorship.objects.filter(mentor=bob).update(mentor_seen_at=timezone.now() - dt.timedelta(days=30))
    ProgressEvent.objects.filter(learner=alice).update(created_at=timezone.now() - dt.timedelta(days=15))
    alice.learner_digest = False
    alice.save()
    digests.enqueue_due(now=MONDAY_9_TOKYO)
    run_tasks()
    body = mail.outbox[-1].body
    assert "Alice Liddell: 1 evidence link; 1 topic done; stalled, no activity for two weeks;" in body
    assert "Behind their own pace:\n  - Alice Liddell, Track:" in body

    Mentorship.objects.filter(mentor=bob).update(share_dates=False, share_evidence=False)
    digests.enqueue_due(now=MONDAY_9_TOKYO + dt.timedelta(days=7))
    run_tasks()
    body = mail.outbox[-1].body
    assert "Alice Liddell" not in body and "Nothing new since you last looked." in body


def test_the_unsubscribe_link_asks_on_get_and_stops_on_post_without_signing_in(subscribed):
    alice, _ = subscribed
    url = f"/mentoring/digests/unsubscribe/{digests.unsubscribe_token(alice, 'learner')}/"
    client = Client(enforce_csrf_checks=True)

    page = client.get(url)
    assert page.status_code == 200 and "Stop the weekly digest?" in page.content.decode()
    alice.refresh_from_db()
    assert alice.learner_digest  # a GET (a link preview) changes nothing

    done = client.post(url, {"List-Unsubscribe": "One-Click"})  # as a mail client sends it: no CSRF token
    assert done.status_code == 200 and "You will get no more weekly digest mail." in done.content.decode()
    alice.refresh_from_db()
    assert not alice.learner_digest
    assert "Already unsubscribed" in client.get(url).content.decode()


def test_a_forged_or_other_kinds_link_does_nothing(subscribed):
    alice, bob = subscribed
    token = digests.unsubscribe_token(alice, "learner")
    client = Client()
    other_purpose = signing.dumps({"u": alice.pk, "k": "learner"}, salt="another-purpose")
    for forged in (token[:-2] + "xx", "not-a-token", other_purpose):
        response = client.post(f"/mentoring/digests/unsubscribe/{forged}/")
        assert response.status_code == 400 and "This link does not work" in response.content.decode()
    client.post(f"/mentoring/digests/unsubscribe/{digests.unsubscribe_token(alice, 'mentor')}/")
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.learner_digest and bob.mentor_digest  # alice's mentor-digest link touches nothing else


def test_an_unsubscribe_after_queueing_sends_nothing(subscribed, run_tasks):
    alice, bob = subscribed
    digests.enqueue_due(now=MONDAY_9_TOKYO)
    Client().post(f"/mentoring/digests/unsubscribe/{digests.unsubscribe_token(alice, 'learner')}/")
    run_tasks()
    assert [message.to[0] for message in mail.outbox] == [bob.email]


def test_the_command_queues_and_reports(subscribed, run_tasks):
    from io import StringIO

    out = StringIO()
    call_command("send_digests", stdout=out)
    assert re.fullmatch(r"Queued [0-2] digests?\.\n", out.getvalue())


def test_digests_are_opt_in_on_the_account_page(alice_client, alice):
    html = alice_client.get("/accounts/").content.decode()
    assert 'name="learner_digest"' in html and 'name="mentor_digest"' in html
    data = {"display_name": "", "email": alice.email, "time_zone": "Europe/Berlin", "learner_digest": "on"}
    assert alice_client.post("/accounts/", data).status_code == 302
    alice.refresh_from_db()
    assert alice.learner_digest and not alice.mentor_digest
