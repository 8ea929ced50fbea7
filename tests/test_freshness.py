"""Every write shows at once on every page of every user it affects.

Each test first views the affected pages (so that anything a page could cache
is filled), makes the change through the URL a user would use, and views them
again. Nothing here bumps a version or clears a cache by hand."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from mentoring import services as mentoring_services
from mentoring.models import Invite
from tests.roadmap.conftest import ContentFiles, roadmap, topic

STATUS_URL = "/roadmaps/track/topics/{}/status/"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def signed_in(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def clients(client, alice, bob, mentoring):
    """alice (learner) and bob (her active mentor), each in a browser of their own."""
    from django.test import Client

    return signed_in(Client, alice), signed_in(Client, bob)


def test_a_tick_shows_on_the_learners_pages_and_the_mentors_at_once(clients, topics):
    learner, mentor = clients
    for url in ("/roadmaps/track/", "/dashboard/", "/topics/b/"):
        page(learner, url)
    page(mentor, "/mentoring/")
    page(mentor, "/mentoring/mentees/alice/roadmaps/track/")
    assert learner.post(STATUS_URL.format("b"), {"status": "done"}).status_code == 302
    assert 'id="done-b" checked' in page(learner, "/roadmaps/track/")
    assert "2 of 5 done" in page(learner, "/dashboard/")
    assert re.search(r'value="done"[^>]*aria-pressed="true"', page(learner, "/topics/b/"))
    assert 'value="40"' in page(mentor, "/mentoring/")
    assert "2 of 5 done" in page(mentor, "/mentoring/mentees/alice/roadmaps/track/")


def test_a_note_and_evidence_show_to_the_learner_and_a_mentor_who_may_see_them(clients, mentoring):
    learner, mentor = clients
    alice = User.objects.get(username="alice")
    mentorship = alice.mentorships_as_learner.get(mentor__username="bob", status="active")
    mentoring_services.set_note_sharing(mentorship=mentorship, by=alice, share=True)
    page(learner, "/topics/a/")
    page(mentor, "/mentoring/mentees/alice/topics/a/")
    learner.post("/topics/a/note/", {"note": "Fresh thoughts on alpha"})
    learner.post("/topics/a/evidence/", {"url": "https://example.com/fresh-notebook", "title": "Fresh notebook"})
    for html in (page(learner, "/topics/a/"), page(mentor, "/mentoring/mentees/alice/topics/a/")):
        assert "Fresh thoughts on alpha" in html and "Fresh notebook" in html


def test_feedback_and_a_review_show_to_the_learner_at_once(clients):
    learner, mentor = clients
    page(learner, "/topics/a/")
    page(learner, "/dashboard/")
    mentor.post("/mentoring/mentees/alice/topics/a/", {"body": "Nice work on alpha"})
    mentor.post("/mentoring/mentees/alice/topics/a/review/", {"reviewed": "1"})
    topic_page = page(learner, "/topics/a/")
    assert "Nice work on alpha" in topic_page and "Reviewed by bob" in topic_page
    assert "Nice work on alpha" in page(learner, "/dashboard/")
    learner.post("/topics/a/comments/", {"body": "Thanks, bob"})
    assert "Thanks, bob" in page(mentor, "/mentoring/mentees/alice/topics/a/")


def test_a_nudge_shows_on_the_mentors_cohort_at_once(clients, alice, run_tasks):
    from django.utils import timezone

    from progress.models import ProgressEvent

    learner, mentor = clients
    ProgressEvent.objects.filter(learner=alice).update(created_at=timezone.now() - timezone.timedelta(days=30))
    alice.mentorships_as_learner.update(created_at=timezone.now() - timezone.timedelta(days=30))
    assert 'aria-label="Nudge Alice Liddell"' in page(mentor, "/mentoring/")
    mentor.post("/mentoring/mentees/alice/nudge/")
    html = page(mentor, "/mentoring/")  # before the worker has sent it
    assert "Nudged today" in html and 'aria-label="Nudge Alice Liddell"' not in html
    run_tasks()
    assert len(mail.outbox) == 1
    html = page(mentor, "/mentoring/")
    assert "Nudged today" in html and 'aria-label="Nudge Alice Liddell"' not in html


def test_invites_and_the_start_and_end_of_a_mentorship_show_on_both_sides(client, alice, charlie, track):
    from django.test import Client

    learner, mentor = signed_in(Client, alice), signed_in(Client, charlie)
    assert "No open invite links." in page(mentor, "/mentoring/")
    mentor.post("/mentoring/invites/", {"kind": Invite.Kind.FROM_MENTOR, "expires_in": ""})
    invite = Invite.objects.get(created_by=charlie)
    assert invite.get_absolute_url() in page(mentor, "/mentoring/")
    page(learner, "/mentoring/")
    learner.post(invite.get_absolute_url())
    assert "charlie</strong> sees your statuses" in page(learner, "/mentoring/")
    assert "Alice Liddell</a>" in page(mentor, "/mentoring/")
    mentorship = alice.mentorships_as_learner.get(status="active")
    learner.post(f"/mentoring/mentorships/{mentorship.pk}/end/")
    assert "Nobody mentors you yet." in page(learner, "/mentoring/")
    assert "Alice Liddell</a>" not in page(mentor, "/mentoring/")
    assert mentor.get("/mentoring/mentees/alice/").status_code == 404
    mentor.post(f"/mentoring/invites/{invite.pk}/revoke/")
    assert invite.get_absolute_url() not in page(mentor, "/mentoring/")


def test_a_new_display_name_shows_on_ones_own_pages_and_the_mentors(clients, alice):
    learner, mentor = clients
    page(learner, "/dashboard/")
    page(mentor, "/mentoring/")
    page(mentor, "/mentoring/mentees/alice/")
    response = learner.post(
        "/accounts/", {"display_name": "Alice P. Liddell", "email": alice.email, "time_zone": "UTC"}
    )
    assert response.status_code == 302
    assert "Welcome, Alice P. Liddell" in page(learner, "/dashboard/")
    assert "Alice P. Liddell</a>" in page(mentor, "/mentoring/")
    assert "Alice P. Liddell's progress" in page(mentor, "/mentoring/mentees/alice/")


def test_a_deleted_mentors_comment_leaves_the_learners_pages_at_once(clients, bob, password):
    learner, mentor = clients
    mentor.post("/mentoring/mentees/alice/topics/a/", {"body": "Feedback from a mentor who leaves"})
    assert "Feedback from a mentor who leaves" in page(learner, "/topics/a/")
    assert "Feedback from a mentor who leaves" in page(learner, "/dashboard/")
    response = mentor.post("/accounts/delete/", {"password": password})
    assert response.status_code == 302 and not User.objects.filter(username="bob").exists()
    assert "Feedback from a mentor who leaves" not in page(learner, "/topics/a/")
    assert "Feedback from a mentor who leaves" not in page(learner, "/dashboard/")


def test_a_content_load_shows_on_every_learners_pages_at_once(clients, tmp_path, topics):
    learner, mentor = clients
    for url in ("/roadmaps/track/", "/topics/a/", "/dashboard/"):
        page(learner, url)
    page(mentor, "/mentoring/mentees/alice/roadmaps/track/")
    files = ContentFiles(tmp_path / "content")
    renamed = [
        topic("a", title="Alpha, rewritten", hours=2),
        topic("b", title="Beta", hours=3, prerequisites=["a"]),
        topic("c", title="Gamma", hours=5, prerequisites=["b"]),
        topic("d", title="Delta", hours=7, prerequisites=["c"]),
        topic("e", title="Epsilon", hours=11),
        topic("f", title="Zeta, new", hours=1),
    ]
    roadmaps = [roadmap("track", [("basics", ["a", "b", "c"]), ("advanced", ["d", "e", "f"])], title="Track")]
    call_command("loadroadmap", directory=files.write(renamed, roadmaps), stdout=StringIO())
    html = page(learner, "/roadmaps/track/")
    assert "Alpha, rewritten" in html and "Zeta, new" in html
    assert "Alpha, rewritten" in page(learner, "/topics/a/")
    assert "1 of 6 done" in page(learner, "/dashboard/")
    assert "Zeta, new" in page(mentor, "/mentoring/mentees/alice/roadmaps/track/")


def test_a_review_shows_on_the_learners_pages_and_a_mentor_who_sees_dates_at_once(clients, alice):
    """Issue #29: marking, answering and leaving a review; a mentor's suggestion."""
    import datetime as dt

    from mentoring.models import Mentorship
    from progress.models import Review

    learner, mentor = clients
    Mentorship.objects.filter(mentor__username="bob", learner=alice).update(share_dates=True)
    pages = {
        learner: ("/roadmaps/track/", "/roadmaps/track/map/", "/dashboard/", "/topics/a/"),
        mentor: ("/mentoring/mentees/alice/", "/mentoring/mentees/alice/topics/a/"),
    }
    for client, urls in pages.items():
        for url in urls:
            page(client, url)
    assert mentor.post("/mentoring/mentees/alice/topics/a/suggest-review/").status_code == 302
    assert "Next review:" in page(learner, "/topics/a/")
    assert "Next: Alpha" in page(learner, "/dashboard/")
    assert "Under spaced review: next on" in page(mentor, "/mentoring/mentees/alice/topics/a/")
    Review.objects.filter(learner=alice).update(due_on=dt.date(2026, 1, 1))  # due since then: as days pass
    assert "↻ </span>Due for review" in page(learner, "/roadmaps/track/")
    assert "↻ Due for review" in page(learner, "/roadmaps/track/map/")
    assert "Alpha</a>" in page(mentor, "/mentoring/mentees/alice/").split('id="reviews-title"')[1]

    assert learner.post("/topics/a/review/", {"action": "hard", "was_due": "2026-01-01"}).status_code == 302
    assert "Due for review" not in page(learner, "/roadmaps/track/").split('id="b"')[0].split('id="a"')[1]
    assert "Nothing due today." in page(learner, "/dashboard/")
    assert "reviewed once so far" in page(mentor, "/mentoring/mentees/alice/topics/a/")

    assert learner.post("/topics/a/review/", {"action": "leave"}).status_code == 302
    assert 'id="reviews-title"' not in page(learner, "/dashboard/")
    assert 'id="reviews-title"' not in page(mentor, "/mentoring/mentees/alice/")
    assert "Mark for review" in page(learner, "/topics/a/")


