import json
import re

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("mlepath.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "unavailable"


@pytest.mark.django_db
def test_home_is_public_and_offers_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/accounts/signup/"' in response.content.decode()


def test_home_sends_a_signed_in_learner_to_the_dashboard(alice_client):
    assert alice_client.get("/")["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_missing_csrf_token_gets_a_friendly_403(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Please reload the page" in response.content.decode()


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_with_a_fresh_nonce_on_every_script(client):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonces = [re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    html = first.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, "the page loads htmx and site.js"
    assert all(f'nonce="{nonces[0]}"' in tag for tag in scripts)


def test_base_template_hands_htmx_a_csrf_token_that_the_server_accepts(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    html = client.get("/dashboard/").content.decode()
    token = re.search(r"hx-headers='\{\"x-csrftoken\": \"([^\"]+)\"\}'", html).group(1)
    response = client.post("/accounts/logout/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302


def test_base_template_has_skip_link_main_and_sign_out(alice_client):
    html = alice_client.get("/dashboard/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert ">Sign out</button>" in html
    assert "Alice Liddell" in html


def _failing_user_load(exception):
    def get_user(request):
        raise exception

    return get_user


def test_a_lost_database_answers_503_with_retry_after_never_500(client, monkeypatch, settings, db):
    """Raised in a middleware (the user is loaded there), where only handler500 sees it."""
    from django.db import OperationalError

    settings.DEBUG = False
    client.raise_request_exception = False
    monkeypatch.setattr("django.contrib.auth.middleware.auth.get_user", _failing_user_load(OperationalError("gone")))
    response = client.get("/dashboard/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "MLE Path is back in a moment" in response.text


def test_other_errors_still_get_the_plain_500_page(client, monkeypatch, settings, db):
    settings.DEBUG = False
    client.raise_request_exception = False
    monkeypatch.setattr("django.contrib.auth.middleware.auth.get_user", _failing_user_load(ValueError("bug")))
    response = client.get("/dashboard/")
    assert response.status_code == 500 and "Something went wrong on our side" in response.text
