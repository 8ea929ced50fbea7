import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring import services
from mentoring.models import Comment, Invite, Mentorship
from progress import services as progress_services
from progress.models import ProgressEvent
from progress.projects import services as project_services
from tests.factories import UserFactory


def make_cohort(mentor, topics, track, size, *, start=0):
    invite = services.create_invite(created_by=mentor, kind=Invite.Kind.FROM_MENTOR)
    for n in range(start, start + size):
        learner = UserFactory(username=f"cohort{n:03d}", display_name=f"Learner {n:03d}")
        services.accept_invite(invite=invite, user=learner)
        for slug in ("a", "b", "c")[: n % 4]:
            progress_services.set_status(learner=learner, topic=topics[slug], status="done", roadmap=track)


def cohort_queries(client, url="/mentoring/"):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def card(html, name):
    """The cohort card of the mentee of that name."""
    found = re.search(
        rf'<li class="cohort-card[^"]*">\s*<h3 class="cohort-name"><a [^>]*>{re.escape(name)}</a>.*?</li>', html, re.S
    )
    assert found, f"no card for {name}"
    return found.group(0)


def fact(card_html, term):
    """What a card shows for one of its terms ("Done in 7 days", "Last activity")."""
    return re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", card_html, re.S).group(1)


def test_cohort_runs_the_same_queries_for_5_and_200_mentees(client, bob, topics, track):
    from django.conf import settings

    client.force_login(bob)
    make_cohort(bob, topics, track, 5)
    cohort_queries(client)  # builds the cached roadmap outline
    small, html = cohort_queries(client)
    assert html.count('class="cohort-figure"') == 3  # mentees 1, 2, 3 follow the track
    make_cohort(bob, topics, track, 195, start=5)
    large, html = cohort_queries(client)
    assert html.count('<li class="cohort-card') == 200 and html.count('class="cohort-figure"') == 150
    assert small == large
    # Session (unless REDIS_URL keeps it in the cache), user, mentorships, roadmaps with the
    # content version, progress counts, follows, last activity, last week's done topics,
    # today's nudges, the mentees with news since the last look and the topics they did, one's
    # mentors and invites, the projects waiting for a review, the mentor's cohort tracks (the
    # filter's choices), and the navigation's unread count (its news count is the page's own list).
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    assert large == 15 + session
    # Learners who keep their dates private cost no query more (their dates are not read).
    Mentorship.objects.filter(learner__username__endswith="7").update(share_dates=False)
    assert cohort_queries(client)[0] == large
    Mentorship.objects.update(share_dates=False)
    assert cohort_queries(client)[0] <= large


def test_the_cohort_follows_each_learners_change(client, bob, topics, track):
    client.force_login(bob)
    make_cohort(bob, topics, track, 3)
    before = cohort_queries(client)[1]
    assert 'value="20"' in card(before, "Learner 001")  # 1 of 5 done
    learner = Mentorship.objects.get(learner__username="cohort001").learner
    progress_services.set_status(learner=learner, topic=topics["d"], status="done", roadmap=track)
    row = card(cohort_queries(client)[1], "Learner 001")
    assert 'value="40"' in row and fact(row, "Done in 7 days") == "2"  # 2 of 5 done, both this week
    progress_services.unfollow_roadmap(learner=learner, roadmap=track)
    assert "No roadmap yet" in card(cohort_queries(client)[1], "Learner 001")


def test_cohort_shows_names_completion_recent_work_and_stalled(client, alice, bob, charlie, topics, track):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    services.accept_invite(invite=invite, user=alice)
    services.accept_invite(invite=invite, user=charlie)
    progress_services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    progress_services.set_status(learner=alice, topic=topics["b"], status="done", roadmap=track)
    progress_services.set_status(learner=charlie, topic=topics["a"], status="done", roadmap=track)
    # charlie's last move was three weeks ago.
    ProgressEvent.objects.filter(learner=charlie).update(created_at=timezone.now() - dt.timedelta(days=21))
    Mentorship.objects.filter(learner=charlie).update(created_at=timezone.now() - dt.timedelta(days=30))
    client.force_login(bob)

    html = client.get("/mentoring/").content.decode()
    assert html.index("Alice Liddell") < html.index(">charlie<")  # by name: display name, else username
    alice_card, charlie_card = card(html, "Alice Liddell"), card(html, "charlie")
    assert 'aria-label="Alice Liddell: completion of Track"' in alice_card and ">40%<" in alice_card
    assert fact(alice_card, "Done in 7 days") == "2" and fact(charlie_card, "Done in 7 days") == "0"
    assert "just now" in fact(alice_card, "Last activity") and "3 weeks ago" in fact(charlie_card, "Last activity")
    assert "Stalled" not in alice_card and "Stalled" in charlie_card
    assert "2 mentees, sorted by name." in html

    stalled = client.get("/mentoring/?stalled=1").content.decode()
    stalled = stalled[stalled.index('id="mentees"') :]  # the cohort, after what changed since the last look
    assert "charlie" in stalled and "Alice Liddell" not in stalled
    assert "1 of 2 mentees stalled" in stalled
    by_completion = client.get("/mentoring/?sort=completion").content.decode()
    assert by_completion.index("Alice Liddell") < by_completion.index(">charlie<")
    by_activity = client.get("/mentoring/?sort=activity").content.decode()
    assert by_activity.index("Alice Liddell") < by_activity.index(">charlie<")
    assert client.get("/mentoring/?sort=%00bogus").status_code == 200


