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
def test_home_says_what_learners_get_and_what_mentors_see(client):
    html = client.get("/").content.decode()
    for heading in ("Tick topics as you learn", "A map of where you are", "A dashboard", "Your data, to take along"):
        assert f"<h3>{heading}</h3>" in html, heading
    assert "What a mentor sees, only if you say yes" in html
    assert "your notes only if you choose to share them" in html
    assert 'href="/roadmaps/"' in html
    # The preview is drawn in the page: no image from anywhere, and a name for screen readers.
    assert "<img" not in html
    assert 'role="img" aria-label="Preview of a roadmap in MLE Path' in html
    assert 'href="/static/css/accounts.css"' in html


def _home_with(roadmaps) -> str:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return render_to_string("home.html", {"roadmaps": roadmaps}, request=request)


def test_home_lists_each_track_with_its_topics_and_hours_from_one_query(track, django_assert_num_queries):
    from roadmap.models import Roadmap

    with django_assert_num_queries(1):
        html = _home_with(Roadmap.objects.for_index())
    assert '<a href="/roadmaps/track/">Track</a>' in html
    assert "<dt>Topics</dt><dd>5</dd>" in html
    assert "<dt>Hours of study</dt><dd>28</dd>" in html
    assert "<dt>Weeks at 10 hours a week</dt><dd>3</dd>" in html
    assert "For testers." in html


