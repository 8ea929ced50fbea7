"""The learner decides, mentor by mentor, what a mentor sees besides statuses:
dates, evidence and notes (issue #14, 7). A mentor never sees what is kept
private, on any page or fragment they can reach."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring import services
from mentoring.models import Invite, Mentorship
from mentoring.selectors import mentee_dashboard
from progress.models import Progress, ProgressEvent

# alice's topic "a", with dates nobody could guess (mentoring fixture: done, noted, evidenced).
STARTED, COMPLETED = dt.datetime(2025, 2, 3, 10, tzinfo=dt.UTC), dt.datetime(2025, 2, 5, 10, tzinfo=dt.UTC)
DATES = ("3 Feb 2025", "5 Feb 2025", "Feb. 3, 2025", "2025-02-0")
EVIDENCE = "https://example.com/alice-evidence"
NOTE = "alice-private-note"
# Everything a mentor could see of alice, by page; cohort rows and roadmap rows are cached fragments.
MENTOR_PAGES = (
    "/mentoring/",
    "/mentoring/mentees/alice/",
    "/mentoring/mentees/alice/roadmaps/track/",
    "/mentoring/mentees/alice/topics/a/",
)


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def alice_card(html):
    return re.search(
        r'<li class="cohort-card[^"]*">\s*<h3 class="cohort-name"><a [^>]*>Alice Liddell</a>.*?</li>', html, re.S
    ).group(0)


@pytest.fixture
def dated(mentoring, alice):
    Progress.objects.filter(learner=alice, topic__slug="a").update(started_at=STARTED, completed_at=COMPLETED)
    return Mentorship.objects.get(mentor__username="bob", learner=alice, status="active")


def pages(client):
    """Every mentor page of alice, after a comment with errors re-renders the topic page (400)."""
    html = {url: client.get(url).content.decode() for url in MENTOR_PAGES}
    response = client.post("/mentoring/mentees/alice/topics/a/", {"body": ""})
    assert response.status_code == 400
    html["topic page, re-rendered"] = response.content.decode()
    html["htmx cohort"] = client.get("/mentoring/?sort=activity", HTTP_HX_REQUEST="true").content.decode()
    return html


def test_new_mentorships_share_statuses_dates_and_evidence_but_not_notes(alice, bob):
    mentorship = services.accept_invite(invite=services.create_invite(created_by=bob, kind="mentor"), user=alice)
    assert (mentorship.share_dates, mentorship.share_evidence, mentorship.share_notes) == (True, True, False)
    assert mentorship.shared == ["statuses", "dates", "evidence"] and mentorship.private == ["notes"]


@pytest.mark.django_db(transaction=True)
def test_existing_mentorships_keep_sharing_dates_and_evidence_after_the_migration(alice, bob):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("mentoring", "0002_invite_single_use")])
    old = executor.loader.project_state([("mentoring", "0002_invite_single_use")]).apps
    old.get_model("mentoring", "Mentorship").objects.create(
        mentor_id=bob.pk, learner_id=alice.pk, share_notes=True, created_at=timezone.now()
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("mentoring"))
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice)
    assert (mentorship.share_dates, mentorship.share_evidence, mentorship.share_notes) == (True, True, True)


def test_only_the_learner_decides_what_a_mentor_sees(mentoring, alice, bob, charlie):
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    for someone in (bob, charlie):
        with pytest.raises(services.MentoringError, match="Only the learner"):
            services.set_sharing(mentorship=mentorship, by=someone, dates=False)
    services.set_sharing(mentorship=mentorship, by=alice, dates=False, notes=True)
    mentorship.refresh_from_db()
    assert (mentorship.share_dates, mentorship.share_evidence, mentorship.share_notes) == (False, True, True)
    services.set_sharing(mentorship=mentorship, by=alice, evidence=False)  # the others as they are
    mentorship.refresh_from_db()
    assert (mentorship.share_dates, mentorship.share_evidence, mentorship.share_notes) == (False, False, True)


def test_the_mentoring_page_says_plainly_what_each_mentor_sees(mentoring, alice, bob):
    html = client_for(alice).get("/mentoring/").content.decode()
    assert (
        '<strong>bob</strong> sees your statuses · dates · evidence. <span class="sees-private">Private: notes.</span>'
        in html
    )
    form = re.search(r'<form method="post" action="/mentoring/mentorships/\d+/sharing/".*?</form>', html, re.S).group(0)
    assert re.search(r'name="share_dates" value="1" checked>', form)
    assert re.search(r'name="share_evidence" value="1" checked>', form)
    assert re.search(r'name="share_notes" value="1">', form)
    assert "<legend>What bob sees</legend>" in form and ">Save<" in form


def test_the_sharing_form_works_without_javascript(mentoring, alice, bob):
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    client = client_for(alice)
    # Unchecked boxes are not sent: dates and evidence become private, notes shared.
    response = client.post(f"/mentoring/mentorships/{mentorship.pk}/sharing/", {"share_notes": "1"})
    assert response.status_code == 302 and response["Location"] == f"/mentoring/#mentor-{mentorship.pk}"
    mentorship.refresh_from_db()
    assert (mentorship.share_dates, mentorship.share_evidence, mentorship.share_notes) == (False, False, True)
    html = client.get("/mentoring/").content.decode()
    assert "Saved: bob sees your statuses · notes. Private: dates · evidence." in html
    assert "<strong>bob</strong> sees your statuses · notes." in html


def test_with_htmx_the_sentence_is_redrawn(mentoring, alice, bob):
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    response = client_for(alice).post(
        f"/mentoring/mentorships/{mentorship.pk}/sharing/",
        {"share_dates": "1", "share_evidence": "1", "share_notes": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode() == "<strong>bob</strong> sees your statuses · dates · evidence · notes."


@pytest.mark.parametrize(
    ("who", "expected"), [(None, 302), ("alice", 302), ("bob", 404), ("charlie", 404), ("dave", 404)]
)
def test_only_the_learner_of_an_active_mentorship_posts_the_sharing_form(mentoring, request, alice, bob, who, expected):
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).post(f"/mentoring/mentorships/{mentorship.pk}/sharing/", {})
    assert response.status_code == expected
    if who is None:
        assert response["Location"].startswith("/accounts/login/")
    mentorship.refresh_from_db()
    assert mentorship.share_dates is (who != "alice")
    # dave's ended mentorship can no longer be changed, even by alice.
    ended = mentoring["ended"]
    assert client_for(alice).post(f"/mentoring/mentorships/{ended.pk}/sharing/", {}).status_code == 404


def test_hidden_dates_leave_every_mentor_page_and_fragment(dated, alice, bob):
    client = client_for(bob)
    before = pages(client)  # fills every cache a page could use
    assert "5 Feb 2025" in before["/mentoring/mentees/alice/topics/a/"]
    assert "Started 3 Feb 2025" in before["/mentoring/mentees/alice/topics/a/"]
    assert "Activity calendar" in before["/mentoring/mentees/alice/"]
    assert "<time" in alice_card(before["/mentoring/"])

    services.set_sharing(mentorship=dated, by=alice, dates=False)
    for where, html in pages(client).items():
        assert not any(date in html for date in DATES), where
        assert "current streak" not in html and "Activity calendar" not in html, where
    after = pages(client)
    card = alice_card(after["/mentoring/"])
    assert "<time" not in card and "Stalled" not in card
    assert re.search(r"<dt>Done in 7 days</dt><dd><span class=\"muted\">Private</span></dd>", card)
    assert re.search(r"<dt>Last activity</dt><dd><span class=\"muted\">Private</span></dd>", card)
    assert "Nudge Alice Liddell" in card  # a nudge needs no dates
    assert "keeps dates private" in after["/mentoring/mentees/alice/"]
    assert (
        "Alice Liddell shares with you: statuses · evidence; keeps private: dates · notes."
        in after["/mentoring/mentees/alice/"]
    )
    assert "dates kept private" in after["/mentoring/mentees/alice/topics/a/"]
    # Statuses stay: that is what mentoring is.
    assert ">20%<" in card
    assert 'status-badge status-done">Done' in after["/mentoring/mentees/alice/topics/a/"]


def test_a_mentee_hiding_dates_is_neither_stalled_nor_sorted_by_activity(dated, alice, bob, charlie, topics, track):
    from progress import services as progress_services

    services.accept_invite(invite=services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR), user=charlie)
    progress_services.set_status(learner=charlie, topic=topics["a"], status="done", roadmap=track)
    ProgressEvent.objects.filter(learner=alice).update(created_at=timezone.now() - dt.timedelta(days=30))
    Mentorship.objects.filter(learner=alice).update(created_at=timezone.now() - dt.timedelta(days=40))
    client = client_for(bob)
    assert "1 of 2 mentees stalled" in client.get("/mentoring/?stalled=1").content.decode()
    services.set_sharing(mentorship=dated, by=alice, dates=False)
    stalled = client.get("/mentoring/?stalled=1").content.decode()
    assert "Alice Liddell" not in stalled and "Nobody is stalled." in stalled
    # By activity, alice (dates private) sorts with those never active: after charlie, though she moved later.
    ProgressEvent.objects.filter(learner=alice).update(created_at=timezone.now())
    by_activity = client.get("/mentoring/?sort=activity").content.decode()
    assert by_activity.index(">charlie<") < by_activity.index("Alice Liddell</a>")


def test_hidden_evidence_leaves_every_mentor_page(dated, alice, bob):
    client = client_for(bob)
    assert EVIDENCE in client.get("/mentoring/mentees/alice/topics/a/").content.decode()
    services.set_sharing(mentorship=dated, by=alice, evidence=False)
    for where, html in pages(client).items():
        assert EVIDENCE not in html, where
    topic = client.get("/mentoring/mentees/alice/topics/a/").content.decode()
    assert "Alice Liddell keeps evidence private." in topic
    # The learner still sees it on her own page.
    assert EVIDENCE in client_for(alice).get("/topics/a/").content.decode()


def test_notes_show_only_while_shared(dated, alice, bob):
    client = client_for(bob)
    for where, html in pages(client).items():
        assert NOTE not in html, where
    services.set_sharing(mentorship=dated, by=alice, notes=True)
    assert NOTE in client.get("/mentoring/mentees/alice/topics/a/").content.decode()
    services.set_sharing(mentorship=dated, by=alice, notes=False)
    assert NOTE not in client.get("/mentoring/mentees/alice/topics/a/").content.decode()


def test_what_one_mentor_may_see_is_not_what_another_sees(dated, alice, bob, charlie):
    other = services.accept_invite(invite=services.create_invite(created_by=alice, kind="learner"), user=charlie)
    services.set_sharing(mentorship=dated, by=alice, dates=False, evidence=False)
    bob_sees = client_for(bob).get("/mentoring/mentees/alice/topics/a/").content.decode()
    charlie_sees = client_for(charlie).get("/mentoring/mentees/alice/topics/a/").content.decode()
    assert EVIDENCE not in bob_sees and "5 Feb 2025" not in bob_sees
    assert EVIDENCE in charlie_sees and "5 Feb 2025" in charlie_sees
    assert other.share_dates and other.share_evidence


def test_the_sharing_url_refuses_get_and_a_missing_csrf_token(mentoring, alice, bob):
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    url = f"/mentoring/mentorships/{mentorship.pk}/sharing/"
    assert client_for(alice).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(url, {}).status_code == 403
    mentorship.refresh_from_db()
    assert mentorship.share_dates and mentorship.share_evidence


def test_without_shared_dates_the_mentee_dashboard_reads_no_date_at_all(mentoring, alice, bob):
    """Shared by construction (issue #26, item 6): what a mentor is not shown is
    never read, so a new dated field cannot leak by being forgotten."""
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice)
    mentorship.share_dates = False
    with CaptureQueriesContext(connection) as hidden:
        dashboard = mentee_dashboard(mentorship)
    assert dashboard.activity is None and dashboard.recently_completed == []
    assert all(data.pace is None for data in dashboard.roadmaps)
    dated = [q["sql"] for q in hidden.captured_queries if "progressevent" in q["sql"] or "completed_at" in q["sql"]]
    assert dated == []

    mentorship.share_dates = True
    with CaptureQueriesContext(connection) as shared:
        dashboard = mentee_dashboard(mentorship)
    assert dashboard.activity is not None and dashboard.recently_completed
    assert any("progressevent" in q["sql"] for q in shared.captured_queries)  # the check can see a dated read
