"""Mail is written in its recipient's language (#27): in one run of the worker,
a learner who reads Japanese gets her digest and nudge in Japanese, and the
English readers theirs in English, each with the dates of their own language."""

import datetime as dt

from django.core import mail
from django.utils import translation

from mentoring import digests
from mentoring import services as mentoring_services
from mentoring.models import Invite
from progress import services as progress_services

MONDAY_9_TOKYO = dt.datetime(2026, 11, 30, 0, tzinfo=dt.UTC)


def test_a_digest_and_a_nudge_go_out_in_each_recipients_language(mentoring, alice, bob, charlie, track, run_tasks):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=charlie)
    alice.language, alice.time_zone, alice.learner_digest = "ja", "Asia/Tokyo", True
    alice.save()
    bob.time_zone, bob.mentor_digest = "Asia/Tokyo", True  # bob has no language: English
    bob.save()
    progress_services.set_pace(learner=alice, roadmap=track, today=dt.date(2026, 11, 30), hours_per_week=8)
    mail.outbox.clear()

    assert digests.enqueue_due(now=MONDAY_9_TOKYO) == 2
    mentoring_services.nudge(mentor=bob, learner=alice)
    mentoring_services.nudge(mentor=bob, learner=charlie)
    assert run_tasks() == 4  # one worker run: two digests, two nudges

    sent = {(message.to[0], message.subject) for message in mail.outbox}
    japanese = {"MLE Pathでの今週のまとめ", "bobさんがMLE Pathであなたを応援しています"}
    assert {subject for to, subject in sent if to == alice.email} == japanese
    assert {subject for to, subject in sent if to == bob.email} == {"Your mentees this week at MLE Path"}
    assert {subject for to, subject in sent if to == charlie.email} == {"bob is cheering you on at MLE Path"}
    alices = [message for message in mail.outbox if message.to == [alice.email]]
    for message in alices:
        assert any("\u3040" <= ch <= "\u30ff" for ch in message.body)  # kana: written in Japanese
        assert "Hello" not in message.body and "Your dashboard" not in message.body
    digest = next(message for message in alices if message.subject == "MLE Pathでの今週のまとめ")
    assert "週8時間" in digest.body  # the plan, in Japanese words
    assert translation.get_language() == "en"  # the worker left no language active behind it
