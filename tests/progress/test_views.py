import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress import services
from progress.models import Evidence, Progress, ProgressEvent, RoadmapFollow

STATUS_URL = "/roadmaps/track/topics/{}/status/"


def status_of(learner, slug):
    row = Progress.objects.filter(learner=learner, topic__slug=slug).first()
    return row.status if row else "not_started"


def test_ticking_without_javascript_saves_and_redirects_to_the_topic(alice_client, alice, track):
    # The checkbox form sends a hidden not_started and, when ticked, done after it.
    response = alice_client.post(STATUS_URL.format("b"), {"status": ["not_started", "done"]})
    assert response.status_code == 302
    assert response["Location"] == "/roadmaps/track/#b"
    assert status_of(alice, "b") == "done"
    assert RoadmapFollow.objects.filter(learner=alice, roadmap=track).exists()

    response = alice_client.post(STATUS_URL.format("b"), {"status": "not_started"})
    assert status_of(alice, "b") == "not_started"


def test_ticking_with_htmx_returns_the_topic_and_out_of_band_completion(alice_client, alice, track):
    response = alice_client.post(STATUS_URL.format("a"), {"status": "done"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<li class="topic status-done" id="a">')
    assert re.search(r'id="done-a" checked\s+hx-post="/roadmaps/track/topics/a/status/"', html)
    assert 'id="section-progress-basics" class="completion" hx-swap-oob="true"' in html
    assert 'aria-label="Completion of Basics"' in html and ">33%<" in html
    announced = "Alpha: done. Basics: 2 left; 20% of the roadmap done."
    assert f'<div id="announcer" hx-swap-oob="innerHTML">{announced}</div>' in html
    assert 'id="roadmap-progress" class="completion completion-large" hx-swap-oob="true"' in html
    assert ">20%<" in html
    assert "<html" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_skipped_topics_leave_the_denominator_and_are_counted_apart(alice_client, alice, topics):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="skipped")
    html = alice_client.get("/roadmaps/track/").content.decode()
    # basics: 1 done of 3, 1 skipped -> 1 / 2 = 50%; roadmap: 1 / 4 = 25%
    assert 'value="50" aria-label="Completion of Basics"' in html
    assert 'value="25" aria-label="Completion of Track"' in html
    assert "1 of 4 done · 1 skipped" in html


@pytest.mark.parametrize("bad", ["finished", "", "DONE", "done\x00", "x" * 10_000])
def test_invalid_status_is_a_400_and_changes_nothing(alice_client, alice, track, bad):
    response = alice_client.post(STATUS_URL.format("a"), {"status": bad})
    assert response.status_code == 400
    assert not Progress.objects.exists()


def test_missing_status_is_a_400(alice_client, track):
    assert alice_client.post(STATUS_URL.format("a"), {}).status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/roadmaps/track/topics/nope/status/", "/roadmaps/nope/topics/a/status/", "/roadmaps/track/topics/..%2F/status/"],
)
def test_unknown_topic_or_roadmap_is_a_404(alice_client, track, url):
    assert alice_client.post(url, {"status": "done"}).status_code == 404


def test_a_topic_of_another_roadmap_cannot_be_set_through_this_one(alice_client, track, topics, tmp_path):
    from roadmap.models import Topic

    Topic.objects.create(slug="stray", title="Stray", summary="Not placed. Anywhere.", estimated_hours=1)
    assert alice_client.post(STATUS_URL.format("stray"), {"status": "done"}).status_code == 404


