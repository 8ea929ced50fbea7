"""Brute force and floods: sign-in, sign-up and password reset are rate-limited per
client address (and username, and mailbox), in counters every app server shares."""

import pytest
from django.core import mail

from accounts import identity, throttle
from accounts.models import Throttle, User

WRONG = "not-the-password"


def sign_in(client, username, password, address="203.0.113.7", **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_unknown_user_and_wrong_password_get_the_same_answer(client, alice):
    unknown = sign_in(client, "nobody-here", WRONG)
    wrong = sign_in(client, "alice", WRONG)
    assert unknown.status_code == wrong.status_code == 200
    message = "Please enter a correct username and password."
    assert message in unknown.text and message in wrong.text


def test_five_failures_lock_that_username_from_that_address_for_15_minutes(client, alice, password):
    for _ in range(5):
        assert sign_in(client, "alice", WRONG).status_code == 200
    refused = sign_in(client, "Alice", password)  # the right password, in another case: still refused
    assert refused.status_code == 429
    assert 870 <= int(refused["Retry-After"]) <= 900
    assert "Too many failed sign-ins for this username from your network. Try again in 15 minutes." in refused.text
    assert "_auth_user_id" not in client.session
    # Another address may still sign in as alice, and this address as someone else.
    assert sign_in(client, "alice", password, address="198.51.100.1").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, alice, password):
    for _ in range(4):
        sign_in(client, "alice", WRONG)
    assert sign_in(client, "alice", password).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "alice", WRONG).status_code == 200
    assert sign_in(client, "alice", password).status_code == 302


def test_an_address_failing_across_many_usernames_is_refused_after_50(client, alice, password):
    for n in range(51):
        assert sign_in(client, f"guess{n}", WRONG).status_code == 200
    refused = sign_in(client, "alice", password)
    assert refused.status_code == 429 and "Retry-After" in refused


def test_a_forged_x_forwarded_for_does_not_reset_the_count(client, alice, password, settings):
    for n in range(5):
        sign_in(client, "alice", WRONG, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert sign_in(client, "alice", password, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(client, alice, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"  # every request reaches us from the proxy
    for n in range(5):
        # The client forged the left entry; the proxy appended the address it saw.
        sign_in(client, "alice", WRONG, address=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.50")
    assert sign_in(client, "alice", password, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 429
    assert sign_in(client, "alice", password, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.51").status_code == 302


def test_counters_are_rows_that_hold_no_username_or_address(client, alice, settings):
    settings.REDIS_URL = ""  # the rows are where counters live without Redis
    sign_in(client, "alice", WRONG)
    keys = list(Throttle.objects.values_list("key", flat=True))
    assert len(keys) == 2 and all("alice" not in key and "203.0.113.7" not in key for key in keys)


def test_twenty_signups_per_address_an_hour_then_429(client, db):
    for n in range(20):
        response = client.post(
            "/accounts/signup/",
            {
                "username": f"pupil{n}",
                "email": f"pupil{n}@example.com",
                "password1": "c0rrect-h0rse-b4ttery",
                "password2": "c0rrect-h0rse-b4ttery",
            },
            REMOTE_ADDR="192.0.2.10",
        )
        assert response.status_code == 302, response.text
        client.logout()
    refused = client.post(
        "/accounts/signup/",
        {
            "username": "pupil20",
            "email": "pupil20@example.com",
            "password1": "c0rrect-h0rse-b4ttery",
            "password2": "c0rrect-h0rse-b4ttery",
        },
        REMOTE_ADDR="192.0.2.10",
    )
    assert refused.status_code == 429 and "Many accounts were just created from your network." in refused.text
    assert not User.objects.filter(username="pupil20").exists()


def test_password_reset_is_limited_and_still_never_tells_who_is_registered(client, alice, run_tasks):
    # Spaces and case around the address name the same mailbox.
    for variant in (alice.email, f"  {alice.email}", alice.email.upper()):
        assert client.post("/accounts/password/reset/", {"email": variant}).status_code == 302
    # A fourth mail to the same mailbox is not sent, and the answer is the same.
    response = client.post("/accounts/password/reset/", {"email": f"{alice.email}\t"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/sent/")
    run_tasks()
    assert len(mail.outbox) == 3
    for n in range(6):
        client.post("/accounts/password/reset/", {"email": f"someone{n}@example.com"})
    refused = client.post("/accounts/password/reset/", {"email": "another@example.com"})
    assert refused.status_code == 429 and "Too many password reset requests" in refused.text


@pytest.mark.parametrize("failures", [4, 5])
def test_the_limit_is_exactly_five(client, alice, password, failures):
    for _ in range(failures):
        sign_in(client, "alice", WRONG)
    assert sign_in(client, "alice", password).status_code == (302 if failures < 5 else 429)


def test_redis_counters_behave_as_the_database_ones(settings, db):
    """With REDIS_URL the counters live in Redis (atomic INCR): the same limits hold."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    # Django rebuilds its cache handlers when the setting changes.
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": settings.REDIS_URL}}
    throttle.clear(throttle.LOGIN_FAILURES, "alice", "192.0.2.1")
    for _ in range(4):
        throttle.hit(throttle.LOGIN_FAILURES, "alice", "192.0.2.1")
    assert throttle.retry_after(throttle.LOGIN_FAILURES, "alice", "192.0.2.1") is None
    throttle.hit(throttle.LOGIN_FAILURES, identity.username_key(" Alice"), "192.0.2.1")
    assert throttle.retry_after(throttle.LOGIN_FAILURES, "alice", "192.0.2.1") == 15 * 60
    assert not Throttle.objects.exists()
    throttle.clear(throttle.LOGIN_FAILURES, "alice", "192.0.2.1")


def test_clearthrottles_deletes_only_ended_windows(client, alice, settings):
    settings.REDIS_URL = ""  # the rows are where counters live without Redis
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    sign_in(client, "alice", WRONG)
    sign_in(client, "bob", WRONG, address="198.51.100.9")
    Throttle.objects.filter(pk=Throttle.objects.order_by("pk").first().pk).update(
        window_ends=timezone.now() - dt.timedelta(seconds=1)
    )
    out = StringIO()
    call_command("clearthrottles", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 ended rate-limit counter."
    assert Throttle.objects.count() == 3


def test_an_ipv6_network_is_one_address_for_the_limits(client, alice, password):
    # Issue #23: a subscriber holds a whole /64 and can change address within it.
    for n in range(5):
        sign_in(client, "alice", WRONG, address=f"2001:db8:1:2::{n + 1:x}")
    assert sign_in(client, "alice", password, address="2001:db8:1:2:ffff::9").status_code == 429
    assert sign_in(client, "alice", password, address="2001:db8:1:3::1").status_code == 302
