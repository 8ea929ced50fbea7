import re

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_sign_out_and_sign_in_again(live_server, page, assert_accessible):
    page.goto(f"{live_server.url}/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill("analytical-engine-1843")
    page.get_by_label("Password confirmation").fill("analytical-engine-1843")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ada")
    assert User.objects.filter(username="ada").exists()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    assert_accessible(page)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("analytical-engine-1843")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_wrong_password_shows_an_error(live_server, page, alice, assert_accessible):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert_accessible(page)


def test_signup_errors_are_announced_next_to_the_fields(live_server, page, alice, assert_accessible):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("ALICE")
    page.get_by_label("Email").fill("someone@example.com")
    page.get_by_label("Password", exact=True).fill("analytical-engine-1843")
    page.get_by_label("Password confirmation").fill("analytical-engine-1844")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_text("A user with that username already exists.")).to_be_visible()
    expect(page.get_by_text("The two password fields didn’t match.")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert User.objects.count() == 1


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_a_phone_and_a_desktop(live_server, page, width, alice, password):
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/", "/accounts/signup/", "/accounts/login/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"


def test_the_account_page_renames_signs_out_everywhere_and_deletes(
    live_server, browser, alice, password, assert_accessible
):
    from tests.browser.conftest import sign_in

    page, other = browser.new_context().new_page(), browser.new_context().new_page()
    sign_in(other, live_server, "alice", password)  # a second device
    sign_in(page, live_server, "alice", password)
    page.get_by_role("banner").get_by_role("link", name="Alice Liddell").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    assert_accessible(page)

    page.get_by_label("Display name").fill("Alice P.")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your account is up to date.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Alice P.")).to_be_visible()
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("You are signed out everywhere")).to_be_visible()
    assert_accessible(page)
    other.goto(f"{live_server.url}/dashboard/")
    expect(other).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/$"))

    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/accounts/")
    page.get_by_label("Your password").fill("not-it")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password. Nothing was deleted.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account and everything in it are deleted.")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(username="alice").exists()


def test_repeated_failed_sign_ins_are_paused_with_a_clear_message(
    live_server, page, alice, password, assert_accessible
):
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("wrong-guess")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Please enter a correct username and password.")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(password)
    with page.expect_response(re.compile(r"/accounts/login/$")) as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 429
    expect(page.get_by_role("alert")).to_have_text(
        "Too many failed sign-ins for this username from your network. Try again in 15 minutes."
    )
    assert_accessible(page)
