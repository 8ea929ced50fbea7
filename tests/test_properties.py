"""Property-based tests: generated input thrown at every form and POST endpoint,
as a visitor, a learner and a mentor, never gets a 500.

HYPOTHESIS_EXAMPLES sets the examples per endpoint, shared by the three users
(100 by default; HYPOTHESIS_EXAMPLES=3000 make test for a longer run). The run's
summary line says how many cases ran ("property-based cases: ...").
"""

import math
import os
from collections import Counter

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from accounts.forms import ProfileForm
from mentoring import services as mentoring_services
from mentoring.forms import CommentForm, InviteForm
from mentoring.models import Invite
from progress.forms import EvidenceForm, NoteForm

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


ENDPOINTS = {
    "/accounts/login/": fields("username", "password", "next"),
    "/accounts/signup/": fields("username", "email", "password1", "password2", "next"),
    "/accounts/password/reset/": fields("email"),
    "/accounts/password/": fields("old_password", "new_password1", "new_password2"),
    "/accounts/": form_data(ProfileForm),
    "/accounts/delete/": fields("password"),
    "/roadmaps/track/follow/": fields("action"),
    "/roadmaps/track/reset/": fields("confirm"),
    "/roadmaps/track/reset/undo/": fields("batch"),
    "/roadmaps/track/topics/a/status/": fields("status"),
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
    "/mentoring/mentees/alice/nudge/": fields(),
    "/mentoring/mentees/alice/topics/a/review/": fields("reviewed"),
    "/accounts/sign-out-everywhere/": fields(),
    "/accounts/logout/": fields(),
}


@pytest.fixture
def world(alice, bob, topics, track):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    return {"alice": alice, "bob": bob, "token": invite.token}


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_no_input_gets_a_500(world, endpoint, who):
    url = endpoint.format(token=world["token"])
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
        response = client.post(url, data, **headers)
        CASES[endpoint] += 1
        assert response.status_code in ALLOWED, (response.status_code, data)
        if signs_out:
            sign_in()

    post()