def test_status_needs_post_sign_in_and_csrf(client, alice, track):
    assert client.get(STATUS_URL.format("a")).status_code in (302, 405)
    response = client.post(STATUS_URL.format("a"), {"status": "done"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(STATUS_URL.format("a"), {"status": "done"}).status_code == 403
    assert not Progress.objects.exists()


def test_get_on_status_is_405_for_a_signed_in_learner(alice_client, track):
    assert alice_client.get(STATUS_URL.format("a")).status_code == 405


def test_anonymous_visitors_see_no_controls(client, track):
    html = client.get("/roadmaps/track/").content.decode()
    assert 'type="checkbox"' not in html
    assert "<progress" not in html


def test_reset_needs_confirmation_then_undo_restores(alice_client, alice, topics):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["d"], status="in_progress")
    page = alice_client.get("/roadmaps/track/reset/")
    assert "This sets 2 topics back to not started" in page.content.decode()
    assert status_of(alice, "a") == "done"

    response = alice_client.post("/roadmaps/track/reset/")
    html = response.content.decode()
    assert status_of(alice, "a") == "not_started"
    batch = re.search(r'name="batch" value="([0-9a-f-]+)"', html).group(1)
    assert ">Undo</button>" in html

    response = alice_client.post("/roadmaps/track/reset/undo/", {"batch": batch}, follow=True)
    assert "Restored 2 topics." in response.content.decode()
    assert status_of(alice, "a") == "done" and status_of(alice, "d") == "in_progress"


def test_undo_with_a_malformed_batch_is_a_400(alice_client, track):
    assert alice_client.post("/roadmaps/track/reset/undo/", {"batch": "../../etc"}).status_code == 400


def test_follow_and_unfollow(alice_client, alice, track):
    alice_client.post("/roadmaps/track/follow/")
    assert RoadmapFollow.objects.filter(learner=alice).count() == 1
    assert "Track" in alice_client.get("/dashboard/").content.decode()
    alice_client.post("/roadmaps/track/follow/", {"action": "unfollow"})
    assert not RoadmapFollow.objects.exists()


def test_topic_page_shows_status_dates_prerequisite_statuses_and_note(alice_client, alice, topics):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="done")
    services.save_note(learner=alice, topic=topics["b"], note="Beta <b>bold</b> note")
    html = alice_client.get("/topics/b/").content.decode()
    assert "Started " in html and "Completed " in html
    assert re.search(r'<a href="/topics/a/">Alpha</a>\s*<span class="status-badge status-done">Done</span>', html)
    assert '<label for="id_note">Note</label>' in html
    assert "Beta &lt;b&gt;bold&lt;/b&gt; note</textarea>" in html
    assert ">Save</button>" in html


