"""Property-based tests: generated input thrown at every form and POST endpoint,
as a visitor, a learner and a mentor, never gets a 500: form fields through the
test client, and bodies no browser sends (other charsets, bytes that are not
UTF-8, lone surrogates, control characters, truncated bodies, Content-Types
Django cannot parse) through the WSGI application to every route.

HYPOTHESIS_EXAMPLES sets the examples per endpoint, shared by the three users
(100 by default; HYPOTHESIS_EXAMPLES=3000 make test for a longer run). The run's
summary line says how many cases ran ("property-based cases: ...").
"""

import json
import math
import os
import re
import urllib.parse
from collections import Counter

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form, register_field_strategy
from hypothesis.provisional import urls

from accounts.forms import ProfileForm
from mentoring import services as mentoring_services
from mentoring import tracks
from mentoring.forms import CommentForm, InviteForm, NewTrackForm, OwnProjectForm, OwnTopicForm, TrackForm
from mentoring.models import Invite, TrackOffer
from progress import services as progress_services
from progress.forms import EvidenceForm, NoteForm, WebURLField
from progress.projects import services as project_services
from roadmap.models import Project
from tests.test_bad_input import multipart, wsgi_post

# Our URL field (http and https only) draws what Django's URLField would.
register_field_strategy(WebURLField, urls())

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "100"))
USERS = ("anonymous", "alice", "bob")  # a visitor, a learner, her mentor
ALLOWED = {200, 201, 204, 301, 302, 303, 400, 403, 404, 405, 422, 429}
CASES: Counter = Counter()  # reported by tests/conftest.py at the end of the run

NASTY = st.sampled_from(
    [
        "",
        "\x00",
        "../../etc/passwd",
        "%00",
        "done",
        "not_started",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        '<div hx-get="/accounts/logout/" hx-trigger="load">',
        "x" * 20_000,
        "\u0430dmin",
        "1e309",
        "-1",
        "9" * 30,
    ]
)
TEXT = st.text(max_size=200) | NASTY


def fields(*names):
    return st.fixed_dictionaries(dict.fromkeys(names, TEXT), optional={"unexpected": TEXT})


def form_data(form_class, **kwargs):
    """Data a form accepts, from hypothesis.extra.django, mixed with hostile values."""
    valid = from_form(form_class, **kwargs).map(lambda form: {k: str(v) for k, v in form.data.items()})
    return valid | fields(*form_class.base_fields)


