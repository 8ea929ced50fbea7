"""Malformed slugs, oversized bodies and odd headers get a clear 4xx, never a 500."""

import io
from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from mentoring import services as mentoring_services
from mentoring.models import Invite
from mlepath.wsgi import application
from progress.models import Progress
from tests.servers import session_key_for

CYRILLIC_A = "\u0430"  # looks like "a"
BAD_SLUGS = ["..%2F..%2Fetc", "%2e%2e", "tr%00ack", "x" * 10_000, f"tr{CYRILLIC_A}ck", "%F0%9F%92%A5", "a%20b"]


@pytest.fixture
def mentor_client(client, alice, bob, topics, track):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    client.force_login(bob)
    return client


@pytest.mark.parametrize("slug", BAD_SLUGS)
@pytest.mark.parametrize(
    "template",
    [
        "/roadmaps/{}/",
        "/roadmaps/{}/map/",
        "/roadmaps/track/topics/{}/status/",
        "/topics/{}/",
        "/mentoring/mentees/{}/",
        "/mentoring/mentees/alice/roadmaps/{}/",
        "/mentoring/mentees/alice/topics/{}/",
        "/mentoring/invite/{}/",
    ],
)
def test_malformed_slugs_and_usernames_are_404(mentor_client, template, slug):
    response = mentor_client.get(template.format(slug))
    assert response.status_code in (404, 405)  # the status URL takes POST only
    if response.status_code == 405:
        assert mentor_client.post(template.format(slug), {"status": "done"}).status_code == 404


def test_a_3_mb_note_is_refused_with_400_and_saves_nothing(alice_client, topics):
    response = alice_client.post("/topics/a/note/", {"note": "x" * 3_000_000})
    assert response.status_code == 400
    assert not Progress.objects.filter(note__startswith="x").exists()


def test_a_4_mb_note_is_refused_with_413_and_saves_nothing(alice_client, topics):
    response = alice_client.post("/topics/a/note/", {"note": "x" * 4_000_000})
    assert response.status_code == 413
    assert not Progress.objects.filter(note__startswith="x").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HX_REQUEST": "maybe"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": '"><script>alert(1)</script>'},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "javascript:alert(1)"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "\x00"},
    ],
)
def test_malformed_htmx_headers_change_nothing_but_the_fragment_choice(alice_client, alice, topics, track, headers):
    response = alice_client.post("/roadmaps/track/topics/a/status/", {"status": "done"}, **headers)
    assert response.status_code in (200, 302)
    assert b"<script>alert" not in response.content
    assert Progress.objects.get(learner=alice, topic=topics["a"]).status == "done"
    assert alice_client.get("/topics/a/", **headers).status_code == 200


# --- Bodies as an attacker sends them: through the WSGI handler, CSRF enforced --------
#
# Django's test client skips the CSRF check, and with it the first read of the
# body (CsrfViewMiddleware reads request.POST). These requests are built by hand,
# as gunicorn builds them, with a valid CSRF cookie and header, so that every
# body is read as it would be in production.

CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"  # 32 characters: an unmasked token