def test_logged_time_shows_on_the_learners_pages_and_a_mentor_who_sees_dates_at_once(clients, alice, track):
    """Issue #29: logging, changing and deleting time; the pace's basis and the chart."""
    from mentoring.models import Mentorship
    from progress import services
    from progress.models import TimeEntry

    learner, mentor = clients
    Mentorship.objects.filter(mentor__username="bob", learner=alice).update(share_dates=True)
    services.set_pace(learner=alice, roadmap=track, today=services.learner_today(alice), hours_per_week=5)
    for client, urls in {
        learner: ("/dashboard/", "/topics/a/", "/roadmaps/track/history/"),
        mentor: ("/mentoring/mentees/alice/",),
    }.items():
        for url in urls:
            page(client, url)
    assert learner.post("/topics/a/time/", {"minutes": "90"}).status_code == 302
    assert "1 hour 30 minutes logged" in page(learner, "/topics/a/")
    assert "This week (from Monday): <strong>1 hour 30 minutes</strong>" in page(learner, "/dashboard/")
    assert "Time logged on" in page(learner, "/roadmaps/track/history/")
    assert "1.5 h logged" in page(mentor, "/mentoring/mentees/alice/")
    entry = TimeEntry.objects.get()
    learner.post(f"/topics/a/time/{entry.pk}/", {f"entry-{entry.pk}-minutes": "30"})
    assert "0.5 h logged" in page(learner, "/dashboard/")
    assert "0.5 h logged" in page(mentor, "/mentoring/mentees/alice/")
    learner.post(f"/topics/a/time/{entry.pk}/", {"action": "delete"})
    assert "h logged of the estimate" not in page(learner, "/dashboard/")
    assert "h logged of the estimate" not in page(mentor, "/mentoring/mentees/alice/")
    assert "0 minutes logged" in page(learner, "/topics/a/")
