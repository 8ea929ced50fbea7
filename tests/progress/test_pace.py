"""Pace: the forecast arithmetic, the plan a learner sets, and what the dashboard shows."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from progress import pace, services
from progress.models import PlanChange, Progress, ProgressEvent, RoadmapFollow, Status

TODAY = dt.date(2026, 11, 30)  # a Monday


def row(hours, status=Status.NOT_STARTED):
    return SimpleNamespace(topic=SimpleNamespace(estimated_hours=hours), status=status)


# --- The arithmetic ---------------------------------------------------------


def test_remaining_hours_leave_out_done_and_skipped_and_count_in_progress_half():
    rows = [(10, Status.DONE), (8, Status.SKIPPED), (5, Status.IN_PROGRESS), (7, Status.NOT_STARTED), (3, None)]
    assert pace.remaining_hours(rows) == Decimal("12.5")


def test_a_finish_date_rounds_up_to_the_day_and_none_without_pace():
    assert pace.finish_date(remaining=Decimal(10), hours_per_week=Decimal(10), today=TODAY) == TODAY + dt.timedelta(7)
    assert pace.finish_date(remaining=Decimal(1), hours_per_week=Decimal(10), today=TODAY) == TODAY + dt.timedelta(1)
    assert pace.finish_date(remaining=Decimal(10), hours_per_week=Decimal(0), today=TODAY) is None
    assert pace.finish_date(remaining=Decimal(0), hours_per_week=Decimal(0), today=TODAY) == TODAY


def test_hours_a_week_for_a_target_round_up_and_refuse_a_date_not_after_today():
    assert pace.hours_per_week_for(remaining=Decimal(100), target=TODAY + dt.timedelta(weeks=10), today=TODAY) == 10
    assert pace.hours_per_week_for(remaining=Decimal(101), target=TODAY + dt.timedelta(weeks=10), today=TODAY) == 11
    assert pace.hours_per_week_for(remaining=Decimal(0), target=TODAY + dt.timedelta(days=1), today=TODAY) == 1
    with pytest.raises(ValueError):
        pace.hours_per_week_for(remaining=Decimal(5), target=TODAY, today=TODAY)


def forecast(remaining, *, hours=10, target_weeks=10, done_recently=0, today=TODAY, began_days_ago=70):
    return pace.forecast(
        remaining=Decimal(remaining),
        hours_per_week=hours,
        target_date=today + dt.timedelta(weeks=target_weeks),
        done_recently_hours=done_recently,
        first_activity=today - dt.timedelta(days=began_days_ago) if began_days_ago is not None else None,
        today=today,
    )


def test_on_track_when_the_actual_pace_finishes_by_the_target():
    f = forecast(100, done_recently=40)  # 10 h a week for the last 4 weeks
    assert f.actual_per_week == 10
    assert f.finish_at_actual == TODAY + dt.timedelta(weeks=10)
    assert f.weeks_behind == 0


def test_behind_by_whole_weeks_rounded_up():
    f = forecast(100, done_recently=20)  # 5 h a week: 20 weeks for a 10-week target
    assert f.finish_at_actual == TODAY + dt.timedelta(weeks=20)
    assert f.weeks_behind == 10
    assert forecast(101, done_recently=40).weeks_behind == 1  # a day late is a week behind


def test_zero_pace_gives_no_forecast_at_the_actual_pace():
    f = forecast(100, done_recently=0)
    assert f.finish_at_actual is None
    assert f.weeks_behind is None
    assert f.finish_at_plan == TODAY + dt.timedelta(weeks=10)


def test_a_target_date_in_the_past_is_reported_as_passed():
    f = forecast(30, target_weeks=-2, done_recently=40)
    assert f.target_passed
    assert f.weeks_behind == 5  # finishing in 3 weeks, 5 weeks after a target 2 weeks ago


def test_a_finished_roadmap_is_on_track_whatever_the_date():
    f = forecast(0, target_weeks=-2)
    assert f.finished and not f.target_passed and f.weeks_behind == 0


@pytest.mark.parametrize("began_days_ago", [None, 0, 1, 13])
def test_no_verdict_before_two_weeks_of_history_only_the_plan(began_days_ago):
    """Day one: three topics already known ticked at once are no pace, and
    nothing ticked is no failure either (issue #25: "Behind by 164 weeks")."""
    f = forecast(300, done_recently=3, began_days_ago=began_days_ago)
    assert f.too_early and f.verdict == "too_early"
    assert f.weeks_behind is None and f.finish_at_actual is None and f.actual_per_week == 0
    assert f.finish_at_plan == TODAY + dt.timedelta(weeks=30)  # 300 h at the plan's 10 h a week
    if began_days_ago is not None:
        assert f.judged_from == TODAY - dt.timedelta(days=began_days_ago) + dt.timedelta(days=14)


def test_from_two_weeks_the_pace_is_measured_over_the_days_since_the_first_activity():
    f = forecast(100, done_recently=20, began_days_ago=14)
    assert f.actual_per_week == 10 and f.window_days == 14  # 20 h in 2 weeks
    assert f.verdict == "on_track" and f.finish_at_actual == TODAY + dt.timedelta(weeks=10)
    assert forecast(100, done_recently=10, began_days_ago=14).verdict == "behind"
    assert forecast(100, done_recently=20, began_days_ago=20).window_days == 20
    assert forecast(100, done_recently=40, began_days_ago=400).window_days == 28  # then the last 4 weeks


def test_a_finished_roadmap_is_finished_on_day_one():
    assert forecast(0, began_days_ago=0).verdict == "finished"


def test_the_week_plan_takes_topics_in_order_until_the_hours_run_out():
    rows = [row(4, Status.DONE), row(6, Status.IN_PROGRESS), row(5), row(3), row(2, Status.SKIPPED), row(9)]
    plan = pace.week_plan(rows, hours_per_week=10)
    assert plan == [rows[1], rows[2]]  # 3 h (half of 6) + 5 h; the next 3 h would not fit
    assert pace.week_plan(rows, hours_per_week=11) == [rows[1], rows[2], rows[3]]


def test_the_first_open_topic_is_planned_even_when_longer_than_the_week():
    long = row(30)
    assert pace.week_plan([long, row(1)], hours_per_week=5) == [long]


@pytest.mark.parametrize(
    ("now", "zone", "monday"),
    [
        # Sunday evening in New York is Monday in UTC: the week is New York's.
        (dt.datetime(2026, 11, 30, 3, tzinfo=dt.UTC), "America/New_York", dt.date(2026, 11, 23)),
        (dt.datetime(2026, 11, 30, 3, tzinfo=dt.UTC), "Asia/Tokyo", dt.date(2026, 11, 30)),
        # The week of the autumn change in Europe (Sunday 25 Oct 2026): Monday 19 Oct at local midnight.
        (dt.datetime(2026, 10, 25, 12, tzinfo=dt.UTC), "Europe/Berlin", dt.date(2026, 10, 19)),
    ],
)
def test_the_week_starts_on_monday_where_the_learner_lives(now, zone, monday):
    tz = zoneinfo.ZoneInfo(zone)
    start = pace.week_start(now, tz)
    assert start.date() == monday and start.time() == dt.time.min and start.tzinfo == tz
    assert start <= now < start + dt.timedelta(days=7)


def test_the_week_across_a_daylight_saving_change_is_169_hours_long():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    start = pace.week_start(dt.datetime(2026, 10, 21, 12, tzinfo=dt.UTC), berlin)
    following = pace.week_start(dt.datetime(2026, 10, 27, 12, tzinfo=dt.UTC), berlin)
    assert start.date() == dt.date(2026, 10, 19)
    assert following.date() == dt.date(2026, 10, 26)
    elapsed = following.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    assert elapsed == dt.timedelta(days=7, hours=1)  # the clocks went back an hour


# --- Setting a pace, and the dashboard -----------------------------------------
# The `track` fixture: a (2 h), b (3 h, needs a), c (5 h, needs b), d (7 h, needs c), e (11 h): 28 hours.


def local_today(user):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(user.time_zone or "UTC"))