@contextmanager
def connections_kept():
    """A request closes the database connection when it ends; the test's
    transaction lives on it (Django's test client disconnects the same signal)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Unreadable(io.RawIOBase):
    """A body that must not be read."""

    def read(self, size=-1):
        raise AssertionError("the body was read")

    readline = readinto = read


def wsgi_post(path, body=b"", *, content_type, length=None, user=None, stream=None, method="POST", **headers):
    """POST through the WSGI application gunicorn serves (a fresh one, with this
    test's settings); returns (status, headers, content).

    `length` is the Content-Length declared (the body's own by default: a larger
    one makes a truncated body). Exceptions are not caught: one escaping the
    handler is a 500 from the server."""
    cookies = f"csrftoken={CSRF_SECRET}"
    if user is not None:
        cookies += f"; sessionid={session_key_for(user)}"
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookies,
        "HTTP_X_CSRFTOKEN": CSRF_SECRET,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body) if length is None else length),
        "wsgi.input": stream or io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        **headers,
    }
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    with connections_kept():
        response = type(application)()(environ, start_response)
        try:
            content = b"".join(response)
        finally:
            response.close()
    return answer["status"], answer["headers"], content


FORM = "application/x-www-form-urlencoded"


def multipart(fields: dict[str, bytes], *, boundary="mlepathboundary", files=None) -> bytes:
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary.encode(), name.encode(), value)
        for name, value in fields.items()
    ]
    for name, (filename, value) in (files or {}).items():
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
            b"Content-Type: application/json\r\n\r\n%s\r\n"
            % (boundary.encode(), name.encode(), filename.encode(), value)
        )
    return b"".join(parts) + b"--%s--\r\n" % boundary.encode()


def test_the_hand_made_requests_reach_the_views(alice, topics):
    """The harness itself: a plain UTF-8 note through the handler, CSRF enforced, is saved."""
    status, _, _ = wsgi_post("/topics/a/note/", b"note=caf%C3%A9", content_type=FORM, user=alice)
    assert status == 302
    assert Progress.objects.get(learner=alice, topic=topics["a"]).note == "café"
    status, _, _ = wsgi_post("/topics/a/note/", b"note=x", content_type=FORM, user=alice, HTTP_X_CSRFTOKEN="")
    assert status == 403


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "iso-8859-1", "UTF-16LE", "cp1252"])
@pytest.mark.parametrize("path", ["/topics/a/note/", "/accounts/login/", "/no/such/page/"])
def test_a_form_in_another_charset_than_utf8_is_a_400_never_a_500(alice, topics, charset, path):
    """Django refuses such a form with BadRequest while CsrfViewMiddleware reads it;
    its default 400 handler then ran the CSRF check again, read the body again, and
    failed with a 500. Now the form is refused before the body is read."""
    body = "note=café".encode(charset)
    status, _, content = wsgi_post(path, body, content_type=f"{FORM}; charset={charset}", user=alice)
    assert status == 400
    assert Progress.objects.filter(learner=alice).count() == 0


@pytest.mark.parametrize("charset", ["hex", "rot13", "base64", "zlib", "utf-7", "unicode-escape"])
def test_a_multipart_form_in_a_codec_that_is_not_utf8_is_a_400(alice, topics, charset):
    """Codecs like "hex" are not text encodings: decoding a field with one raised
    LookupError, a 500. utf-7 and unicode-escape turn ASCII into lone surrogates
    ("+2AA-" and "\\ud800" are both "\\ud800"), which no database stores."""
    body = multipart({"note": b"+2AA- \\ud800"})
    content_type = f"multipart/form-data; boundary=mlepathboundary; charset={charset}"
    status, _, _ = wsgi_post("/topics/a/note/", body, content_type=content_type, user=alice)
    assert status == 400
    assert not Progress.objects.filter(learner=alice).exists()


def test_an_unknown_charset_name_is_read_as_utf8(alice, topics):
    """Django ignores a charset Python does not know, and reads UTF-8."""
    body = b"note=caf%C3%A9"
    status, _, _ = wsgi_post("/topics/a/note/", body, content_type=f"{FORM}; charset=x-nope", user=alice)
    assert status == 302
    assert Progress.objects.get(learner=alice).note == "café"


@pytest.mark.parametrize("path", ["/topics/a/note/", "/accounts/login/"])
def test_a_form_with_too_many_fields_is_a_400_from_a_handler_that_never_rereads_the_body(alice, topics, path):
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS Django raises while CsrfViewMiddleware
    reads the form; the 400 handler must not read it again (Django's did)."""
    body = b"&".join(b"f%d=1" % n for n in range(1_001))
    status, headers, content = wsgi_post(path, body, content_type=FORM, user=alice)
    assert status == 400
    assert b"We could not read that request" in content
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_unreadable_form_to_an_unknown_address_is_a_404(alice):
    """The URL is resolved before CsrfViewMiddleware reads the form, so the 404
    handler is the first to meet the body: Django's read it, and failed."""
    body = b"&".join(b"f%d=1" % n for n in range(1_001))
    status, _, content = wsgi_post("/no/such/page/", body, content_type=FORM, user=alice)
    assert status == 404
    assert b"Page not found" in content


def test_a_form_over_the_memory_limit_but_under_the_body_limit_is_a_400(alice, topics):
    body = b"note=" + b"x" * 2_700_000  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), under 3 MB
    status, _, _ = wsgi_post("/topics/a/note/", body, content_type=FORM, user=alice)
    assert status == 400
    assert not Progress.objects.filter(learner=alice).exists()


@pytest.mark.parametrize("content_type", [FORM, "multipart/form-data; boundary=x", "application/json"])
def test_a_body_declaring_more_than_the_limit_is_a_413_and_is_never_read(alice, content_type):
    """An upload of any size was streamed to a temporary file before the view
    could refuse it; now its Content-Length alone answers."""
    status, headers, content = wsgi_post(
        "/dashboard/import/", content_type=content_type, length=50 * 1024 * 1024, user=alice, stream=Unreadable()
    )
    assert status == 413
    assert b"too large" in content
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_largest_import_the_form_takes_is_under_the_body_limit(alice, topics, settings):
    from progress.transfer import MAX_IMPORT_BYTES

    body = multipart({}, files={"file": ("p.json", b" " * MAX_IMPORT_BYTES)})
    assert len(body) < settings.MAX_REQUEST_BODY_SIZE
    status, _, content = wsgi_post(
        "/dashboard/import/", body, content_type="multipart/form-data; boundary=mlepathboundary", user=alice
    )
    assert status == 400 and b"The file is not JSON exported by MLE Path." in content


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (FORM, b"note=truncated"),
        ("multipart/form-data; boundary=mlepathboundary", multipart({"note": b"truncated"})[:-30]),
        ("multipart/form-data; boundary=mlepathboundary", multipart({}, files={"file": ("p.json", b"{}")})[:-20]),
    ],
)
@pytest.mark.parametrize("path", ["/topics/a/note/", "/dashboard/import/"])
def test_a_body_shorter_than_its_content_length_is_never_a_500(alice, topics, content_type, body, path):
    """The client closed the connection before sending all it announced."""
    status, _, _ = wsgi_post(path, body, content_type=content_type, length=len(body) + 1_000, user=alice)
    assert status in (200, 302, 400)


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data; boundary*=x-nope''abc", "text/plain; charset*=x-nope''abc", "text/plain; a=" + "x" * 10_000],
)
def test_a_malformed_content_type_is_a_400(alice, content_type):
    """Django cannot even build the request; mlepath.wsgi marks it and the
    middleware refuses it, with the headers of every other answer."""
    status, headers, content = wsgi_post("/topics/a/note/", b"note=x", content_type=content_type, user=alice)
    assert (status, content) == (400, b"The Content-Type header could not be read.")
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
