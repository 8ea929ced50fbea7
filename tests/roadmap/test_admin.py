import pytest
from django.core.management import call_command

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    call_command("loadroadmap", stdout=None)
    client.force_login(UserFactory(username="editor", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("model", "query", "found", "not_found"),
    [
        ("roadmap", "from-scratch", "ML Engineer from scratch", "ML Engineer for software engineers"),
        ("section", "core-ml", "Core machine learning", "Maths and data foundations"),
        ("topic", "Supervised", "Supervised learning", "TensorFlow Lite"),
        ("topic", "xgboost", "XGBoost", "PyTorch"),
        ("resource", "scikit-learn", "scikit-learn", "Flutter"),
    ],
)
def test_content_admin_searches_by_title_and_slug(admin_client, model, query, found, not_found):
    assert admin_client.get(f"/admin/roadmap/{model}/").status_code == 200
    html = admin_client.get(f"/admin/roadmap/{model}/", {"q": query}).content.decode()
    assert found in html
    assert not_found not in html


def test_topic_admin_edits_resources_and_prerequisites_inline(admin_client):
    from roadmap.models import Topic

    topic = Topic.objects.get(slug="supervised-learning")
    html = admin_client.get(f"/admin/roadmap/topic/{topic.pk}/change/").content.decode()
    assert "resources-TOTAL_FORMS" in html
    assert "prerequisite_links-TOTAL_FORMS" in html


def test_roadmap_and_section_admin_have_their_inlines(admin_client):
    from roadmap.models import Roadmap, Section

    roadmap = Roadmap.objects.first()
    assert "sections-TOTAL_FORMS" in admin_client.get(f"/admin/roadmap/roadmap/{roadmap.pk}/change/").content.decode()
    section = Section.objects.first()
    assert "placements-TOTAL_FORMS" in admin_client.get(f"/admin/roadmap/section/{section.pk}/change/").content.decode()


def test_admin_is_closed_to_learners(alice_client):
    response = alice_client.get("/admin/roadmap/topic/")
    assert response.status_code == 302


def test_an_admin_edit_or_delete_shows_at_once_on_the_roadmap_and_topic_pages(admin_client):
    """Through the real admin views: the content version moves in the admin's transaction."""
    from roadmap.models import Resource

    resource = Resource.objects.filter(topic__slug="supervised-learning").first()
    page = "/roadmaps/ml-engineer-for-software-engineers/"
    assert resource.title in admin_client.get(page).content.decode()  # outline cached now
    admin_client.get("/topics/supervised-learning/")  # topic content cached now
    response = admin_client.post(
        f"/admin/roadmap/resource/{resource.pk}/change/",
        {"topic": resource.topic_id, "title": "A fresh guide", "url": resource.url, "kind": resource.kind, "order": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "A fresh guide" in admin_client.get(page).content.decode()
    assert "A fresh guide" in admin_client.get("/topics/supervised-learning/").content.decode()
    response = admin_client.post(f"/admin/roadmap/resource/{resource.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    admin_client.get("/admin/")  # shows, and so uses up, the admin's "deleted" message
    assert "A fresh guide" not in admin_client.get(page).content.decode()
    assert "A fresh guide" not in admin_client.get("/topics/supervised-learning/").content.decode()