def test_topic_panel_for_htmx_is_a_fragment_with_a_lower_heading(alice_client, topics):
    html = alice_client.get("/topics/b/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert '<h2 id="topic-heading"' in html


def test_note_saves_with_and_without_htmx_and_refuses_too_long(alice_client, alice, topics):
    response = alice_client.post("/topics/a/note/", {"note": "first"})
    assert response.status_code == 302
    response = alice_client.post("/topics/a/note/", {"note": "second"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Saved" in response.content.decode()
    assert Progress.objects.get(learner=alice).note == "second"

    limit = "x" * 10_000
    assert alice_client.post("/topics/a/note/", {"note": limit}).status_code == 302
    response = alice_client.post("/topics/a/note/", {"note": limit + "y"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Not saved: Ensure this value has at most 10000 characters" in response.content.decode()
    assert alice_client.post("/topics/a/note/", {"note": "nul\x00byte"}).status_code == 400
    assert Progress.objects.get(learner=alice).note == limit


def test_evidence_links_are_validated_added_and_removed(alice_client, alice, topics):
    response = alice_client.post("/topics/a/evidence/", {"url": "javascript:alert(1)", "title": "x"})
    assert response.status_code == 400
    assert "Enter a valid URL." in response.content.decode()
    assert not Evidence.objects.exists()

    response = alice_client.post("/topics/a/evidence/", {"url": "https://github.com/alice/nb", "title": "NB"})
    assert response["Location"] == "/topics/a/#evidence"
    evidence = Evidence.objects.get()
    assert '<a href="https://github.com/alice/nb" rel="noopener noreferrer nofollow">NB</a>' in (
        alice_client.get("/topics/a/").content.decode()
    )
    alice_client.post(f"/topics/a/evidence/{evidence.pk}/delete/")
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("note", ["clear\x1b[2J screen", "bell\x07", "separator\u2028"])
def test_a_note_with_control_characters_is_refused_with_the_reason(alice_client, alice, topics, note):
    response = alice_client.post("/topics/a/note/", {"note": note}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "This text holds control characters. Please remove them." in response.content.decode()
    assert not Progress.objects.filter(learner=alice).exists()
    # Lines and tabs are text.
    assert alice_client.post("/topics/a/note/", {"note": "one\r\n\ttwo"}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "https://example.com/", "title": "two\nlines"}, "This must be one line without control characters"),
        ({"url": "https://example.com/", "title": "tab\there"}, "This must be one line without control characters"),
    ],
)
def test_an_evidence_title_on_more_than_one_line_is_refused(alice_client, topics, data, message):
    response = alice_client.post("/topics/a/evidence/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("form", "data", "field"),
    [
        ("NoteForm", {"note": "lone \ud800 surrogate"}, "note"),
        ("EvidenceForm", {"url": "https://example.com/", "title": "lone \udc00"}, "title"),
        ("EvidenceForm", {"url": "https://example.com/\ud800"}, "url"),
    ],
)
def test_forms_refuse_lone_surrogates_naming_the_field(form, data, field):
    """A body in UTF-8 cannot carry one (the middleware refuses other charsets),
    but the forms do not count on it: no database can store one."""
    from progress import forms

    bound = getattr(forms, form)(data)
    assert not bound.is_valid()
    assert list(bound.errors) == [field]


def test_evidence_of_another_learner_cannot_be_removed(alice_client, bob, topics):
    evidence = services.add_evidence(learner=bob, topic=topics["a"], url="https://example.com/bob")
    assert alice_client.post(f"/topics/a/evidence/{evidence.pk}/delete/").status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_dashboard_shows_completion_next_up_recent_and_calendar(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.set_status(learner=alice, topic=topics["e"], status="skipped", roadmap=track)
    html = alice_client.get("/dashboard/").content.decode()
    assert 'value="25" aria-label="Completion of Track"' in html
    assert ">25%<" in html
    assert "1 of 4 done" in html and "1 skipped" in html and "about 15 hours left" in html
    next_up = html[html.index('id="next-title"') : html.index('id="recent-title"')]
    assert "Beta" in next_up and "Gamma" not in next_up and "Alpha" not in next_up
    assert "Alpha" in html[html.index('id="recent-title"') :]
    assert "Activity calendar: topics started or completed on 1 day in the last 52 weeks (1 in all)" in html
    # The empty days are two pattern-filled rectangles; today, with its changes, is drawn on its own.
    assert html.count('fill="url(#calendar-day)"') == 2
    assert re.findall(r'class="level-(\d)"><title>([^<]+)</title>', html) == [
        ("1", timezone.localdate().strftime("%a %d %b %Y") + ": 1 topic started or completed")
    ]


def test_export_csv_and_json_then_import_restores(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.save_note(learner=alice, topic=topics["a"], note="=SUM(A1) formula-looking note")
    services.add_evidence(learner=alice, topic=topics["a"], url="https://example.com/a", title="A")
    csv_response = alice_client.get("/dashboard/export.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment;" in csv_response["Content-Disposition"]
    # The card promises what each file holds (the CSV has no history or projects).
    dashboard = alice_client.get("/dashboard/").content.decode()
    assert "JSON: everything, history and projects too" in dashboard
    assert '<a href="/accounts/#calendar">Your study calendar</a>' in dashboard  # not only on the account page
    assert csv_response.content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel reads UTF-8 by
    body = csv_response.content.decode("utf-8-sig")
    assert body.splitlines()[0] == (
        "topic,title,status,started_at,completed_at,note,evidence,minutes_logged,next_review"
    )
    assert "a,Alpha,done," in body and "'=SUM(A1)" in body and "https://example.com/a" in body

    exported = alice_client.get("/dashboard/export.json").content
    data = json.loads(exported)
    assert data["progress"][0]["status"] == "done"
    assert data["events"][0]["to"] == "done"

    Progress.objects.all().delete()
    ProgressEvent.objects.all().delete()
    RoadmapFollow.objects.all().delete()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("progress.json", exported, content_type="application/json")
    response = alice_client.post("/dashboard/import/", {"file": upload})
    assert response.status_code == 302
    restored = Progress.objects.get(learner=alice)
    assert (restored.status, restored.note) == ("done", "=SUM(A1) formula-looking note")
    assert list(restored.evidence.values_list("url", flat=True)) == ["https://example.com/a"]
    assert ProgressEvent.objects.count() == 1
    assert RoadmapFollow.objects.filter(learner=alice, roadmap=track).exists()
    # Importing the same file again adds no duplicate history.
    upload = SimpleUploadedFile("progress.json", exported, content_type="application/json")
    alice_client.post("/dashboard/import/", {"file": upload})
    assert ProgressEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "The file is not JSON exported by MLE Path."),
        (b'{"format": "other"}', "not a progress export"),
        (b'{"format": "mlepath-progress", "version": 9, "progress": []}', "Unsupported export version 9"),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "zzz", "status": "done"}]}',
            "progress item 1: unknown topic &#x27;zzz&#x27;",
        ),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "a", "status": "finished"}]}',
            "unknown status",
        ),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "a", "status": "done"}]}',
            "a done topic needs completed_at",
        ),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "a", "status": "in_progress",'
            b' "evidence": [{"url": "javascript:alert(1)"}]}]}',
            "is not an http(s) URL",
        ),
        (b"\xff\xfe", "The file is not JSON exported by MLE Path."),
        (b"[" * 100_000, "The file is not JSON exported by MLE Path."),
        (b"1" * 5000, "The file is not JSON exported by MLE Path."),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "a", "status": "done",'
            b' "completed_at": "9999-12-31T23:59:59-01:00"}]}',
            "is not a date between 2000 and today",
        ),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "a", "status": "in_progress",'
            b' "evidence": [{"url": "https://example.com/x"}, {"url": "https://example.com/x"}]}]}',
            "listed once",
        ),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "a", "status": "in_progress",'
            b' "evidence": [{"url": "https://example.com/' + b"x" * 600 + b'"}]}]}',
            "at most 500 characters",
        ),
        (b'{"format": "mlepath-progress", "version": 1, "progress": [], "following": ["a\\u0000"]}', "roadmap slugs"),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": ["a"], "status": "done"}]}',
            "progress item 1: unknown topic",
        ),
        (
            b'{"format": "mlepath-progress", "version": 1, "progress": [{"topic": "a", "status": "in_progress",'
            b' "evidence": [{"url": "https://example.com/\\u0000"}]}]}',
            "is not an http(s) URL",
        ),
    ],
)
def test_a_broken_import_file_is_refused_and_changes_nothing(alice_client, alice, topics, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.set_status(learner=alice, topic=topics["b"], status="done")
    response = alice_client.post("/dashboard/import/", {"file": SimpleUploadedFile("p.json", content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported." in html and message in html
    assert list(Progress.objects.values_list("topic__slug", "status")) == [("b", "done")]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _visits(client, *urls):
    """Queries of each page's first view after a change and its second."""
    return [(_queries(client, url), _queries(client, url)) for url in urls]


def test_dashboard_and_roadmap_page_run_fixed_queries_whatever_the_data(alice_client, alice, db):
    from django.conf import settings
    from django.core.management import call_command

    from roadmap.models import Roadmap, Topic

    call_command("loadroadmap", stdout=None)
    first, second = Roadmap.objects.order_by("order")
    page = f"/roadmaps/{first.slug}/"
    _queries(alice_client, page)  # the first visit builds the cached outlines
    _queries(alice_client, f"/roadmaps/{second.slug}/")
    services.set_status(learner=alice, topic=Topic.objects.get(slug="python"), status="done", roadmap=first)
    small = _visits(alice_client, "/dashboard/", page)

    for roadmap in (first, second):
        for topic in Topic.objects.filter(placements__section__roadmap=roadmap)[:40]:
            for status in ("in_progress", "done", "not_started", "skipped", "done"):
                services.set_status(learner=alice, topic=topic, status=status, roadmap=roadmap)
    assert ProgressEvent.objects.count() > 200
    large = _visits(alice_client, "/dashboard/", page)
    assert small == large
    # The dashboard runs session, user, followed roadmaps with the content version and
    # their summaries, statuses, project states, recently completed, the activity events'
    # count and newest id, and after a change the activity grouped by day (mentors'
    # suggested dates only for a learner with a mentor, which the navigation knows); the
    # roadmap page session, user, roadmap with the content version and whether it is
    # followed, statuses. Both count what the navigation flags (one query); with nothing
    # unread, the dashboard reads no new-feedback lists (test_new_feedback_is_read_only_when_counted).
    # The dashboard also reads the reviews and the time log (#29); the roadmap page, for a
    # learner with a done topic, the topics due for review.
    # With REDIS_URL set the session comes from the cache.
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    assert large == [(10 + session, 9 + session), (5 + session, 5 + session)]


def test_new_feedback_is_read_only_when_counted(client, alice, bob, mentoring, topics, django_assert_num_queries):
    """The dashboard's "New feedback" lists are read only when the navigation's
    count (same definition) says there is something unread."""
    from mentoring import services as mentoring_services

    client.force_login(alice)
    client.get("/dashboard/")
    assert "New feedback" not in client.get("/dashboard/").content.decode()
    before = _queries(client, "/dashboard/")
    mentoring_services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Have a look at this")
    client.get("/dashboard/")
    html = client.get("/dashboard/").content.decode()
    assert "New feedback" in html and "Have a look at this" in html
    assert _queries(client, "/dashboard/") == before + 2  # the two lists, on topics and on projects


def test_the_cached_outline_is_read_from_the_cache_until_the_content_version_moves(alice_client, topics, track):
    from roadmap.models import Topic

    assert "Alpha" in alice_client.get("/roadmaps/track/").content.decode()
    assert "Alpha" in alice_client.get("/topics/a/").content.decode()
    # A write that bypasses roadmap.services (and so the version) is not shown: the cache is in use.
    Topic.objects.filter(slug="a").update(title="Alpha, bypassed")
    assert "Alpha, bypassed" not in alice_client.get("/roadmaps/track/").content.decode()
    assert "Alpha, bypassed" not in alice_client.get("/topics/a/").content.decode()


def test_the_token_in_a_topic_rows_form_is_accepted(alice, track):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    html = strict.get("/roadmaps/track/").content.decode()
    form = re.search(r'<form id="status-form".*?</form>', html, re.S).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    row = html[html.index('<li class="topic status-not_started" id="b">') :]
    assert 'form="status-form" formaction="/roadmaps/track/topics/b/status/" name="status" value="done"' in row
    assert "csrfmiddlewaretoken" not in row.split("</li>")[0]  # a row is the same for every learner
    response = strict.post(STATUS_URL.format("b"), {"csrfmiddlewaretoken": token, "status": "done"})
    assert response.status_code == 302
    assert status_of(alice, "b") == "done"


def test_a_tick_runs_the_same_queries_on_both_databases(alice_client, alice, topics, track):
    """Session, user, the topic on its roadmap (with the content version), the
    status change (the published roadmaps; lock, update, event, the summary's
    update, follow), then the learner's statuses for the redrawn row and
    completions, and (a tick of done) whether the topic is due for review. The
    outline comes from the cache."""
    from django.conf import settings

    alice_client.post(STATUS_URL.format("a"), {"status": "in_progress"}, HTTP_HX_REQUEST="true")  # row and outline
    with CaptureQueriesContext(connection) as captured:
        response = alice_client.post(STATUS_URL.format("a"), {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and status_of(alice, "a") == "done"
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    statements = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == session + 1 + 1 + 6 + 1 + 1, statements


@pytest.mark.parametrize("hidden", ["unpublished roadmap", "retired topic"])
def test_a_topic_that_is_not_live_on_a_published_roadmap_cannot_be_ticked(alice_client, alice, topics, track, hidden):
    from roadmap.models import Roadmap, Topic

    services.set_status(learner=alice, topic=topics["a"], status="in_progress")
    if hidden == "retired topic":
        Topic.objects.filter(slug="a").update(retired=True)
    else:
        Roadmap.objects.filter(slug="track").update(published=False)
    events = ProgressEvent.objects.count()
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        assert alice_client.post(STATUS_URL.format("a"), {"status": "done"}, **htmx).status_code == 404
    assert status_of(alice, "a") == "in_progress" and ProgressEvent.objects.count() == events


def test_a_tick_the_cached_outline_does_not_show_yet_reloads_the_page(alice_client, alice, topics, track, monkeypatch):
    """The statement found the topic live, but the outline (content changed in
    between) lacks it: the change is kept and htmx reloads the whole page."""
    from progress import roadmap_pages

    alice_client.post(STATUS_URL.format("a"), {"status": "in_progress"}, HTTP_HX_REQUEST="true")
    monkeypatch.setattr(roadmap_pages, "roadmap_outline", lambda roadmap: ())
    response = alice_client.post(STATUS_URL.format("a"), {"status": "done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert status_of(alice, "a") == "done"


def test_the_topic_page_runs_the_same_queries_whatever_the_learners_data(client, alice, bob, mentoring, topics):
    """Session, user, content version (the content comes from the cache), the learner's
    progress on the topic and its prerequisites, its history, and the navigation's
    statement, which also says whether a mentor could write in the thread and
    whether the learner has any feedback; with feedback, the topic's reviews and
    thread; with a row, its evidence and time log, and a done topic's review.
    None of it grows with the learner's data."""
    from django.conf import settings

    from mentoring import services as mentoring_services

    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    client.force_login(alice)
    _queries(client, "/topics/b/")  # caches the topic's content
    assert _queries(client, "/topics/b/") == 5 + session  # day one on this topic: no row, no feedback

    def add(count):
        for n in range(count):
            services.add_evidence(learner=alice, topic=topics["b"], url=f"https://example.com/{count}-{n}")
            mentoring_services.add_comment(author=bob, learner=alice, topic=topics["b"], body=f"Comment {n}")

    services.set_status(learner=alice, topic=topics["b"], status="done")
    add(1)
    mentoring_services.set_reviewed(mentor=bob, learner=alice, topic=topics["b"], reviewed=True)
    small = _queries(client, "/topics/b/")
    add(4)
    for minutes in (30, 60, 90):
        services.log_time(learner=alice, topic=topics["b"], minutes=minutes)
    services.mark_for_review(learner=alice, topic=topics["b"])
    large = _queries(client, "/topics/b/")
    assert small == large == 10 + session


def test_the_calendar_counts_a_topic_ticked_unticked_and_ticked_again_once(alice, topics):
    from progress.activity import activity_for

    for status in ("done", "not_started", "done", "in_progress"):
        services.set_status(learner=alice, topic=topics["a"], status=status)
    services.set_status(learner=alice, topic=topics["b"], status="done")
    [today] = activity_for(alice).active
    assert today.count == 2 and today.label.endswith(": 2 topics started or completed")


def test_continue_lists_what_is_in_progress_first_with_its_roadmap(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    services.set_status(learner=alice, topic=topics["c"], status="in_progress")
    html = alice_client.get("/dashboard/").content.decode()
    block = html[html.index('id="next-title"') : html.index('id="recent-title"')]
    assert block.index("Gamma") < block.index("Beta")  # in progress first, then next
    in_progress = r'Gamma</a>\s*<span class="muted"><span class="status-badge status-in_progress">In progress'
    assert re.search(in_progress, block)
    assert re.search(r"Beta</a>\s*<span class=\"muted\">Next · \d+ h · Track</span>", block)


def test_a_skipped_prerequisite_lets_the_next_topic_come_up(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="skipped", roadmap=track)
    html = alice_client.get("/dashboard/").content.decode()
    assert "Beta" in html[html.index('id="next-title"') : html.index('id="recent-title"')]


def test_the_topic_page_shows_every_change_of_the_status_with_its_date(alice_client, alice, topics, track):
    for status in ("in_progress", "done", "not_started", "done"):
        services.set_status(learner=alice, topic=topics["a"], status=status)
    services.reset_roadmap(learner=alice, roadmap=track)
    html = alice_client.get("/topics/a/").content.decode()
    history = html[html.index('class="topic-history"') : html.index("</details>", html.index('class="topic-history"'))]
    assert "History: 5 changes" in history
    change = r"</time>\s*([\w ]+) → <strong>([\w ]+)</strong>(?: <span class=\"muted\">\(([^)]+)\))?"
    changes = re.findall(change, history)
    assert changes == [
        ("Not started", "In progress", ""),
        ("In progress", "Done", ""),
        ("Done", "Not started", ""),
        ("Not started", "Done", ""),
        ("Done", "Not started", "roadmap reset"),
    ]


def test_the_roadmap_history_lists_every_change_newest_first_and_only_its_own(alice_client, alice, bob, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="in_progress")
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["b"], status="skipped")
    services.set_status(learner=bob, topic=topics["c"], status="done")  # someone else's
    html = alice_client.get("/roadmaps/track/history/").content.decode()
    changes = re.findall(r'<a href="/topics/(\w)/">\w+</a>: ([\w ]+) → <strong>([\w ]+)</strong>', html)
    assert changes == [
        ("b", "Not started", "Skipped"),
        ("a", "In progress", "Done"),
        ("a", "Not started", "In progress"),
    ]
    assert 'href="/roadmaps/track/history/"' in alice_client.get("/roadmaps/track/").content.decode()


def test_the_roadmap_history_needs_a_signed_in_learner(client, track):
    assert client.get("/roadmaps/track/history/").status_code == 302


def test_the_roadmap_list_shows_a_learner_their_completion_and_where_to_continue(alice_client, alice, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.set_status(learner=alice, topic=topics["c"], status="in_progress")
    html = alice_client.get("/roadmaps/").content.decode()
    assert 'aria-label="Your completion of Track"' in html and ">20%<" in html
    assert re.search(
        r'href="/roadmaps/track/#c"><span>Continue<span class="visually-hidden"> Track</span>: Gamma</span></a>', html
    )


def test_the_roadmap_list_runs_the_same_queries_whatever_the_progress(alice_client, alice, topics, track):
    alice_client.get("/roadmaps/")  # outlines cached
    with CaptureQueriesContext(connection) as before:
        alice_client.get("/roadmaps/")
    for topic in topics.values():
        services.set_status(learner=alice, topic=topic, status="done")
    with CaptureQueriesContext(connection) as after:
        html = alice_client.get("/roadmaps/").content.decode()
    assert len(before) == len(after)
    assert "Every topic is done or skipped." in html


def test_the_navigation_flags_unread_mentor_feedback(client, alice, bob, mentoring, topics):
    from mentoring import services as mentoring_services

    client.force_login(alice)
    assert "nav-badge" not in client.get("/roadmaps/").content.decode()
    for n in range(2):
        mentoring_services.add_comment(author=bob, learner=alice, topic=topics["a"], body=f"Look at {n}")
    html = client.get("/roadmaps/").content.decode()
    badge = '<span class="nav-badge">2<span class="visually-hidden"> new comments from your mentors</span></span>'
    assert badge in html
    client.post("/topics/a/comments/seen/")
    assert "nav-badge" not in client.get("/roadmaps/").content.decode()
    # The topic panel (htmx) shows no navigation, and still the thread.
    html = client.get("/topics/a/", HTTP_HX_REQUEST="true").content.decode()
    assert "nav-badge" not in html and "Look at 1" in html


def test_the_topic_panel_of_a_learner_without_mentor_reads_no_thread(alice_client, alice, topics):
    """The navigation's one statement says there is no mentor and no comment:
    the panel skips the thread's, the reviews' and the mentor's queries."""
    alice_client.get("/topics/a/", HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as queries:
        html = alice_client.get("/topics/a/", HTTP_HX_REQUEST="true").content.decode()
    # Sessions are read from a cache or from the database, by the settings.
    asked = [q["sql"] for q in queries.captured_queries if "django_session" not in q["sql"]]
    assert "mentoring_review" in " ".join(asked)  # the navigation's statement, which asks
    assert len(asked) == 5, asked  # content version, user, status, history, navigation (was 7)
    assert "Feedback" not in html


def test_a_topic_on_two_roadmaps_is_reached_from_one_and_also_on_the_other(client, db):
    """Issue #25: the breadcrumb chained both tracks as if one held the other."""
    from django.core.management import call_command

    call_command("loadroadmap", stdout=None)
    html = client.get("/topics/python/").content.decode()
    crumbs = html[html.index('aria-label="Breadcrumb"') :].split("</nav>")[0]
    assert crumbs.count("›") == 1  # Roadmaps › the first roadmap
    assert "· also on" in crumbs and crumbs.count("<a ") == 3


def test_a_prerequisite_the_roadmap_assumes_is_not_told_as_not_started(alice_client, alice, topics, track):
    """Issue #25: under "Builds on", a topic the track assumes known read "Not started"."""
    from roadmap.services import content_changed

    track.assumed_topics.add(topics["a"])
    content_changed()
    html = alice_client.get("/topics/b/").content.decode()
    builds_on = html[html.index("Builds on") :].split("</ul>")[0]
    assert "Assumed known" in builds_on and "on Track" in builds_on and "Not started" not in builds_on
    services.set_status(learner=alice, topic=topics["a"], status="in_progress")
    builds_on = alice_client.get("/topics/b/").content.decode().split("Builds on")[1].split("</ul>")[0]
    assert "In progress" in builds_on and "Assumed" not in builds_on  # the learner's own status, once they have one
