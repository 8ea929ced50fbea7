"""Issue #29: spaced review of done topics, a time log, the forecast's basis and
the burn-up chart: the rule, the writes, the pages that show them, who may see
them, the data out and in, and the queries they cost."""

import datetime as dt
import json
import re
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from mentoring.models import Mentorship
from progress import review, services, transfer
from progress.models import Review, RoadmapFollow, TimeEntry

# 15:30 UTC on Sunday 6 December is 00:30 on Monday 7 December in Tokyo.
NEAR_MIDNIGHT = dt.datetime(2026, 12, 6, 15, 30, tzinfo=dt.UTC)


def frozen(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def tokyo(alice):
    alice.time_zone = "Asia/Tokyo"
    alice.save(update_fields=["time_zone"])
    return alice


# --- The rule -------------------------------------------------------------------


def test_fine_walks_the_intervals_easy_skips_one_and_hard_starts_again():
    steps, step = [], 0
    for _ in range(6):
        step = review.next_step(step, "fine")
        steps.append(step)
    assert [review.due_after(s, dt.date(2027, 1, 1)) - dt.date(2027, 1, 1) for s in steps] == [
        dt.timedelta(days=d) for d in (3, 7, 21, 60, 60, 60)
    ]
    assert review.next_step(0, "easy") == 2 and review.next_step(3, "easy") == 4
    assert review.next_step(4, "hard") == 0
    assert review.first_due(dt.date(2027, 1, 1)) == dt.date(2027, 1, 2)


# --- The writes -------------------------------------------------------------------


def test_only_a_done_topic_can_be_marked_and_twice_makes_one_review(alice, topics):
    with pytest.raises(services.ReviewError):
        services.mark_for_review(learner=alice, topic=topics["a"])
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.mark_for_review(learner=alice, topic=topics["a"])
    services.mark_for_review(learner=alice, topic=topics["a"])
    assert Review.objects.filter(learner=alice).count() == 1


def test_the_first_review_is_due_the_day_after_where_the_learner_lives(tokyo, topics):
    services.set_status(learner=tokyo, topic=topics["a"], status="done")
    with frozen(NEAR_MIDNIGHT):  # already Monday in Tokyo
        item = services.mark_for_review(learner=tokyo, topic=topics["a"])
    assert item.due_on == dt.date(2026, 12, 8)


def test_a_review_moves_the_next_by_the_answer_and_a_repeat_changes_nothing(tokyo, topics):
    services.set_status(learner=tokyo, topic=topics["a"], status="done")
    with frozen(NEAR_MIDNIGHT):
        services.mark_for_review(learner=tokyo, topic=topics["a"])
    on_the_day = dt.datetime(2026, 12, 8, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo
    with frozen(on_the_day):
        item = services.review_done(learner=tokyo, topic=topics["a"], answer="fine", was_due=dt.date(2026, 12, 8))
        again = services.review_done(learner=tokyo, topic=topics["a"], answer="fine", was_due=dt.date(2026, 12, 8))
    assert (item.step, item.due_on, item.reviews_done) == (1, dt.date(2026, 12, 11), 1)
    assert (again.step, again.due_on, again.reviews_done) == (1, dt.date(2026, 12, 11), 1)
    with frozen(on_the_day):
        item = services.review_done(learner=tokyo, topic=topics["a"], answer="easy", was_due=dt.date(2026, 12, 11))
    assert (item.step, item.due_on) == (3, dt.date(2026, 12, 29))
    with frozen(on_the_day):
        item = services.review_done(learner=tokyo, topic=topics["a"], answer="hard", was_due=dt.date(2026, 12, 29))
    assert (item.step, item.due_on, item.last_answer) == (0, dt.date(2026, 12, 9), "hard")


def test_time_outside_the_bounds_or_in_the_future_is_refused(tokyo, topics):
    with frozen(NEAR_MIDNIGHT):
        for minutes, day in ((0, None), (961, None), (30, dt.date(2026, 12, 8))):
            with pytest.raises(services.TimeLogError):
                services.log_time(learner=tokyo, topic=topics["a"], minutes=minutes, day=day)
        # Monday 7 December is today in Tokyo, though not yet in UTC.
        entry = services.log_time(learner=tokyo, topic=topics["a"], minutes=30, day=dt.date(2026, 12, 7))
        default = services.log_time(learner=tokyo, topic=topics["a"], minutes=45)
    assert entry.logged_on == default.logged_on == dt.date(2026, 12, 7)


# --- The topic page ---------------------------------------------------------------


def test_review_on_the_topic_page_with_and_without_htmx(alice_client, alice, topics):
    assert "Mark for review" not in text(alice_client.get("/topics/a/"))  # not done yet
    alice_client.post("/topics/a/status/", {"status": "done"})
    page = text(alice_client.get("/topics/a/"))
    assert "Mark for review" in page and "How reviews are spaced" in page and "Easy skips a step" in page

    response = alice_client.post("/topics/a/review/", {"action": "mark"})
    assert (response.status_code, response["Location"]) == (302, "/topics/a/#review")
    item = Review.objects.get(learner=alice)
    tomorrow = services.learner_today(alice) + dt.timedelta(days=1)
    assert item.due_on == tomorrow
    assert f"Next review: {tomorrow:%-d %b %Y}" in text(alice_client.get("/topics/a/"))

    response = alice_client.post(
        "/topics/a/review/", {"action": "easy", "was_due": tomorrow.isoformat()}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="review"')
    later = services.learner_today(alice) + dt.timedelta(days=7)
    assert f'Next review: <time datetime="{later:%Y-%m-%d}">' in html and "reviewed once" in html

    alice_client.post("/topics/a/review/", {"action": "leave"})
    assert not Review.objects.exists()


def test_bad_review_requests_change_nothing(alice_client, alice, topics):
    assert alice_client.post("/topics/a/review/", {"action": "mark"}, HTTP_HX_REQUEST="true").status_code == 422
    assert alice_client.post("/topics/a/review/", {"action": "toggle"}).status_code == 400
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.mark_for_review(learner=alice, topic=topics["a"])
    assert alice_client.post("/topics/a/review/", {"action": "fine", "was_due": "soon"}).status_code == 400
    assert alice_client.post("/topics/a/review/", {"action": "fine"}).status_code == 400
    assert Review.objects.get().reviews_done == 0
    assert alice_client.post("/topics/no-such/review/", {"action": "mark"}).status_code == 404


def test_time_is_logged_edited_and_deleted_on_the_topic_page(alice_client, alice, topics):
    response = alice_client.post("/topics/a/time/", {"quick": "60"})
    assert (response.status_code, response["Location"]) == (302, "/topics/a/#time-log")
    alice_client.post("/topics/a/time/", {"minutes": "45", "day": "2026-01-05"})
    assert "1 hour 45 minutes logged of about 2 hours estimated" in text(alice_client.get("/topics/a/"))
    entry = TimeEntry.objects.get(minutes=45)
    assert entry.logged_on == dt.date(2026, 1, 5)

    response = alice_client.post(
        f"/topics/a/time/{entry.pk}/", {f"entry-{entry.pk}-minutes": "90", f"entry-{entry.pk}-day": "2026-01-06"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.minutes, entry.logged_on) == (90, dt.date(2026, 1, 6))
    response = alice_client.post(f"/topics/a/time/{entry.pk}/", {"action": "delete"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content.decode().lstrip().startswith('<section id="time-log"')
    assert list(TimeEntry.objects.values_list("minutes", flat=True)) == [60]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"minutes": "0"},
        {"minutes": "-5"},
        {"minutes": "abc"},
        {"minutes": "961"},
        {"minutes": "9" * 40},
        {"quick": "45"},
        {"minutes": "30", "day": "2999-01-01"},
        {"minutes": "30", "day": "1999-12-31"},
        {"minutes": "30", "day": "not a day"},
    ],
)
def test_bad_time_gets_a_clear_error_and_saves_nothing(alice_client, alice, topics, data):
    response = alice_client.post("/topics/a/time/", data)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    htmx = alice_client.post("/topics/a/time/", data, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 422 and htmx.content.decode().lstrip().startswith('<section id="time-log"')
    assert not TimeEntry.objects.exists()


def test_ticking_done_logs_the_time_spent_with_it(alice_client, alice, topics):
    response = alice_client.post("/topics/a/status/", {"status": "done", "spent": "120"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="review"' in html and "2 hours logged of about 2 hours estimated" in re.sub(r"\s+", " ", html)
    assert list(TimeEntry.objects.values_list("minutes", flat=True)) == [120]
    # An amount that is not a choice, or with another status, logs nothing.
    alice_client.post("/topics/b/status/", {"status": "done", "spent": "7"})
    alice_client.post("/topics/c/status/", {"status": "in_progress", "spent": "60"})
    assert TimeEntry.objects.count() == 1


def test_one_learner_never_touches_anothers_reviews_or_time(alice, bob, topics):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    item = services.mark_for_review(learner=alice, topic=topics["a"])
    entry = services.log_time(learner=alice, topic=topics["a"], minutes=30)
    client = Client()
    client.force_login(bob)
    assert client.post(f"/topics/a/time/{entry.pk}/", {"action": "delete"}).status_code == 404
    assert client.post(f"/topics/a/time/{entry.pk}/", {f"entry-{entry.pk}-minutes": "5"}).status_code == 404
    client.post("/topics/a/review/", {"action": "leave"})
    client.post("/topics/a/review/", {"action": "fine", "was_due": item.due_on.isoformat()})
    assert TimeEntry.objects.get(pk=entry.pk).minutes == 30
    assert Review.objects.get(pk=item.pk).reviews_done == 0
    assert "30 minutes logged" not in text(client.get("/topics/a/"))


# --- The dashboard, the roadmap page and the map ----------------------------------


def test_the_dashboard_lists_reviews_due_oldest_first_on_the_learners_day(tokyo, topics, track):
    client = Client()
    client.force_login(tokyo)
    for slug in "abc":
        services.set_status(learner=tokyo, topic=topics[slug], status="done", roadmap=track)
    Review.objects.bulk_create(
        [
            Review(learner=tokyo, topic=topics["a"], due_on=dt.date(2026, 12, 7)),
            Review(learner=tokyo, topic=topics["b"], due_on=dt.date(2026, 12, 3)),
            Review(learner=tokyo, topic=topics["c"], due_on=dt.date(2026, 12, 20)),
        ]
    )
    with frozen(NEAR_MIDNIGHT - dt.timedelta(hours=1)):  # 23:30 on the 6th in Tokyo
        page = text(client.get("/dashboard/"))
    assert (
        "Due for review 1 1 done topic to go over again. It stays done. Beta Next after these: Alpha on 7 Dec 2026"
        in page
    )
    with frozen(NEAR_MIDNIGHT):  # 00:30 on the 7th
        page = text(client.get("/dashboard/"))
    # The longest due first: Beta since the 3rd, then Alpha, due today.
    assert "Due for review 2 2 done topics to go over again, the longest due first. They stay done. Beta Alpha" in page
    assert "Next after these: Gamma on 20 Dec 2026 ." in page

    # The roadmap page and the map mark them, and completion does not move.
    with frozen(NEAR_MIDNIGHT):
        roadmap = client.get("/roadmaps/track/").content.decode()
        nodes = client.get("/roadmaps/track/map/").content.decode()
    row = roadmap[roadmap.index('id="b"') : roadmap.index("</li>", roadmap.index('id="b"'))]
    assert "Due for review" in row and 'class="topic status-done"' in roadmap[roadmap.index('id="b"') - 40 :]
    assert "Due for review" not in roadmap[roadmap.index('id="c"') : roadmap.index("</li>", roadmap.index('id="c"'))]
    assert ">60%<" in roadmap and "↻ Due for review" in nodes

    # Un-ticking takes it out of review; ticking it done again brings it back as it was.
    services.set_status(learner=tokyo, topic=topics["b"], status="not_started")
    with frozen(NEAR_MIDNIGHT):
        assert "Beta Alpha" not in text(client.get("/dashboard/"))
    services.set_status(learner=tokyo, topic=topics["b"], status="done")
    with frozen(NEAR_MIDNIGHT):
        assert "Beta Alpha" in text(client.get("/dashboard/"))


def test_the_dashboard_shows_time_this_week_and_by_section(tokyo, topics, track):
    client = Client()
    client.force_login(tokyo)
    services.set_status(learner=tokyo, topic=topics["a"], status="done", roadmap=track)
    with frozen(NEAR_MIDNIGHT):  # Monday the 7th in Tokyo: a new week
        services.log_time(learner=tokyo, topic=topics["a"], minutes=90, day=dt.date(2026, 12, 6))  # last week
        services.log_time(learner=tokyo, topic=topics["d"], minutes=30)
        page = text(client.get("/dashboard/"))
    assert "This week (from Monday): 30 minutes" in page
    assert "about 26 hours left · 2 h logged" in page
    assert "Completion and time by section of Track" in page
    assert "Basics 33% 1.5 / 10 h logged of the estimate" in page
    assert "Advanced 0% 0.5 / 18 h logged of the estimate" in page


def test_the_forecast_says_its_basis_and_learns_the_learners_speed(alice, topics, track):
    client = Client()
    client.force_login(alice)
    today = services.learner_today(alice)
    for slug in "ab":
        services.set_status(learner=alice, topic=topics[slug], status="done", roadmap=track)
    services.set_pace(learner=alice, roadmap=track, today=today, hours_per_week=4)
    page = text(client.get("/dashboard/"))
    assert "Basis: the topics' estimates. Log time on 3 done topics (5 h in all)" in page
    assert f"Finish at your plan {today + dt.timedelta(days=41):%-d %b %Y}" in page  # 23 h at 4 h a week

    # Twice the estimates on three done topics (2 + 3 + 5 h): the 18 h left take 36.
    services.set_status(learner=alice, topic=topics["c"], status="done", roadmap=track)
    for slug, hours in (("a", 2), ("b", 3), ("c", 5)):
        services.log_time(learner=alice, topic=topics[slug], minutes=hours * 2 * 60)
    page = text(client.get("/dashboard/"))
    assert "Basis: your own speed, 2× the estimates, from 20 h logged on 3 done topics." in page
    assert "Hours left 36 (18 estimated;" in page
    assert f"Finish at your plan {today + dt.timedelta(days=63):%-d %b %Y}" in page


def test_the_burn_up_chart_draws_a_roadmap_with_a_pace_and_its_table(alice, topics, track):
    client = Client()
    client.force_login(alice)
    assert "Your hours week by week" not in text(client.get("/dashboard/"))  # no roadmap yet
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    assert "Your hours week by week" not in text(client.get("/dashboard/"))  # no pace
    services.set_pace(learner=alice, roadmap=track, today=services.learner_today(alice), hours_per_week=4)
    services.log_time(learner=alice, topic=topics["a"], minutes=150)
    html = client.get("/dashboard/").content.decode()
    assert '<svg viewBox="0 0 400 200" class="burnup-chart" aria-hidden="true"' in html
    assert 'class="done"' in html and 'class="logged"' in html and 'class="plan"' in html
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "The chart as a table for Track" in page and "Week of Hours done Hours logged" in page
    assert re.search(r"\d+ \w{3} 2 2\.5 ", page)  # this week's row: 2 h done, 2.5 logged
    assert "The roadmap: 28 hours, skipped topics left out" in page


# --- A mentor -------------------------------------------------------------------


@pytest.mark.parametrize("shares", [True, False])
def test_a_mentor_sees_reviews_time_and_the_chart_only_where_dates_are_shared(
    client, alice, bob, mentoring, topics, track, shares
):
    Mentorship.objects.filter(mentor=bob, learner=alice).update(share_dates=shares)
    services.mark_for_review(learner=alice, topic=topics["a"])
    Review.objects.filter(learner=alice).update(due_on=dt.date(2026, 1, 1), reviews_done=2)
    services.log_time(learner=alice, topic=topics["a"], minutes=75)
    services.set_pace(learner=alice, roadmap=track, today=services.learner_today(alice), hours_per_week=3)
    client.force_login(bob)
    page = text(client.get("/mentoring/mentees/alice/"))
    assert ("Due for review 1" in page) is shares
    assert ("1 done topic to go over again. Alpha" in page) is shares
    assert ("Reviews done so far: 2." in page) is shares
    assert ("1.2 h logged" in page) is shares
    assert ("Alice Liddell's hours week by week" in page) is shares
    assert ("Basis: the topics' estimates, until they log time" in page) is shares
    if shares:
        assert 'href="/mentoring/mentees/alice/topics/a/"' in client.get("/mentoring/mentees/alice/").content.decode()
    # An ended mentor sees nothing of it; the learner's own rows are unchanged by the visit.
    client.force_login(mentoring["ended"].mentor)
    assert client.get("/mentoring/mentees/alice/").status_code == 404
    assert Review.objects.get(learner=alice).reviews_done == 2


# --- History, data out and in, the feed and the digest ------------------------------


def test_the_history_shows_time_entries(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.log_time(learner=alice, topic=topics["a"], minutes=50, day=dt.date(2026, 11, 2))
    page = text(alice_client.get("/roadmaps/track/history/"))
    assert "Time logged on Alpha : 50 minutes (for 2 Nov 2026)" in page


def test_export_and_import_carry_the_time_log_and_reviews_once(alice, bob, topics):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.mark_for_review(learner=alice, topic=topics["a"])
    services.log_time(learner=alice, topic=topics["a"], minutes=30, day=dt.date(2026, 11, 2))
    services.log_time(learner=alice, topic=topics["a"], minutes=30, day=dt.date(2026, 11, 2))
    data = transfer.export_data(alice)
    assert data["time_log"] == [{"topic": "a", "day": "2026-11-02", "minutes": 30}] * 2
    assert data["reviews"][0]["topic"] == "a" and data["reviews"][0]["step"] == 0
    csv_text = transfer.export_csv(alice)
    assert csv_text.splitlines()[1].endswith(f",60,{data['reviews'][0]['due_on']}")

    raw = json.dumps(data).encode()
    for _ in range(2):  # a second import adds nothing
        transfer.import_progress(learner=bob, data=transfer.parse_import(raw, learner=bob))
    assert (
        list(TimeEntry.objects.filter(learner=bob).values_list("minutes", "logged_on"))
        == [(30, dt.date(2026, 11, 2))] * 2
    )
    assert Review.objects.get(learner=bob).due_on == Review.objects.get(learner=alice).due_on


@pytest.mark.parametrize(
    "change",
    [
        {"time_log": "many"},
        {"time_log": [{"topic": "a", "day": "2026-11-02", "minutes": 0}]},
        {"time_log": [{"topic": "a", "day": "2026-11-02", "minutes": True}]},
        {"time_log": [{"topic": "a", "day": "yesterday", "minutes": 5}]},
        {"time_log": [{"topic": "nope", "day": "2026-11-02", "minutes": 5}]},
        {"time_log": [{"topic": "a", "day": "2026-11-02", "minutes": 5}] * 201},
        {"reviews": [{"topic": "a", "due_on": "2026-11-02", "step": 9}]},
        {"reviews": [{"topic": "a", "due_on": "2026-11-02", "last_answer": "meh"}]},
        {"reviews": [{"topic": "a", "due_on": "2026-11-02"}] * 2},
    ],
)
def test_a_bad_time_log_or_review_in_a_file_is_refused_whole(alice, topics, change):
    data = transfer.export_data(alice) | change
    with pytest.raises(transfer.ImportError_):
        transfer.parse_import(json.dumps(data).encode(), learner=alice)


def test_the_calendar_feed_and_the_digest_list_the_reviews_due(alice, topics, track):
    from mentoring.digests import learner_digest
    from tests.progress.test_calendar import fetch, make_feed, the_event

    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.mark_for_review(learner=alice, topic=topics["a"])
    token = make_feed(alice)
    description = str(the_event(fetch(token))["DESCRIPTION"])
    assert "Due for review that week:" in description and "- Alpha (due " in description
    digest = learner_digest(alice, now=timezone.now())
    assert [item.topic.slug for item in digest.reviews] == ["a"]


# --- Queries --------------------------------------------------------------------


def test_the_dashboard_with_reviews_time_and_a_chart_runs_the_same_queries_whatever_their_number(
    alice, topics, track, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(alice)
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.set_pace(learner=alice, roadmap=track, today=services.learner_today(alice), hours_per_week=5)
    services.mark_for_review(learner=alice, topic=topics["a"])
    services.log_time(learner=alice, topic=topics["a"], minutes=30)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    for slug in "bcde":
        services.set_status(learner=alice, topic=topics[slug], status="done", roadmap=track)
        services.mark_for_review(learner=alice, topic=topics[slug])
        for day in range(1, 20):
            services.log_time(learner=alice, topic=topics[slug], minutes=20, day=dt.date(2026, 10, day))
    Review.objects.update(due_on=dt.date(2026, 1, 1))
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as many:
        page = text(client.get("/dashboard/"))
    assert "Due for review 5" in page
    assert len(few) == len(many)
    assert RoadmapFollow.objects.get(learner=alice).plan_basis


@pytest.mark.parametrize("shares", [True, False])
def test_a_mentor_suggests_a_review_and_sees_it_only_where_dates_are_shared(
    client, alice, bob, charlie, mentoring, topics, shares
):
    Mentorship.objects.filter(mentor=bob, learner=alice).update(share_dates=shares)
    url = "/mentoring/mentees/alice/topics/a/suggest-review/"
    client.force_login(bob)
    assert client.get(url).status_code == 405
    assert client.post("/mentoring/mentees/alice/topics/b/suggest-review/", follow=True).status_code == 200
    assert not Review.objects.exists()  # b is not done: nothing to review
    response = client.post(url, follow=True)
    assert "Suggested. Alice Liddell sees it" in text(response)
    item = Review.objects.get(learner=alice, topic=topics["a"])
    assert item.suggested_by == bob
    page = text(client.get("/mentoring/mentees/alice/topics/a/"))
    assert ("Under spaced review: next on" in page) is shares
    assert ("Suggest a spaced review" in page) is not shares

    alice_client = Client()
    alice_client.force_login(alice)
    assert "suggested by bob" in text(alice_client.get("/topics/a/"))
    # A stranger and an ended mentor cannot suggest; nothing changes.
    Review.objects.all().delete()
    for other in (charlie, mentoring["ended"].mentor):
        client.force_login(other)
        assert client.post(url).status_code == 404
    assert not Review.objects.exists()


# --- After a review (issue #29) ---------------------------------------------------


def test_enter_in_the_time_form_logs_the_minutes_typed(alice_client, topics):
    """The form's first submit button is the one Enter presses: the free amount's, not 30 min."""
    html = alice_client.get("/topics/a/").content.decode()
    form = html[html.index('class="time-form"') :]
    form = form[: form.index("</form>")]
    first = re.search(r"<button [^>]*>", form).group(0)
    assert 'name="quick"' not in first and "Log" in form[form.index(first) : form.index("</button>", form.index(first))]


def test_a_repeated_tick_of_done_logs_its_time_once_and_never_fails(alice_client, alice, topics):
    for _ in range(2):  # a double click, or a second tab
        alice_client.post("/topics/a/status/", {"status": "done", "spent": "60"}, HTTP_HX_REQUEST="true")
    assert list(TimeEntry.objects.values_list("minutes", flat=True)) == [60]
    for spent in ("²", "٣٠", "60.0", "-60"):
        assert alice_client.post("/topics/b/status/", {"status": "done", "spent": spent}).status_code == 302
    assert TimeEntry.objects.filter(topic=topics["b"]).count() == 0
    TimeEntry.objects.bulk_create(
        [TimeEntry(learner=alice, topic=topics["c"], minutes=5, logged_on=dt.date(2026, 1, 1))] * 200
    )
    response = alice_client.post("/topics/c/status/", {"status": "done", "spent": "60"}, follow=True)
    assert response.status_code == 200 and "at most 200 time entries" in text(response)
    assert TimeEntry.objects.filter(topic=topics["c"]).count() == 200


def test_an_import_refuses_time_on_a_day_to_come_and_shows_what_it_brings(alice, bob, topics):
    data = transfer.export_data(alice)
    later = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(transfer.ImportError_):
        transfer.parse_import(json.dumps(data | {"time_log": [{"topic": "b", "day": later, "minutes": 5}]}).encode())
    raw = json.dumps(data | {"time_log": [{"topic": "b", "day": "2026-11-02", "minutes": 45}]}).encode()
    transfer.import_progress(learner=bob, data=transfer.parse_import(raw, learner=bob))
    client = Client()
    client.force_login(bob)
    assert "45 minutes logged of about 3 hours estimated" in text(client.get("/topics/b/"))


def test_only_a_roadmap_with_time_shows_its_sections_time(alice, topics, track):
    client = Client()
    client.force_login(alice)
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    page = text(client.get("/dashboard/"))
    assert "h logged of the estimate" not in page and "Completion by section" in page
    services.log_time(learner=alice, topic=topics["a"], minutes=30)
    assert "Completion and time by section" in text(client.get("/dashboard/"))


def test_a_plan_by_date_counts_the_learners_own_speed(alice, topics, track):
    today = services.learner_today(alice)
    for slug, hours in (("a", 2), ("b", 3), ("c", 5)):
        services.set_status(learner=alice, topic=topics[slug], status="done", roadmap=track)
        services.log_time(learner=alice, topic=topics[slug], minutes=hours * 2 * 60)
    # 18 h left at twice the estimates: 36 h, over 6 weeks, is 6 h a week.
    follow = services.set_pace(learner=alice, roadmap=track, today=today, target_date=today + dt.timedelta(weeks=6))
    assert follow.hours_per_week == 6
    client = Client()
    client.force_login(alice)
    page = text(client.get("/dashboard/"))
    assert f"Finish at your plan {follow.target_date:%-d %b %Y}" in page
