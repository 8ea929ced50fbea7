"""Issue #29 in Chromium, at 360 and 1280 px with axe-core on every page: a
learner marks a topic for review, finds it due on the dashboard on the right
day (a frozen clock, in Tokyo), reviews it and sees the next date move by the
stated rule; a learner logs time while ticking done and sees it on the topic,
the dashboard and the forecast's stated basis; and the burn-up chart of a
learner with 8 weeks of history, light and dark."""

import datetime as dt
from unittest import mock

import pytest
from playwright.sync_api import expect

from progress import services
from progress.models import Progress, ProgressEvent, TimeEntry
from roadmap.models import Placement, Roadmap, Topic
from tests.browser.conftest import sign_in

TRACK = "ml-engineer-for-software-engineers"
TOKYO = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def clock():
    """timezone.now() for the test and the live server alike (one process), set by the test."""
    moment = {"now": dt.datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)}
    with mock.patch("django.utils.timezone.now", side_effect=lambda: moment["now"].astimezone(dt.UTC)):
        yield moment


def no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def in_order(slug: str, count: int) -> list[Topic]:
    """The first `count` live topics of a roadmap, in its order."""
    placements = Placement.objects.filter(section__roadmap__slug=slug, topic__retired=False).select_related("topic")
    return [p.topic for p in placements.order_by("section__order", "order")[:count]]


@pytest.mark.parametrize("width", [360, 1280])
def test_a_learner_reviews_a_topic_on_the_day_it_is_due(
    live_server, browser, content, alice, password, assert_accessible, clock, width
):
    alice.time_zone = "Asia/Tokyo"
    alice.save(update_fields=["time_zone"])
    topic = in_order(TRACK, 1)[0]
    services.set_status(learner=alice, topic=topic, status="done", roadmap=Roadmap.objects.get(slug=TRACK))

    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    review = page.locator("#review")
    review.get_by_text("How reviews are spaced").click()
    expect(review).to_contain_text("Fine moves the next one along 1, 3, 7, 21 and 60 days")
    review.get_by_role("button", name="Mark for review").click()
    expect(page.locator("#review")).to_contain_text("Next review: 8 Dec 2026")  # the day after, in Tokyo
    no_overflow(page)
    assert_accessible(page)

    # 23:30 on the 7th in Tokyo: not due yet.
    clock["now"] = dt.datetime(2026, 12, 7, 23, 30, tzinfo=TOKYO)
    page.goto(f"{live_server.url}/dashboard/")
    card = page.get_by_role("region", name="Due for review")
    expect(card).to_contain_text("Nothing due today.")
    expect(card).to_contain_text(f"Next: {topic.title} on 8 Dec 2026.")

    # 00:30 on the 8th in Tokyo (still the 7th in UTC): due.
    clock["now"] = dt.datetime(2026, 12, 8, 0, 30, tzinfo=TOKYO)
    page.reload()
    card = page.get_by_role("region", name="Due for review")
    expect(card.locator(".count-badge")).to_have_text("1")
    expect(card.locator(".review-list")).to_have_text(topic.title)
    no_overflow(page)
    assert_accessible(page)
    card.get_by_role("link", name=topic.title).click()

    review = page.locator("#review")
    expect(review).to_contain_text("Due for review today")
    review.get_by_role("button", name="Fine").click()  # htmx: the block redraws in place
    expect(page.locator("#review")).to_contain_text("Next review: 11 Dec 2026")  # 3 days on
    expect(page.locator("#review")).to_contain_text("reviewed once, last 8 Dec 2026 (Fine)")
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboard/")
    card = page.get_by_role("region", name="Due for review")
    expect(card).to_contain_text("Nothing due today.")
    expect(card).to_contain_text(f"Next: {topic.title} on 11 Dec 2026.")
    # The topic stays done: the roadmap's completion did not move.
    assert Progress.objects.get(learner=alice, topic=topic).status == "done"


