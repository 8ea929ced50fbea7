"""Issue #16, item 3: the private calendar feed. The feed is parsed back with
icalendar as a calendar app reads it; the account page's Calendar section
makes, shows once, renews, changes and revokes it."""

import datetime as dt
import hashlib
import zoneinfo

import icalendar
import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from mentoring import services as mentoring_services
from progress import calendar, services
from progress.models import CalendarFeed, Status

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
WEDNESDAY = CalendarFeed.Weekday.WEDNESDAY


def make_feed(learner, *, weekday=WEDNESDAY, start=dt.time(19, 30), minutes=90) -> str:
    return services.create_or_renew_feed(learner=learner, weekday=weekday, start=start, minutes=minutes)


def feed_url(token: str) -> str:
    return reverse("calendar_feed", args=[token])


def fetch(token: str) -> icalendar.Calendar:
    response = Client().get(feed_url(token))  # a calendar app: no session
    assert response.status_code == 200, response.status_code
    return icalendar.Calendar.from_ical(response.content)


def the_event(feed: icalendar.Calendar) -> icalendar.Event:
    events = feed.walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.fixture
def berliner(alice):
    alice.time_zone = "Europe/Berlin"
    alice.save(update_fields=["time_zone"])
    return alice


# --- The feed -------------------------------------------------------------------


def test_the_feed_is_a_calendar_with_one_weekly_block_at_the_learners_time_in_her_zone(client, berliner):
    token = make_feed(berliner)
    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Robots-Tag"] == "noindex"
    feed = icalendar.Calendar.from_ical(response.content)
    assert feed["VERSION"] == "2.0"
    assert feed["PRODID"] == calendar.PRODID
    assert feed["CALSCALE"] == "GREGORIAN"
    assert feed["METHOD"] == "PUBLISH"
    assert feed["X-WR-CALNAME"] == "MLE Path study"
    assert feed["X-WR-TIMEZONE"] == "Europe/Berlin"
    event = the_event(feed)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert (start.weekday(), start.time()) == (WEDNESDAY, dt.time(19, 30))
    assert end - start == dt.timedelta(minutes=90)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["WE"]
    assert event["SUMMARY"] == "Study: MLE Path"
    assert event["UID"] == f"study-block-{berliner.pk}@mlepath.local"
    assert event["URL"] == "http://testserver/dashboard/"
    assert abs(event.decoded("DTSTAMP") - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_the_vtimezone_holds_standard_and_daylight_time_and_every_tzid_has_one(berliner):
    feed = fetch(make_feed(berliner))

    (zone,) = feed.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    assert zone.standard and zone.daylight
    offsets = {(c["TZOFFSETFROM"].td, c["TZOFFSETTO"].td) for c in zone.daylight}
    assert (dt.timedelta(hours=1), dt.timedelta(hours=2)) in offsets  # CET to CEST
    assert feed.get_missing_tzids() == set()
    # Zoneinfo and the VTIMEZONE agree on a summer block: 19:30 is 17:30 UTC in July.
    summer = dt.datetime(2027, 7, 7, 19, 30, tzinfo=zone.to_tz())
    assert summer.utcoffset() == dt.timedelta(hours=2)


def test_a_learner_in_utc_gets_times_in_utc_and_no_vtimezone(alice):
    feed = fetch(make_feed(alice))  # alice's zone is UTC, the default

    assert feed.walk("VTIMEZONE") == []
    assert the_event(feed).decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert feed["X-WR-TIMEZONE"] == "UTC"


def test_the_series_starts_with_the_first_block_after_the_learner_set_it(berliner):
    token = make_feed(berliner, weekday=CalendarFeed.Weekday.MONDAY, start=dt.time(10, 0))
    monday_noon = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)  # 13:00 in Berlin: 10:00 has passed
    CalendarFeed.objects.filter(learner=berliner).update(block_set_at=monday_noon)

    start = the_event(fetch(token)).decoded("DTSTART")

    assert start == dt.datetime(2026, 12, 7, 10, 0, tzinfo=BERLIN)
    CalendarFeed.objects.filter(learner=berliner).update(weekday=WEDNESDAY)
    assert the_event(fetch(token)).decoded("DTSTART") == dt.datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)


def test_two_fetches_give_the_same_event_and_a_renewal_keeps_its_uid(berliner):
    token = make_feed(berliner)
    first, second = the_event(fetch(token)), the_event(fetch(token))
    assert first["UID"] == second["UID"]
    assert first.decoded("DTSTART") == second.decoded("DTSTART")

    renewed = the_event(fetch(make_feed(berliner)))
    assert renewed["UID"] == first["UID"]
    assert renewed.decoded("DTSTART") == first.decoded("DTSTART")


