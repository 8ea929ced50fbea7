"""Export and import at their edges: text no database stores, files too big for
one transaction, cells a spreadsheet would run, and a history in write order."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from progress import services, transfer
from progress.models import Progress, ProgressEvent, RoadmapFollow
from tests.factories import UserFactory

NOW = "2026-01-02T03:04:05+00:00"


def export_file(**fields) -> bytes:
    return json.dumps({"format": "mlepath-progress", "version": 1, "progress": [], **fields}).encode()


def post_import(client, content: bytes):
    return client.post("/dashboard/import/", {"file": SimpleUploadedFile("p.json", content)})


def state(learner):
    return (
        list(Progress.objects.filter(learner=learner).values_list("topic__slug", "status", "note")),
        list(ProgressEvent.objects.filter(learner=learner).values_list("pk", flat=True)),
        list(RoadmapFollow.objects.filter(learner=learner).values_list("roadmap__slug", flat=True)),
    )


def item(**fields):
    return {"topic": "a", "status": "in_progress", **fields}


def event(**fields):
    return {"topic": "a", "from": "not_started", "to": "in_progress", "at": NOW, **fields}


# json.dumps writes a lone surrogate as the escape "\ud800", as an attacker's file would.
LONE = "\ud800"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"progress": [item(note=f"a{LONE}b")]}, "progress item 1 (a) note: This text holds characters that are not"),
        ({"progress": [item(note="bell \x07")]}, "progress item 1 (a) note: This text holds control characters"),
        (
            {"progress": [item(evidence=[{"url": "https://example.com/", "title": f"x{LONE}"}])]},
            "progress item 1 (a) evidence title: This holds characters that are not valid Unicode.",
        ),
        (
            {"progress": [item(evidence=[{"url": "https://example.com/", "title": "two\nlines"}])]},
            "progress item 1 (a) evidence title: This must be one line",
        ),
        ({"progress": [item(evidence=[{"url": f"https://example.com/{LONE}"}])]}, "is not an http(s) URL"),
        ({"progress": [item(topic=f"a{LONE}")]}, "progress item 1: unknown topic &#x27;a\\ud800&#x27;"),
        ({"events": [event(topic=LONE)]}, "event 1: unknown topic &#x27;\\ud800&#x27;"),
        ({"following": [f"track{LONE}"]}, "&#x27;following&#x27; must be a list of roadmap slugs."),
        ({"following": ["track\x1b"]}, "&#x27;following&#x27; must be a list of roadmap slugs."),
    ],
)
def test_text_no_database_stores_is_refused_naming_the_field(alice_client, alice, topics, track, fields, message):
    """A lone surrogate reached the database, whose driver cannot encode it: a 500."""
    services.set_status(learner=alice, topic=topics["b"], status="done", roadmap=track)
    before = state(alice)
    response = post_import(alice_client, export_file(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported." in html and message in html
    assert state(alice) == before


def test_a_note_with_tabs_and_line_breaks_is_imported(alice_client, alice, topics):
    response = post_import(alice_client, export_file(progress=[item(note="line one\n\tline two\r\n")]))
    assert response.status_code == 302
    assert Progress.objects.get(learner=alice).note == "line one\n\tline two\r\n"


# --- Caps ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"events": [event()] * (transfer.MAX_IMPORT_EVENTS + 1)}, "an import takes at most 5000"),
        ({"progress": [item()] * (transfer.MAX_IMPORT_ITEMS + 1)}, "an import takes at most 2000"),
        # 40,000 slugs were one query parameter each: more than SQLite takes in one query.
        ({"following": ["track"] * 40_000}, "must be a list of at most 200 roadmap slugs"),
    ],
)
def test_a_file_over_the_caps_is_refused_before_any_lookup(alice_client, alice, topics, fields, message):
    before = state(alice)
    response = post_import(alice_client, export_file(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported." in html and message in html
    assert state(alice) == before


def test_an_import_at_the_cap_is_taken(alice_client, alice, topics):
    start = timezone.now() - dt.timedelta(days=30)
    events = [
        event(**{"from": old, "to": new, "at": (start + dt.timedelta(seconds=n)).isoformat()})
        for n in range(transfer.MAX_IMPORT_EVENTS // 2)
        for old, new in (("not_started", "in_progress"), ("in_progress", "not_started"))
    ]
    assert len(events) == transfer.MAX_IMPORT_EVENTS
    response = post_import(alice_client, export_file(events=events))
    assert response.status_code == 302
    assert ProgressEvent.objects.filter(learner=alice).count() == transfer.MAX_IMPORT_EVENTS


def test_an_import_that_would_take_a_learner_past_the_history_cap_changes_nothing(
    alice_client, alice, topics, track, monkeypatch
):
    monkeypatch.setattr(transfer, "MAX_LEARNER_EVENTS", 3)
    services.set_status(learner=alice, topic=topics["b"], status="in_progress", roadmap=track)
    services.set_status(learner=alice, topic=topics["b"], status="done", roadmap=track)
    before = state(alice)
    later = "2026-01-02T03:04:06+00:00"
    fields = {
        "progress": [item(note="from the file")],
        "events": [event(), event(**{"from": "in_progress", "to": "not_started", "at": later})],
        "following": ["track"],
    }
    response = post_import(alice_client, export_file(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your history holds 2 events and the file adds 2; a learner&#x27;s history holds at most 3." in html
    assert state(alice) == before
    # One event fits; events already in the history are not counted twice.
    fields["events"] = fields["events"][:1]
    assert post_import(alice_client, export_file(**fields)).status_code == 302
    assert post_import(alice_client, export_file(**fields)).status_code == 302
    assert ProgressEvent.objects.filter(learner=alice).count() == 3


# --- CSV --------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(alice_client, alice, topics, start):
    note = f'{start}HYPERLINK("https://evil.example")'
    services.save_note(learner=alice, topic=topics["a"], note=note)
    body = alice_client.get("/dashboard/export.csv").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][5] == "'" + note
    assert transfer.export_data(alice)["progress"][0]["note"] == note  # the JSON keeps the note as it is


def test_csv_cells_that_start_otherwise_are_left_alone(alice_client, alice, topics):
    services.save_note(learner=alice, topic=topics["a"], note="a = b, 'quoted'")
    rows = list(csv.reader(io.StringIO(alice_client.get("/dashboard/export.csv").content.decode())))
    assert rows[1][:3] == ["a", "Alpha", "not_started"] and rows[1][5] == "a = b, 'quoted'"


# --- History in the order of the writes ----------------------------------------


def chains(events) -> bool:
    """Each event of a topic starts where the topic's previous one ended."""
    last = {}
    for topic, before, after in events:
        if last.get(topic, "not_started") != before:
            return False
        last[topic] = after
    return True