TRACK_ACTIONS = [
    "add-section",
    "remove-section",
    "move-section",
    "add-topics",
    "remove-topic",
    "move-topic",
    "add-project",
    "remove-project",
    "assume-missing",
    "unassume",
]
ENDPOINTS = {
    "/accounts/login/": fields("username", "password", "next"),
    "/accounts/signup/": fields("username", "email", "password1", "password2", "next"),
    "/accounts/password/reset/": fields("email"),
    "/accounts/password/": fields("old_password", "new_password1", "new_password2"),
    "/accounts/": form_data(ProfileForm),
    "/accounts/delete/": fields("password"),
    "/roadmaps/track/follow/": fields("action"),
    "/roadmaps/track/pace/": fields("action", "track-basis", "track-hours_per_week", "track-target_date")
    | st.fixed_dictionaries(
        {"track-basis": st.sampled_from(["hours", "date"]), "track-hours_per_week": TEXT, "track-target_date": TEXT}
    ),
    "/roadmaps/track/reset/": fields("confirm"),
    "/roadmaps/track/reset/undo/": fields("batch"),
    "/roadmaps/track/topics/a/status/": fields("status"),
    "/roadmaps/track/view/": fields("view"),
    "/topics/a/status/": fields("status", "roadmap", "page"),
    "/topics/a/note/": form_data(NoteForm),
    "/topics/a/evidence/": form_data(EvidenceForm),
    "/topics/a/evidence/1/delete/": fields(),
    "/topics/a/comments/": form_data(CommentForm),
    "/topics/a/comments/seen/": fields(),
    "/dashboard/import/": fields("file"),
    "/mentoring/invites/": form_data(InviteForm) | fields("mentor-kind", "mentor-expires_in"),
    "/mentoring/invites/1/revoke/": fields(),
    "/mentoring/invite/{token}/": fields(),
    "/mentoring/mentorships/1/end/": fields(),
    "/mentoring/mentorships/1/notes/": fields("share_notes"),
    "/mentoring/mentorships/1/sharing/": fields("share_dates", "share_evidence", "share_notes"),
    "/mentoring/mentees/alice/nudge/": fields(),
    "/mentoring/mentees/alice/roadmaps/track/suggest/": fields("target_date"),
    "/mentoring/suggestions/1/": fields("action"),
    "/mentoring/updates/seen/": fields("username"),
    "/mentoring/digests/unsubscribe/forged-token/": fields("List-Unsubscribe"),
    "/mentoring/mentees/alice/topics/a/review/": fields("reviewed"),
    "/calendar/": fields("action", "weekday", "start", "minutes")
    | st.fixed_dictionaries(
        {
            "action": st.sampled_from(["create", "update", "renew", "revoke"]),
            "weekday": st.sampled_from([str(day) for day in range(7)]) | TEXT,
            "start": st.times().map(lambda time: time.strftime("%H:%M")) | TEXT,
            "minutes": st.sampled_from(["30", "120", "480"]) | TEXT,
        }
    ),
    "/accounts/sign-out-everywhere/": fields(),
    "/accounts/logout/": fields(),
    "/projects/pipeline/start/": fields(),
    "/projects/pipeline/work/": fields("action", "checked", "repository_url", "writeup_url", "demo_url", "note")
    | st.fixed_dictionaries(
        {
            "action": st.sampled_from(["save", "submit", "complete"]) | TEXT,
            "checked": st.lists(st.integers(min_value=-1, max_value=10**12).map(str) | TEXT, max_size=3),
            "repository_url": st.sampled_from(["https://git.example.org/x", ""]) | TEXT,
            "note": TEXT,
        }
    ),
    "/projects/pipeline/criteria/": fields("checked")
    | st.fixed_dictionaries(
        {"checked": st.lists(st.integers(min_value=-1, max_value=10**20).map(str) | TEXT, max_size=3)}
    ),
    "/projects/pipeline/reopen/": fields(),
    "/projects/pipeline/comments/": form_data(CommentForm),
    "/projects/pipeline/comments/seen/": fields(),
    "/mentoring/mentees/alice/projects/pipeline/": form_data(CommentForm),
    "/mentoring/mentees/alice/projects/pipeline/review/": fields("decision", "body")
    | st.fixed_dictionaries({"decision": st.sampled_from(["approve", "changes"]) | TEXT, "body": TEXT}),
    "/portfolio/": fields("public", "show_completion", "bio", "link_1", "link_2", "link_3", "noindex", "shown"),
    # Cohort tracks (#28): bob's track, its own topic and project, alice's offer, its link.
    "/mentoring/tracks/": fields(*NewTrackForm.base_fields),
    "/mentoring/tracks/{track}/": form_data(TrackForm),
    "/mentoring/tracks/{track}/content/": fields(
        "action", "section", "topic", "topics", "project", "direction", "anchor", "section-title"
    )
    | st.fixed_dictionaries(
        {
            "action": st.sampled_from(TRACK_ACTIONS) | TEXT,
            "section": st.sampled_from(["{section}", "0", "-1", "1e9"]) | TEXT,
            "topic": st.sampled_from(["{own}", "1", "2"]) | TEXT,
            "topics": st.lists(st.sampled_from(["1", "2", "3", "{own}"]) | TEXT, max_size=3),
            "project": st.sampled_from(["{project}", "1"]) | TEXT,
            "direction": st.sampled_from(["up", "down"]) | TEXT,
            "section-title": TEXT,
        }
    ),
    "/mentoring/tracks/{track}/topics/new/": fields("section", *OwnTopicForm.base_fields),
    "/mentoring/tracks/{track}/topics/{own}/": fields(*OwnTopicForm.base_fields)
    | st.fixed_dictionaries(
        {
            "title": TEXT,
            "summary": TEXT,
            "hours": st.integers(min_value=-5, max_value=600).map(str) | TEXT,
            "resources": st.lists(st.sampled_from(["https://example.com/a", "t | https://x.org"]) | TEXT).map(
                "\n".join
            ),
            "prerequisites": st.lists(st.sampled_from(["1", "2", "{own}"]) | TEXT, max_size=3),
        }
    ),
    "/mentoring/tracks/{track}/projects/new/": fields("section", *OwnProjectForm.base_fields),
    "/mentoring/tracks/{track}/projects/{project}/": fields(*OwnProjectForm.base_fields),
    "/mentoring/tracks/{track}/offers/": fields("learners")
    | st.fixed_dictionaries({"learners": st.lists(st.sampled_from(["1", "2", "3"]) | TEXT, max_size=3)}),
    "/mentoring/tracks/{track}/link/": fields("action")
    | st.fixed_dictionaries({"action": st.sampled_from(["share", "unshare"]) | TEXT}),
    "/mentoring/tracks/{track}/delete/": fields(),
    "/mentoring/tracks/join/{share}/": fields(),
    "/mentoring/track-offers/{offer}/": fields("answer")
    | st.fixed_dictionaries({"answer": st.sampled_from(["accept", "decline"]) | TEXT}),
}


