"""Issue #23, row 12: mail goes only to addresses their owner confirmed. A new
or changed address gets a signed link that expires; until it is opened, only
that link and password resets are mailed there, and the account page says so."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import throttle
from accounts.models import User
from tests.accounts.test_views import SIGNUP, signup_data

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/email/verify/\S+/)", message.body).group(1)


def signed_up(client, run_tasks, **data):
    assert client.post(SIGNUP, signup_data(**data)).status_code == 302
    run_tasks()
    user = User.objects.get(username=data.get("username", "newlearner"))
    return user


def test_a_new_account_gets_a_link_and_the_account_page_says_what_waits(client, run_tasks):
    user = signed_up(client, run_tasks)
    assert not user.email_verified
    [message] = mail.outbox
    assert message.to == ["new@example.com"] and message.subject == "Confirm your email address for MLE Path"
    page = client.get("/accounts/").text
    assert "Confirm your email address" in page
    assert "weekly digests, nudges, and your mentors' review and new-mentor notices wait" in page

    # Opening the link shows a button and changes nothing (mail scanners open links too)...
    path = link_in(message)
    assert "Confirm new@example.com" in Client().get(path).text
    assert not User.objects.get(pk=user.pk).email_verified
    # ...pressing it confirms, from any browser.
    response = Client().post(path)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert User.objects.get(pk=user.pk).email_verified
    assert "Confirm your email address" not in client.get("/accounts/").text


def test_no_optional_mail_reaches_an_unconfirmed_address(client, run_tasks, mentoring, alice, bob):
    from mentoring.digests import enqueue_due

    User.objects.filter(pk=alice.pk).update(email_verified_at=None, learner_digest=True)
    mail.outbox.clear()
    bob_client = Client()
    bob_client.force_login(bob)
    bob_client.post("/mentoring/mentees/alice/nudge/")
    monday_morning = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    assert enqueue_due(now=monday_morning) == 0
    run_tasks()
    assert [m.to for m in mail.outbox if m.to == [alice.email]] == []
    # A password reset still goes there.
    Client().post("/accounts/password/reset/", {"email": alice.email})
    run_tasks()
    assert [m.to for m in mail.outbox] == [[alice.email]]
    # Once confirmed, the digest is due again that week.
    User.objects.filter(pk=alice.pk).update(email_verified_at=timezone.now())
    assert enqueue_due(now=monday_morning) == 1


def test_a_changed_address_is_unconfirmed_until_its_own_link_is_opened(alice_client, alice, password, run_tasks):
    assert alice.email_verified
    response = alice_client.post(
        "/accounts/",
        {"display_name": "", "email": "alice.new@example.com", "time_zone": "UTC", "current_password": password},
        follow=True,
    )
    assert "sent alice.new@example.com a link to confirm it" in response.text
    alice.refresh_from_db()
    assert not alice.email_verified
    run_tasks()
    [confirm] = [m for m in mail.outbox if m.to == ["alice.new@example.com"]]
    assert Client().post(link_in(confirm)).status_code == 302
    alice.refresh_from_db()
    assert alice.email_verified


def test_a_link_for_an_earlier_address_confirms_nothing(client, run_tasks, password):
    user = signed_up(client, run_tasks)
    [first] = mail.outbox
    client.post(
        "/accounts/",
        {
            "display_name": "",
            "email": "second@example.com",
            "time_zone": "UTC",
            "current_password": "tensor-flow-river-7",
        },
    )
    user.refresh_from_db()
    assert user.email == "second@example.com"
    assert Client().get(link_in(first)).status_code == 410
    assert Client().post(link_in(first)).status_code == 410
    user.refresh_from_db()
    assert not user.email_verified


@pytest.mark.parametrize("token", ["forged", "eyJ1IjoxLCJlIjoieEB5LnoifQ:1vRxyz:abc"])
def test_a_forged_link_is_refused(client, token):
    response = client.post(f"/accounts/email/verify/{token}/")
    assert response.status_code == 410 and "This link no longer works" in response.text


def test_an_expired_link_is_refused(client, run_tasks, monkeypatch):
    from accounts import tasks

    user = signed_up(client, run_tasks)
    path = link_in(mail.outbox[0])
    monkeypatch.setattr(tasks, "EMAIL_VERIFY_DAYS", 0)
    assert Client().post(path).status_code == 410
    user.refresh_from_db()
    assert not user.email_verified


def test_asking_again_is_limited(client, run_tasks):
    signed_up(client, run_tasks)
    for _ in range(throttle.VERIFICATION_MAILS_PER_USER.attempts):
        response = client.post("/accounts/email/verify/", follow=True)
        assert "We sent a new link to new@example.com" in response.text
    refused = client.post("/accounts/email/verify/")
    assert refused.status_code == 429 and "We already sent several links" in refused.text
    run_tasks()
    assert len(mail.outbox) == 1 + throttle.VERIFICATION_MAILS_PER_USER.attempts


def test_a_password_reset_confirms_the_address(alice, run_tasks):
    User.objects.filter(pk=alice.pk).update(email_verified_at=None)
    client = Client()
    client.post("/accounts/password/reset/", {"email": alice.email})
    run_tasks()
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a-brand-new-password-5"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    alice.refresh_from_db()
    assert alice.check_password(new) and alice.email_verified
