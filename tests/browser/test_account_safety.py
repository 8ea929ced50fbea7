"""Issue #13 in Chromium: changing the email needs the password and can be
undone from the old mailbox; a learner's invite link serves one mentor."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from mentoring.models import Mentorship
from tests.browser.conftest import sign_in


@pytest.mark.parametrize("width", [360, 1280])
def test_an_email_change_needs_the_password_and_the_old_address_can_undo_it(
    live_server, browser, alice, password, run_tasks, assert_accessible, width
):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/accounts/")
    page.get_by_label("Email", exact=True).fill("alice.new@example.com")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Enter your current password to change your email. Nothing was changed.")).to_be_visible()
    expect(page.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.screenshot(path=f"screenshots/account-email-refused-{width}.png", full_page=True)

    page.get_by_label("Current password").fill(password)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("We told alice@example.com about the new address")).to_be_visible()
    assert User.objects.get(username="alice").email == "alice.new@example.com"

    run_tasks()
    [notice] = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    link = re.search(r"http://\S+/accounts/email/restore/\S+/", notice.body).group(0)
    owner = browser.new_context(viewport={"width": width, "height": 900}).new_page()  # the real owner, elsewhere
    owner.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    expect(owner.get_by_role("heading", level=1)).to_have_text("Undo an email change")
    assert_accessible(owner)
    owner.screenshot(path=f"screenshots/email-restore-{width}.png", full_page=True)
    owner.get_by_label("New password", exact=True).fill("owner-is-back-again-93")
    owner.get_by_label("New password confirmation").fill("owner-is-back-again-93")
    owner.get_by_role("button", name=re.compile("Put alice@example.com back")).click()
    expect(owner.get_by_text("alice@example.com is your email again")).to_be_visible()
    expect(owner).to_have_url(re.compile(r"/accounts/login/$"))
    assert_accessible(owner)
    owner.get_by_label("Username").fill("alice")
    owner.get_by_label("Password").fill("owner-is-back-again-93")
    owner.get_by_role("button", name="Sign in").click()
    expect(owner).to_have_url(re.compile(r"/dashboard/$"))
    # The intruder's session is over.
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_learners_link_serves_one_mentor(live_server, browser, alice, bob, charlie, password, assert_accessible):
    learner = browser.new_context().new_page()
    sign_in(learner, live_server, "alice", password)
    learner.goto(f"{live_server.url}/mentoring/")
    mentors = learner.get_by_role("region", name="Your mentors")
    expect(mentors.get_by_label("Who can use it")).to_have_value("one")
    mentors.get_by_role("button", name="Create a link to invite a mentor").click()
    expect(learner.get_by_text("for one person")).to_be_visible()
    assert_accessible(learner)
    learner.set_viewport_size({"width": 360, "height": 800})
    learner.screenshot(path="screenshots/mentoring-invite-360.png", full_page=True)
    link = learner.locator("input[id^=invite-link-]").input_value()

    mentor = browser.new_context().new_page()
    sign_in(mentor, live_server, "bob", password)
    mentor.goto(link)
    mentor.get_by_role("button", name="Accept").click()
    expect(mentor.get_by_text("You now mentor Alice Liddell.")).to_be_visible()

    stranger = browser.new_context().new_page()
    sign_in(stranger, live_server, "charlie", password)
    stranger.goto(link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("This invite link was already used")
    assert_accessible(stranger)
    assert list(Mentorship.objects.values_list("mentor__username", flat=True)) == ["bob"]

    # The learner ends it; the mentor's old link cannot bring it back.
    learner.goto(f"{live_server.url}/mentoring/")
    learner.get_by_role("button", name="Stop sharing with bob").click()
    mentor.goto(link)
    expect(mentor.get_by_role("heading", level=1)).to_have_text("This invite link was revoked")
    assert not Mentorship.objects.filter(status="active").exists()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_new_address_is_confirmed_from_its_mailbox(live_server, browser, run_tasks, assert_accessible, width):
    """Issue #23, row 12: the account page says what waits until the address is
    confirmed; the link's page confirms it with one button."""
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill("analytical-engine-1843")
    page.get_by_label("Password confirmation").fill("analytical-engine-1843")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.goto(f"{live_server.url}/accounts/")
    notice = page.get_by_role("region", name="Confirm your email address")
    expect(notice).to_contain_text("We sent a link to ada@example.com")
    expect(notice).to_contain_text("weekly digests, nudges")
    assert_accessible(page)
    page.screenshot(path=f"screenshots/account-unconfirmed-{width}.png", full_page=True)
    notice.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("We sent a new link to ada@example.com")).to_be_visible()

    run_tasks()
    link = re.search(r"http://\S+(/accounts/email/verify/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm ada@example.com").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_text("ada@example.com is confirmed. Thank you!")).to_be_visible()
    expect(page.get_by_role("region", name="Confirm your email address")).to_have_count(0)
    assert User.objects.get(username="ada").email_verified
