"""The account page, sessions that end when they should, and deletion that
leaves nothing of the learner behind."""

from django.apps import apps
from django.test import Client
from django.utils import timezone

from accounts.models import User
from mentoring import services as mentoring_services
from mentoring.models import Invite
from progress import services as progress_services


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_account_page_changes_name_email_and_time_zone(alice_client, alice):
    page = alice_client.get("/accounts/")
    assert page.status_code == 200
    for label in ("Display name", "Email", "Time zone", "Sign out everywhere", "Delete my account"):
        assert label in page.text
    alice_client.get("/dashboard/")  # cached, with the old name
    # Name and time zone need no password.
    response = alice_client.post(
        "/accounts/", {"display_name": "Alice P.", "email": alice.email, "time_zone": "Europe/Paris"}
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/")
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Alice P.", "Europe/Paris")
    assert "Welcome, Alice P." in alice_client.get("/dashboard/").text


def test_bad_account_changes_name_the_field_and_change_nothing(alice_client, alice, bob):
    for data, field_error in (
        (
            {"display_name": "A", "email": bob.email.upper(), "time_zone": "UTC"},
            "An account with that email already exists.",
        ),
        ({"display_name": "A", "email": "not-an-email", "time_zone": "UTC"}, "Enter a valid email address."),
        ({"display_name": "A", "email": "a@example.com", "time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"display_name": "x" * 81, "email": "a@example.com", "time_zone": "UTC"}, "at most 80 characters"),
    ):
        response = alice_client.post("/accounts/", data)
        assert response.status_code == 400 and field_error in response.text
        assert "Alice Liddell" in response.text  # the header still shows the saved name
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Alice Liddell", "UTC")


def test_sign_in_rotates_the_session_and_sign_out_kills_the_old_cookie(client, alice, password, db):
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    before = client.cookies.get("sessionid")
    client.post("/accounts/login/", {"username": "alice", "password": password})
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = after
    response = replay.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_sign_out_everywhere_ends_every_session(alice):
    laptop, phone = signed_in(alice), signed_in(alice)
    assert phone.get("/dashboard/").status_code == 200
    response = laptop.post("/accounts/sign-out-everywhere/", follow=True)
    assert "You are signed out everywhere" in response.text
    for client in (laptop, phone):
        assert client.get("/dashboard/").status_code == 302
    alice.refresh_from_db()
    assert signed_in(alice).get("/dashboard/").status_code == 200  # signing in again works


def test_a_password_change_keeps_this_session_and_ends_the_others(alice, password):
    laptop, phone = signed_in(alice), signed_in(alice)
    response = laptop.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "an0ther-g00d-one", "new_password2": "an0ther-g00d-one"},
    )
    assert response.status_code == 302
    assert laptop.get("/dashboard/").status_code == 200
    assert phone.get("/dashboard/").status_code == 302


def test_deleting_needs_the_password_and_a_wrong_one_deletes_nothing(alice_client, alice):
    response = alice_client.post("/accounts/delete/", {"password": "guess"})
    assert response.status_code == 400
    assert "That is not your password. Nothing was deleted." in response.text
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_an_account_leaves_nothing_of_it_behind(alice_client, alice, bob, charlie, password, topics, track):
    progress_services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)
    progress_services.save_note(learner=alice, topic=topics["a"], note="my private note")
    progress_services.add_evidence(learner=alice, topic=topics["a"], url="https://example.com/mine")
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    mentoring_services.add_comment(author=bob, learner=alice, topic=topics["a"], body="Well done")
    mentoring_services.add_comment(author=alice, learner=alice, topic=topics["a"], body="Thanks!")
    mentoring_services.create_invite(created_by=alice, kind=Invite.Kind.FROM_LEARNER)
    mentee_invite = mentoring_services.create_invite(created_by=alice, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=mentee_invite, user=charlie)  # alice mentors charlie too
    mentoring_services.add_comment(author=alice, learner=charlie, topic=topics["a"], body="Keep going, Charlie")
    progress_services.set_status(learner=charlie, topic=topics["a"], status="done", roadmap=track)

    response = alice_client.post("/accounts/delete/", {"password": password}, follow=True)
    assert "Your account and everything in it are deleted." in response.text
    assert alice_client.get("/dashboard/").status_code == 302

    # No row anywhere refers to alice, and no text she wrote is left.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.many_to_one and field.related_model is User and field.concrete:
                assert not model.objects.filter(**{field.name: alice.pk}).exists(), f"{model.__name__}.{field.name}"
    from mentoring.models import Comment
    from progress.models import Progress

    assert not Comment.objects.filter(body__in=["Thanks!", "Keep going, Charlie"]).exists()
    assert list(Comment.objects.values_list("body", flat=True)) == []  # bob's comment was in alice's thread
    assert not Progress.objects.filter(note__contains="private").exists()
    # Everyone else is untouched.
    assert Progress.objects.filter(learner=charlie, status="done").exists()
    assert User.objects.filter(pk__in=[bob.pk, charlie.pk]).count() == 2


