"""Issue #25, item 2 in Chromium: a learner in Asia/Tokyo, and one in
America/Los_Angeles, each with a browser in their zone, ticked two topics half
an hour either side of midnight UTC. Every page that shows the change reads it
on the learner's own day: the history's day, the topic's dates, the
dashboard's "Recently completed" and its activity calendar. At 360 and 1280 px,
with axe-core on every page."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from progress import services
from progress.models import Progress, ProgressEvent
from roadmap.models import Roadmap, Topic
from tests.browser.conftest import sign_in
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

    context = browser.new_context(
        viewport={"width": width, "height": 900},
        timezone_id=zone,
        locale="ja-JP" if zone == "Asia/Tokyo" else "en-US",
    )
    page = context.new_page()
    sign_in(page, live_server, "kana", PASSWORD)

    page.goto(f"{live_server.url}{ROADMAP}history/")
    days = page.locator(".history-day h2")
    expect(days).to_have_count(1)
    expect(days).to_have_text(f"{day:%A} {day.day} {day:%B %Y}")
    assert_accessible(page)

    page.goto(f"{live_server.url}/topics/supervised-learning/")
    shown = f"{day.day} {day:%b %Y}"
    expect(page.get_by_text(f"Started {shown}")).to_be_visible()
    expect(page.get_by_text(f"Completed {shown}")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboard/")
    recent = page.get_by_role("region", name="Recently completed")
    expect(recent.locator("time")).to_have_text([shown, shown])
    expect(page.locator("svg title", has_text=f"{day:%a %d %b %Y}: 2 topics started or completed")).to_have_count(1)
    assert f"{other_day.day} {other_day:%b %Y}" not in recent.inner_text()
    assert_accessible(page)
    context.close()
