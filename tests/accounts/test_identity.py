"""Issue #23, rows 1, 4 and 5: one normalisation before anything counts, and
races on the unique names that answer like a single request."""

import pytest
from django.test import Client

from accounts.forms import SignupForm
from accounts.models import User
from tests.accounts.test_throttle import WRONG, sign_in
from tests.accounts.test_views import SIGNUP, signup_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# --- Row 1: no spelling of a name gets past the lockout ---


def test_padding_past_the_typed_limit_is_refused_and_counted(client, bob, password):
    padded = " " * 601 + "bob"
    answers = [sign_in(client, padded, WRONG).status_code for _ in range(60)]
    # Every try was refused by the form, and counted against the address: 429 after 50.
    assert answers[:51] == [200] * 51 and set(answers[51:]) == {429}
    # The padded name never signs in, and plain bob is refused from that address too.
    assert sign_in(client, padded, password).status_code == 429
    assert sign_in(client, "bob", password).status_code == 429
    assert "_auth_user_id" not in client.session


def test_padding_within_the_typed_limit_counts_against_the_account(client, bob, password):
    padded = " " * 500 + "bob"
    for _ in range(5):
        assert sign_in(client, padded, WRONG).status_code == 200
    assert sign_in(client, padded, password).status_code == 429
    assert sign_in(client, "bob", password).status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("typed", ["ＢＯＢ", "Bob", " bob\t", "BOB"])
def test_every_spelling_that_signs_in_shares_the_lockout(client, bob, password, typed):
    for _ in range(5):
        sign_in(client, typed, WRONG)
    assert sign_in(client, "bob", password).status_code == 429
    assert sign_in(client, typed, password).status_code == 429


# --- Row 5: a dotless ı, and other folding oddities, on both databases ---


def test_a_dotless_i_is_its_own_name_everywhere(client, password):
    mia = UserFactory(username="mia")
    # Not the same name once folded, on either database: a separate account can have it.
    response = client.post(SIGNUP, signup_data(username="mıa", email="dotless@example.com"))
    assert response.status_code == 302
    other = User.objects.get(email="dotless@example.com")
    client.logout()
    # Each name signs in to its own account, and neither raises.
    assert sign_in(client, "mia", password).status_code == 302
    assert client.session["_auth_user_id"] == str(mia.pk)
    client.logout()
    assert sign_in(Client(), "mıa", password).status_code == 200  # other's password is not PASSWORD
    fresh = Client()
    assert sign_in(fresh, "MIA", password).status_code == 302
    assert fresh.session["_auth_user_id"] == str(mia.pk)
    assert other.username_folded == "mıa" and mia.username_folded == "mia"


def test_a_dotless_i_fails_only_its_own_lockout(client, password):
    UserFactory(username="mia")
    for _ in range(5):
        sign_in(client, "mıa", WRONG)
    # mıa names no account: its failures are not mia's.
    assert sign_in(client, "mia", password).status_code == 302


@pytest.mark.parametrize(
    "first, second",
    [("strasse", "STRAßE"), ("bob", "ＢＯＢ"), ("Émile", "émile"), ("ǅemal", "ǆemal")],
)
def test_names_equal_once_folded_cannot_both_sign_up(client, first, second):
    UserFactory(username=first)
    response = client.post(SIGNUP, signup_data(username=second))
    assert response.status_code == 400
    assert "A user with that username already exists." in response.text
    assert User.objects.count() == 1


@pytest.mark.parametrize("second", ["ALICE@EXAMPLE.COM", "alice@ｅｘａｍｐｌｅ.com", "Alice@Example.com"])
def test_addresses_equal_once_folded_cannot_both_sign_up(client, alice, second):
    response = client.post(SIGNUP, signup_data(email=second))
    assert response.status_code == 400
    assert "An account with that email already exists." in response.text


def test_the_folded_columns_follow_every_save(alice):
    alice.username, alice.email = "Alice2", "Alice2@Example.COM"
    alice.save(update_fields=["username", "email"])
    alice.refresh_from_db()
    assert (alice.username_folded, alice.email_folded) == ("alice2", "alice2@example.com")
    assert User.objects.get_by_natural_key("ALICE2") == alice


# --- Row 4: a sign-up that loses a race answers like a single request ---


@pytest.fixture
def rival_during_signup(monkeypatch):
    """Makes another account right after the form's checks and before its insert:
    what a second request does in that window."""

    def arrange(**rival):
        original = SignupForm._post_clean

        def _post_clean(form):
            original(form)
            if not form.errors and not User.objects.filter(username=rival["username"]).exists():
                UserFactory(**rival)

        monkeypatch.setattr(SignupForm, "_post_clean", _post_clean)

    return arrange


@pytest.mark.parametrize("rival_name", ["newlearner", "NEWLEARNER", "newlearner2"])
def test_a_signup_that_loses_the_race_gets_the_forms_error(client, rival_during_signup, rival_name):
    # The same name in another case, or another name with the same address.
    email = "new@example.com" if rival_name == "newlearner2" else "rival@example.com"
    rival_during_signup(username=rival_name, email=email)
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 400
    expected = (
        "An account with that email already exists."
        if rival_name == "newlearner2"
        else "A user with that username already exists."
    )
    assert expected in response.text
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_a_double_click_gets_the_first_clicks_answer(client, rival_during_signup):
    data = signup_data()
    rival_during_signup(username=data["username"], email=data["email"], password=data["password1"])
    response = client.post(SIGNUP, data)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_a_same_name_with_another_password_is_not_a_double_click(client, rival_during_signup):
    data = signup_data()
    rival_during_signup(username=data["username"], email=data["email"], password="another-password-77")
    response = client.post(SIGNUP, data)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_email_change_that_loses_the_race_is_a_form_error(alice_client, alice, password, monkeypatch):
    from accounts.forms import ProfileForm

    original = ProfileForm._post_clean

    def _post_clean(form):
        original(form)
        if not User.objects.filter(username="rival").exists():
            UserFactory(username="rival", email="Taken@example.com")

    monkeypatch.setattr(ProfileForm, "_post_clean", _post_clean)
    response = alice_client.post(
        "/accounts/",
        {"display_name": "", "email": "taken@example.com", "time_zone": "UTC", "current_password": password},
    )
    assert response.status_code == 400
    assert "An account with that email already exists." in response.text
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_every_form_of_the_model_refuses_a_folded_duplicate(alice):
    # The admin's forms too: they validate through the model.
    from django.core.exceptions import ValidationError

    twin = User(username="ＡＬＩＣＥ", email="ALICE@example.com")
    with pytest.raises(ValidationError) as refused:
        twin.full_clean(exclude=["password"])
    assert set(refused.value.message_dict) >= {"username", "email"}
    alice.full_clean(exclude=["password"])  # herself: no conflict