def test_every_mentee_can_be_nudged_once_a_day_and_the_rule_is_stated(client, alice, bob, charlie, topics, track):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    services.accept_invite(invite=invite, user=alice)
    services.accept_invite(invite=invite, user=charlie)
    progress_services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)  # active today
    client.force_login(bob)
    html = client.get("/mentoring/").text
    assert (
        'id="nudge-rule">Nudge sends a mentee a short email of encouragement: you can nudge each mentee once a day'
        in html
    )
    for name in ("Alice Liddell", "charlie"):
        nudge = card(html, name)
        assert f'aria-label="Nudge {name}" aria-describedby="nudge-rule">Nudge</button>' in nudge
        assert "once a day" in nudge
    response = client.post("/mentoring/mentees/alice/nudge/", follow=True)
    assert "Encouragement is on its way to Alice Liddell." in response.text
    nudged = card(response.text, "Alice Liddell")
    assert "Nudged today" in nudged and "again tomorrow" in nudged and "<button" not in nudged
    assert "Nudge charlie" in card(response.text, "charlie")


def test_done_in_7_days_counts_topics_still_done_at_the_end_of_the_week(client, alice, bob, topics, track):
    services.accept_invite(invite=services.create_invite(created_by=bob, kind="mentor"), user=alice)

    def done_this_week():
        return fact(card(client.get("/mentoring/").text, "Alice Liddell"), "Done in 7 days")

    client.force_login(bob)
    # Ticked and unticked: not done. Ticked, unticked, ticked again: one topic.
    for status in ("done", "not_started"):
        progress_services.set_status(learner=alice, topic=topics["a"], status=status, roadmap=track)
    for status in ("done", "not_started", "done"):
        progress_services.set_status(learner=alice, topic=topics["b"], status=status, roadmap=track)
    assert done_this_week() == "1"
    # Done three weeks ago and still done: not this week's work.
    progress_services.set_status(learner=alice, topic=topics["c"], status="done", roadmap=track)
    ProgressEvent.objects.filter(learner=alice, topic=topics["c"]).update(
        created_at=timezone.now() - dt.timedelta(days=21)
    )
    assert done_this_week() == "1"
    # A reset of the roadmap, undone: the same topics are done again, none of them this week.
    batch = progress_services.reset_roadmap(learner=alice, roadmap=track)
    assert done_this_week() == "0"
    progress_services.undo_reset(learner=alice, batch=batch)
    assert done_this_week() == "1"


@pytest.mark.parametrize(
    ("has_mentors", "has_mentees", "first"),
    [(True, False, "mentors"), (False, True, "mentees"), (True, True, "mentees"), (False, False, "mentors")],
)
def test_the_page_starts_with_what_the_user_has(client, alice, bob, charlie, has_mentors, has_mentees, first):
    if has_mentors:
        services.accept_invite(invite=services.create_invite(created_by=alice, kind="learner"), user=bob)
    if has_mentees:
        services.accept_invite(invite=services.create_invite(created_by=alice, kind="mentor"), user=charlie)
    client.force_login(alice)
    html = client.get("/mentoring/").text
    mentors, mentees = html.index('<h2 id="mentors-title">'), html.index('<h2 id="cohort-title">')
    assert (mentors < mentees) is (first == "mentors")
    assert html.index('<h2 id="invites-title">') > max(mentors, mentees)


