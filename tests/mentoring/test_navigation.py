"""The navigation's plain-SQL read (mentoring.navigation, issue #24) counts
exactly what the ORM's definition counts, on both databases: a learner's unread
comments from others on live topics and projects, whether they mentor anyone,
whether someone mentors them, and whether they have a comment or review anywhere."""

from django.db.models import F
from django.utils import timezone

from mentoring import services
from mentoring.models import Comment, Mentorship, PaceSuggestion, ProjectComment, Review, TrackOffer
from mentoring.navigation import navigation_of
from roadmap.models import Project, Topic
from tests.mentoring.test_projects import pipeline, submitted  # noqa: F401 (fixtures)


def by_the_orm(user) -> tuple[int, bool, bool, bool, bool, bool]:
    unread = (
        Comment.objects.filter(learner=user, seen_at__isnull=True, topic__retired=False).exclude(author=user).count()
        + ProjectComment.objects.filter(work__learner=user, seen_at__isnull=True, work__project__retired=False)
        .exclude(author=user)
        .count()
    )
    active = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
    return (
        unread,
        active.filter(mentor=user).exists(),
        active.filter(learner=user).exists(),
        Comment.objects.filter(learner=user).exists() or Review.objects.filter(learner=user).exists(),
        PaceSuggestion.objects.filter(
            mentorship__learner=user, mentorship__status=Mentorship.Status.ACTIVE, status=PaceSuggestion.Status.PENDING
        ).exists(),
        TrackOffer.objects.filter(
            learner=user,
            status=TrackOffer.Status.PENDING,
            roadmap__published=True,
            learner__mentorships_as_learner__mentor=F("mentor"),
            learner__mentorships_as_learner__status=Mentorship.Status.ACTIVE,
        ).exists(),
    )


def test_the_statement_counts_what_the_orm_counts(alice, bob, charlie, topics, submitted):  # noqa: F811
    def agree():
        for user in (alice, bob, charlie):
            assert navigation_of(user.pk) == by_the_orm(user), user.username
        return navigation_of(alice.pk)[:2]

    assert agree() == (0, False) and navigation_of(bob.pk).mentoring is True
    services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Nice")
    services.add_comment(author=bob, learner=alice, topic=topics["b"], body="And this")
    services.add_comment(author=alice, learner=alice, topic=topics["a"], body="Thanks")  # her own: not counted
    services.add_project_comment(author=bob, work=submitted, body="Looks good")
    assert agree() == (3, False)
    Comment.objects.filter(topic=topics["b"]).update(seen_at=timezone.now())  # seen
    assert agree() == (2, False)
    Topic.objects.filter(pk=topics["a"].pk).update(retired=True)  # a retired topic's thread is not counted
    assert agree() == (1, False)
    Project.objects.update(retired=True)
    assert agree() == (0, False)
    # A cohort track offered waits for her answer; answered, it waits no more.
    from mentoring import tracks

    made = tracks.create_track(author=bob, title="Team", introduction="Intro.")
    tracks.offer_track(track=made, by=bob, learners=[alice])
    assert agree() == (0, False) and navigation_of(alice.pk).has_track_offers is True
    Mentorship.objects.filter(mentor=bob, learner=alice).update(status=Mentorship.Status.ENDED, ended_at=timezone.now())
    assert agree() == (0, False) and navigation_of(alice.pk).has_track_offers is False  # bob mentors her no more
    Mentorship.objects.filter(mentor=bob, learner=alice).update(status=Mentorship.Status.ACTIVE, ended_at=None)
    assert navigation_of(alice.pk).has_track_offers is True
    tracks.answer_offer(offer=TrackOffer.objects.get(), learner=alice, accept=False)
    assert agree() == (0, False) and navigation_of(alice.pk).has_track_offers is False


def test_a_learner_without_feedback_reads_no_thread_on_their_topic_page(client, bob, charlie, topics, track):
    """Day one: no mentor, no comment, no review; the topic page reads neither its
    thread nor its reviews (the navigation's statement said so). A mentor, then
    a comment, then the mentorship's end: each is seen at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(charlie)
    assert navigation_of(charlie.pk) == (0, False, False, False, False, False)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/topics/a/").text
    assert not any(q["sql"].startswith(('SELECT "mentoring_comment"', 'SELECT "mentoring_review"')) for q in queries)
    assert "Post comment" not in html

    mentorship = Mentorship.objects.create(mentor=bob, learner=charlie)
    assert navigation_of(charlie.pk) == by_the_orm(charlie) == (0, False, True, False, False, False)
    assert "Post comment" in client.get("/topics/a/").text
    services.add_comment(author=bob, learner=charlie, topic=topics["a"], body="Start with the notebook")
    assert navigation_of(charlie.pk) == by_the_orm(charlie) == (1, False, True, True, False, False)
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.ENDED, ended_at=timezone.now())
    assert navigation_of(charlie.pk) == by_the_orm(charlie) == (1, False, False, True, False, False)
    assert "Start with the notebook" in client.get("/topics/a/").text  # the thread stays hers


def test_the_dashboard_reads_suggested_dates_only_when_one_waits(client, alice, bob, mentoring, track):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)

    def suggestions_read():
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/dashboard/").text
        return any(q["sql"].startswith('SELECT "mentoring_pacesuggestion"') for q in queries), html

    assert suggestions_read()[0] is False
    today = timezone.localdate()
    services.suggest_target_date(
        mentor=bob, learner=alice, roadmap=track, target_date=today.replace(year=2030), today=today
    )
    assert navigation_of(alice.pk).has_suggestions is True
    read, html = suggestions_read()
    assert read and "2030" in html