@pytest.fixture
def world(alice, bob, topics, track):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    for learner in (alice, bob):  # so that a pace is read and saved, not refused for an unfollowed roadmap
        progress_services.follow_roadmap(learner=learner, roadmap=track)
    pipeline = Project.objects.create(slug="pipeline", title="Pipeline", brief="Build it.", estimated_hours=5)
    pipeline.criteria.create(order=0, text="It runs.")
    project_services.start_project(learner=alice, project=pipeline)  # so that a review reaches the form
    made = tracks.create_track(author=bob, title="Team", introduction="Intro.", copy_from=track)
    section = made.sections.first()
    own = tracks.create_own_topic(
        track=made, by=bob, section=section, spec=tracks.OwnTopic("Own", "S", 2, (), (topics["a"],))
    )
    project = tracks.create_own_project(
        track=made, by=bob, section=section, spec=tracks.OwnProject("P", "B", 2, ("C",), ())
    )
    tracks.offer_track(track=made, by=bob, learners=[alice])
    ids = {"track": made.pk, "section": section.pk, "own": own.pk, "project": project.pk}
    ids |= {"offer": TrackOffer.objects.get(learner=alice).pk, "share": tracks.share(track=made, by=bob)}
    return {"alice": alice, "bob": bob, "token": invite.token, "ids": ids}


