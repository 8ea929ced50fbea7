"""Issue #13, findings 2-4: an open session is not enough to take an account,
and no limit is bypassed by writing a name or an address differently."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import identity, throttle
from accounts.models import User
from tests.accounts.test_throttle import WRONG, sign_in
from tests.factories import UserFactory


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


def restore_path(notice) -> str:
    link = next(line for line in notice.body.splitlines() if "/accounts/email/restore/" in line)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


NEW_PASSWORD = "owner-is-back-again-93"


def undo(client, path, password=NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_the_old_address_is_told_and_can_undo_the_change(alice_client, alice, password, run_tasks):
    other_device = Client()
    other_device.force_login(alice)
    response = change_email(alice_client, "alice.new@example.com", password)
    assert (response.status_code, response["Location"]) == (302, "/accounts/")
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"
    run_tasks()
    [notice] = notices_to("alice@example.com")
    assert "alice.new@example.com" in notice.body
    # The new address gets its confirmation link, and nothing else.
    assert [m.subject for m in mail.outbox if m.to == ["alice.new@example.com"]] == [
        "Confirm your email address for MLE Path"
    ]
    path = restore_path(notice)

    # Whoever opens the link (no session needed) sees what it will do, and a GET changes nothing.
    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and "alice@example.com" in page.text and "New password" in page.text
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"

    # A weak or mismatched password is refused, and nothing changes.
    assert undo(visitor, path, "short").status_code == 400
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"

    response = undo(visitor, path)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert alice.check_password(NEW_PASSWORD) and not alice.check_password(password)
    assert "every device is signed out" in visitor.get("/accounts/login/").text
    assert other_device.get("/dashboard/").status_code == 302  # signed out
    # The undone address is told.
    run_tasks()
    [told] = [m for m in mail.outbox if m.subject == "Your MLE Path email change was undone"]
    assert told.to == ["alice.new@example.com"] and "alice@example.com" in told.body
    # The owner signs in with the password chosen on the link's page.
    assert Client().post("/accounts/login/", {"username": "alice", "password": NEW_PASSWORD}).status_code == 302
    # The link works once; a forged one never.
    assert undo(visitor, path).status_code == 410
    assert visitor.get(path).status_code == 410
    assert visitor.get(path[:-3] + "abc/").status_code == 410


# --- Issue #23, rows 2 and 3: the undo always gives the account back ---

ATTACKER_PASSWORD = "mallory-owns-this-now-1"


def attacker_takes_over(alice, password, *addresses):
    """Someone with alice's password (or an open session that knows it) changes
    the address once per `addresses`, then the password."""
    attacker = Client()
    attacker.force_login(alice)
    current = password
    for address in addresses:
        assert change_email(attacker, address, current).status_code == 302
    response = attacker.post(
        "/accounts/password/",
        {"old_password": current, "new_password1": ATTACKER_PASSWORD, "new_password2": ATTACKER_PASSWORD},
    )
    assert response.status_code == 302
    return attacker


def notices_to(address):
    return [m for m in mail.outbox if m.to == [address] and "was changed" in m.subject]


def test_the_owner_regains_an_account_whose_address_and_password_were_taken(alice, password, run_tasks):
    attacker = attacker_takes_over(alice, password, "mallory@example.com")
    run_tasks()
    [notice] = notices_to("alice@example.com")
    assert undo(Client(), restore_path(notice)).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    owner = Client()
    assert owner.post("/accounts/login/", {"username": "alice", "password": NEW_PASSWORD}).status_code == 302
    for old in (password, ATTACKER_PASSWORD):
        assert Client().post("/accounts/login/", {"username": "alice", "password": old}).status_code == 200
    assert attacker.get("/dashboard/").status_code == 302


def test_a_second_change_does_not_kill_the_first_link_and_the_undo_spends_the_later_ones(alice, password, run_tasks):
    attacker_takes_over(alice, password, "mallory@example.com", "mallory2@example.com")
    run_tasks()
    [to_owner] = notices_to("alice@example.com")
    [to_attacker] = notices_to("mallory@example.com")
    assert Client().get(restore_path(to_owner)).status_code == 200
    assert undo(Client(), restore_path(to_owner)).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    # The attacker's link (mailed to the address the attacker set) no longer moves it forward again.
    assert undo(Client(), restore_path(to_attacker), ATTACKER_PASSWORD + "x").status_code == 410
    alice.refresh_from_db()
    assert alice.email == "alice@example.com" and alice.check_password(NEW_PASSWORD)


def test_an_attacker_who_undoes_first_cannot_keep_the_account(alice, password, run_tasks):
    attacker_takes_over(alice, password, "mallory@example.com", "mallory2@example.com")
    run_tasks()
    [to_owner] = notices_to("alice@example.com")
    [to_attacker] = notices_to("mallory@example.com")
    # The attacker "undoes" the second change, back to their first address...
    assert undo(Client(), restore_path(to_attacker), "attacker-again-pass-5").status_code == 302
    alice.refresh_from_db()
    assert alice.email == "mallory@example.com"
    # ...and the owner's link, of an earlier change, still goes further back.
    assert undo(Client(), restore_path(to_owner)).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com" and alice.check_password(NEW_PASSWORD)
    assert undo(Client(), restore_path(to_attacker), "attacker-again-pass-5").status_code == 410


def test_a_reset_the_attacker_asked_for_before_the_undo_never_reaches_them(alice, password, run_tasks):
    attacker_takes_over(alice, password, "mallory@example.com")
    run_tasks()
    [notice] = notices_to("alice@example.com")
    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": "mallory@example.com"})  # queued, not yet sent
    assert undo(Client(), restore_path(notice)).status_code == 302
    run_tasks()
    # The mail is composed when it is sent, for the address the account has then;
    # mallory only hears that the change was undone.
    resets = [m for m in mail.outbox if "/accounts/password/reset/" in m.body]
    assert [m.to for m in resets] == [["alice@example.com"]]
    assert [m.subject for m in mail.outbox if m.to == ["mallory@example.com"]] == [
        "Your MLE Path email change was undone"
    ]


def test_an_account_locked_by_the_old_undo_gets_its_reset_mail(alice, run_tasks):
    # Before #23 the undo left the password unusable, and Django's reset skips such accounts.
    alice.set_unusable_password()
    alice.save()
    response = Client().post("/accounts/password/reset/", {"email": "ALICE@example.com"})
    assert response.status_code == 302
    run_tasks()
    [reset] = mail.outbox
    assert reset.to == ["alice@example.com"] and "/accounts/password/reset/" in reset.body


def test_a_link_mailed_before_changes_were_recorded_still_undoes(alice, password):
    from django.core import signing

    from accounts.tasks import EMAIL_RESTORE_SALT

    alice.email = "mallory@example.com"
    alice.save()
    token = signing.TimestampSigner(salt=EMAIL_RESTORE_SALT).sign_object(
        {"user": alice.pk, "old": "alice@example.com", "new": "mallory@example.com"}
    )
    path = f"/accounts/email/restore/{token}/"
    assert Client().get(path).status_code == 200
    assert undo(Client(), path).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com" and alice.check_password(NEW_PASSWORD)
    assert undo(Client(), path).status_code == 410


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


def test_nobody_can_take_the_old_address_while_its_undo_link_works(alice, password, run_tasks):
    """An intruder who moves the account to their address cannot then park the
    owner's address on an account of their own, which would make the undo fail."""
    attacker_takes_over(alice, password, "mallory@example.com")
    run_tasks()
    [notice] = notices_to("alice@example.com")
    signup = {
        "username": "mallory2",
        "email": "ALICE@example.com",
        "password1": "p4ss-word-xyz-1",
        "password2": "p4ss-word-xyz-1",
    }
    refused = Client().post("/accounts/signup/", signup)
    assert refused.status_code == 400 and "An account with that email already exists." in refused.text
    other = Client()
    other.force_login(UserFactory(username="mallory3"))
    assert change_email(other, "alice@example.com", password).status_code == 400
    assert undo(Client(), restore_path(notice)).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_the_address_is_free_again_once_the_link_has_expired(alice, password):
    from accounts.models import EmailChange

    attacker_takes_over(alice, password, "mallory@example.com")
    EmailChange.objects.update(changed_at=timezone.now() - dt.timedelta(days=15))
    signup = {
        "username": "newcomer",
        "email": "alice@example.com",
        "password1": "p4ss-word-xyz-1",
        "password2": "p4ss-word-xyz-1",
    }
    assert Client().post("/accounts/signup/", signup).status_code == 302


