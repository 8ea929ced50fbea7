"""Every learner URL of the roadmap and progress pages: anonymous visitors are
sent to sign in, POST-only actions refuse GET and a missing CSRF token, and a
signed-in user's actions only ever touch their own rows."""

import pytest
from django.test import Client

from progress import services
from progress.models import Evidence, Progress

POST_URLS = [
    "/roadmaps/track/topics/a/status/",
    "/roadmaps/track/follow/",
    "/roadmaps/track/reset/undo/",
    "/topics/a/note/",
    "/topics/a/evidence/",
    "/topics/a/comments/",
    "/topics/a/review/",
    "/topics/a/time/",
    "/topics/a/time/1/",
]
PRIVATE_GET_URLS = [
    "/dashboard/",
    "/dashboard/export.csv",
    "/dashboard/export.json",
    "/dashboard/import/",
    "/roadmaps/track/reset/",
]


@pytest.mark.parametrize("url", POST_URLS + PRIVATE_GET_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, track, url):
    response = client.post(url) if url in POST_URLS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", POST_URLS)
def test_post_only_actions_refuse_get_and_a_missing_csrf_token(alice, track, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert client.post(url, {"status": "done", "note": "x", "url": "https://e.org", "body": "x"}).status_code == 403
    assert not Progress.objects.exists()


def test_a_strangers_actions_never_touch_another_learners_rows(alice, bob, topics, track):
    services.set_status(learner=alice, topic=topics["a"], status="done")
    services.save_note(learner=alice, topic=topics["a"], note="alice's note")
    evidence = services.add_evidence(learner=alice, topic=topics["a"], url="https://example.com/alice")
    client = Client()
    client.force_login(bob)
    client.post("/roadmaps/track/topics/a/status/", {"status": "skipped"})
    client.post("/topics/a/note/", {"note": "bob's note"})
    client.post("/roadmaps/track/reset/")
    assert client.post(f"/topics/a/evidence/{evidence.pk}/delete/").status_code == 404
    for path in ("/dashboard/export.json", "/topics/a/", "/dashboard/"):
        assert "alice" not in client.get(path).content.decode().lower()
    alice_row = Progress.objects.get(learner=alice)
    assert (alice_row.status, alice_row.note) == ("done", "alice's note")
    assert Evidence.objects.filter(pk=evidence.pk).exists()