@pytest.fixture(autouse=True)
def alice_follows_the_track(request):
    if "track" in request.fixturenames and "alice" in request.fixturenames:
        services.follow_roadmap(learner=request.getfixturevalue("alice"), roadmap=request.getfixturevalue("track"))


def post_pace(client, **fields):
    return client.post("/roadmaps/track/pace/", {f"track-{name}": value for name, value in fields.items()})


def test_a_pace_in_hours_a_week_gives_the_finish_date_and_is_recorded(alice_client, alice, track):
    response = post_pace(alice_client, basis="hours", hours_per_week="7")

    assert response.status_code == 302 and response.url == "/dashboard/#pace-track"
    follow = RoadmapFollow.objects.get(learner=alice, roadmap=track)
    assert (follow.plan_basis, follow.hours_per_week) == ("hours", 7)
    assert follow.target_date == local_today(alice) + dt.timedelta(weeks=4)  # 28 h at 7 h a week
    change = PlanChange.objects.get()
    assert (change.basis, change.hours_per_week, change.target_date) == ("hours", 7, follow.target_date)
    page = alice_client.get(response.url).content.decode()
    assert f"Planned: Track at 7 hours a week, to finish by {follow.target_date:%-d %b %Y}." in page
    assert "<dt>Hours left</dt><dd>28 <span" in page
    # A first day: the plan is told, no verdict.
    assert f'At 7 h a week you finish on <time datetime="{follow.target_date:%Y-%m-%d}">' in page
    assert "Your pace is compared with your plan two weeks after your first topic." in page
    assert "Behind" not in page and "No topic done" not in page