def test_the_history_chains_in_write_order_when_the_clock_ran_backwards(alice_client, alice, topics, track):
    """created_at is the clock of the server that wrote the event (or a date from
    an imported file): two app servers a little apart, or a clock stepped back,
    write a later change with an earlier time. Ordered by created_at, the export
    showed done -> not_started before in_progress -> done; ordered by pk it chains."""
    for status in ("in_progress", "done", "not_started", "done"):
        services.set_status(learner=alice, topic=topics["a"], status=status, roadmap=track)
    services.set_status(learner=alice, topic=topics["b"], status="in_progress", roadmap=track)
    written = list(ProgressEvent.objects.filter(learner=alice).order_by("pk"))
    base = timezone.now() - dt.timedelta(hours=1)
    for event_, seconds in zip(written, (0, 30, 10, 20, 5), strict=True):  # out of order
        ProgressEvent.objects.filter(pk=event_.pk).update(created_at=base + dt.timedelta(seconds=seconds))

    by_default = ProgressEvent.objects.filter(learner=alice).values_list("topic__slug", "from_status", "to_status")
    assert chains(by_default)
    exported = json.loads(alice_client.get("/dashboard/export.json").content)
    assert chains((e["topic"], e["from"], e["to"]) for e in exported["events"])
    assert [e["at"] for e in exported["events"]] != sorted(e["at"] for e in exported["events"])

    # Restored into a fresh account, the history keeps its order.
    other = UserFactory(username="restored")
    transfer.import_progress(learner=other, data=transfer.parse_import(json.dumps(exported).encode()))
    assert transfer.export_data(other)["events"] == exported["events"]