def test_deletion_is_one_transaction(alice, monkeypatch, topics, track):
    """A failure half-way through the cascade leaves the account whole."""
    import pytest
    from django.db.models.signals import pre_delete

    from accounts import services
    from progress.models import Progress, ProgressEvent

    progress_services.set_status(learner=alice, topic=topics["a"], status="done", roadmap=track)

    def fail(sender, instance, **kwargs):
        raise RuntimeError("disk full")

    pre_delete.connect(fail, sender=User)
    try:
        with pytest.raises(RuntimeError):
            services.delete_account(user=alice)
    finally:
        pre_delete.disconnect(fail, sender=User)
    assert User.objects.filter(pk=alice.pk).exists()
    assert Progress.objects.filter(learner=alice).count() == 1
    assert ProgressEvent.objects.filter(learner=alice).count() == 1


def test_account_urls_need_sign_in_post_and_csrf(client, alice, db):
    """The account URLs act on the signed-in user only (no id in them, so no stranger's
    account can be named): anonymous visitors go to sign in, GET on an action is 405,
    and a missing CSRF token is refused."""
    for url in ("/accounts/", "/accounts/sign-out-everywhere/", "/accounts/delete/"):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302 and response["Location"].startswith(f"/accounts/login/?next={url}")
    signed = signed_in(alice)
    for url in ("/accounts/sign-out-everywhere/", "/accounts/delete/"):
        assert signed.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    for url, data in (
        ("/accounts/", {"display_name": "X", "email": "x@example.com", "time_zone": "UTC"}),
        ("/accounts/sign-out-everywhere/", {}),
        ("/accounts/delete/", {"password": "x"}),
    ):
        assert strict.post(url, data).status_code == 403
    alice.refresh_from_db()
    assert alice.display_name == "Alice Liddell" and alice.session_generation == 0


# --- Issue #23, row 11: nothing that names the account outlives it ---


def test_deletion_removes_the_accounts_mail_tasks_and_leaves_others(alice_client, alice, bob, password):
    from django_tasks_db.models import DBTaskResult

    from accounts.tasks import send_password_reset

    alice_client.post(
        "/accounts/",
        {"display_name": "", "email": "alice.old@example.com", "time_zone": "UTC", "current_password": password},
    )
    send_password_reset.enqueue(user_id=bob.pk, domain="testserver", use_https=False)
    # A failed attempt whose traceback names her address, as smtplib's errors do.
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"nudge_id": 99}},
        task_path="mentoring.tasks.send_nudge",
        backend_name="default",
        queue_name="mail",
        run_after=timezone.now(),
        status="FAILED",
        traceback="SMTPRecipientsRefused: {'alice.old@example.com': (550, b'no')}",
    )
    assert DBTaskResult.objects.count() == 4  # the notice, the confirmation, bob's reset, the failure

    alice_client.post("/accounts/delete/", {"password": password})

    remaining = list(DBTaskResult.objects.values_list("args_kwargs", "traceback"))
    assert remaining == [({"args": [], "kwargs": {"user_id": bob.pk, "domain": "testserver", "use_https": False}}, "")]
    assert not [row for row in remaining if "alice" in str(row)]


def test_deletion_ends_the_accounts_sessions_on_every_device(alice, password):
    from django.contrib.sessions.models import Session

    devices = [Client() for _ in range(2)]
    for device in devices:
        assert device.post("/accounts/login/", {"username": "alice", "password": password}).status_code == 302
    assert Session.objects.count() == 2
    devices[0].post("/accounts/delete/", {"password": password})
    assert Session.objects.count() == 0
    assert devices[1].get("/dashboard/").status_code == 302


def test_deletion_removes_the_cache_entries_that_name_the_learner(settings, mentoring, alice, bob, password):
    """With Redis: the mentor's cohort row (her name) and her activity days."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": settings.REDIS_URL}}
    settings.SESSION_CACHE_ALIAS = "default"  # as mlepath/settings.py has it with Redis
    from django.core.cache import cache

    cache.clear()
    mentor, learner = Client(), Client()
    mentor.force_login(bob)
    learner.force_login(alice)
    assert "Alice Liddell" in mentor.get("/mentoring/").text
    learner.get("/dashboard/")
    assert cache.keys(f"cohort-row:{alice.pk}:*") and cache.keys(f"activity:{alice.pk}:*")
    learner.post("/accounts/delete/", {"password": password})
    assert cache.keys(f"cohort-row:{alice.pk}:*") == [] and cache.keys(f"activity:{alice.pk}:*") == []
    cache.clear()
