"""Every route answers with the strict Content-Security-Policy, and every page
that loads scripts gives them this response's own nonce."""

import re

import pytest
from django.urls import URLResolver, get_resolver

from mentoring import services as mentoring_services
from mentoring.models import Invite

REQUIRED = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")
SAMPLE = {
    "<slug:slug>": "track",
    "<slug:topic_slug>": "a",
    "<int:evidence_id>": "1",
    "<int:entry_id>": "1",
    "<int:topic_pk>": "1",
    "<int:project_pk>": "1",
    "<int:pk>": "1",
    "<username:username>": "alice",
    "<uidb64>": "MQ",
    "<token>": "set-password",
    "<str:token>": "forged-token",
    "<slug:token>": "forged-token",
}


def routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) != "admin/":
                    yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield pattern.name, prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns))


def concrete(route: str, token: str) -> str:
    # A topic's slug follows "topics/"; any other slug is the roadmap's.
    path = "/" + route.replace("topics/<slug:slug>", "topics/a")
    for placeholder, value in SAMPLE.items():
        path = path.replace(placeholder, value)
    return path.replace("<token:token>", token)


@pytest.fixture
def mentored(alice, bob, topics, track):
    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=alice)
    return mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)


@pytest.mark.parametrize("who", ["anonymous", "bob"])
def test_every_route_answers_with_the_strict_policy_and_a_fresh_nonce(client, bob, mentored, who):
    if who == "bob":
        client.force_login(bob)  # alice's mentor: the mentee pages answer 200
    seen = []
    for name, route in routes():
        assert "<" not in concrete(route, mentored.token), f"no sample value for {route}"
        for method in ("get", "post"):
            response = getattr(client, method)(concrete(route, mentored.token))
            policy = response.get("Content-Security-Policy", "")
            assert all(part in policy for part in REQUIRED), (name, method, response.status_code, policy)
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            nonce = re.search(r"'nonce-([^']+)'", policy)
            scripts = re.findall(rb"<script[^>]*>", response.content)
            if scripts:
                assert nonce and all(f'nonce="{nonce.group(1)}"'.encode() in tag for tag in scripts), name
            if nonce:
                seen.append(nonce.group(1))
            if name in ("logout", "account_sign_out_everywhere", "account_delete") and who == "bob":
                bob.refresh_from_db()
                client.force_login(bob)  # stay signed in for the next routes
    # Redirects and plain answers use no nonce; every page with a script does.
    assert len(seen) >= (10 if who == "anonymous" else 25) and len(set(seen)) == len(seen)