def test_the_description_lists_this_weeks_planned_topics_per_roadmap(alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status=Status.DONE, roadmap=track)
    services.set_status(learner=alice, topic=topics["b"], status=Status.IN_PROGRESS, roadmap=track)
    services.set_pace(learner=alice, roadmap=track, today=dt.date.today(), hours_per_week=7)

    description = str(the_event(fetch(make_feed(alice)))["DESCRIPTION"])

    assert "Track, 7 h a week:" in description
    assert "- Beta (in progress, 3 h): http://testserver/topics/b/" in description
    assert "- Gamma (5 h): http://testserver/topics/c/" in description
    assert "Alpha" not in description  # done
    assert "Delta" not in description  # beyond the week's 7 h (Beta counts half)
    assert "Your dashboard: http://testserver/dashboard/" in description


def test_without_a_pace_the_description_says_so_and_points_to_the_dashboard(alice, topics, track):
    services.follow_roadmap(learner=alice, roadmap=track)

    description = str(the_event(fetch(make_feed(alice)))["DESCRIPTION"])

    assert "You have no pace set yet" in description
    assert "http://testserver/dashboard/" in description
    assert "Alpha" not in description


def test_the_feed_never_shows_notes_evidence_or_mentor_feedback(alice, bob, topics, track, mentoring):
    mentoring_services.add_comment(author=bob, learner=alice, topic=topics["a"], body="bob-feedback-text")
    services.add_evidence(learner=alice, topic=topics["b"], url="https://example.com/b-work", title="b-evidence-title")
    services.save_note(learner=alice, topic=topics["b"], note="b-private-note")
    services.set_status(learner=alice, topic=topics["b"], status=Status.IN_PROGRESS, roadmap=track)
    services.set_pace(learner=alice, roadmap=track, today=dt.date.today(), hours_per_week=10)

    body = Client().get(feed_url(make_feed(alice))).content.decode()

    assert "Beta" in body  # the planned topic whose note and evidence these are
    for secret in (
        "alice-private-note",
        "alice-evidence",
        "b-private-note",
        "b-work",
        "b-evidence-title",
        "bob-feedback",
    ):
        assert secret not in body


def test_the_feed_answers_in_a_fixed_number_of_queries_whatever_the_topics(
    alice, django_assert_num_queries, topics, track
):
    def planned(token) -> list[str]:
        description = str(the_event(fetch(token))["DESCRIPTION"])
        return [line for line in description.splitlines() if line.startswith("- ")]

    token = make_feed(alice)
    services.set_pace(learner=alice, roadmap=track, today=dt.date.today(), hours_per_week=2)
    fetch(token)  # the roadmap's outline is cached by the first fetch
    # The feed by its digest (the address's count of unknown tokens is in the
    # cache); then the dashboard's reads: followed roadmaps, statuses, recent
    # completions (for the pace), project states, recently completed, activity events,
    # the reviews (due ones are listed) and the time log (the pace's own speed).
    with django_assert_num_queries(9):
        few = planned(token)
    services.set_pace(learner=alice, roadmap=track, today=dt.date.today(), hours_per_week=40)
    for topic in topics.values():
        services.set_status(learner=alice, topic=topic, status=Status.IN_PROGRESS, roadmap=track)
    fetch(token)  # and the activity's day counts, keyed by its events (mlepath.cache)
    with django_assert_num_queries(9):
        many = planned(token)
    assert (len(few), len(many)) == (1, 5)


# --- Tokens ---------------------------------------------------------------------


def test_an_unknown_token_gets_the_sites_404(client, alice):
    make_feed(alice)

    response = client.get(feed_url("no-such-token"))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_guessing_tokens_is_limited_per_address_and_real_feeds_are_not(client, alice):
    # Issue #23, row 13.
    from accounts.throttle import FEED_MISSES_PER_ADDRESS

    token = make_feed(alice)
    for n in range(FEED_MISSES_PER_ADDRESS.attempts):
        assert client.get(feed_url(f"guess-{n}"), REMOTE_ADDR="192.0.2.9").status_code == 404
    refused = client.get(feed_url("guess-again"), REMOTE_ADDR="192.0.2.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # Real feeds are served, to that address too (a calendar service polls many,
    # and keeps polling revoked ones).
    for address in ("192.0.2.9", "192.0.2.10"):
        assert client.get(feed_url(token), REMOTE_ADDR=address).status_code == 200


def test_a_revoked_token_gets_404(client, alice):
    token = make_feed(alice)
    assert services.revoke_feed(learner=alice) is True

    assert client.get(feed_url(token)).status_code == 404
    assert services.revoke_feed(learner=alice) is False


def test_renewing_stops_the_old_url_at_once_and_keeps_the_block(client, berliner):
    old = make_feed(berliner, minutes=60)
    new = services.create_or_renew_feed(learner=berliner, weekday=WEDNESDAY, start=dt.time(19, 30), minutes=60)

    assert new != old
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    assert CalendarFeed.objects.get(learner=berliner).minutes == 60


def test_the_token_is_stored_only_as_its_digest(alice):
    token = make_feed(alice)

    feed = CalendarFeed.objects.get(learner=alice)
    assert len(token) >= 43  # 32 random bytes
    assert feed.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CalendarFeed.objects.filter(learner=alice).values().get())


