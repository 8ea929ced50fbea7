"""What changed since a mentor last looked (#16, item 5): the navigation's count
and the list on /mentoring/, within what each learner shares, and marking it seen."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from mentoring import services
from mentoring.models import Invite, Mentorship
from progress import services as progress_services
from progress.models import Evidence, ProgressEvent

BADGE = '<span class="nav-badge">1<span class="visually-hidden"> mentee with news since you last looked</span>'


@pytest.fixture
def looked_yesterday(mentoring):
    """bob mentors alice (the `mentoring` fixture: she ticked a, noted it, added evidence) and last looked a day ago."""
    Mentorship.objects.filter(status="active").update(mentor_seen_at=timezone.now() - dt.timedelta(days=1))
    # Her tick and her evidence are old news.
    ProgressEvent.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    Evidence.objects.update(created_at=timezone.now() - dt.timedelta(days=2))


def mentor_page(client, user):
    client.force_login(user)
    return client.get("/mentoring/").content.decode()


def updates_section(html):
    return html[html.index('id="updates"') : html.index('id="mentees"')] if 'id="updates"' in html else ""


def test_a_reply_evidence_and_done_topics_are_news_with_their_titles(
    client, alice, bob, topics, track, looked_yesterday
):
    services.add_comment(author=alice, learner=alice, topic=topics["a"], body="Here is how I did it")
    progress_services.add_evidence(learner=alice, topic=topics["b"], url="https://example.com/b-notebook")
    progress_services.set_status(learner=alice, topic=topics["b"], status="done", roadmap=track)

    html = mentor_page(client, bob)

    assert BADGE in html
    section = updates_section(html)
    assert "Alice Liddell" in section
    assert "1 reply" in section and "1 evidence link" in section and "1 topic done (Beta)" in section
    assert "Here is how I did it" not in section  # the list says what changed; the thread shows it


def test_many_done_topics_name_the_latest_three_and_count_the_rest(client, alice, bob, topics, track, looked_yesterday):
    for slug in ("b", "c", "d", "e"):  # a was done before the mentor looked
        progress_services.set_status(learner=alice, topic=topics[slug], status="done", roadmap=track)
    section = updates_section(mentor_page(client, bob))
    assert "4 topics done (Gamma, Delta, Epsilon and 1 more)" in section


def test_the_mentors_own_comments_and_old_activity_are_not_news(client, alice, bob, topics, looked_yesterday):
    services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Well done")
    html = mentor_page(client, bob)
    assert 'id="updates"' not in html and "nav-badge" not in html


def test_what_the_learner_does_not_share_is_not_news(client, alice, bob, topics, track, looked_yesterday):
    Mentorship.objects.filter(mentor=bob).update(share_evidence=False, share_dates=False)
    progress_services.add_evidence(learner=alice, topic=topics["b"], url="https://example.com/private")
    progress_services.set_status(learner=alice, topic=topics["b"], status="done", roadmap=track)
    html = mentor_page(client, bob)
    assert 'id="updates"' not in html and "nav-badge" not in html

    Mentorship.objects.filter(mentor=bob).update(share_dates=True)
    assert "1 topic done (Beta)" in updates_section(mentor_page(client, bob))
    assert "evidence" not in updates_section(mentor_page(client, bob))


def test_a_stall_is_news_once_when_it_began_after_the_last_look(client, alice, bob, looked_yesterday):
    now = timezone.now()
    ProgressEvent.objects.filter(learner=alice).update(created_at=now - dt.timedelta(days=14, hours=12))
    html = mentor_page(client, bob)
    assert "<strong>stalled</strong>: no activity for two weeks" in updates_section(html) and BADGE in html

    # It stalled before the mentor last looked: they saw it then.
    ProgressEvent.objects.filter(learner=alice).update(created_at=now - dt.timedelta(days=20))
    assert 'id="updates"' not in mentor_page(client, bob)


def test_marking_seen_is_a_post_per_mentee_or_for_all(client, alice, bob, charlie, topics, track, looked_yesterday):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    services.accept_invite(invite=invite, user=charlie)
    Mentorship.objects.filter(learner=charlie).update(mentor_seen_at=timezone.now() - dt.timedelta(days=1))
    for learner in (alice, charlie):
        services.add_comment(author=learner, learner=learner, topic=topics["a"], body="A question")
    client.force_login(bob)
    assert client.get("/mentoring/updates/seen/").status_code == 405

    response = client.post("/mentoring/updates/seen/", {"username": "alice"})
    assert response.status_code == 302 and response.url == "/mentoring/#mentees"
    section = updates_section(client.get("/mentoring/").content.decode())
    assert "charlie" in section and "Alice Liddell" not in section

    client.post("/mentoring/updates/seen/")
    html = client.get("/mentoring/").content.decode()
    assert 'id="updates"' not in html and "nav-badge" not in html


def test_nobody_marks_another_mentors_mentees_seen(alice, bob, dave, topics, looked_yesterday):
    services.add_comment(author=alice, learner=alice, topic=topics["a"], body="A question")
    stranger = Client()
    stranger.force_login(dave)  # mentored alice once; the mentorship ended
    assert stranger.post("/mentoring/updates/seen/", {"username": "alice"}).status_code == 404
    assert stranger.post("/mentoring/updates/seen/", {"username": "x" * 5000}).status_code == 404
    assert stranger.post("/mentoring/updates/seen/", {"username": "ali\x00ce"}).status_code == 404
    assert Mentorship.objects.get(mentor=bob, status="active").mentor_seen_at < timezone.now() - dt.timedelta(hours=23)
    assert Client().post("/mentoring/updates/seen/").status_code == 302  # to sign in


def test_the_navigation_counts_news_only_for_mentors(alice, bob, charlie, topics, looked_yesterday):
    """One query reads a learner's unread count and whether they mentor anyone;
    only a mentor's page pays the second, the count of mentees with news."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.add_comment(author=alice, learner=alice, topic=topics["a"], body="A question")
    services.add_comment(author=bob, learner=bob, topic=topics["a"], body="bob learns too")  # bob is no one's mentee

    def navigation_queries(user):
        client = Client()
        client.force_login(user)
        client.get("/accounts/")
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/accounts/").content.decode()
        return html, [q["sql"] for q in captured if "seen_at" in q["sql"]]

    html, navigation = navigation_queries(bob)
    assert BADGE in html
    assert len(navigation) == 2 and "mentor_seen_at" in navigation[1]
    html, navigation = navigation_queries(charlie)  # mentors no one
    assert BADGE not in html
    assert len(navigation) == 1 and "mentor_seen_at" not in navigation[0]


