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


# --- Delete retires: learners' data stays ------------------------------------


def content_version():
    from roadmap.selectors import current_content_version

    return current_content_version()


@pytest.fixture
def alice_progress(alice):
    """Alice's tick, note and evidence on supervised learning, and her follow of its roadmap."""
    from progress import services as progress_services
    from roadmap.models import Roadmap, Topic

    topic = Topic.objects.get(slug="supervised-learning")
    roadmap = Roadmap.objects.get(slug="ml-engineer-for-software-engineers")
    progress_services.set_status(learner=alice, topic=topic, status="done", roadmap=roadmap)
    progress_services.save_note(learner=alice, topic=topic, note="Bias and variance, at last.")
    progress_services.add_evidence(learner=alice, topic=topic, url="https://example.org/notebook")
    return topic


def learner_rows(alice):
    from progress.models import Evidence, Progress, ProgressEvent, RoadmapFollow

    return (
        Progress.objects.filter(learner=alice).count(),
        ProgressEvent.objects.filter(learner=alice).count(),
        Evidence.objects.filter(progress__learner=alice).count(),
        RoadmapFollow.objects.filter(learner=alice).count(),
    )


def test_deleting_a_topic_in_the_admin_retires_it_and_keeps_learners_progress(admin_client, alice, alice_progress):
    topic = alice_progress
    rows, version = learner_rows(alice), content_version()
    page = "/roadmaps/ml-engineer-for-software-engineers/"
    assert topic.title in admin_client.get(page).content.decode()  # outline cached now

    confirmation = admin_client.get(f"/admin/roadmap/topic/{topic.pk}/delete/")
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Retire the topic “Supervised learning”?" in html
    assert "Nothing is deleted." in html
    assert "learners keep their progress, notes, evidence and mentors’ comments on them" in html
    assert 'value="Yes, retire it"' in html
    assert "Progress:" not in html  # Django's list of related rows to delete is gone

    response = admin_client.post(f"/admin/roadmap/topic/{topic.pk}/delete/", {"post": "yes"}, follow=True)
    topic.refresh_from_db()
    assert topic.retired
    assert learner_rows(alice) == rows
    assert content_version() == version + 1
    message = response.content.decode()
    assert "is retired, not deleted." in message
    assert "To bring one back, untick Retired on it." in message
    assert f'href="/admin/roadmap/topic/{topic.pk}/change/"' in message
    assert topic.title not in admin_client.get(page).content.decode()  # gone at once

    from django.contrib.admin.models import CHANGE, LogEntry

    entry = LogEntry.objects.get(object_id=str(topic.pk), content_type__model="topic")
    assert entry.action_flag == CHANGE and "Retired" in entry.get_change_message()


def test_delete_selected_topics_retires_them_and_keeps_learners_progress(admin_client, alice, alice_progress):
    from roadmap.models import Topic

    other = Topic.objects.get(slug="xgboost")
    selected = [alice_progress.pk, other.pk]
    rows, version = learner_rows(alice), content_version()
    changelist = admin_client.get("/admin/roadmap/topic/").content.decode()
    assert "Delete selected topics (retires them: progress is kept)" in changelist

    data = {"action": "delete_selected", "_selected_action": selected}
    confirmation = admin_client.post("/admin/roadmap/topic/", data).content.decode()
    assert "Retire the selected topics?" in confirmation
    assert "Nothing is deleted." in confirmation
    assert (
        "<li>Supervised learning</li>" in confirmation
        and "<li>XGBoost: decision trees and gradient boosting</li>" in confirmation
    )
    assert Topic.objects.filter(retired=True).count() == 0  # not before the confirmation

    response = admin_client.post("/admin/roadmap/topic/", data | {"post": "yes"}, follow=True)
    assert set(Topic.objects.filter(retired=True).values_list("pk", flat=True)) == set(selected)
    assert Topic.objects.filter(pk__in=selected).count() == 2
    assert learner_rows(alice) == rows
    assert content_version() == version + 1
    assert "2 topics retired, not deleted." in response.content.decode()

    # Again: nothing changes, and the content version stays.
    response = admin_client.post("/admin/roadmap/topic/", data | {"post": "yes"}, follow=True)
    assert "0 topics retired, not deleted (2 already were)." in response.content.decode()
    assert content_version() == version + 1


