"""The bench's reference for the least a signed-in page costs (tests/bench/minimal)
must stay a signed-in page, or its row in `make bench` would measure a redirect."""

from django.test import override_settings

from tests.bench.minimal import settings as minimal

as_minimal = override_settings(
    ROOT_URLCONF=minimal.ROOT_URLCONF,
    MIDDLEWARE=minimal.MIDDLEWARE,
    TEMPLATES=minimal.TEMPLATES,
    FORM_RENDERER=minimal.FORM_RENDERER,
)


@as_minimal
def test_the_minimal_page_shows_the_signed_in_user_a_form(client, alice):
    client.force_login(alice)
    response = client.get("/page/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "alice" in html and "Sign out" in html and 'name="csrfmiddlewaretoken"' in html and 'type="file"' in html


@as_minimal
def test_the_minimal_page_sends_a_visitor_to_sign_in(client, db):
    assert client.get("/page/").status_code == 302