def test_the_home_page_shows_the_tracks_in_one_query(client, track, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = client.get("/").content.decode()
    assert "<dt>Topics</dt><dd>5</dd>" in html


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


# --- Every error answer carries the policy headers ------------------------------

POLICY_PARTS = ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'")


def assert_policy_headers(headers, what):
    headers = {name.lower(): value for name, value in headers.items()}
    policy = headers.get("content-security-policy", "")
    assert all(part in policy for part in POLICY_PARTS), (what, policy)
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("x-frame-options") == "DENY", what


@pytest.fixture
def production(settings, db):
    """DEBUG off and the HTTPS redirect on, as in production; a fresh client so
    that its middleware is loaded with them."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    return Client(raise_request_exception=False, headers={"X-Forwarded-Proto": "https"})


@pytest.fixture
def behind_tls(settings, production):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return production


def test_a_bad_host_is_a_400_with_the_policy_headers_even_when_met_by_the_https_redirect(production):
    """SecurityMiddleware asks for the host to build its redirect, before any other
    middleware has run: the 400 it raised went out without any of the three headers."""
    response = production.get("/", headers={"Host": "evil.example", "X-Forwarded-Proto": "http"})
    assert response.status_code == 400
    assert_policy_headers(response.headers, "bad host, plain HTTP")
    assert "We could not read that request" in response.text


def test_a_bad_host_over_https_is_a_400_with_the_policy_headers(behind_tls):
    response = behind_tls.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert_policy_headers(response.headers, "bad host, HTTPS")


def test_the_https_redirect_carries_the_policy_headers(production):
    response = production.get("/", headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 301
    assert_policy_headers(response.headers, "redirect")


def _raise(exception):
    def view(*args, **kwargs):
        raise exception

    return view


@pytest.mark.parametrize(
    ("what", "status"),
    [
        ("bad request", 400),
        ("csrf", 403),
        ("permission denied", 403),
        ("not found", 404),
        ("too large", 413),
        ("server error", 500),
        ("database away", 503),
    ],
)
def test_every_error_answer_carries_csp_nosniff_and_frame_options(behind_tls, alice, topics, monkeypatch, what, status):
    from django.core.exceptions import PermissionDenied

    client = behind_tls
    if what == "csrf":
        client = Client(enforce_csrf_checks=True, raise_request_exception=False, headers={"X-Forwarded-Proto": "https"})
    client.force_login(alice)
    if what == "bad request":
        response = client.post("/topics/a/note/", {f"field{n}": "x" for n in range(1_001)})
    elif what == "csrf":
        response = client.post("/topics/a/note/", {"note": "x"})
    elif what == "permission denied":
        monkeypatch.setattr("progress.dashboard_page.dashboard_for", _raise(PermissionDenied()))
        response = client.get("/dashboard/")
    elif what == "not found":
        response = client.get("/no/such/page/")
    elif what == "too large":
        response = client.post(
            "/dashboard/import/", b"x", content_type="application/octet-stream", CONTENT_LENGTH=str(10**9)
        )
    elif what == "server error":
        monkeypatch.setattr("progress.dashboard_page.dashboard_for", _raise(ValueError("bug")))
        response = client.get("/dashboard/")
    else:
        monkeypatch.setattr("progress.dashboard_page.dashboard_for", _raise(OperationalError("gone")))
        response = client.get("/dashboard/")
    assert response.status_code == status, what
    assert_policy_headers(response.headers, what)


@pytest.mark.django_db(transaction=True)
def test_the_production_server_answers_static_files_and_errors_with_the_policy_headers(track):
    """gunicorn with DEBUG off: whitenoise serves static files before the other
    middleware runs, and a body is refused from its headers, never waited for."""
    import socket

    from tests.servers import collectstatic, gunicorn, server_env

    def raw(port, head: bytes, body: bytes = b"", *, close_after=False) -> tuple[int, dict, bytes]:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head.replace(b"\n", b"\r\n") + b"\r\n" + body)
            if close_after:
                sock.shutdown(socket.SHUT_WR)  # the client gives up before sending what it announced
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head_part, _, content = answer.partition(b"\r\n\r\n")
        status_line, *lines = head_part.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines)
        return int(status_line.split()[1]), headers, content

    env = server_env()
    collectstatic(env)
    with gunicorn(env) as port:
        host = b"Host: 127.0.0.1\nConnection: close\n"
        csrf = b"abcdefghijklmnopqrstuvwxyzABCDEF"
        cases = {
            "static file": (200, b"GET /static/css/site.css HTTP/1.1\n" + host, b"", False),
            "not found": (404, b"GET /no/such/page/ HTTP/1.1\n" + host, b"", False),
            "bad host": (400, b"GET / HTTP/1.1\nHost: evil.example\nConnection: close\n", b"", False),
            "csrf": (403, b"POST /accounts/login/ HTTP/1.1\n" + host + b"Content-Length: 0\n", b"", False),
            # 1 GB announced and not a byte sent: the answer comes at once, unread.
            "too large": (
                413,
                b"POST /dashboard/import/ HTTP/1.1\n" + host + b"Content-Length: 1000000000\n",
                b"",
                False,
            ),
            "utf-16 form": (
                400,
                b"POST /accounts/login/ HTTP/1.1\n" + host + b"Content-Type: application/x-www-form-urlencoded; "
                b"charset=utf-16\nContent-Length: 8\n",
                "a=b".encode("utf-16")[:8],
                False,
            ),
            "truncated": (
                200,  # the sign-in form again, read from the bytes that came
                b"POST /accounts/login/ HTTP/1.1\n" + host + b"Content-Type: application/x-www-form-urlencoded\n"
                b"Cookie: csrftoken=" + csrf + b"\nX-CSRFToken: " + csrf + b"\nContent-Length: 5000\n",
                b"username=alice&password=",
                True,
            ),
        }
        for what, (status, head, body, close_after) in cases.items():
            got, headers, _ = raw(port, head, body, close_after=close_after)
            assert got == status, (what, got)
            assert_policy_headers(headers, what)


def test_the_home_page_tells_a_visitor_of_projects_pace_calendar_and_portfolio(client, db):
    """Issue #25: the home page never mentioned them."""
    html = client.get("/").content.decode()
    for feature in (
        "Projects, reviewed",
        "A pace that fits your week",
        "your own calendar",
        "A portfolio for employers",
    ):
        assert feature in html


def test_a_lone_checkbox_comes_first_with_its_label_beside_it(client, alice):
    """Issue #25: on the account and portfolio forms, checkboxes sat under their help text."""
    client.force_login(alice)
    html = client.get("/portfolio/").content.decode()
    field = html[html.index('<div class="checkbox-field">') :]
    box, label, help_text = field.index('type="checkbox"'), field.index("<label"), field.index('class="helptext"')
    assert box < label < help_text
    assert 'aria-describedby="id_public_helptext"' in field.split("</div>")[0]  # the help is still its description