def test_a_target_date_gives_the_hours_a_week(alice_client, alice, track):
    target = local_today(alice) + dt.timedelta(days=14)
    assert post_pace(alice_client, basis="date", target_date=target.isoformat()).status_code == 302
    follow = RoadmapFollow.objects.get(learner=alice, roadmap=track)
    assert (follow.plan_basis, follow.hours_per_week, follow.target_date) == ("date", 14, target)  # 28 h in 2 weeks
    page = alice_client.get("/dashboard/").content.decode()
    assert f"14 h a week, to finish by {target:%-d %b %Y}" in page


def test_the_forecast_at_the_actual_pace_says_how_far_behind_and_plans_the_week(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=track)
    services.set_status(learner=alice, topic=topics["b"], status=Status.DONE, roadmap=track)
    post_pace(alice_client, basis="hours", hours_per_week="5")  # 23 h left: 33 days
    began = timezone.now() - dt.timedelta(weeks=5)  # the history the verdict needs: a first topic 5 weeks ago
    ProgressEvent.objects.create(
        learner=alice, topic=topics["e"], from_status="not_started", to_status="in_progress", created_at=began
    )

    page = alice_client.get("/dashboard/").content.decode()

    # 5 h done in 4 weeks is 1.25 h a week: 23 h take 129 days, 96 days after the plan's 33.
    assert "Behind by 14 weeks for" in page
    assert "<dt>Your pace, last 4 weeks</dt><dd>1.2 h a week</dd>" in page or "<dd>1.3 h a week</dd>" in page
    finish = local_today(alice) + dt.timedelta(days=129)
    assert f'<time datetime="{finish:%Y-%m-%d}">' in page
    assert "2 topics done this week (from Monday)" in page
    week = page[page.index('<ol class="week-plan">') :].split("</ol>")[0]
    assert "Gamma" in week and "Delta" not in week  # 5 h fit Gamma only


def test_day_one_three_topics_and_a_pace_read_the_plan_not_a_verdict(alice_client, alice, topics, track):
    """Issue #25: a learner who ticks 3 topics and sets 10 h a week on day one."""
    for slug in ("a", "b", "c"):
        services.set_status(learner=alice, topic=topics[slug], status=Status.DONE, roadmap=track)
    post_pace(alice_client, basis="hours", hours_per_week="10")  # 18 h left: 13 days
    page = alice_client.get("/dashboard/").content.decode()
    finish = local_today(alice) + dt.timedelta(days=13)
    judged = local_today(alice) + dt.timedelta(days=14)
    assert f'At 10 h a week you finish on <time datetime="{finish:%Y-%m-%d}">{finish:%-d %b %Y}</time>.' in page
    assert f"Your pace is compared with your plan from {judged:%-d %b}, two weeks after your first topic." in page
    assert "compared with your plan once you have two weeks of history" in page  # the rule, stated
    assert "Behind" not in page and "Your pace, last" not in page
    week = page[page.index('<ol class="week-plan">') :].split("</ol>")[0]
    assert "Delta" in week  # what this week holds


