"""Issue #17 in Chromium: a learner finds a project on the roadmap, starts it,
ticks its criteria and submits links; her mentor reviews it from the queue,
requests changes, then approves; she shows it on her public portfolio. At 360
and 1280 px, with axe-core on every page. And stored hostile text in every new
field stays text, for the learner, the mentor and a visitor."""

import pytest
from playwright.sync_api import expect

from mentoring import services as mentoring_services
from mentoring.models import Invite
from progress.models import Portfolio, ProjectWork
from progress.projects import services as project_services
from roadmap.models import Project
from tests.browser.conftest import sign_in
from tests.browser.test_xss import ALL, HX, IMG, assert_inert, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACK = "ml-engineer-for-software-engineers"
PROJECT = "credit-default-classifier"


def mentored(alice, bob):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    return mentoring_services.accept_invite(invite=invite, user=alice)


@pytest.mark.parametrize("width", [360, 1280])
def test_submit_review_approve_and_show_on_the_portfolio(
    live_server, browser, content, alice, bob, password, assert_accessible, width
):
    mentored(alice, bob)
    project = Project.objects.get(slug=PROJECT)
    viewport = {"width": width, "height": 900}

    page = browser.new_context(viewport=viewport).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/roadmaps/{TRACK}/?view=list")
    page.locator("#section-core-ml").get_by_role("link", name=project.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
    assert_accessible(page)
    page.get_by_role("button", name="Start this project").click()
    expect(page.locator(".messages")).to_contain_text("Started")
    criteria = list(project.criteria.all())
    for criterion in criteria:
        page.get_by_label(criterion.text).check()
    page.get_by_label("Repository").fill("https://github.com/alice/credit-default")
    page.get_by_label("Note for your reviewer").fill("Start with the evaluation notebook.")
    assert_accessible(page)
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator("#state")).to_contain_text("Submitted for review")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.screenshot(path=f"screenshots/project-submitted-{width}.png", full_page=True)

    mentor = browser.new_context(viewport=viewport).new_page()
    sign_in(mentor, live_server, "bob", password)
    mentor.goto(f"{live_server.url}/mentoring/")
    expect(mentor.locator(".review-callout")).to_contain_text("1 project to review")
    mentor.locator(".review-callout").get_by_role("link").click()
    assert_accessible(mentor)
    mentor.get_by_role("link", name=project.title).click()
    expect(mentor.get_by_role("link", name="https://github.com/alice/credit-default")).to_be_visible()
    mentor.get_by_role("radio", name="Request changes").check()
    mentor.get_by_role("button", name="Send review").click()  # without a comment: refused in place
    expect(mentor.get_by_role("alert")).to_be_visible()
    expect(mentor.locator(".review-form")).to_contain_text("Say what to change")
    # The page comes back at the review, the comment focused and in view (issue #25, item 5).
    expect(mentor.get_by_label("Comments")).to_be_focused()
    expect(mentor.get_by_label("Comments")).to_be_in_viewport()
    assert_accessible(mentor)
    assert mentor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    mentor.screenshot(path=f"screenshots/project-review-{width}.png", full_page=True)
    mentor.get_by_role("radio", name="Request changes").check()
    mentor.get_by_label("Comments").fill("Add a calibration plot, please.")
    mentor.get_by_role("button", name="Send review").click()
    expect(mentor.locator(".messages")).to_contain_text("Changes requested from Alice Liddell")

    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator(".next-projects")).to_contain_text("Changes requested")
    expect(page.locator(".feedback")).to_contain_text("Add a calibration plot, please.")
    page.locator(".next-projects").get_by_role("link", name=project.title).click()
    expect(page.locator("#comments")).to_contain_text("Add a calibration plot, please.")
    # What to change, first: the mentor's words under the state, with who and when.
    expect(page.locator(".review-by")).to_contain_text("bob asked for changes on")
    expect(page.locator(".review-words")).to_contain_text("Add a calibration plot, please.")
    expect(page.locator(".review-words")).to_be_in_viewport()
    # A tick is saved as it is made: no Save pressed, and a reload keeps it.
    box = page.locator(".criteria-autosave input[type=checkbox]").first
    box.set_checked(not box.is_checked())
    expect(page.locator("#criteria-saved")).to_contain_text("criteria met")
    was = box.is_checked()
    page.reload()
    box = page.locator(".criteria-autosave input[type=checkbox]").first
    assert box.is_checked() == was
    box.set_checked(True)
    expect(page.locator("#criteria-saved")).to_contain_text("criteria met")
    assert page.locator("#criteria-title").count() == 0  # one list of criteria while the work is open
    assert_accessible(page)
    page.screenshot(path=f"screenshots/project-changes-requested-{width}.png", full_page=True)
    page.get_by_label("Write-up").fill("https://alice.example.org/credit-default")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator("#state")).to_contain_text("Submitted for review")

    mentor.goto(f"{live_server.url}/mentoring/reviews/")
    mentor.get_by_role("link", name=project.title).click()
    mentor.get_by_role("radio", name="Approve").check()
    mentor.get_by_label("Comments").fill("Well done.")
    mentor.get_by_role("button", name="Send review").click()
    expect(mentor.locator(".messages")).to_contain_text("Approved Alice Liddell's")
    mentor.screenshot(path=f"screenshots/project-review-queue-{width}.png", full_page=True)

    page.goto(f"{live_server.url}/projects/{PROJECT}/")
    expect(page.locator("#state")).to_contain_text("Approved by a mentor")
    expect(page.locator(".review-by")).to_contain_text("bob approved it on")
    page.get_by_role("link", name="Show it on your portfolio").click()
    page.get_by_label("Show my portfolio").check()
    page.get_by_label(project.title).check()
    page.get_by_label("Short bio").fill("Backend engineer moving into ML.")
    page.get_by_label("Link 1", exact=True).fill("https://github.com/alice")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("your portfolio is public")
    assert_accessible(page)

    visitor = browser.new_context(viewport=viewport).new_page()
    visitor.goto(f"{live_server.url}/u/alice/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Alice Liddell")
    expect(visitor.locator(".portfolio-projects")).to_contain_text(project.title)
    expect(visitor.locator(".portfolio-projects")).to_contain_text("https://alice.example.org/credit-default")
    expect(visitor.locator("body")).not_to_contain_text("Start with the evaluation notebook.")
    expect(visitor.locator("body")).not_to_contain_text("calibration plot")
    assert visitor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert_accessible(visitor)
    # What an employer reads (issue #25, item 7): who approved it, a summary, tools and topics.
    card = visitor.locator(".portfolio-projects li.card").first
    expect(card).to_contain_text("Approved by bob on")
    expect(card.locator(".portfolio-summary")).not_to_be_empty()
    expect(card).to_contain_text("Tools:")
    expect(card).to_contain_text("Topics:")
    visitor.screenshot(path=f"screenshots/portfolio-{width}.png", full_page=True)
    visitor.emulate_media(media="print")
    expect(visitor.locator(".site-header")).to_be_hidden()
    # Printed, nothing but text: no box drawn around an empty element.
    empty_boxes = visitor.evaluate(
        """[...document.querySelectorAll('main *')].filter(el => {
            const box = el.getBoundingClientRect(), style = getComputedStyle(el);
            const drawn = style.borderTopWidth !== '0px' || style.backgroundColor !== 'rgba(0, 0, 0, 0)';
            return drawn && box.width > 0 && box.height > 0 && !el.textContent.trim() && !el.querySelector('img, svg');
        }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert empty_boxes == []
    visitor.screenshot(path=f"screenshots/portfolio-print-{width}.png", full_page=True)
    visitor.emulate_media(media="screen")

    page.goto(f"{live_server.url}/portfolio/")
    page.get_by_label("Show my portfolio").uncheck()
    page.get_by_role("button", name="Save").click()
    assert visitor.goto(f"{live_server.url}/u/alice/").status == 404


def test_hostile_text_in_every_project_field_stays_text(
    live_server, browser, content, alice, bob, password, assert_accessible
):
    alice.display_name = IMG[:80]
    alice.save()
    mentored(alice, bob)
    project = Project.objects.get(slug=PROJECT)
    work = project_services.start_project(learner=alice, project=project)
    project_services.save_project_work(
        work=work,
        checked=[],
        repository_url='https://example.com/r?q="><img src=x onerror=alert(1)>',
        writeup_url="https://example.com/w?x=<b>",
        demo_url="",
        note=ALL,
    )
    project_services.submit_project(learner=alice, work=work)
    mentoring_services.add_project_comment(author=alice, work=work, body=ALL)
    mentoring_services.review_project(mentor=bob, work=work, approve=True, body=ALL)
    ProjectWork.objects.update(on_portfolio=True)
    Portfolio.objects.create(
        learner=alice, public=True, bio=ALL, link_1="https://example.com/" + HX[:40].replace(" ", "%20")
    )
    assert ProjectWork.objects.get().state == "approved"

    for who, paths in (
        ("alice", [f"/projects/{PROJECT}/", "/dashboard/", f"/roadmaps/{TRACK}/history/", "/portfolio/"]),
        ("bob", ["/mentoring/", "/mentoring/reviews/", f"/mentoring/mentees/alice/projects/{PROJECT}/"]),
        (None, ["/u/alice/", f"/projects/{PROJECT}/"]),
    ):
        page = browser.new_context().new_page()
        seen = watch(page)
        if who:
            sign_in(page, live_server, who, password)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            assert_inert(page, seen, assert_accessible)
