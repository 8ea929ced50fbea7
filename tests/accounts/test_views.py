import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


def signup_data(**overrides):
    data = {
        "username": "newlearner",
        "email": "new@example.com",
        "password1": "tensor-flow-river-7",
        "password2": "tensor-flow-river-7",
    }
    return data | overrides


def test_urls_are_the_documented_ones():
    assert reverse("signup") == SIGNUP
    assert reverse("login") == LOGIN
    assert reverse("logout") == LOGOUT
    assert reverse("dashboard") == "/dashboard/"


@pytest.mark.django_db
def test_signup_page_labels_the_fields_and_button(client):
    response = client.get(SIGNUP)
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Username", "Email", "Password", "Password confirmation"):
        assert f">{label}</label>" in html, label
    assert ">Sign up</button>" in html


@pytest.mark.django_db
def test_signup_creates_the_account_signs_in_and_lands_on_dashboard(client):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(username="newlearner")
    assert user.email == "new@example.com"
    assert user.check_password("tensor-flow-river-7")
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "newlearner" in dashboard.content.decode()


@pytest.mark.django_db
def test_signup_honours_a_local_next_and_ignores_an_external_one(client):
    response = client.post(f"{SIGNUP}?next=/accounts/password/", signup_data())
    assert response["Location"] == "/accounts/password/"
    client.post(LOGOUT)
    response = client.post(
        f"{SIGNUP}?next=https://evil.example/", signup_data(username="other", email="other@example.com")
    )
    assert response["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_signup_shows_errors_next_to_their_fields_and_saves_nothing(client):
    response = client.post(SIGNUP, signup_data(email="not-an-email", password2="something-else-9"))
    html = response.content.decode()
    assert response.status_code == 400
    assert not User.objects.exists()
    # Each message sits in the same field block as its input.
    email_block = html[html.index('for="id_email"') : html.index('for="id_password1"')]
    assert "Enter a valid email address." in email_block
    password2_block = html[html.index('for="id_password2"') :]
    assert "The two password fields didn’t match." in password2_block
    assert 'aria-invalid="true"' in email_block


@pytest.mark.django_db
def test_signup_refuses_a_username_differing_only_in_case(client):
    UserFactory(username="Alice")
    response = client.post(SIGNUP, signup_data(username="aLICE"))
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signup_refuses_an_email_differing_only_in_case(client):
    UserFactory(email="alice@example.com")
    response = client.post(SIGNUP, signup_data(email="ALICE@Example.com"))
    assert response.status_code == 400
    assert "An account with that email already exists." in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signup_refuses_a_weak_password(client):
    response = client.post(SIGNUP, signup_data(password1="password", password2="password"))
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


def test_signed_in_user_visiting_signup_goes_to_dashboard(alice_client):
    response = alice_client.get(SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_login_page_has_username_password_and_sign_in_button(client, db):
    html = client.get(LOGIN).content.decode()
    assert ">Username</label>" in html
    assert ">Password</label>" in html
    assert ">Sign in</button>" in html


def test_login_is_case_insensitive_on_username_and_honours_next(client, alice, password):
    response = client.post(f"{LOGIN}?next=/accounts/password/", {"username": "ALICE", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_login_with_wrong_password_shows_an_error(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "wrong-password"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_by_get_is_refused(alice_client):
    response = alice_client.get(LOGOUT)
    assert response.status_code == 405
    assert alice_client.get("/dashboard/").status_code == 200


def test_logout_by_post_signs_out(alice_client):
    response = alice_client.post(LOGOUT)
    assert response.status_code == 302
    assert alice_client.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_dashboard_requires_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_password_change_needs_the_old_password(alice_client, alice, password):
    response = alice_client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "gradient-descent-88", "new_password2": "gradient-descent-88"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    response = alice_client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "gradient-descent-88", "new_password2": "gradient-descent-88"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("gradient-descent-88")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, alice, run_tasks):
    from django_tasks_db.models import DBTaskResult

    response = client.post("/accounts/password/reset/", {"email": "ALICE@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []  # the worker sends it
    # The task holds no reset token: the worker makes it when it composes the mail.
    [task] = DBTaskResult.objects.all()
    assert set(task.args_kwargs["kwargs"]) == {"user_id", "domain", "use_https"}
    run_tasks()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}", follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "linear-algebra-55", "new_password2": "linear-algebra-55"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("linear-algebra-55")


@pytest.mark.django_db
def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


@pytest.mark.parametrize("target", ["0", "dashboard", "logout", "//evil.example/x", "https://evil.example/"])
def test_a_next_that_is_not_a_path_here_is_ignored(alice_client, target):
    """Found by the property-based tests: next=0 made redirect() look for a view named "0"."""
    response = alice_client.get(f"/accounts/signup/?next={target}")
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")


# --- Sign-up: the browser's time zone, every problem at once, focus ----------


def inputs(html, **attributes):
    """The <input> tags of a page that carry every given attribute (True: present, any value)."""
    found = []
    for tag in re.findall(r"<input\b[^>]*>", html):
        attrs = dict(re.findall(r'\s([\w-]+)(?:="([^"]*)")?', tag[6:]))
        if all((name in attrs) if value is True else attrs.get(name) == value for name, value in attributes.items()):
            found.append(attrs)
    return found


def focused(html) -> list[str]:
    return [attrs["name"] for attrs in inputs(html, autofocus=True)]


@pytest.mark.django_db
def test_signup_takes_the_time_zone_the_browser_sends(client):
    html = client.get(SIGNUP).content.decode()
    assert inputs(html, type="hidden", name="time_zone")
    assert 'src="/static/js/accounts.js"' in html
    response = client.post(SIGNUP, signup_data(time_zone="Asia/Tokyo"))
    assert response.status_code == 302
    assert User.objects.get(username="newlearner").time_zone == "Asia/Tokyo"


@pytest.mark.django_db
@pytest.mark.parametrize("sent", [None, "", "Mars/Olympus_Mons", "asia/tokyo", "Asia/Tokyo\x00", "x" * 10_000])
def test_signup_without_a_time_zone_the_account_page_offers_starts_in_utc(client, sent):
    """The field is hidden: a value it refused would be an error nobody can see or fix."""
    data = signup_data() if sent is None else signup_data(time_zone=sent)
    response = client.post(SIGNUP, data)
    assert response.status_code == 302
    assert User.objects.get(username="newlearner").time_zone == "UTC"


@pytest.mark.django_db
def test_signup_reports_every_problem_at_once_and_focuses_the_first(client):
    UserFactory(username="taken")
    response = client.post(
        SIGNUP, signup_data(username="taken", email="not-an-email", password1="1234567", password2="7654321")
    )
    html = response.content.decode()
    assert response.status_code == 400
    for message in (
        "A user with that username already exists.",
        "Enter a valid email address.",
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
        "The two password fields didn’t match.",
    ):
        assert message in html, message
    # The password's problems sit with the password, the mismatch with the confirmation.
    password1_block = html[html.index('for="id_password1"') : html.index('for="id_password2"')]
    assert "This password is too common." in password1_block
    assert "didn’t match" not in password1_block
    assert focused(html) == ["username"]
    assert not inputs(html, type="password", value=True)  # a refused password is not sent back


@pytest.mark.django_db
def test_signup_keeps_the_typed_passwords_when_only_other_fields_are_refused(client):
    response = client.post(SIGNUP, signup_data(email="not-an-email", time_zone="Asia/Tokyo"))
    html = response.content.decode()
    assert response.status_code == 400
    assert [attrs["name"] for attrs in inputs(html, type="password", value="tensor-flow-river-7")] == [
        "password1",
        "password2",
    ]
    assert focused(html) == ["email"]
    assert inputs(html, type="hidden", name="time_zone", value="Asia/Tokyo")
    response = client.post(SIGNUP, signup_data(time_zone="Asia/Tokyo"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_signup_focuses_the_password_when_only_the_password_is_refused(client):
    html = client.post(SIGNUP, signup_data(password1="newlearner1", password2="newlearner1")).content.decode()
    assert "The password is too similar to the username." in html
    assert focused(html) == ["password1"]
    assert not inputs(html, type="password", value=True)


@pytest.mark.django_db
def test_a_fresh_signup_page_focuses_the_username(client):
    assert focused(client.get(SIGNUP).content.decode()) == ["username"]


def test_a_wrong_password_at_sign_in_focuses_the_password_and_keeps_the_username(client, alice):
    html = client.post(LOGIN, {"username": "alice", "password": "wrong-password"}).content.decode()
    assert "Please enter a correct username and password." in html
    assert focused(html) == ["password"]
    assert inputs(html, name="username", value="alice")
    assert not inputs(html, type="password", value=True)
    assert 'src="/static/js/accounts.js"' in html


@pytest.mark.django_db
def test_sign_in_without_a_username_focuses_the_username(client):
    assert focused(client.post(LOGIN, {"username": "", "password": "something"}).content.decode()) == ["username"]
    assert focused(client.get(LOGIN).content.decode()) == ["username"]