def test_a_signed_in_browser_cannot_clear_someone_elses_lockout(client, alice, bob, password):
    for _ in range(4):
        sign_in(client, "alice", WRONG)
    signed_in = Client()
    signed_in.force_login(bob)
    response = signed_in.post("/accounts/login/", {"username": "alice", "password": WRONG}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302  # bob is sent on, and nothing is counted or cleared
    assert sign_in(client, "alice", WRONG).status_code == 200  # the 5th failure
    assert sign_in(client, "alice", password).status_code == 429
    # A next that leads back to the sign-in page is no redirect loop.
    assert signed_in.get("/accounts/login/?next=/accounts/login/").status_code == 302


def test_guesses_sent_at_once_are_each_counted_before_they_run(client, alice, password, monkeypatch):
    """The attempt is counted before the password is checked: five guesses
    in flight together cannot all pass a check made before any was counted."""
    from accounts import throttle as counters

    calls = []
    original = counters.hit

    def hit(limit, *parts):
        calls.append(limit.name)
        return original(limit, *parts)

    monkeypatch.setattr(counters, "hit", hit)
    sign_in(client, "alice", WRONG)
    assert calls[0] == "login"  # before authentication, not after


def test_a_notice_queued_before_changes_were_recorded_still_carries_a_working_link(alice, run_tasks):
    from accounts.tasks import send_email_changed_notice

    alice.email = "mallory@example.com"
    alice.save()
    send_email_changed_notice.enqueue(
        user_id=alice.pk,
        old_email="alice@example.com",
        new_email="mallory@example.com",
        domain="testserver",
        use_https=False,
    )
    run_tasks()
    [notice] = notices_to("alice@example.com")
    assert undo(Client(), restore_path(notice)).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_the_undo_page_dates_the_change_in_the_accounts_time_zone(alice, password, run_tasks):
    # Opened without a session, from the old mailbox: the owner's zone, not the server's.
    from accounts.models import EmailChange

    attacker_takes_over(alice, password, "mallory@example.com")
    User.objects.filter(pk=alice.pk).update(time_zone="Asia/Tokyo")  # the owner's zone
    EmailChange.objects.update(changed_at=timezone.now().replace(hour=20, minute=30))  # 05:30 next day in Tokyo
    run_tasks()
    [notice] = notices_to("alice@example.com")
    page = Client().get(restore_path(notice)).text
    tokyo_day = timezone.localtime(EmailChange.objects.get().changed_at, timezone=dt.timezone(dt.timedelta(hours=9)))
    shown = re.findall(r"On ([^<]*?) \(the account", page)
    assert shown == [f"{tokyo_day:%-d %b %Y}"], shown


def test_asking_for_a_confirmation_link_needs_a_session(client, db):
    response = client.post("/accounts/email/verify/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/email/verify/").status_code in (302, 405)
