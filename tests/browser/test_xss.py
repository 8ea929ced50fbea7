"""Hostile text stored by a learner and her mentor is shown as text everywhere,
to both of them, in whole pages and in htmx fragments, and never runs."""

import re

import pytest
from playwright.sync_api import expect

from mentoring import services as mentoring_services
from mentoring.models import Invite
from progress import services as progress_services
from roadmap.models import Roadmap, Topic
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROADMAP = "ml-engineer-for-software-engineers"
SCRIPT = '<script>window.__xss = "script"</script>'
IMG = '"><img src=x onerror="window.__xss = \'img\'">'
HX = '<div hx-get="/accounts/logout/" hx-trigger="load" hx-target="body">hx</div>'
ON = "' onmouseover='window.__xss = 1' x='"
ALL = " ".join((SCRIPT, IMG, HX, ON))


def watch(page):
    """Record what a successful injection would do: dialogs, and requests to sign out."""
    seen = []
    page.on("dialog", lambda dialog: (seen.append(f"dialog {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda request: "/logout/" in request.url and seen.append(f"request {request.url}"))
    return seen


def assert_inert(page, seen, assert_accessible):
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__xss") is None
    assert seen == []
    # Escaped, not merely blocked by the CSP: none of the payloads became an element or attribute.
    assert page.locator('img[src="x"], [hx-get="/accounts/logout/"], [onmouseover]').count() == 0
    assert_accessible(page)


def test_stored_payloads_never_execute_for_learner_or_mentor(
    live_server, browser, content, alice, bob, password, assert_accessible
):
    alice.display_name = IMG[:80]
    alice.save()
    topic = Topic.objects.get(slug="supervised-learning")
    roadmap = Roadmap.objects.get(slug=ROADMAP)
    progress_services.set_status(learner=alice, topic=topic, status="done", roadmap=roadmap)
    progress_services.save_note(learner=alice, topic=topic, note=ALL)
    progress_services.add_evidence(learner=alice, topic=topic, url="https://example.com/nb?q=<b>", title=HX)
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentorship = mentoring_services.accept_invite(invite=invite, user=alice)
    mentoring_services.set_note_sharing(mentorship=mentorship, by=alice, share=True)
    mentoring_services.add_comment(author=bob, learner=alice, topic=topic, body=ALL)
    mentoring_services.add_comment(author=alice, learner=alice, topic=topic, body=SCRIPT + IMG)

    learner = browser.new_context().new_page()
    seen = watch(learner)
    sign_in(learner, live_server, "alice", password)
    assert_inert(learner, seen, assert_accessible)  # the dashboard, with the mentor's comment as new feedback
    expect(learner.get_by_text(SCRIPT, exact=False).first).to_be_visible()
    learner.goto(f"{live_server.url}/roadmaps/{ROADMAP}/")
    assert_inert(learner, seen, assert_accessible)
    # The htmx panel, a fragment swapped into the page.
    learner.get_by_role("heading", name="Supervised learning", exact=True).get_by_role("link").click()
    panel = learner.get_by_role("complementary", name="Topic details")
    expect(panel.get_by_text("hx-get=", exact=False).first).to_be_visible()
    assert_inert(learner, seen, assert_accessible)
    learner.goto(f"{live_server.url}/topics/supervised-learning/")
    expect(learner.get_by_label("Note")).to_have_value(ALL)
    assert_inert(learner, seen, assert_accessible)

    mentor = browser.new_context().new_page()
    seen = watch(mentor)
    sign_in(mentor, live_server, "bob", password)
    for path in (
        "/mentoring/",
        "/mentoring/mentees/alice/",
        f"/mentoring/mentees/alice/roadmaps/{ROADMAP}/",
        "/mentoring/mentees/alice/topics/supervised-learning/",
    ):
        mentor.goto(f"{live_server.url}{path}")
        expect(mentor.get_by_text(re.compile(r"<img src=x")).first).to_be_visible()
        assert_inert(mentor, seen, assert_accessible)
    expect(mentor.get_by_text(SCRIPT, exact=False).first).to_be_visible()
