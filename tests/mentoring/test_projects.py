"""Projects (#17, items 2 and 3): the learner starts one, ticks its criteria,
submits links; a mentor reviews it from the queue; every change is recorded.
And the access matrix of every new URL."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from mentoring.models import ProjectComment
from progress.models import ProjectEvent, ProjectWork
from roadmap.content import read_content
from roadmap.models import Project
from roadmap.services import load_content
from tests.conftest import track_content
from tests.roadmap.conftest import ContentFiles, project

MEN = "Make a pipeline"


@pytest.fixture
def pipeline(track, tmp_path):
    """The `track` roadmap with a project closing its basics section."""
    files = ContentFiles(tmp_path / "with-projects")
    topics, item = track_content()
    item["sections"][0]["projects"] = ["pipeline"]
    load_content(content=read_content(files.write(topics, [item], [project("pipeline", topics=["a", "b"], title=MEN)])))
    return Project.objects.get(slug="pipeline")


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def save(client, *, action="save", checked=(), **links):
    return client.post("/projects/pipeline/work/", {"action": action, "checked": list(checked), **links})


def test_anyone_reads_the_brief_and_a_learner_without_mentor_completes_it_self_assessed(client, alice, pipeline):
    page = client.get("/projects/pipeline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert MEN in html and "pipeline runs from a clean clone." in html and "Sign in</a> or" in html

    alice_client = client_for(alice)
    assert alice_client.post("/projects/pipeline/start/").status_code == 302
    criteria = list(pipeline.criteria.values_list("pk", flat=True))
    response = save(alice_client, action="complete", checked=criteria[:1], repository_url="https://git.example.org/a")
    assert response.status_code == 302
    work = ProjectWork.objects.get(learner=alice)
    assert work.state == "self_assessed" and work.completed_at is not None
    assert list(work.checked.values_list("pk", flat=True)) == criteria[:1]
    html = alice_client.get("/projects/pipeline/").content.decode()
    assert "Complete (self-assessed)" in html and "Reopen to change it" in html
    assert list(ProjectEvent.objects.values_list("from_state", "to_state")) == [
        ("", "in_progress"),
        ("in_progress", "self_assessed"),
    ]


def test_submit_review_request_changes_resubmit_approve(alice, bob, mentoring, pipeline, run_tasks):
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_client.post("/projects/pipeline/start/")
    # Without a link, a submission is refused, and nothing changes.
    response = save(alice_client, action="submit", note="Draft")
    assert response.status_code == 302
    assert "Add at least one link" in alice_client.get(response.url).content.decode()
    assert (ProjectWork.objects.get().state, ProjectWork.objects.get().note) == ("in_progress", "")  # nothing saved

    save(alice_client, action="submit", repository_url="https://git.example.org/alice/pipeline", note="Look at eval.py")
    assert ProjectWork.objects.get().state == "submitted"
    queue = bob_client.get("/mentoring/reviews/").content.decode()
    assert MEN in queue and "Alice Liddell" in queue
    assert "(just now)" in queue and "0 minutes" not in queue  # submitted seconds ago
    assert "the oldest submitted just now" in bob_client.get("/mentoring/").content.decode()

    page = bob_client.get("/mentoring/mentees/alice/projects/pipeline/").content.decode()
    assert "https://git.example.org/alice/pipeline" in page and "Look at eval.py" in page
    # Changes need a comment; the comment goes into the thread; alice gets a mail.
    response = bob_client.post("/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "changes"})
    assert response.status_code == 400 and ProjectWork.objects.get().state == "submitted"
    response = bob_client.post(
        "/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "changes", "body": "Add a test set."}
    )
    assert response.status_code == 302 and ProjectWork.objects.get().state == "changes_requested"
    assert ProjectComment.objects.get().body == "Add a test set."
    assert run_tasks() == 1
    assert mail.outbox[-1].to == [alice.email]
    assert "asks for changes" in mail.outbox[-1].subject and "/projects/pipeline/" in mail.outbox[-1].body
    assert MEN not in bob_client.get("/mentoring/reviews/").content.decode()

    html = alice_client.get("/projects/pipeline/").content.decode()
    assert "Changes requested" in html and "Add a test set." in html
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/pipeline")
    bob_client.post("/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "approve", "body": ""})
    work = ProjectWork.objects.get()
    assert work.state == "approved" and work.completed_at is not None
    run_tasks()
    assert "approved your project" in mail.outbox[-1].subject
    assert [(e.to_state, e.actor.username) for e in ProjectEvent.objects.select_related("actor")] == [
        ("in_progress", "alice"),
        ("submitted", "alice"),
        ("changes_requested", "bob"),
        ("submitted", "alice"),
        ("approved", "bob"),
    ]
    # Approved work is closed.
    response = save(alice_client, repository_url="https://elsewhere.example.org")
    assert "approved work is closed" in alice_client.get(response.url).content.decode()
    assert ProjectWork.objects.get().repository_url.endswith("alice/pipeline")


def test_a_learner_with_a_mentor_cannot_self_assess(alice, mentoring, pipeline):
    alice_client = client_for(alice)
    alice_client.post("/projects/pipeline/start/")
    response = save(alice_client, action="complete", repository_url="https://git.example.org/a")
    assert "submit your work for their review" in alice_client.get(response.url).content.decode()
    assert (ProjectWork.objects.get().state, ProjectWork.objects.get().repository_url) == ("in_progress", "")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"repository_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"demo_url": "https://x.example.org/\x00"}, ""),
        ({"note": "x" * 2001}, "at most 2000 characters"),
        ({"note": "bad\x00note"}, "control characters"),
        ({"checked": ["not-a-number"]}, "Select a valid choice."),
        ({"checked": ["999999"]}, "Select a valid choice."),
        ({"action": "approve"}, ""),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(alice, pipeline, fields, message):
    alice_client = client_for(alice)
    alice_client.post("/projects/pipeline/start/")
    response = alice_client.post("/projects/pipeline/work/", {"action": "save", **fields})
    assert response.status_code == 400
    assert message in response.content.decode()
    work = ProjectWork.objects.get()
    assert (work.state, work.repository_url, work.demo_url, work.note) == ("in_progress", "", "", "")
    assert not work.checked.exists()


# --- Access: anonymous, owner, mentor, ex-mentor, stranger × every URL × method -------------

LEARNER_POSTS = ["/projects/pipeline/start/", "/projects/pipeline/work/", "/projects/pipeline/reopen/"]
MENTOR_URLS = ["/mentoring/mentees/alice/projects/pipeline/", "/mentoring/mentees/alice/projects/pipeline/review/"]


@pytest.fixture
def submitted(alice, mentoring, pipeline):
    alice_client = client_for(alice)
    alice_client.post("/projects/pipeline/start/")
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/secret-repo", note="alice-note")
    return ProjectWork.objects.get()


@pytest.mark.parametrize("who", ["anonymous", "alice", "bob", "dave", "charlie"])
def test_access_matrix(who, submitted, alice, bob, dave, charlie):
    users = {"anonymous": None, "alice": alice, "bob": bob, "dave": dave, "charlie": charlie}
    client = client_for(users[who])
    # The brief is public; the work on it shows only to its learner.
    page = client.get("/projects/pipeline/")
    assert page.status_code == 200
    assert ("secret-repo" in page.content.decode()) == (who == "alice")
    assert client.put("/projects/pipeline/").status_code == 405
    for url in MENTOR_URLS:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        elif url.endswith("review/"):
            assert response.status_code == 405  # POST only, whoever asks: it says nothing of the mentee
        else:
            assert response.status_code == (200 if who == "bob" else 404), (who, url)
        if who in {"alice", "dave", "charlie"}:
            assert client.post(url, {"decision": "approve", "body": "x"}).status_code == 404
    queue = client.get("/mentoring/reviews/")
    if who == "anonymous":
        assert queue.status_code == 302
    else:
        assert queue.status_code == 200 and ("secret-repo" not in queue.content.decode())
        assert ("Make a pipeline" in queue.content.decode()) == (who == "bob")
    for url in LEARNER_POSTS:
        assert client.get(url).status_code in {302, 405}  # to sign in, or POST only
        if who not in {"anonymous", "alice"}:
            # Someone else's POST acts on their own (unstarted) work: nothing of alice's moves.
            client.post(url, {"action": "save"})
    work = ProjectWork.objects.get(learner=alice)
    assert (work.state, work.repository_url) == ("submitted", "https://git.example.org/alice/secret-repo")
    assert client.get("/projects/nope/").status_code == 404


def test_only_an_active_mentor_reviews(submitted, dave, charlie):
    for user in (dave, charlie):
        response = client_for(user).post(
            "/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "approve", "body": "ok"}
        )
        assert response.status_code == 404
    assert ProjectWork.objects.get().state == "submitted"


# --- Where projects show: the roadmap page, the dashboard, the cohort, the navigation -------


def test_the_roadmap_page_lists_each_sections_projects(client, pipeline):
    html = client.get("/roadmaps/track/").content.decode()
    assert "3 topics · 1 project" in html
    assert '<a href="/projects/pipeline/">Make a pipeline</a> <span class="muted">about 6 h</span>' in html


def test_the_dashboard_counts_projects_apart_and_continues_with_the_open_one(alice, bob, mentoring, pipeline):
    alice_client = client_for(alice)
    html = alice_client.get("/dashboard/").content.decode()
    assert "Projects: 0 of 1 complete" in html
    alice_client.post("/projects/pipeline/start/")
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/pipeline")
    client_for(bob).post(
        "/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "changes", "body": "Add a test set."}
    )
    html = alice_client.get("/dashboard/").content.decode()
    assert 'project-state-changes_requested">Changes requested</span> · project · Track' in html
    assert "Add a test set." in html and "(project) from bob" in html  # new feedback
    assert '<span class="nav-badge">1<span class="visually-hidden"> new comment from your mentors' in html
    alice_client.post("/projects/pipeline/comments/seen/")
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/pipeline")
    client_for(bob).post("/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "approve"})
    html = alice_client.get("/dashboard/").content.decode()
    assert "Projects: 1 of 1 complete" in html and "nav-badge" not in html
    assert 'class="next-projects"' not in html


def test_the_cohort_puts_mentees_with_work_to_review_first(alice, bob, charlie, mentoring, pipeline):
    from mentoring import services as mentoring_services
    from mentoring.models import Invite

    invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
    mentoring_services.accept_invite(invite=invite, user=charlie)  # "charlie" sorts after "Alice Liddell"
    charlie_client = client_for(charlie)
    charlie_client.post("/projects/pipeline/start/")
    save(charlie_client, action="submit", repository_url="https://git.example.org/charlie/pipeline")
    html = client_for(bob).get("/mentoring/").content.decode()
    assert "1 project to review</strong>" in html
    assert html.index(">charlie</a>") < html.index(">Alice Liddell</a>")
    assert '<p class="cohort-review"><a href="/mentoring/reviews/">1 project to review</a></p>' in html


def test_every_state_change_is_in_the_history_and_the_export(alice, bob, mentoring, pipeline):
    import json

    alice_client = client_for(alice)
    alice_client.post("/projects/pipeline/start/")
    criterion = pipeline.criteria.first()
    save(alice_client, action="submit", checked=[criterion.pk], repository_url="https://git.example.org/alice/p")
    client_for(bob).post("/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "approve"})

    history = alice_client.get("/roadmaps/track/history/").content.decode()
    assert 'Project <a href="/projects/pipeline/">Make a pipeline</a>: <strong>started</strong>' in history
    assert "In progress → <strong>Submitted for review</strong>" in history
    assert 'Submitted for review → <strong>Approved by a mentor</strong> <span class="muted">(by bob)</span>' in history

    data = json.loads(alice_client.get("/dashboard/export.json").content)
    assert data["projects"] == [
        {
            "project": "pipeline",
            "title": "Make a pipeline",
            "state": "approved",
            "criteria_met": [criterion.text],
            "repository_url": "https://git.example.org/alice/p",
            "writeup_url": "",
            "demo_url": "",
            "note": "",
            "started_at": data["projects"][0]["started_at"],
            "submitted_at": data["projects"][0]["submitted_at"],
            "completed_at": data["projects"][0]["completed_at"],
        }
    ]
    assert [(e["from"], e["to"], e["by"]) for e in data["project_events"]] == [
        ("", "in_progress", "you"),
        ("in_progress", "submitted", "you"),
        ("submitted", "approved", "bob"),
    ]
    # An export is still a file the import takes (its projects are left out).
    response = alice_client.post(
        "/dashboard/import/", {"file": __import__("io").BytesIO(json.dumps(data).encode())}, format="multipart"
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["anonymous", "bob", "dave", "charlie"])
def test_nobody_but_the_learner_writes_in_or_reads_her_project_thread(who, submitted, alice, bob, dave, charlie):
    users = {"anonymous": None, "bob": bob, "dave": dave, "charlie": charlie}
    client = client_for(users[who])
    for url in ("/projects/pipeline/comments/", "/projects/pipeline/comments/seen/"):
        response = client.post(url, {"body": "sneaky"})
        # Anonymous: to sign in. Anyone else acts on their own work, which they never started.
        assert response.status_code == (302 if who == "anonymous" else 404), (who, url)
        assert client.get(url).status_code in {302, 405}
    if who == "bob":  # her mentor writes from his side of the thread
        assert client.post("/mentoring/mentees/alice/projects/pipeline/", {"body": "From bob"}).status_code == 302
    else:
        assert client.post("/mentoring/mentees/alice/projects/pipeline/", {"body": "sneaky"}).status_code in {302, 404}
    assert not ProjectComment.objects.filter(body="sneaky").exists()
    # Her portfolio is off: 404 for everyone, her mentor included.
    assert client.get("/u/alice/").status_code == 404
    assert client.get("/portfolio/").status_code in {200, 302}  # one's own settings, or sign in


def test_submitted_work_waits_as_sent_and_a_stale_review_is_refused(alice, bob, mentoring, pipeline):
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_client.post("/projects/pipeline/start/")
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/v1")
    # Submitted work cannot be changed in another tab, nor submitted twice.
    response = save(alice_client, action="submit", repository_url="https://git.example.org/alice/sneaky")
    assert "reopen it to change it" in alice_client.get(response.url).content.decode()
    assert ProjectWork.objects.get().repository_url.endswith("/v1")
    page = bob_client.get("/mentoring/mentees/alice/projects/pipeline/").content.decode()
    assert 'type="hidden" name="submitted"' in page
    seen = ProjectWork.objects.get().submitted_at.isoformat()

    # She withdraws: her edits are hers until she submits again.
    alice_client.post("/projects/pipeline/reopen/")
    save(alice_client, repository_url="https://git.example.org/alice/v2-draft")
    page = bob_client.get("/mentoring/mentees/alice/projects/pipeline/").content.decode()
    assert "v2-draft" not in page and "took it back to change it" in page
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/v2")
    # The mentor approves from the page he opened before: refused, nothing moves.
    response = bob_client.post(
        "/mentoring/mentees/alice/projects/pipeline/review/",
        {"decision": "approve", "body": "", "submitted": seen},
    )
    assert response.status_code == 302 and response.url == "/mentoring/mentees/alice/projects/pipeline/"
    assert "changed this work since you opened it" in bob_client.get(response.url).content.decode()
    assert ProjectWork.objects.get().state == "submitted"


def test_the_review_queue_and_the_project_pages_run_fixed_queries(alice, bob, charlie, dave, mentoring, pipeline):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mentoring import services as mentoring_services
    from mentoring.models import Invite

    def queries(client, url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def submit(learner):
        learner_client = client_for(learner)
        learner_client.post("/projects/pipeline/start/")
        save(
            learner_client,
            action="submit",
            checked=list(pipeline.criteria.values_list("pk", flat=True)),
            repository_url=f"https://git.example.org/{learner.username}/p",
        )
        mentoring_services.add_project_comment(author=learner, work=ProjectWork.objects.get(learner=learner), body="Hi")

    bob_client, alice_client = client_for(bob), client_for(alice)
    submit(alice)
    one = (
        queries(bob_client, "/mentoring/reviews/"),
        queries(bob_client, "/mentoring/mentees/alice/projects/pipeline/"),
        queries(alice_client, "/projects/pipeline/"),
    )
    for learner in (charlie, dave):
        invite = mentoring_services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR)
        mentoring_services.accept_invite(invite=invite, user=learner)
        submit(learner)
    for n in range(3):
        mentoring_services.add_project_comment(author=bob, work=ProjectWork.objects.get(learner=alice), body=f"{n}")
    three = (
        queries(bob_client, "/mentoring/reviews/"),
        queries(bob_client, "/mentoring/mentees/alice/projects/pipeline/"),
        queries(alice_client, "/projects/pipeline/"),
    )
    assert "Make a pipeline" in bob_client.get("/mentoring/reviews/").content.decode()
    assert one == three


# --- Issue #25, item 5: the project loop without snags -------------------------


def test_a_tick_saves_at_once_and_only_while_the_work_is_open(alice, bob, mentoring, pipeline):
    alice_client = client_for(alice)
    alice_client.post("/projects/pipeline/start/")
    first, second = pipeline.criteria.values_list("pk", flat=True)
    page = alice_client.get("/projects/pipeline/").content.decode()
    assert 'id="criteria-title"' not in page  # one list of criteria: the form's, while the work is open
    response = alice_client.post("/projects/pipeline/criteria/", {"checked": [first]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Saved: 1 of 2 criteria met." in response.content.decode()
    work = ProjectWork.objects.get()
    assert list(work.checked.values_list("pk", flat=True)) == [first] and work.repository_url == ""
    assert alice_client.post("/projects/pipeline/criteria/", {"checked": ["x"]}).status_code == 400
    assert list(work.checked.values_list("pk", flat=True)) == [first]  # a bad tick changes nothing
    # Without JavaScript the endpoint answers with the page.
    assert alice_client.post("/projects/pipeline/criteria/", {"checked": [first, second]}).status_code == 302
    save(alice_client, action="submit", checked=[first, second], repository_url="https://git.example.org/a/p")
    refused = alice_client.post("/projects/pipeline/criteria/", {"checked": []}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "reopen it to change it" in refused.content.decode()
    assert ProjectWork.objects.get().checked.count() == 2
    page = alice_client.get("/projects/pipeline/").content.decode()
    assert 'id="criteria-title"' in page  # submitted: the criteria as they were sent
    assert client_for(bob).post("/projects/pipeline/criteria/", {"checked": [first]}).status_code == 404
    visitor = Client().post("/projects/pipeline/criteria/", {"checked": [first]})
    assert visitor.status_code == 302 and visitor.url.startswith("/accounts/login/")
    assert alice_client.get("/projects/pipeline/criteria/").status_code == 405
    assert ProjectWork.objects.get().checked.count() == 2  # none of them changed a thing


def test_the_mentors_request_comes_first_and_the_approval_names_the_mentor(alice, bob, mentoring, pipeline):
    alice_client, bob_client = client_for(alice), client_for(bob)
    alice_client.post("/projects/pipeline/start/")
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/pipeline")
    # A review without its required comment comes back at the review, the comment focused.
    refused = bob_client.post("/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "changes"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert re.search(r'<textarea name="body"[^>]* autofocus', html)
    bob_client.post(
        "/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "changes", "body": "Add a test for eval.py"}
    )
    page = alice_client.get("/projects/pipeline/").content.decode()
    today = f"{timezone.localdate():%-d %b %Y}"
    words = page.index("Add a test for eval.py")
    assert f"bob asked for changes on {today}:" in page and words < page.index('class="lead"')  # above the brief
    save(alice_client, action="submit", repository_url="https://git.example.org/alice/pipeline")
    bob_client.post("/mentoring/mentees/alice/projects/pipeline/review/", {"decision": "approve"})
    assert ProjectWork.objects.get().state == "approved"
    page = alice_client.get("/projects/pipeline/").content.decode()
    assert "<strong>Approved by a mentor</strong>" in page and f"bob approved it on {today}." in page
    assert "review-words" not in page