def fill(value: str, ids: dict) -> str:
    """A sampled "{own}" made the world's id of it."""
    return ids.get(value[1:-1], value) if value.startswith("{") and value.endswith("}") else value


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_no_input_gets_a_500(world, endpoint, who):
    url = endpoint.format(token=world["token"], **world["ids"])
    client = Client(raise_request_exception=False)
    signs_out = endpoint in ("/accounts/logout/", "/accounts/sign-out-everywhere/")

    def sign_in():
        if who != "anonymous":
            user = world[who]
            user.refresh_from_db()  # "sign out everywhere" moves its session generation
            client.force_login(user)

    sign_in()

    @settings(
        max_examples=math.ceil(EXAMPLES / len(USERS)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=ENDPOINTS[endpoint], htmx=st.booleans())
    def post(data, htmx):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        ids = {key: str(value) for key, value in world["ids"].items()}
        data = {
            k: ([fill(v, ids) for v in value] if isinstance(value, list) else fill(value, ids))
            for k, value in data.items()
        }
        response = client.post(url, data, **headers)
        CASES[endpoint] += 1
        assert response.status_code in ALLOWED, (response.status_code, data)
        if signs_out:
            sign_in()

    post()


# --- Bodies no browser sends, to every route ----------------------------------------
#
# Built by hand and handed to Django's WSGI handler as gunicorn hands them, with a
# valid CSRF cookie and header, so that every body is read (CsrfViewMiddleware
# reads request.POST before any view). Every route, not only those whose view
# takes POST: the body is read before the view can say 405. The admin is Django's.

BAD_INPUT_EXAMPLES = max(EXAMPLES // 20, 3)  # random cases per route and user, after the fixed ones
SAMPLE_ARGS = {
    "slug": "track",
    "topic_slug": "a",
    "username": "alice",
    "evidence_id": "1",
    "entry_id": "1",
    "pk": "1",
    "uidb64": "MQ",
}
BOUNDARY = "mlepathboundary"


def every_route() -> list[str]:
    from tests.test_csp_every_route import routes

    return [route for _, route in routes()]


def route_path(route: str, token: str) -> str:
    # A topic's slug follows "topics/"; any other slug is the roadmap's.
    path = "/" + route.replace("topics/<slug:slug>", "topics/a").replace("<token:token>", token)
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: SAMPLE_ARGS.get(match.group(1), "x"), path)


def field_names() -> list[str]:
    """Every field a form of ours reads, and the plain POST keys the views read."""
    from django import forms

    import accounts.forms
    import mentoring.forms
    import progress.forms

    names = {
        "status",
        "action",
        "batch",
        "confirm",
        "reviewed",
        "share_notes",
        "next",
        "mentor-kind",
        "username",
        "List-Unsubscribe",
        "spent",
        "was_due",
        "in_panel",
        "entry-1-minutes",
        "entry-1-day",
    }
    for module in (accounts.forms, mentoring.forms, progress.forms):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                names.update(value.base_fields)
    return sorted(names)


FIELDS = field_names()
HOSTILE = [
    "\x00",
    "\x1b[2J",
    "line\u2028break",
    "a\r\nBcc: x@example.com",
    "\ud800",
    "x\udfff",
    "\ud83d",
    "\ufeff",
    "café",
    "💥",
    "+2AA-",  # "\ud800" in utf-7...
    "\\ud800",  # ... and in unicode-escape
]
PLAUSIBLE = [
    "done",
    "in_progress",
    "accept",
    "decline",
    "unfollow",
    "1",
    "https://example.com/x",
    "x@example.com",
    "UTC",
]
VALUE = st.sampled_from(HOSTILE + PLAUSIBLE) | st.text(max_size=40) | st.lists(st.sampled_from(HOSTILE)).map("".join)
CHARSETS = [
    None,
    "utf-8",
    "UTF8",
    "utf-16",
    "utf-16-le",
    "latin-1",
    "iso-8859-1",
    "cp1252",
    "utf-7",
    "unicode-escape",
    "hex",
    "rot13",
    "base64",
    "zlib",
    "x-nope",
    "",
]


def encode(value: str, charset: str | None) -> bytes:
    try:
        return value.encode(charset or "utf-8", "surrogatepass")
    except (UnicodeError, LookupError, TypeError):  # not a text encoding, or not one that holds the value
        return value.encode("utf-8", "surrogatepass")


def form_body(fields: dict[str, bytes], *, raw=False) -> bytes:
    """application/x-www-form-urlencoded; percent-encoded, or the bytes as they are."""
    quote = (lambda b: b) if raw else (lambda b: urllib.parse.quote_from_bytes(b).encode())
    return b"&".join(quote(name.encode()) + b"=" + quote(value) for name, value in fields.items())


def import_file(value: str) -> bytes:
    """An export whose text fields hold the value; json.dumps escapes a lone surrogate as "\\ud800"."""
    data = {
        "format": "mlepath-progress",
        "version": 1,
        "progress": [
            {
                "topic": "a",
                "status": "done",
                "completed_at": "2026-01-02T03:04:05+00:00",
                "note": value,
                "evidence": [{"url": "https://example.com/", "title": value}],
            },
            {"topic": value, "status": "in_progress"},
        ],
        "events": [{"topic": "a", "from": "not_started", "to": "done", "at": "2026-01-02T03:04:05+00:00"}],
        "following": ["track", value],
    }
    return json.dumps(data).encode()


def multipart_type(charset=None) -> str:
    return f"multipart/form-data; boundary={BOUNDARY}" + (f"; charset={charset}" if charset is not None else "")


def every_field(value: str, charset=None) -> dict[str, bytes]:
    return dict.fromkeys(FIELDS, encode(value, charset))


FORM_TYPE = "application/x-www-form-urlencoded"
# (what, content type, body, declared length or None for the body's own)
FIXED = [
    ("utf-16 form", f"{FORM_TYPE}; charset=utf-16", form_body(every_field("café", "utf-16"), raw=True), None),
    ("latin-1 form", f"{FORM_TYPE}; charset=latin-1", form_body(every_field("café", "latin-1"), raw=True), None),
    ("unknown charset", f"{FORM_TYPE}; charset=x-nope", form_body(every_field("café")), None),
    ("utf-7 multipart", multipart_type("utf-7"), multipart(every_field("+2AA-")), None),
    ("hex multipart", multipart_type("hex"), multipart(every_field("cafe")), None),
    ("invalid UTF-8", FORM_TYPE, form_body(dict.fromkeys(FIELDS, b"\xff\xfe\xc3("), raw=True), None),
    ("percent-encoded lone surrogate", FORM_TYPE, form_body(every_field("\ud800 \udfff")), None),
    ("raw lone surrogate in multipart", multipart_type(), multipart(every_field("\ud800")), None),
    ("control characters", FORM_TYPE, form_body(every_field("\x00\x1b[2J\u2028\x7f")), None),
    ("control characters in multipart", multipart_type(), multipart(every_field("a\x00b\x1bc")), None),
    ("truncated form", FORM_TYPE, form_body(every_field("done")), 10_000),
    ("truncated multipart", multipart_type(), multipart(every_field("done"))[:-40], None),
    ("truncated multipart, announced", multipart_type(), multipart(every_field("done"))[:-40], 10_000),
    (
        "import with lone surrogates",
        multipart_type(),
        multipart({}, files={"file": ("p.json", import_file("\ud800"))}),
        None,
    ),
    (
        "import with control characters",
        multipart_type(),
        multipart({}, files={"file": ("p.json", import_file("a\x00\x1b\nb"))}),
        None,
    ),
    ("too many fields", FORM_TYPE, b"&".join(b"f%d=1" % n for n in range(1_001)), None),
    ("a gigabyte announced", FORM_TYPE, b"", 10**9),
    ("multipart without a boundary", "multipart/form-data", b"--x\r\n", None),
    ("json with a lone surrogate", "application/json", b'{"note": "\\ud800"}', None),
    ("an unreadable content type", "multipart/form-data; boundary*=x-nope''abc", b"note=x", None),
    ("a 10,000-character content type", f"{FORM_TYPE}; a={'x' * 10_000}", b"note=x", None),
]


@st.composite
def raw_requests(draw):
    """A request body of one of the shapes above, drawn at random."""
    charset = draw(st.sampled_from(CHARSETS))
    fields = draw(st.dictionaries(st.sampled_from(FIELDS), VALUE, min_size=1, max_size=6))
    encoded = {name: encode(value, charset) for name, value in fields.items()}
    shape = draw(st.sampled_from(["form", "raw form", "multipart", "import", "bytes"]))
    suffix = f"; charset={charset}" if charset is not None else ""
    if shape == "form":
        content_type, body = FORM_TYPE + suffix, form_body(encoded)
    elif shape == "raw form":
        content_type, body = FORM_TYPE + suffix, form_body(encoded, raw=True)
    elif shape == "multipart":
        content_type, body = multipart_type(charset), multipart(encoded)
    elif shape == "import":
        content_type = multipart_type(charset)
        body = multipart(encoded, files={"file": ("p.json", import_file(draw(VALUE)))})
    else:
        content_type = draw(st.sampled_from([FORM_TYPE, multipart_type(), "application/json", "text/plain"])) + suffix
        body = draw(st.binary(max_size=300))
    # Truncated: cut short, and announced longer than what is sent.
    body = body[: draw(st.integers(0, len(body)))] if draw(st.booleans()) else body
    length = draw(st.none() | st.integers(len(body) + 1, len(body) + 5_000))
    return content_type, body, length


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("route", every_route())
def test_no_body_gets_a_500_on_any_route(world, route, who):
    path = route_path(route, world["token"])
    user = None if who == "anonymous" else world[who]

    def post(content_type, body, length):
        user_now = None
        if user is not None:
            user.refresh_from_db()  # "sign out everywhere" moves its session generation
            user_now = user
        status, _, _ = wsgi_post(path, body, content_type=content_type, length=length, user=user_now)
        CASES[f"raw {route}"] += 1
        return status

    for what, content_type, body, length in FIXED:
        status = post(content_type, body, length)
        assert status < 500, (what, status)

    @settings(
        max_examples=BAD_INPUT_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=raw_requests())
    def random_body(request):
        content_type, body, length = request
        assert post(content_type, body, length) < 500, request

    random_body()