@pytest.mark.parametrize("width", [360, 1280])
def test_a_learner_logs_time_while_ticking_done_and_the_forecast_learns_it(
    live_server, browser, content, alice, password, assert_accessible, width
):
    track = Roadmap.objects.get(slug=TRACK)
    first, second, third = in_order(TRACK, 3)
    for topic in (first, second):
        services.set_status(learner=alice, topic=topic, status="done", roadmap=track)
        services.log_time(learner=alice, topic=topic, minutes=topic.estimated_hours * 90)
    services.set_pace(learner=alice, roadmap=track, today=services.learner_today(alice), hours_per_week=10)

    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, "alice", password)
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    expect(card.locator(".pace-basis")).to_contain_text("Basis: the topics' estimates. Log time on 3 done topics")

    page.goto(f"{live_server.url}{third.get_absolute_url()}")
    page.get_by_label("Time spent, logged when you tick Done").select_option(label="2 hours")
    page.locator("#topic-status").get_by_role("button", name="Done").click()
    expect(page.locator("#topic-status").get_by_role("button", name="Done")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#time-log")).to_contain_text(
        f"2 hours logged of about {third.estimated_hours} hours estimated"
    )
    expect(page.locator("#review").get_by_role("button", name="Mark for review")).to_be_visible()
    no_overflow(page)
    assert_accessible(page)
    assert TimeEntry.objects.filter(learner=alice, topic=third).get().minutes == 120

    # A second sitting, logged with a quick choice, then corrected.
    page.locator("#time-log").get_by_role("button", name=f"30 minutes on {third.title}").click()
    expect(page.locator("#time-log")).to_contain_text("2 hours 30 minutes logged")
    entry = TimeEntry.objects.get(learner=alice, topic=third, minutes=30)
    log = page.locator("#time-log")
    log.locator(f"#entry-{entry.pk}-minutes").locator("xpath=ancestor::details").locator("summary").click()
    log.locator(f"#entry-{entry.pk}-minutes").fill("60")
    log.locator(f"#entry-{entry.pk}-minutes").locator("xpath=ancestor::form").get_by_role("button", name="Save").click()
    expect(page.locator("#time-log")).to_contain_text("3 hours logged")
    assert_accessible(page)

    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("region", name="Time logged")).to_contain_text("This week (from Monday):")
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    expect(card.locator(".pace-basis")).to_contain_text("Basis: your own speed")
    expect(card.locator(".pace-basis")).to_contain_text("on 3 done topics")
    card.get_by_text("Completion and time by section").click()
    expect(card.locator(".section-time").first).to_contain_text("h logged of the estimate")
    no_overflow(page)
    assert_accessible(page)


def seed_eight_weeks(learner, track):
    """Ten topics done over the last 8 weeks, most with time logged, and a pace."""
    now = services.timezone.now()
    start = now - dt.timedelta(weeks=8)
    for n, topic in enumerate(in_order(TRACK, 10)):
        at = start + dt.timedelta(days=5 * n + 1)
        services.set_status(learner=learner, topic=topic, status="done", roadmap=track)
        Progress.objects.filter(learner=learner, topic=topic).update(started_at=at, completed_at=at)
        ProgressEvent.objects.filter(learner=learner, topic=topic).update(created_at=at)
        if n % 3 != 2:
            TimeEntry.objects.create(
                learner=learner, topic=topic, minutes=min(960, topic.estimated_hours * 75), logged_on=at.date()
            )
    services.set_pace(learner=learner, roadmap=track, today=now.date(), hours_per_week=6)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_burn_up_chart_of_eight_weeks(
    live_server, browser, content, alice, password, assert_accessible, width, scheme
):
    track = Roadmap.objects.get(slug=TRACK)
    seed_eight_weeks(alice, track)
    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    sign_in(page, live_server, "alice", password)
    card = page.get_by_role("region", name="ML Engineer for software engineers")
    chart = card.locator("figure.burnup")
    expect(chart.locator("figcaption")).to_have_text("Your hours week by week")
    svg = chart.locator("svg.burnup-chart")
    expect(svg).to_be_visible()
    for line in ("done", "logged", "plan", "forecast"):
        expect(svg.locator(f"polyline.{line}")).to_have_count(1)
    # The lines are drawn in the page's colours: dark mode's are light.
    done_colour = svg.locator("polyline.done").evaluate("node => getComputedStyle(node).stroke")
    assert done_colour == ("rgb(95, 211, 138)" if scheme == "dark" else "rgb(28, 124, 60)")
    box = svg.bounding_box()
    assert box["width"] <= width and box["height"] > 100
    chart.get_by_text("The chart as a table").click()
    rows = chart.locator("tbody tr")
    assert rows.count() >= 8  # a row a week since the first topic (8 weeks: under the table's 16 rows)
    expect(chart.locator("thead")).to_contain_text("Hours logged")
    no_overflow(page)
    assert_accessible(page)
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=f"screenshots/burnup-{width}-{scheme}.png")
