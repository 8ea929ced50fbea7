"""The portfolio (#17, item 4): off by default and 404 for everyone when off;
only approved work the learner picked, never notes, feedback or unapproved
work; Open Graph tags, noindex; queries constant in the number of projects."""

import pytest
from django.test import Client

from mentoring import services as mentoring_services
from progress.models import Portfolio, ProjectWork
from progress.projects import services as project_services
from roadmap.content import read_content
from roadmap.models import Project
from roadmap.services import load_content
from tests.conftest import track_content
from tests.roadmap.conftest import ContentFiles, project


@pytest.fixture
def projects(track, tmp_path):
    """Twelve projects on the `track` roadmap."""
    files = ContentFiles(tmp_path / "with-projects")
    topics, item = track_content()
    slugs = [f"project-{n:02d}" for n in range(12)]
    item["sections"][0]["projects"] = slugs
    load_content(
        content=read_content(
            files.write(topics, [item], [project(slug, title=f"Project {slug[-2:]}") for slug in slugs])
        )
    )
    return list(Project.objects.order_by("slug"))


def approve(learner, mentor, project_, url):
    work = project_services.start_project(learner=learner, project=project_)
    project_services.save_project_work(work=work, checked=[], repository_url=url, writeup_url="", demo_url="", note="n")
    project_services.submit_project(learner=learner, work=work)
    return mentoring_services.review_project(mentor=mentor, work=work, approve=True, body="Great work, alice-feedback")


@pytest.fixture
def alice_with_work(alice, bob, mentoring, projects):
    approve(alice, bob, projects[0], "https://git.example.org/alice/approved")
    unapproved = project_services.start_project(learner=alice, project=projects[1])
    project_services.save_project_work(
        work=unapproved,
        checked=[],
        repository_url="https://git.example.org/alice/draft",
        writeup_url="",
        demo_url="",
        note="alice-draft-note",
    )
    return alice


def public(alice, **fields):
    Portfolio.objects.update_or_create(learner=alice, defaults={"public": True, **fields})


def test_off_by_default_and_404_for_everyone_when_off(alice_with_work, alice, bob):
    for client in (Client(), _signed_in(alice), _signed_in(bob)):
        assert client.get("/u/alice/").status_code == 404
    public(alice)
    assert Client().get("/u/alice/").status_code == 200
    Portfolio.objects.filter(learner=alice).update(public=False)
    assert Client().get("/u/alice/").status_code == 404
    assert Client().get("/u/nobody/").status_code == 404
    assert Client().get("/u/ali%00ce/").status_code == 404


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_only_approved_chosen_work_and_nothing_private(alice_with_work, alice):
    public(alice, bio="I build <b>models</b>", link_1="https://github.example.org/alice")
    html = Client().get("/u/alice/").content.decode()
    assert "Project 00" not in html  # approved, but not picked: approval alone shows nothing
    ProjectWork.objects.filter(learner=alice, state="approved").update(on_portfolio=True)
    html = Client().get("/u/alice/").content.decode()
    assert "Project 00" in html and "https://git.example.org/alice/approved" in html
    # What an employer reads of each (issue #25, item 7): who approved it and when, a summary, tools, topics.
    assert "Approved by bob on " in html
    assert "Build project-00 with public data" in html
    assert "Tools:</span> pandas, scikit-learn" in html and "Topics:</span> Alpha" in html
    for private in (
        "alice-draft-note",
        "git.example.org/alice/draft",
        "Project 01",
        "alice-feedback",
        "alice-private-note",
        "alice-evidence",
    ):
        assert private not in html
    assert "I build &lt;b&gt;models&lt;/b&gt;" in html and 'rel="noopener noreferrer nofollow me"' in html
    assert '<meta property="og:title" content="Alice Liddell: ML engineering portfolio">' in html
    assert '<meta property="og:description" content="I build &lt;b&gt;models&lt;/b&gt;">' in html
    ProjectWork.objects.filter(learner=alice).update(on_portfolio=False)
    assert "Project 00" not in Client().get("/u/alice/").content.decode()