def test_invite_choices_are_kept_for_the_next_link_of_each_kind(client, bob):
    client.force_login(bob)
    page = client.get("/mentoring/").text
    # Defaults: a mentor's link never expires and serves a cohort; a learner's serves one mentor.
    assert re.search(
        r'<select name="uses" id="id_uses">\s*<option value="one">.*?<option value="many" selected>', page, re.S
    )
    client.post("/mentoring/invites/", {"kind": "mentor", "expires_in": "7", "uses": "one"})
    page = client.get("/mentoring/").text
    mentor_form = page[page.index('name="kind" value="mentor"') :]
    assert '<option value="7" selected>' in mentor_form.split("</form>")[0]
    assert '<option value="one" selected>' in mentor_form.split("</form>")[0]
    learner_form = page[page.index('name="mentor-kind" value="learner"') :].split("</form>")[0]
    assert '<option value="" selected>' in learner_form and '<option value="one" selected>' in learner_form
    client.post("/mentoring/invites/", {"mentor-kind": "learner", "mentor-expires_in": "30", "mentor-uses": "many"})
    page = client.get("/mentoring/").text
    learner_form = page[page.index('name="mentor-kind" value="learner"') :].split("</form>")[0]
    assert '<option value="30" selected>' in learner_form and '<option value="many" selected>' in learner_form
    assert '<option value="7" selected>' in page[page.index('name="kind" value="mentor"') :].split("</form>")[0]


def test_invite_links_are_selectable_and_have_a_copy_button_for_javascript(client, bob):
    client.force_login(bob)
    client.post("/mentoring/invites/", {"kind": "mentor"})
    invite = Invite.objects.get(created_by=bob)
    page = client.get("/mentoring/").text
    assert (
        f'<input id="invite-link-{invite.pk}" type="text" readonly value="http://testserver{invite.get_absolute_url()}"'
        in page
    )
    # Shown by mentoring.js where the Clipboard API is; it says "Copied" in the live region.
    assert f'data-copy="invite-link-{invite.pk}" data-copy-status="copy-status-{invite.pk}" hidden>' in page
    assert f'<span class="copy-status" id="copy-status-{invite.pk}" role="status"></span>' in page
    assert 'src="/static/js/mentoring.js" defer nonce="' in page


def test_nudge_from_the_cohort_is_refused_politely_the_second_time(client, mentoring, bob, run_tasks):
    from django.core import mail

    client.force_login(bob)
    first = client.post("/mentoring/mentees/alice/nudge/", follow=True)
    assert "Encouragement is on its way to Alice Liddell." in first.content.decode()
    second = client.post("/mentoring/mentees/alice/nudge/", follow=True)
    assert second.status_code == 200
    assert "You already sent Alice Liddell a nudge today." in second.content.decode()
    run_tasks()
    assert len(mail.outbox) == 1


def test_the_mentee_page_nudges_and_comes_back_to_say_so(client, mentoring, alice, bob):
    """Issue #25, item 4: the nudge on the mentee's page, and their projects."""
    from roadmap.models import Project

    client.force_login(bob)
    page = client.get("/mentoring/mentees/alice/").content.decode()
    assert "Nudge Alice Liddell</button>" in page and "No project under way." in page
    response = client.post("/mentoring/mentees/alice/nudge/", {"back": "mentee"})
    assert response.status_code == 302 and response.url == "/mentoring/mentees/alice/"
    page = client.get(response.url).content.decode()
    assert "Encouragement is on its way to Alice Liddell." in page
    assert "You nudged Alice Liddell today." in page and "Nudge Alice Liddell</button>" not in page
    assert client.post("/mentoring/mentees/alice/nudge/").url == "/mentoring/"  # from the cohort, back to it

    project = Project.objects.create(slug="p", title="A project", brief="b", estimated_hours=4)
    project_services.start_project(learner=alice, project=project)
    page = client.get("/mentoring/mentees/alice/").content.decode()
    assert 'href="/mentoring/mentees/alice/projects/p/">A project</a>' in page and "In progress" in page


def test_the_cohort_shows_a_nudge_and_a_new_name_at_once(client, mentoring, alice, bob):
    # alice has been quiet for three weeks: stalled, with a Nudge button.
    ProgressEvent.objects.filter(learner=alice).update(created_at=timezone.now() - dt.timedelta(days=21))
    Mentorship.objects.filter(learner=alice).update(created_at=timezone.now() - dt.timedelta(days=30))
    alice.display_name = "Alice L."
    alice.save()
    client.force_login(bob)
    assert 'aria-label="Nudge Alice L."' in client.get("/mentoring/").text
    client.post("/mentoring/mentees/alice/nudge/")
    html = client.get("/mentoring/").text
    assert "Nudged today" in html and 'aria-label="Nudge Alice L."' not in html
    alice.display_name = "Alice Liddell-Hargreaves"
    alice.save()
    assert "Alice Liddell-Hargreaves" in client.get("/mentoring/").text


