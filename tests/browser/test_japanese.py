"""The product in Japanese, in Chromium (#27): a learner whose browser asks
for Japanese signs up, ticks a topic, opens it, reads her pace on the
dashboard, the map and a project, and publishes her portfolio; her mentor,
who chose Japanese on his account, invites her, follows her in his cohort,
reviews her project and nudges her. Every page is checked with axe-core
(lang included), at 360 and 1280 px, in light and dark, with screenshots."""

import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import User
from progress import services as progress_services
from progress.projects import services as project_services
from roadmap.models import Project, Roadmap
from tests.factories import PASSWORD

ROADMAP = "ml-engineer-for-software-engineers"
PROJECT = "credit-risk-api"


def ja(message: str, **values) -> str:
    with translation.override("ja"):
        text = gettext(message)
    return text % values if values else text


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def look(page, assert_accessible, name: str, width: int, scheme: str) -> None:
    """A page as a reader of Japanese gets it: in Japanese, no sideways scroll, axe-core clean."""
    assert page.locator("html").get_attribute("lang") == "ja"
    assert fits(page), f"{page.url} scrolls sideways at {width} px"
    assert_accessible(page)
    page.screenshot(path=f"screenshots/ja-{name}-{width}-{scheme}.png", full_page=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_a_learner_and_her_mentor_in_japanese(live_server, browser, content, bob, assert_accessible, width, scheme):
    bob.language = "ja"
    bob.save(update_fields=["language"])
    options = {"viewport": {"width": width, "height": 900}, "color_scheme": scheme, "timezone_id": "Asia/Tokyo"}
    learner = browser.new_context(locale="ja-JP", **options).new_page()
    mentor = browser.new_context(locale="en-US", **options).new_page()
    url = live_server.url

    # The home page, in Japanese because the browser asks for it.
    learner.goto(f"{url}/")
    expect(learner).to_have_url(f"{url}/ja/")
    expect(learner.get_by_role("heading", level=1)).to_have_text(
        ja("Become a Machine Learning Engineer, one topic at a time")
    )
    expect(learner.locator(".home-tracks")).to_contain_text("ゼロから目指すMLエンジニア")
    look(learner, assert_accessible, "home", width, scheme)

    # The mentor (Japanese on his account) makes an invite link.
    mentor.goto(f"{url}/ja/accounts/login/")
    mentor.get_by_label(ja("Username"), exact=True).fill("bob")
    mentor.get_by_label(ja("Password"), exact=True).fill(PASSWORD)
    mentor.get_by_role("button", name=ja("Sign in")).click()
    expect(mentor).to_have_url(re.compile(r"/ja/dashboard/$"))
    mentor.goto(f"{url}/mentoring/")
    expect(mentor).to_have_url(f"{url}/ja/mentoring/")  # his account's language
    mentor.get_by_role("button", name=ja("Create a link to invite learners")).click()
    link = mentor.get_by_label(ja("Link to share")).first.input_value()
    look(mentor, assert_accessible, "mentoring", width, scheme)

    # She opens it, signs up and accepts.
    learner.goto(link)
    learner.get_by_role("link", name=ja("Sign up to accept")).click()
    learner.get_by_label(ja("Username"), exact=True).fill("kana")
    learner.get_by_label(ja("Email"), exact=True).fill("kana@example.com")
    learner.get_by_label(ja("Password"), exact=True).fill("tensor-flow-river-7")
    learner.get_by_label(ja("Password confirmation"), exact=True).fill("tensor-flow-river-7")
    learner.get_by_role("button", name=ja("Sign up")).click()
    learner.get_by_role("button", name=ja("Accept")).click()
    kana = User.objects.get(username="kana")

    # She ticks a topic on the roadmap, in Japanese, and opens it.
    learner.goto(f"{url}/ja/roadmaps/{ROADMAP}/")
    title = "教師あり学習"
    learner.get_by_role("checkbox", name=title, exact=True).check()
    expect(learner.get_by_role("checkbox", name=title, exact=True)).to_be_checked()
    look(learner, assert_accessible, "roadmap", width, scheme)
    learner.goto(f"{url}/ja/topics/supervised-learning/")
    expect(learner.get_by_role("heading", level=1)).to_have_text(title)
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    expect(learner.locator(".status-dates")).to_contain_text(f"{today.year}年{today.month}月{today.day}日")
    look(learner, assert_accessible, "topic", width, scheme)

    # Her pace on the dashboard, and the map.
    roadmap = Roadmap.objects.get(slug=ROADMAP)
    progress_services.set_pace(learner=kana, roadmap=roadmap, today=today, hours_per_week=10)
    learner.goto(f"{url}/ja/dashboard/")
    expect(learner.locator("main")).to_contain_text("週10時間")
    look(learner, assert_accessible, "dashboard", width, scheme)
    learner.goto(f"{url}/ja/roadmaps/{ROADMAP}/map/")
    expect(learner.locator("svg.roadmap-map").first).to_contain_text("教師あり")
    look(learner, assert_accessible, "map", width, scheme)

    # A project: she starts it, her mentor approves it, she shows it on her portfolio.
    project = Project.objects.get(slug=PROJECT)
    learner.goto(f"{url}/ja/projects/{PROJECT}/")
    learner.get_by_role("button", name=ja("Start this project")).click()
    work = project_services.start_project(learner=kana, project=project)
    project_services.save_project_work(
        work=work,
        checked=[],
        repository_url="https://git.example.org/kana/credit",
        writeup_url="",
        demo_url="",
        note="",
    )
    project_services.submit_project(learner=kana, work=work)
    learner.reload()
    look(learner, assert_accessible, "project", width, scheme)
    mentor.goto(f"{url}/ja/mentoring/reviews/")
    mentor.get_by_role("link", name=project.translations["ja"]["title"]).click()
    mentor.get_by_role("radio", name=ja("Approve")).check()
    mentor.get_by_label(ja("Comments")).fill("よくできました。")
    mentor.get_by_role("button", name=ja("Send review")).click()
    look(mentor, assert_accessible, "review-queue", width, scheme)
    learner.goto(f"{url}/ja/portfolio/")
    learner.get_by_label(ja("Show my portfolio")).check()
    learner.get_by_label(project.translations["ja"]["title"]).check()
    learner.get_by_role("button", name=ja("Save")).click()
    learner.goto(f"{url}/ja/u/kana/")
    expect(learner.locator(".portfolio-projects")).to_contain_text(project.translations["ja"]["title"])
    look(learner, assert_accessible, "portfolio", width, scheme)

    # The mentor's cohort and her page, where he nudges her.
    mentor.goto(f"{url}/ja/mentoring/")
    expect(mentor.locator(".cohort-list")).to_contain_text("kana")
    mentor.get_by_role("link", name="kana", exact=True).first.click()
    mentor.get_by_role("button", name=ja("Nudge")).click()
    expect(mentor.locator(".messages")).to_have_text(ja("Encouragement is on its way to %(name)s.", name="kana"))
    assert kana.nudges_received.count() == 1
    look(mentor, assert_accessible, "mentee", width, scheme)
