"""Issue #13, findings 2-4: an open session is not enough to take an account,
and no limit is bypassed by writing a name or an address differently."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import identity, throttle
from accounts.models import User
from tests.accounts.test_throttle import WRONG, sign_in


def change_email(client, email, password=None, **extra):
    data = {"display_name": "", "email": email, "time_zone": "UTC", **extra}
    if password is not None:
        data["current_password"] = password
    return client.post("/accounts/", data)


# --- 2. The email changes only with the password, and the old address is told ---


@pytest.mark.parametrize("given", [None, "", WRONG])
def test_an_open_session_cannot_change_the_email(alice_client, alice, given, run_tasks):
    response = change_email(alice_client, "mallory@example.com", given)
    assert response.status_code == 400
    assert "Enter your current password to change your email. Nothing was changed." in response.text
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    run_tasks()
    assert mail.outbox == []
    # A password reset still goes to alice's own mailbox.
    Client().post("/accounts/password/reset/", {"email": "mallory@example.com"})
    run_tasks()
    assert mail.outbox == []


def test_the_old_address_is_told_and_can_undo_the_change(alice_client, alice, password, run_tasks):
    other_device = Client()
    other_device.force_login(alice)
    response = change_email(alice_client, "alice.new@example.com", password)
    assert (response.status_code, response["Location"]) == (302, "/accounts/")
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"
    run_tasks()
    [notice] = mail.outbox
    assert notice.to == ["alice@example.com"]
    assert "alice.new@example.com" in notice.body
    link = next(line for line in notice.body.splitlines() if "/accounts/email/restore/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # Whoever opens the link (no session needed) sees what it will do, and a GET changes nothing.
    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and "alice@example.com" in page.text
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"

    response = visitor.post(path, follow=True)
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert not alice.has_usable_password()
    assert "every session is signed out" in response.text
    assert other_device.get("/dashboard/").status_code == 302  # signed out
    # The link works once; a forged one never.
    assert visitor.post(path).status_code == 410
    assert visitor.get(path[:-3] + "abc/").status_code == 410


def test_email_change_answers_are_limited_per_account(alice_client, alice, bob, password):
    for n in range(10):
        assert change_email(alice_client, f"guess{n}@example.com", WRONG).status_code == 400
    refused = change_email(alice_client, bob.email, password)
    assert refused.status_code == 429
    assert "Too many email changes were tried on this account." in refused.text
    assert "already exists" not in refused.text
    # Name and time zone still save.
    assert change_email(alice_client, alice.email, display_name="Alice").status_code == 302


# --- 3. Every sign-up attempt counts per address ---


def test_failed_sign_ups_count_against_the_address(client, alice):
    def attempt(n):
        data = {"username": "alice", "email": f"x{n}@example.com", "password1": "a", "password2": "b"}
        return client.post("/accounts/signup/", data, REMOTE_ADDR="192.0.2.50")

    for n in range(throttle.SIGNUP_ATTEMPTS_PER_ADDRESS.attempts):
        assert attempt(n).status_code == 400
    refused = attempt(99)
    assert refused.status_code == 429
    assert "Too many sign-ups were tried from your network." in refused.text
    assert "already exists" not in refused.text


# --- 4. The lockout holds for every way of writing the name ---


@pytest.mark.parametrize("variant", [" bob", "bob ", "\tbob", "BOB", "ｂｏｂ", "\u00a0bob"])
def test_a_locked_username_stays_locked_however_it_is_written(client, bob, password, variant):
    for _ in range(5):
        sign_in(client, "bob", WRONG)
    assert sign_in(client, variant, password).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_throttle_keys_are_the_login_forms_own_normalisation():
    assert {identity.username_key(v) for v in (" bob", "bob ", "\tbob", "Bob", "ｂｏｂ")} == {"bob"}
    assert {identity.email_key(v) for v in (" a@example.com", "A@Example.com\t")} == {"a@example.com"}


# --- 5. A username longer than the field is refused before any account lookup ---


@pytest.mark.django_db
def test_a_100000_character_username_is_refused_before_any_account_lookup(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/accounts/login/", {"username": "x" * 100_000, "password": WRONG})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.text
    # Only the address's failure counter is read and written: no account is looked up.
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "accounts_user" in q["sql"]]


@pytest.mark.parametrize(
    "name, message",
    [
        ("Bob\r\nBcc: all@example.com", "one line without control characters"),
        ("Bob\x00", "Null characters are not allowed."),
        ("Bob\x1b[31m", "one line without control characters"),
    ],
)
def test_a_display_name_must_be_one_line_of_valid_text(alice_client, alice, name, message):
    response = change_email(alice_client, alice.email, display_name=name)
    assert response.status_code == 400 and message in response.text
    assert User.objects.get(pk=alice.pk).display_name == "Alice Liddell"


def test_a_lone_surrogate_in_a_name_is_a_form_error(alice):
    # A form post cannot carry one (Django decodes bodies with replacement);
    # data decoded elsewhere (JSON) can, and no database could store it.
    from accounts.forms import ProfileForm

    form = ProfileForm({"display_name": "Bob\ud800", "email": alice.email, "time_zone": "UTC"}, instance=alice)
    assert not form.is_valid()
    assert "not valid Unicode" in form.errors["display_name"][0]