def test_a_deactivated_learners_feed_gets_404(client, alice):
    token = make_feed(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    assert client.get(feed_url(token)).status_code == 404


def test_the_feed_answers_get_and_head_only(client, alice):
    token = make_feed(alice)

    assert client.head(feed_url(token)).status_code == 200
    assert client.post(feed_url(token)).status_code == 405


def test_a_study_block_outside_the_limits_is_refused_by_the_service(alice):
    for block in ({"minutes": 29}, {"minutes": 481}, {"weekday": 7}):
        with pytest.raises(services.FeedError):
            make_feed(alice, **block)
    assert not CalendarFeed.objects.exists()


# --- The account page -----------------------------------------------------------

BLOCK = {"weekday": "2", "start": "19:30", "minutes": "90"}


def new_url_on_the_page(html: str) -> str | None:
    marker = 'id="calendar-url" type="text" readonly value="'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_creating_a_feed_shows_its_url_once_on_the_account_page(alice_client, alice):
    response = alice_client.post("/calendar/", {"action": "create", **BLOCK})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/#calendar"
    html = alice_client.get("/accounts/").content.decode()
    url = new_url_on_the_page(html)
    assert url and url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    assert "Shown only this once" in html
    assert "Google Calendar</strong>: Other calendars › From URL" in html
    assert "Wednesdays at 19:30 for 1 hour 30 minutes" in html
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200

    again = alice_client.get("/accounts/").content.decode()
    assert new_url_on_the_page(again) is None
    assert "Renew the link" in again and "Wednesdays at 19:30" in again


def test_once_shown_the_raw_token_is_nowhere_in_the_database(alice_client, alice):
    alice_client.post("/calendar/", {"action": "create", **BLOCK})
    token = new_url_on_the_page(alice_client.get("/accounts/").content.decode()).rsplit("/", 1)[1].removesuffix(".ics")

    for session in Session.objects.all():
        assert token not in str(session.get_decoded())
    assert CalendarFeed.objects.get(learner=alice).token_digest == CalendarFeed.digest(token)


def test_renew_from_the_page_gives_a_new_url_and_the_old_one_404s(alice_client, alice):
    old = make_feed(alice)

    response = alice_client.post("/calendar/", {"action": "renew"})

    assert response.status_code == 302
    new = new_url_on_the_page(alice_client.get("/accounts/").content.decode())
    assert new and old not in new
    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(new.removeprefix("http://testserver")).status_code == 200


def test_changing_the_block_keeps_the_url(alice_client, alice):
    token = make_feed(alice)

    response = alice_client.post("/calendar/", {"action": "update", "weekday": "6", "start": "08:15", "minutes": "45"})

    assert response.status_code == 302
    feed = CalendarFeed.objects.get(learner=alice)
    assert (feed.weekday, feed.start, feed.minutes) == (6, dt.time(8, 15), 45)
    start = the_event(fetch(token)).decoded("DTSTART")
    assert (start.weekday(), start.time()) == (6, dt.time(8, 15))
    assert new_url_on_the_page(alice_client.get("/accounts/").content.decode()) is None


def test_revoke_from_the_page(alice_client, alice):
    token = make_feed(alice)

    response = alice_client.post("/calendar/", {"action": "revoke"})

    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()
    assert Client().get(feed_url(token)).status_code == 404
    assert "Create my calendar link" in alice_client.get("/accounts/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "create", **BLOCK, "weekday": "9"}, "Select a valid choice"),
        ({"action": "create", **BLOCK, "start": "25:00"}, "Enter a valid time"),
        ({"action": "create", **BLOCK, "minutes": "1000"}, "Select a valid choice"),
        ({"action": "create", **BLOCK, "minutes": ""}, "This field is required"),
        ({"action": "update", **BLOCK, "minutes": "20"}, "Select a valid choice"),
        ({"action": "explode"}, "Choose to create, renew, change or revoke"),
        ({}, "Choose to create, renew, change or revoke"),
    ],
)
def test_bad_input_is_refused_with_400_and_changes_nothing(alice_client, alice, data, message):
    token = make_feed(alice)
    before = CalendarFeed.objects.values().get()

    response = alice_client.post("/calendar/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="calendar-title"' in html
    assert CalendarFeed.objects.values().get() == before
    assert Client().get(feed_url(token)).status_code == 200


@pytest.mark.parametrize("action", ["renew", "update"])
def test_renewing_or_changing_without_a_feed_is_refused(alice_client, action):
    response = alice_client.post("/calendar/", {"action": action, **BLOCK})

    assert response.status_code == 400
    assert "You have no calendar link" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_managing_a_feed_needs_sign_in(client, alice):
    token = make_feed(alice)

    for action in ("create", "renew", "update", "revoke"):
        response = client.post("/calendar/", {"action": action, **BLOCK})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert CalendarFeed.objects.count() == 1
    assert client.get(feed_url(token)).status_code == 200


def test_a_learner_cannot_touch_anothers_feed(client, alice, bob):
    token = make_feed(alice)
    before = CalendarFeed.objects.values().get()
    client.force_login(bob)

    assert client.post("/calendar/", {"action": "revoke"}).status_code == 302
    assert client.post("/calendar/", {"action": "renew"}).status_code == 400
    assert client.post("/calendar/", {"action": "update", **BLOCK}).status_code == 400
    assert client.post("/calendar/", {"action": "create", **BLOCK}).status_code == 302

    assert CalendarFeed.objects.values().get(learner=alice) == before
    assert Client().get(feed_url(token)).status_code == 200
    assert new_url_on_the_page(client.get("/accounts/").content.decode()) is not None  # bob's own


def test_the_manage_endpoint_refuses_get_and_a_missing_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.get("/calendar/").status_code == 405
    assert client.post("/calendar/", {"action": "create", **BLOCK}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_deleting_the_account_deletes_the_feed(client, alice):
    from accounts import services as account_services

    token = make_feed(alice)
    account_services.delete_account(user=alice)

    assert not CalendarFeed.objects.exists()
    assert client.get(feed_url(token)).status_code == 404


def test_the_description_names_the_week_of_the_next_block_and_what_it_leaves_of_the_plan(alice, topics, track):
    """Issue #25: a block whose day has passed this week comes next week, and
    so does the plan it describes; a block shorter than the plan says so."""
    services.set_pace(learner=alice, roadmap=track, today=dt.date.today(), hours_per_week=7)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    # Today's day at midnight has passed: the first block is a week from today.
    passed = the_event(fetch(make_feed(alice, weekday=today.weekday(), start=dt.time(0, 0), minutes=90)))
    assert passed.decoded("DTSTART").date() == today + dt.timedelta(weeks=1)
    description = str(passed["DESCRIPTION"])
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    assert f"Your plan for the week of {next_monday:%-d %b %Y}, as it stands on {today:%A %-d %B %Y}:" in description
    assert "This block is 1.5 h of the 7 h a week your plan asks: find 5.5 h more in your week" in description

    # Sunday at the last minute is still ahead (but for that minute): this week's plan; 7 h blocks leave no gap.
    later = str(the_event(fetch(make_feed(alice, weekday=6, start=dt.time(23, 59), minutes=420)))["DESCRIPTION"])
    if not (today.weekday() == 6 and now.time() >= dt.time(23, 59)):
        this_monday = today - dt.timedelta(days=today.weekday())
        assert f"This week's plan (week of {this_monday:%-d %b %Y}):" in later
    assert "This block is" not in later


def test_the_next_block_keeps_its_wall_clock_time_across_a_change_of_season():
    # Berlin leaves summer time on Sunday 25 Oct 2026: a Sunday 19:30 block stays at 19:30.
    first = dt.datetime(2026, 10, 18, 19, 30, tzinfo=BERLIN)
    now = dt.datetime(2026, 10, 26, 12, 0, tzinfo=dt.UTC)
    block = calendar.next_block(first, now, BERLIN)
    assert block == dt.datetime(2026, 11, 1, 19, 30, tzinfo=BERLIN)
    assert block.utcoffset() == dt.timedelta(hours=1) and first.utcoffset() == dt.timedelta(hours=2)
    assert calendar.next_block(first, first - dt.timedelta(days=3), BERLIN) == first  # not yet begun
    assert calendar.next_block(first, first, BERLIN) == first
