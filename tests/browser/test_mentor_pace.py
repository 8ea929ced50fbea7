"""Issue #16, items 5 and 6 in Chromium: the mentor sees what changed and each
mentee's pace, suggests a target date, and the learner accepts it on the
dashboard; at 360 and 1280 px, light and dark, axe-core on every page."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentoring import services as mentoring_services
from mentoring.models import Mentorship
from progress import services
from progress.models import RoadmapFollow
from progress.projects import services as project_services
from roadmap.models import Project, Roadmap, Topic
from tests.browser.conftest import open_menu, sign_in

TRACK = "ml-engineer-for-software-engineers"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_a_mentor_reads_the_pace_and_suggests_a_date_the_learner_accepts(
    live_server, browser, content, alice, bob, password, assert_accessible, width, scheme
):
    track = Roadmap.objects.get(slug=TRACK)
    invite = mentoring_services.create_invite(created_by=bob, kind="mentor")
    mentoring_services.accept_invite(invite=invite, user=alice)
    Mentorship.objects.update(mentor_seen_at=timezone.now() - dt.timedelta(days=1))
    for slug in ("ml-engineer-role", "ml-job-market"):
        services.set_status(learner=alice, topic=Topic.objects.get(slug=slug), status="done", roadmap=track)
    services.set_pace(learner=alice, roadmap=track, today=timezone.localdate(), hours_per_week=10)
    project = Project.objects.get(slug="ab-test-analysis")
    project_services.start_project(learner=alice, project=project)
    target = timezone.localdate() + dt.timedelta(days=400)

    mentor = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(mentor, live_server, "bob", password)
    open_menu(mentor)
    expect(mentor.get_by_role("link", name="Mentoring 1 mentee with news since you last looked")).to_be_visible()
    mentor.get_by_role("link", name="Mentoring 1 mentee with news since you last looked").click()
    updates = mentor.get_by_role("region", name="What changed since you last looked")
    expect(updates).to_contain_text("2 topics done (What an ML engineer does, Salaries and the ML job market)")
    expect(mentor.locator(".cohort-pace").first).to_contain_text("10 h a week")
    assert mentor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(mentor)
    mentor.screenshot(path=f"screenshots/mentor-pace-{width}-{scheme}.png", full_page=True)

    updates.get_by_role("button", name=re.compile(r"^Mark as seen\W+Alice Liddell$")).click()
    expect(mentor.get_by_role("region", name="What changed since you last looked")).to_have_count(0)
    mentor.get_by_role("link", name="Alice Liddell").first.click()
    # The mentee page speaks to the mentor, of Alice, and its links are the mentor's (issue #25, item 4).
    pace = mentor.locator("#pace-" + TRACK)
    expect(pace).to_contain_text("Alice Liddell's plan")
    expect(pace.locator(".pace-verdict")).to_contain_text("At 10 h a week Alice Liddell finishes on")
    expect(pace).not_to_contain_text("Your")
    expect(pace.locator(".week-plan a").first).to_have_attribute(
        "href", re.compile(r"^/mentoring/mentees/alice/topics/")
    )
    projects = mentor.get_by_role("region", name="Alice Liddell's projects")
    expect(projects.get_by_role("link", name=project.title)).to_be_visible()
    expect(projects).to_contain_text("In progress")
    mentor.get_by_role("button", name="Nudge Alice Liddell").click()
    expect(mentor.locator(".messages")).to_contain_text("Encouragement is on its way to Alice Liddell")
    expect(mentor.get_by_role("region", name="Encourage Alice Liddell")).to_contain_text(
        "You nudged Alice Liddell today"
    )
    assert mentor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(mentor)
    mentor.screenshot(path=f"screenshots/mentee-page-{width}-{scheme}.png", full_page=True)
    pace.locator(".week-plan a").first.click()
    expect(mentor.get_by_role("heading", level=1)).to_be_visible()
    assert "/mentoring/mentees/alice/topics/" in mentor.url
    mentor.go_back()
    mentor.get_by_label("Suggest a target date for ML Engineer for software engineers").fill(target.isoformat())
    mentor.get_by_role("button", name="Suggest").first.click()
    expect(mentor.locator(".messages")).to_contain_text("Suggested to Alice Liddell")
    assert_accessible(mentor)
    mentor.screenshot(path=f"screenshots/mentor-suggest-{width}-{scheme}.png", full_page=True)

    learner = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(learner, live_server, "alice", password)
    suggestions = learner.get_by_role("region", name="Suggested by your mentors")
    expect(suggestions).to_contain_text(f"suggests finishing ML Engineer for software engineers by {target:%-d %b %Y}")
    assert_accessible(learner)
    learner.screenshot(path=f"screenshots/suggestion-{width}-{scheme}.png", full_page=True)
    suggestions.get_by_role("button", name=f"Accept {target:%-d %b %Y} for ML Engineer for software engineers").click()
    expect(learner.locator(".messages")).to_contain_text("now aims at")
    card = learner.get_by_role("region", name="ML Engineer for software engineers")
    expect(card).to_contain_text(f"to finish by {target:%-d %b %Y}")
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).target_date == target
    assert_accessible(learner)