def test_a_mentee_who_never_started_is_news_two_weeks_after_joining(client, bob, charlie, looked_yesterday):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    services.accept_invite(invite=invite, user=charlie)
    now = timezone.now()
    Mentorship.objects.filter(learner=charlie).update(
        created_at=now - dt.timedelta(days=14, hours=6), mentor_seen_at=now - dt.timedelta(days=1)
    )
    section = updates_section(mentor_page(client, bob))
    assert "charlie" in section and "<strong>stalled</strong>" in section


def test_a_mentor_sees_the_mentees_pace_only_with_dates_shared(client, alice, bob, track, looked_yesterday):
    from progress.services import set_pace

    set_pace(learner=alice, roadmap=track, today=timezone.localdate(), hours_per_week=5)
    client.force_login(bob)
    html = client.get("/mentoring/mentees/alice/").content.decode()
    assert '<div class="pace" id="pace-track">' in html and "5 h a week" in html
    assert "Save pace" not in html  # the learner's to set, not the mentor's

    Mentorship.objects.filter(mentor=bob).update(share_dates=False)
    assert 'class="pace"' not in client.get("/mentoring/mentees/alice/").content.decode()


def test_the_cohort_shows_each_mentees_pace_when_dates_are_shared(client, alice, bob, topics, track, mentoring):
    from progress.services import set_pace

    # alice: a (2 h) done just now (the `mentoring` fixture); 26 h left at 4 h a week: 46 days.
    follow = set_pace(learner=alice, roadmap=track, today=timezone.localdate(), hours_per_week=4)
    client.force_login(bob)
    html = client.get("/mentoring/").content.decode()
    # Her first day: no verdict, the plan only (issue #25).
    assert f"Pace: 4 h a week to {follow.target_date:%-d %b %Y}: too early to judge" in html
    assert "behind by" not in html
    ProgressEvent.objects.create(  # her first topic, five weeks ago
        learner=alice,
        topic=topics["e"],
        from_status="not_started",
        to_status="in_progress",
        created_at=timezone.now() - dt.timedelta(weeks=5),
    )
    html = client.get("/mentoring/").content.decode()
    # Her pace of the last 4 weeks is 0.5 h a week: 364 days for 26 h, far behind.
    assert f"Pace: 4 h a week to {follow.target_date:%-d %b %Y}: behind by 46 weeks" in html

    Mentorship.objects.filter(mentor=bob).update(share_dates=False)
    assert "Pace:" not in client.get("/mentoring/").content.decode()


