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


# --- Issue #14: the home page for visitors, sign-up and sign-in ---------------

SIZES = [(width, scheme) for width in (360, 1280) for scheme in ("light", "dark")]


def open_page(browser, width, scheme, **context):
    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, **context).new_page()
    page.emulate_media(color_scheme=scheme)
    return page


def assert_fits(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize(("width", "scheme"), SIZES)
def test_the_home_page_shows_a_visitor_what_the_product_is(
    live_server, browser, content, assert_accessible, width, scheme
):
    page = open_page(browser, width, scheme)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Become a Machine Learning Engineer, one topic at a time")
    expect(page.get_by_role("img", name=re.compile("^Preview of a roadmap"))).to_be_visible()
    for heading in ("Choose your track", "What you get as a learner", "What a mentor sees, only if you say yes"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    for heading in ("Tick topics as you learn", "A map of where you are", "A dashboard", "Your data, to take along"):
        expect(page.get_by_role("heading", level=3, name=heading)).to_be_visible()
    for track in ("ML Engineer for software engineers", "ML Engineer from scratch"):
        card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", level=3, name=track))
        expect(card.get_by_role("link", name=track)).to_be_visible()
        expect(card.get_by_text("Topics", exact=True)).to_be_visible()
        expect(card.get_by_text("Hours of study", exact=True)).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    page.screenshot(path=f"screenshots/home-{width}-{scheme}.png", full_page=True)

    page.get_by_role("main").get_by_role("link", name="Create a free account").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))


@pytest.mark.parametrize(("width", "scheme"), SIZES)
def test_sign_up_takes_the_time_zone_from_the_browser(live_server, browser, assert_accessible, width, scheme):
    page = open_page(browser, width, scheme, timezone_id="Asia/Tokyo")
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_label("Username")).to_be_focused()
    expect(page.get_by_text("Days and streaks will count in Asia/Tokyo, your browser's time zone.")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    page.screenshot(path=f"screenshots/signup-{width}-{scheme}.png", full_page=True)

    page.get_by_label("Username").fill("hokusai")
    page.get_by_label("Email").fill("hokusai@example.com")
    page.get_by_label("Password", exact=True).fill("great-wave-off-kanagawa")
    page.get_by_label("Password confirmation").fill("great-wave-off-kanagawa")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    assert User.objects.get(username="hokusai").time_zone == "Asia/Tokyo"
    assert_accessible(page)


@pytest.mark.parametrize(("width", "scheme"), SIZES)
def test_sign_up_reports_every_problem_at_once_and_focuses_the_first(
    live_server, browser, alice, assert_accessible, width, scheme
):
    page = open_page(browser, width, scheme, timezone_id="Europe/Paris")
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("ALICE")
    page.get_by_label("Email").fill("not an email")
    page.get_by_label("Password", exact=True).fill("1234567")
    page.get_by_label("Password confirmation").fill("7654321")
    page.get_by_role("button", name="Sign up").click()

    for message in (
        "A user with that username already exists.",
        "Enter a valid email address.",
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
        "The two password fields didn’t match.",
    ):
        expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_label("Username")).to_be_focused()
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert_fits(page)
    assert_accessible(page)
    page.screenshot(path=f"screenshots/signup-errors-{width}-{scheme}.png", full_page=True)

    # Only the username and email are wrong now: the passwords stay typed.
    page.get_by_label("Password", exact=True).fill("impressionist-sunrise-1872")
    page.get_by_label("Password confirmation").fill("impressionist-sunrise-1872")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("A user with that username already exists.")).to_be_visible()
    expect(page.get_by_text("This password is too common.")).to_have_count(0)
    expect(page.get_by_label("Username")).to_be_focused()
    expect(page.get_by_label("Password", exact=True)).to_have_value("impressionist-sunrise-1872")
    expect(page.get_by_label("Password confirmation")).to_have_value("impressionist-sunrise-1872")

    page.get_by_label("Username").fill("monet")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_label("Email")).to_be_focused()
    page.get_by_label("Email").fill("monet@example.com")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    assert User.objects.get(username="monet").time_zone == "Europe/Paris"


@pytest.mark.parametrize(("width", "scheme"), SIZES)
def test_a_wrong_password_at_sign_in_puts_the_cursor_on_the_password(
    live_server, browser, alice, password, assert_accessible, width, scheme
):
    page = open_page(browser, width, scheme)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Password")).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value("alice")
    assert_fits(page)
    assert_accessible(page)

    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