def test_completion_is_off_until_the_learner_shows_it(alice_with_work, alice):
    """A beginner does not publish "6%" without choosing to (issue #25, item 7)."""
    response = _signed_in(alice).post("/portfolio/", {"public": "on"})
    assert response.status_code == 302
    assert Portfolio.objects.get(learner=alice).show_completion is False
    assert "Roadmap completion" not in Client().get("/u/alice/").content.decode()
    Portfolio.objects.filter(learner=alice).update(show_completion=True)
    assert "Roadmap completion" in Client().get("/u/alice/").content.decode()


def test_noindex_by_default_and_when_asked(alice_with_work, alice):
    public(alice)
    response = Client().get("/u/alice/")
    assert (
        response["X-Robots-Tag"] == "noindex" and '<meta name="robots" content="noindex">' in response.content.decode()
    )
    Portfolio.objects.filter(learner=alice).update(noindex=False)
    response = Client().get("/u/alice/")
    assert "X-Robots-Tag" not in response and 'name="robots"' not in response.content.decode()


def test_the_settings_page_turns_it_on_picks_projects_and_refuses_bad_input(alice_with_work, alice):
    client = _signed_in(alice)
    page = client.get("/portfolio/").content.decode()
    assert "It is <strong>off</strong>" in page and "Project 00" in page and "Project 01" not in page
    approved = ProjectWork.objects.get(learner=alice, state="approved")
    response = client.post(
        "/portfolio/", {"public": "on", "bio": "Hi", "link_1": "javascript:alert(1)", "noindex": "on"}
    )
    assert response.status_code == 400 and "Enter a valid URL." in response.content.decode()
    assert not Portfolio.objects.filter(learner=alice).exists()
    response = client.post(
        "/portfolio/", {"public": "on", "bio": "Hi", "noindex": "on", "show_completion": "on", "shown": []}
    )
    assert response.status_code == 302
    assert Portfolio.objects.get(learner=alice).public and not ProjectWork.objects.get(pk=approved.pk).on_portfolio
    client.post("/portfolio/", {"public": "on", "shown": [approved.pk]})
    assert ProjectWork.objects.get(pk=approved.pk).on_portfolio
    assert Client().get("/portfolio/").status_code == 302  # to sign in


def test_queries_do_not_grow_with_the_number_of_projects(alice, bob, mentoring, projects):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    public(alice)
    approve(alice, bob, projects[0], "https://git.example.org/alice/0")
    ProjectWork.objects.update(on_portfolio=True)
    client = Client()
    client.get("/u/alice/")
    with CaptureQueriesContext(connection) as one:
        client.get("/u/alice/")
    for number, item in enumerate(projects[1:], start=1):
        approve(alice, bob, item, f"https://git.example.org/alice/{number}")
    ProjectWork.objects.update(on_portfolio=True)
    with CaptureQueriesContext(connection) as twelve:
        html = client.get("/u/alice/").content.decode()
    assert html.count('<li class="card">') == 12
    assert len(twelve) == len(one) <= 5, [q["sql"] for q in twelve]


def test_saving_the_picks_costs_the_same_for_one_project_or_twelve(alice, bob, mentoring, projects):
    """The portfolio's save (progress.projects.services.save_portfolio): one
    UPDATE for the picked and one for the rest, not one per project."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _signed_in(alice)
    approve(alice, bob, projects[0], "https://git.example.org/alice/0")
    client.post("/portfolio/", {"public": "on"})
    first = ProjectWork.objects.get(learner=alice, state="approved")
    with CaptureQueriesContext(connection) as one:
        assert client.post("/portfolio/", {"public": "on", "shown": [first.pk]}).status_code == 302
    for number, item in enumerate(projects[1:], start=1):
        approve(alice, bob, item, f"https://git.example.org/alice/{number}")
    works = list(ProjectWork.objects.filter(learner=alice, state="approved").order_by("pk"))
    picked = [work.pk for work in works[::2]]
    with CaptureQueriesContext(connection) as twelve:
        assert client.post("/portfolio/", {"public": "on", "shown": picked}).status_code == 302
    assert sorted(ProjectWork.objects.filter(on_portfolio=True).values_list("pk", flat=True)) == picked
    updates = [q["sql"] for q in twelve if q["sql"].startswith("UPDATE") and "projectwork" in q["sql"]]
    assert len(updates) == 2, updates
    assert len(twelve) == len(one), [q["sql"] for q in twelve]