def test_an_in_progress_topic_counts_half_and_a_skipped_one_not_at_all(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["e"], status=Status.SKIPPED, roadmap=track)
    services.set_status(learner=alice, topic=topics["d"], status=Status.IN_PROGRESS, roadmap=track)
    post_pace(alice_client, basis="hours", hours_per_week="10")
    assert "<dt>Hours left</dt><dd>13.5 <span" in alice_client.get("/dashboard/").content.decode()  # 2 + 3 + 5 + 3.5


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"basis": "hours", "hours_per_week": "0"}, "greater than or equal to 1"),
        ({"basis": "hours", "hours_per_week": "81"}, "less than or equal to 80"),
        ({"basis": "hours", "hours_per_week": "ten"}, "Enter a whole number."),
        ({"basis": "hours"}, "Enter the hours a week you plan to study."),
        ({"basis": "date"}, "Enter the date you want to finish by."),
        ({"basis": "date", "target_date": "2026-02-30"}, "Enter a valid date."),
        ({"basis": "date", "target_date": "2000-01-01"}, "Choose a date after today."),
        ({"basis": "weekly", "hours_per_week": "5"}, "Select a valid choice."),
        ({"hours_per_week": "5"}, "This field is required."),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(alice_client, alice, track, fields, message):
    response = post_pace(alice_client, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<h1>Your pace on Track</h1>" in html and 'class="pace-form"' in html  # the form again, with the error
    assert not RoadmapFollow.objects.filter(learner=alice, roadmap=track).exclude(plan_basis="").exists()
    assert not PlanChange.objects.exists()


def test_a_date_that_needs_more_than_80_hours_a_week_is_refused(alice_client, alice, track):
    response = post_pace(
        alice_client, basis="date", target_date=(local_today(alice) + dt.timedelta(days=1)).isoformat()
    )
    assert response.status_code == 400
    assert "That date needs 196 hours a week for the 28 hours left; choose a later date" in response.content.decode()
    assert not PlanChange.objects.exists()


def test_removing_the_pace_keeps_the_roadmap_followed_and_is_recorded(alice_client, alice, track):
    post_pace(alice_client, basis="hours", hours_per_week="7")
    response = alice_client.post("/roadmaps/track/pace/", {"action": "clear"})
    assert response.status_code == 302
    follow = RoadmapFollow.objects.get(learner=alice, roadmap=track)
    assert (follow.plan_basis, follow.hours_per_week, follow.target_date) == ("", None, None)
    assert list(PlanChange.objects.values_list("basis", flat=True)) == ["hours", ""]
    assert "Set a pace" in alice_client.get("/dashboard/").content.decode()


def test_pace_needs_a_signed_in_post_on_a_followed_published_roadmap(alice_client, bob, track):
    from django.test import Client

    response = Client().post("/roadmaps/track/pace/", {"track-basis": "hours", "track-hours_per_week": "5"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert Client().get("/roadmaps/track/pace/").url.startswith("/accounts/login/")
    bob_client = Client()
    bob_client.force_login(bob)
    response = bob_client.post("/roadmaps/track/pace/", {"track-basis": "hours", "track-hours_per_week": "5"})
    assert response.status_code == 302 and response.url == "/roadmaps/track/"
    assert "Follow Track to set a pace on it" in bob_client.get(response.url).content.decode()
    assert not PlanChange.objects.exists()
    page = bob_client.get("/roadmaps/track/pace/")
    assert page.status_code == 200 and "You do not follow Track." in page.content.decode()
    assert 'class="pace-form"' not in page.content.decode()
    assert alice_client.put("/roadmaps/track/pace/").status_code == 405
    assert alice_client.post("/roadmaps/nope/pace/", {}).status_code == 404
    assert alice_client.get("/roadmaps/nope/pace/").status_code == 404


def test_the_dashboard_links_to_the_pace_form_and_htmx_opens_it_in_place(alice_client, alice, track):
    dashboard = alice_client.get("/dashboard/").content.decode()
    assert 'hx-get="/roadmaps/track/pace/"' in dashboard and "Set a pace" in dashboard
    assert 'class="pace-form"' not in dashboard  # rendered only when opened

    page = alice_client.get("/roadmaps/track/pace/")
    html = page.content.decode()
    assert page.status_code == 200 and html.startswith("<!doctype html>")
    assert "About 28 hours left." in html and 'value="hours" id="id_track-basis_0" required checked' in html
    assert "Remove pace" not in html  # nothing to remove yet
    assert "hx-post" not in html and "autofocus" not in html  # a page of its own: a plain form

    fragment = alice_client.get("/roadmaps/track/pace/", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert html.lstrip().startswith('<form method="post" action="/roadmaps/track/pace/" class="pace-form"')
    assert "<!doctype" not in html and 'hx-post="/roadmaps/track/pace/"' in html and "autofocus" in html
    assert fragment["Vary"].count("HX-Request") == 1


def test_the_form_shows_the_pace_set_and_offers_to_remove_it(alice_client, alice, track):
    target = local_today(alice) + dt.timedelta(days=28)
    post_pace(alice_client, basis="date", target_date=target.isoformat())
    html = alice_client.get("/roadmaps/track/pace/").content.decode()
    assert (
        'value="date" id="id_track-basis_1" required checked' in html
        and f'value="{target.isoformat()}"' in html
        and 'value="7"' in html
    )
    assert "Remove pace" in html
    assert "Change or remove your pace" in alice_client.get("/dashboard/").content.decode()


def test_with_htmx_an_error_shows_in_place_and_a_saved_pace_reloads_the_dashboard(alice_client, alice, track):
    htmx = {"HX-Request": "true"}
    response = alice_client.post(
        "/roadmaps/track/pace/", {"track-basis": "hours", "track-hours_per_week": "0"}, headers=htmx
    )
    html = response.content.decode()
    assert response.status_code == 422 and html.lstrip().startswith("<form") and "greater than or equal to 1" in html
    assert not PlanChange.objects.exists()

    response = alice_client.post(
        "/roadmaps/track/pace/", {"track-basis": "hours", "track-hours_per_week": "7"}, headers=htmx
    )
    assert response.status_code == 200 and response["HX-Refresh"] == "true"  # the dashboard it was opened on
    assert RoadmapFollow.objects.get(learner=alice).hours_per_week == 7
    response = alice_client.post("/roadmaps/track/pace/", {"action": "clear"}, headers=htmx)
    assert response["HX-Refresh"] == "true"
    assert RoadmapFollow.objects.get(learner=alice).plan_basis == ""


def test_another_learners_pace_is_not_touched(alice_client, bob, track):
    services.follow_roadmap(learner=bob, roadmap=track)
    post_pace(alice_client, basis="hours", hours_per_week="7")
    assert RoadmapFollow.objects.get(learner=bob).plan_basis == ""


def test_the_dashboard_with_a_pace_runs_one_query_more(alice_client, alice, topics, track):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=track)
    alice_client.get("/dashboard/")
    with CaptureQueriesContext(connection) as without:
        alice_client.get("/dashboard/")
    post_pace(alice_client, basis="hours", hours_per_week="7")
    alice_client.get("/dashboard/")
    with CaptureQueriesContext(connection) as planned:
        alice_client.get("/dashboard/")
    assert len(planned) == len(without) + 1  # the completions of the last 4 weeks
    assert Progress.objects.filter(learner=alice).count() == 1


def test_changes_of_pace_show_in_the_roadmaps_history_with_the_ticks(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=track)
    post_pace(alice_client, basis="hours", hours_per_week="6")
    alice_client.post("/roadmaps/track/pace/", {"action": "clear"})

    html = alice_client.get("/roadmaps/track/history/").content.decode()

    target = local_today(alice) + dt.timedelta(days=31)  # 26 h at 6 h a week: 30.33 days, rounded up
    removed = html.index("Pace: <strong>removed</strong>")
    planned = html.index(f"Pace: <strong>6 h a week, to finish by {target:%-d %b %Y}</strong>")
    ticked = html.index(">Alpha</a>: Not started → <strong>Done</strong>")
    assert removed < planned < ticked  # newest first