def test_create_and_revoke_invite_links(client, bob):
    client.force_login(bob)
    response = client.post("/mentoring/invites/", {"kind": "mentor", "expires_in": "7"})
    invite = Invite.objects.get(created_by=bob)
    assert response["Location"] == f"/mentoring/#invite-{invite.pk}"
    assert invite.kind == "mentor" and invite.expires_at > timezone.now() + dt.timedelta(days=6)
    assert len(invite.token) >= 40
    page = client.get("/mentoring/").content.decode()
    assert f"http://testserver/mentoring/invite/{invite.token}/" in page
    client.post("/mentoring/invites/", {"mentor-kind": "learner", "mentor-expires_in": ""})
    assert Invite.objects.filter(created_by=bob, kind="learner", expires_at=None).exists()
    client.post(f"/mentoring/invites/{invite.pk}/revoke/")
    assert f"/mentoring/invite/{invite.token}/" not in client.get("/mentoring/").content.decode()
    response = client.post("/mentoring/invites/", {"kind": "admin", "expires_in": "7000"}, follow=True)
    assert "That invite could not be created." in response.content.decode()


def test_accept_and_decline_through_the_page(client, bob, charlie):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    client.force_login(charlie)
    response = client.post(invite.get_absolute_url(), {"action": "decline"})
    assert response["Location"] == "/dashboard/"
    assert not Mentorship.objects.exists()
    response = client.post(invite.get_absolute_url(), {"action": "accept"}, follow=True)
    assert "bob is now your mentor." in response.content.decode()
    assert Mentorship.objects.filter(mentor=bob, learner=charlie, status="active").exists()


def test_a_signed_out_visitor_accepting_is_sent_to_sign_in_and_back(client, bob):
    invite = services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    response = client.post(invite.get_absolute_url(), {"action": "accept"})
    assert response["Location"] == f"/accounts/login/?next={invite.get_absolute_url()}"


def test_feedback_reaches_the_learner_on_the_topic_and_dashboard(client, mentoring, alice, bob, topics):
    client.force_login(bob)
    client.post("/mentoring/mentees/alice/topics/a/", {"body": "Great notebook, <b>try</b> the extension."})
    client.post("/mentoring/mentees/alice/topics/a/review/", {"reviewed": "1"})
    client.force_login(alice)
    dashboard = client.get("/dashboard/").content.decode()
    assert "New feedback" in dashboard and "from bob" in dashboard
    assert "Great notebook, &lt;b&gt;try&lt;/b&gt; the extension." in dashboard
    topic = client.get("/topics/a/").content.decode()
    assert "Reviewed by bob" in topic
    assert "Great notebook, &lt;b&gt;try&lt;/b&gt; the extension." in topic
    # Reading the page records nothing (a GET never writes); the thread's POST does.
    assert "New feedback" in client.get("/dashboard/").content.decode()
    assert 'action="/topics/a/comments/seen/"' in topic
    response = client.post("/topics/a/comments/seen/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    assert "New feedback" not in client.get("/dashboard/").content.decode()
    assert "/comments/seen/" not in client.get("/topics/a/").content.decode()
    response = client.post("/topics/a/comments/", {"body": "Thanks, will do!"})
    assert response["Location"] == "/topics/a/#comments"
    assert list(Comment.objects.values_list("author__username", flat=True)) == ["bob", "alice"]


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, "Look\x1b[2J here", "nul\x00"])
def test_bad_comments_are_refused_with_a_message(client, mentoring, bob, body):
    client.force_login(bob)
    response = client.post("/mentoring/mentees/alice/topics/a/", {"body": body})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Comment.objects.exists()


def test_cohort_ages_read_naturally():
    from mentoring.selectors import ago

    now = timezone.now()
    assert ago(now - dt.timedelta(seconds=20), now) == "just now"
    assert ago(now - dt.timedelta(minutes=1, seconds=5), now) == "1 minute ago"
    assert ago(now - dt.timedelta(hours=5), now) == "5 hours ago"
    assert ago(now - dt.timedelta(days=15), now) == "2 weeks ago"
    assert ago(now - dt.timedelta(days=400), now) == "1 year ago"


def test_open_invite_links_are_capped_per_account(client, bob):
    # Issue #23, row 13: revoking one makes room again.
    from mentoring.models import Invite
    from mentoring.services import OPEN_INVITES_MAX

    client.force_login(bob)
    for _ in range(OPEN_INVITES_MAX):
        client.post("/mentoring/invites/", {"kind": "mentor"})
    assert Invite.objects.filter(created_by=bob).count() == OPEN_INVITES_MAX
    response = client.post("/mentoring/invites/", {"kind": "mentor"}, follow=True)
    assert f"You have {OPEN_INVITES_MAX} open invite links." in response.text
    assert Invite.objects.filter(created_by=bob).count() == OPEN_INVITES_MAX
    client.post(f"/mentoring/invites/{Invite.objects.filter(created_by=bob).first().pk}/revoke/")
    client.post("/mentoring/invites/", {"kind": "mentor"})
    assert Invite.objects.filter(created_by=bob).count() == OPEN_INVITES_MAX + 1