def news_by_the_orm(mentor, now):
    """The rule as the ORM said it before mentoring.news (#24): the oracle its one statement is held to."""
    from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, When
    from django.db.models.functions import Coalesce

    from mentoring.models import Comment
    from progress.activity import ACTIVITY_REASONS

    def count(queryset, field):
        return Coalesce(Subquery(queryset.values(field).annotate(n=Count("pk")).values("n")[:1]), 0)

    learner, seen = OuterRef("learner_id"), OuterRef("mentor_seen_at")
    events = ProgressEvent.objects.filter(learner_id=learner)
    stalled_after = dt.timedelta(days=14)
    rows = Mentorship.objects.filter(mentor=mentor, status="active").annotate(
        replies=count(
            Comment.objects.filter(learner_id=learner, author_id=learner, created_at__gt=seen, topic__retired=False),
            "learner_id",
        ),
        evidence=Case(
            When(
                share_evidence=True,
                then=count(
                    Evidence.objects.filter(progress__learner_id=learner, created_at__gt=seen), "progress__learner_id"
                ),
            ),
            default=0,
        ),
        done=Case(
            When(
                share_dates=True,
                then=count(
                    events.filter(to_status="done", reason__in=ACTIVITY_REASONS, created_at__gt=seen), "learner_id"
                ),
            ),
            default=0,
        ),
        stalled=ExpressionWrapper(
            Q(share_dates=True)
            & (
                (Exists(events) & ~Exists(events.filter(created_at__gt=now - stalled_after)))
                | (~Exists(events) & Q(created_at__lte=now - stalled_after))
            )
            & (
                Exists(events.filter(created_at__gt=seen - stalled_after))
                | (~Exists(events) & Q(created_at__gt=F("mentor_seen_at") - stalled_after))
            ),
            BooleanField(),
        ),
    )
    return sorted(
        (row.learner.username, row.replies, row.evidence, row.done, row.stalled)
        for row in rows
        if row.replies or row.evidence or row.done or row.stalled
    )


@pytest.mark.parametrize("quiet_days", [0, 13.9, 14.1, 20, None])
@pytest.mark.parametrize("seen_days_ago", [0.5, 5, 30])
@pytest.mark.parametrize("shares", [(True, True), (False, True), (True, False)])
def test_the_news_statement_says_what_the_orm_said(
    alice, bob, topics, track, looked_yesterday, quiet_days, seen_days_ago, shares
):
    from mentoring.news import news_for

    now = timezone.now()
    dates, evidence = shares
    Mentorship.objects.filter(mentor=bob).update(
        share_dates=dates, share_evidence=evidence, mentor_seen_at=now - dt.timedelta(days=seen_days_ago)
    )
    services.add_comment(author=alice, learner=alice, topic=topics["a"], body="A reply")
    progress_services.set_status(learner=alice, topic=topics["b"], status="done", roadmap=track)
    if quiet_days is None:  # never active: quiet since the mentorship began
        ProgressEvent.objects.filter(learner=alice).delete()
        Mentorship.objects.filter(mentor=bob).update(created_at=now - dt.timedelta(days=15))
    else:
        ProgressEvent.objects.filter(learner=alice).update(created_at=now - dt.timedelta(days=quiet_days))
    from mentoring.models import Comment

    Comment.objects.update(created_at=now - dt.timedelta(days=1))
    mine = sorted((n.username, n.replies, n.evidence, n.done, n.stalled) for n in news_for(bob.pk, now=now))
    assert mine == news_by_the_orm(bob, now)
