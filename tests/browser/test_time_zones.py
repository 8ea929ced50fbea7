"""Issue #25, item 2 in Chromium: a learner in Asia/Tokyo, and one in
America/Los_Angeles, each with a browser in their zone, ticked two topics half
an hour either side of midnight UTC. Every page that shows the change reads it
on the learner's own day: the history's day, the topic's dates, the
dashboard's "Recently completed" and its activity calendar. The learner in
Tokyo reads in Japanese, as her browser asks (#27): every date in Japanese
format. At 360 and 1280 px, with axe-core on every page."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from progress import services
from progress.activity import CalendarDay
from progress.models import Progress, ProgressEvent
from roadmap.models import Roadmap, Topic
from tests.factories import PASSWORD, UserFactory

ROADMAP = "/roadmaps/ml-engineer-for-software-engineers/"


def tick_at(learner, slug, at):
    topic = Topic.objects.get(slug=slug)
    roadmap = Roadmap.objects.get(slug="ml-engineer-for-software-engineers")
    services.set_status(learner=learner, topic=topic, status="done", roadmap=roadmap)
    Progress.objects.filter(learner=learner, topic=topic).update(started_at=at, completed_at=at)
    ProgressEvent.objects.filter(learner=learner, topic=topic).update(created_at=at)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_a_change_near_midnight_utc_reads_on_the_learners_own_day(
    live_server, browser, content, assert_accessible, zone, width
):
    midnight = (timezone.now() - dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    before, after = midnight - dt.timedelta(minutes=30), midnight + dt.timedelta(minutes=30)
    learner = UserFactory(username="kana", display_name="Kana", time_zone=zone)
    tick_at(learner, "supervised-learning", before)
    tick_at(learner, "regression", after)
    day = before.astimezone(zoneinfo.ZoneInfo(zone)).date()
    other_day = (after if before.date() == day else before).date()  # the UTC day that is not the learner's
    assert after.astimezone(zoneinfo.ZoneInfo(zone)).date() == day != other_day

    language = "ja" if zone == "Asia/Tokyo" else "en"
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        timezone_id=zone,
        locale="ja-JP" if language == "ja" else "en-US",
    )
    page = context.new_page()
    with translation.override(language):  # what each page says, in the learner's language
        heading = formats.date_format(day, "SHORT_DATE_FORMAT")
        shown, other = formats.date_format(day, "DATE_FORMAT"), formats.date_format(other_day, "DATE_FORMAT")
        started = gettext("Started %(date)s") % {"date": shown}
        completed = gettext("Completed %(date)s") % {"date": shown}
        recent_title = gettext("Recently completed")
        tooltip = CalendarDay(date=day, count=2, x=0, y=0).label
        username, password, sign_in = gettext("Username"), gettext("Password"), gettext("Sign in")
    page.goto(f"{live_server.url}/accounts/login/")  # a browser asking for Japanese is sent to /ja/
    expect(page).to_have_url(
        f"{live_server.url}/ja/accounts/login/" if language == "ja" else f"{live_server.url}/accounts/login/"
    )
    page.get_by_label(username, exact=True).fill("kana")
    page.get_by_label(password, exact=True).fill(PASSWORD)
    page.get_by_role("button", name=sign_in).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    prefix = "/ja" if language == "ja" else ""

    page.goto(f"{live_server.url}{prefix}{ROADMAP}history/")
    days = page.locator(".history-day h2")
    expect(days).to_have_count(1)
    expect(days).to_have_text(heading)
    assert_accessible(page)

    page.goto(f"{live_server.url}{prefix}/topics/supervised-learning/")
    expect(page.get_by_text(started)).to_be_visible()
    expect(page.get_by_text(completed)).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}{prefix}/dashboard/")
    recent = page.get_by_role("region", name=recent_title)
    expect(recent.locator("time")).to_have_text([shown, shown])
    expect(page.locator("svg title", has_text=tooltip)).to_have_count(1)
    assert other not in recent.inner_text()
    if language == "ja":
        assert shown.startswith(f"{day.year}年") and page.locator("html").get_attribute("lang") == "ja"
    assert_accessible(page)
    context.close()