def test_deleting_a_roadmap_in_the_admin_unpublishes_it_and_keeps_follows(admin_client, alice, alice_progress):
    from roadmap.models import Roadmap

    roadmap = Roadmap.objects.get(slug="ml-engineer-for-software-engineers")
    rows, version = learner_rows(alice), content_version()
    html = admin_client.get(f"/admin/roadmap/roadmap/{roadmap.pk}/delete/").content.decode()
    assert "Retire the roadmap" in html and "Retired roadmaps are unpublished" in html
    response = admin_client.post(f"/admin/roadmap/roadmap/{roadmap.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    roadmap.refresh_from_db()
    assert not roadmap.published
    assert roadmap.sections.exists()
    assert learner_rows(alice) == rows
    assert content_version() == version + 1
    assert admin_client.get(roadmap.get_absolute_url()).status_code == 404


@pytest.fixture
def content():
    call_command("loadroadmap", stdout=None)


def test_a_staff_member_without_delete_permission_cannot_retire(client, content, alice_progress):
    from django.contrib.auth.models import Permission

    editor = UserFactory(username="viewer", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename__in=["view_topic", "change_topic"]))
    client.force_login(editor)
    topic = alice_progress
    assert client.get(f"/admin/roadmap/topic/{topic.pk}/delete/").status_code == 403
    assert client.post(f"/admin/roadmap/topic/{topic.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = client.get("/admin/roadmap/topic/").content.decode()
    assert "delete_selected" not in changelist
    topic.refresh_from_db()
    assert not topic.retired


def test_retiring_topics_is_two_queries_whatever_their_number(django_assert_num_queries):
    from roadmap.models import Topic
    from roadmap.services import retire_topics

    call_command("loadroadmap", stdout=None)
    live = Topic.objects.count()
    # The topics' UPDATE and the content version's, inside one savepoint.
    with django_assert_num_queries(4) as captured:
        assert retire_topics(topics=Topic.objects.all()) == live
    assert [query["sql"].split()[0] for query in captured.captured_queries] == [
        "SAVEPOINT",
        "UPDATE",
        "UPDATE",
        "RELEASE",
    ]


# --- Admin edits and the content files ---------------------------------------


@pytest.mark.parametrize("model", ["roadmap", "section", "topic", "resource"])
def test_every_content_page_says_that_loadroadmap_replaces_admin_edits(admin_client, model):
    from django.apps import apps

    obj = apps.get_model("roadmap", model).objects.first()
    for url in (f"/admin/roadmap/{model}/", f"/admin/roadmap/{model}/add/", f"/admin/roadmap/{model}/{obj.pk}/change/"):
        html = admin_client.get(url).content.decode()
        assert "Edits made here last only until the next <code>manage.py loadroadmap</code>" in html, url
        assert 'href="/admin/roadmap/roadmap/content-files/"' in html, url


def test_the_content_files_page_offers_what_dumproadmap_writes(admin_client):
    html = admin_client.get("/admin/roadmap/roadmap/content-files/").content.decode()
    assert "python manage.py dumproadmap" in html
    assert "<code>roadmap/content/topics.yaml</code>" in html
    assert "<code>roadmap/content/roadmaps/ml-engineer-from-scratch.yaml</code>" in html
    assert 'href="/admin/roadmap/roadmap/content-files/download/"' in html
    assert "loadroadmap would refuse" not in html


def test_the_downloaded_content_files_carry_an_admin_edit_and_load_again(admin_client, tmp_path):
    import io
    import zipfile

    from roadmap.content import read_content
    from roadmap.models import Topic

    topic = Topic.objects.get(slug="supervised-learning")
    topic.title = "Supervised learning, edited in the admin"
    topic.save()
    response = admin_client.get("/admin/roadmap/roadmap/content-files/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="mlepath-content.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == [
            "roadmap/content/ja/projects.yaml",
            "roadmap/content/ja/roadmaps/ml-engineer-for-software-engineers.yaml",
            "roadmap/content/ja/roadmaps/ml-engineer-from-scratch.yaml",
            "roadmap/content/ja/topics.yaml",
            "roadmap/content/projects.yaml",
            "roadmap/content/roadmaps/ml-engineer-for-software-engineers.yaml",
            "roadmap/content/roadmaps/ml-engineer-from-scratch.yaml",
            "roadmap/content/topics.yaml",
        ]
        archive.extractall(tmp_path)
    content = read_content(tmp_path / "roadmap" / "content")
    titles = {spec.slug: spec.title for spec in content.topics}
    assert titles["supervised-learning"] == "Supervised learning, edited in the admin"


def test_the_content_files_page_names_what_loadroadmap_would_refuse(admin_client):
    from roadmap.models import Topic

    Topic.objects.create(slug="orphan", title="Orphan", summary="Placed nowhere.", estimated_hours=1)
    html = admin_client.get("/admin/roadmap/roadmap/content-files/").content.decode()
    assert "loadroadmap would refuse these files as they are" in html
    assert "topics.yaml: orphan: is not placed in any roadmap" in html


def test_the_content_files_are_for_content_editors_only(client, alice_client):
    assert alice_client.get("/admin/roadmap/roadmap/content-files/").status_code == 302  # to the admin's sign-in
    client.force_login(UserFactory(username="staff-without-permissions", is_staff=True))
    assert client.get("/admin/roadmap/roadmap/content-files/").status_code == 403
    assert client.get("/admin/roadmap/roadmap/content-files/download/").status_code == 403


def test_the_content_files_pages_refuse_post(admin_client):
    assert admin_client.post("/admin/roadmap/roadmap/content-files/").status_code == 405
    assert admin_client.post("/admin/roadmap/roadmap/content-files/download/").status_code == 405


def test_the_admin_is_in_english_for_an_editor_who_reads_japanese(admin_client):
    """#27: an editor whose account reads Japanese edits the content in English,
    its own language (a topic read in Japanese could not be saved), and saving works."""
    from accounts.models import User
    from roadmap.models import Topic

    User.objects.filter(username="editor").update(language="ja")
    topic = Topic.objects.get(slug="supervised-learning")
    page = admin_client.get(f"/admin/roadmap/topic/{topic.pk}/change/")
    assert page.status_code == 200 and 'value="Supervised learning"' in page.content.decode()
    assert '<html lang="en"' in page.content.decode()
    assert admin_client.get(f"/ja/admin/roadmap/topic/{topic.pk}/change/").status_code == 404
    response = admin_client.post(f"/admin/roadmap/topic/{topic.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Topic.objects.get(pk=topic.pk).retired and Topic.objects.get(pk=topic.pk).title == "Supervised learning"
    assert Topic.objects.get(pk=topic.pk).translations["ja"]["title"] == "教師あり学習"
