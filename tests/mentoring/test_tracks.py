"""Cohort tracks (#28): a mentor composes a track, offers it, a learner
accepts and ticks, the mentor sees it, and editing the live track loses
nothing. What users see: status codes, rows, rendered text."""

import json

import pytest
from django.urls import reverse

from mentoring import tracks
from mentoring.models import TrackOffer
from progress import services as progress_services
from progress.models import Progress, ProgressSummary, RoadmapFollow
from roadmap.models import Project, Roadmap, Topic, TrackChange


@pytest.fixture
def cohort(mentoring, bob, track):
    """bob's track, a copy of `track`, with an own topic (needs Gamma) and an own project."""
    made = tracks.create_track(author=bob, title="Team ML", introduction="Our path.\nLine two.", copy_from=track)
    section = made.sections.order_by("order").last()
    gamma = Topic.objects.get(slug="c")
    own = tracks.create_own_topic(
        track=made,
        by=bob,
        section=section,
        spec=tracks.OwnTopic(
            title="Our feature store",
            summary="How we keep features.",
            hours=4,
            resources=(("Design doc", "https://example.com/doc"),),
            prerequisites=(gamma,),
        ),
    )
    project = tracks.create_own_project(
        track=made,
        by=bob,
        section=section,
        spec=tracks.OwnProject(
            title="Ship a feature", brief="Build it.", hours=6, criteria=("It runs", "It is tested"), topics=(own,)
        ),
    )
    return {"track": made, "own": own, "project": project}


def _client(client, user):
    client.force_login(user)
    return client


def test_a_composed_track_is_offered_accepted_ticked_and_seen_by_its_mentor(client, cohort, alice, bob):
    track, own = cohort["track"], cohort["own"]
    c = _client(client, bob)
    response = c.post(reverse("mentoring_track_offer", args=[track.pk]), {"learners": [alice.pk]})
    assert response.status_code == 302
    assert TrackOffer.objects.get(roadmap=track, learner=alice).status == "pending"

    c = _client(client, alice)
    dashboard = c.get(reverse("dashboard")).content.decode()
    assert "Team ML" in dashboard and "offers you the track" in dashboard
    # Not hers until she accepts.
    assert c.get(track.get_absolute_url()).status_code == 404
    preview = c.get(reverse("mentoring_track_offered", args=[TrackOffer.objects.get().pk]))
    assert preview.status_code == 200 and "Our feature store" in preview.content.decode()
    offer = TrackOffer.objects.get()
    response = c.post(reverse("mentoring_track_offered", args=[offer.pk]), {"answer": "accept"})
    assert response.status_code == 302 and response.url == track.get_absolute_url()
    assert RoadmapFollow.objects.filter(learner=alice, roadmap=track).exists()

    page = c.get(track.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Our feature store" in text and "A cohort track shaped by a mentor." in text
    # Alpha, done on the shipped track, is done here too: progress is per topic.
    summary = ProgressSummary.objects.get(learner=alice, roadmap=track)
    assert (summary.done, summary.topics) == (1, 6)

    status_url = reverse("roadmap_set_status", args=[track.slug, own.slug])
    assert c.post(status_url, {"status": "done"}).status_code == 302
    assert Progress.objects.get(learner=alice, topic=own).status == "done"
    summary.refresh_from_db()
    assert summary.done == 2

    c = _client(client, bob)
    editor = c.get(reverse("mentoring_track", args=[track.pk])).content.decode()
    assert "Follows it" in editor and "33% · 2 of 6" in editor
    assert c.get(reverse("mentoring_mentee_roadmap", args=["alice", track.slug])).status_code == 200


def test_declining_leaves_the_track_off_the_dashboard(client, cohort, alice, bob):
    tracks.offer_track(track=cohort["track"], by=bob, learners=[alice])
    offer = TrackOffer.objects.get()
    c = _client(client, alice)
    assert c.post(reverse("mentoring_track_offered", args=[offer.pk]), {"answer": "decline"}).status_code == 302
    offer.refresh_from_db()
    assert offer.status == "declined"
    assert not RoadmapFollow.objects.filter(learner=alice, roadmap=cohort["track"]).exists()
    # A second answer from another tab changes nothing.
    c.post(reverse("mentoring_track_offered", args=[offer.pk]), {"answer": "accept"})
    assert not RoadmapFollow.objects.filter(learner=alice, roadmap=cohort["track"]).exists()


def test_editing_a_live_track_never_loses_progress_and_tells_its_learners(client, cohort, alice, bob, topics):
    track, own = cohort["track"], cohort["own"]
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    progress_services.set_status(learner=alice, topic=own, status="done", roadmap=track)
    c = _client(client, bob)
    content = reverse("mentoring_track_content", args=[track.pk])
    assert c.post(content, {"action": "remove-topic", "topic": own.pk}).status_code == 302
    assert c.post(content, {"action": "remove-topic", "topic": topics["a"].pk}).status_code == 302
    own.refresh_from_db()
    assert own.retired
    assert Progress.objects.get(learner=alice, topic=own).status == "done"
    assert Progress.objects.get(learner=alice, topic=topics["a"]).status == "done"
    # Put back, Alpha is done on the track again.
    section = track.sections.order_by("order").first()
    assert (
        c.post(content, {"action": "add-topics", "section": section.pk, "topics": [topics["a"].pk]}).status_code == 302
    )

    c = _client(client, alice)
    page = c.get(track.get_absolute_url()).content.decode()
    assert "Our feature store" not in page
    history = c.get(reverse("roadmap_history", args=[track.slug])).content.decode()
    # bob's edits within the hour make one line: the own topic and Alpha put back, two taken off.
    assert "The track changed: 2 topics added, 2 topics taken off, 1 project added by" in " ".join(history.split())
    assert f"by {bob.public_name} on" in history
    dashboard = c.get(reverse("dashboard")).content.decode()
    assert "Team ML" in dashboard


def test_an_own_topic_is_read_only_by_those_who_may_open_its_track(client, cohort, alice, bob, charlie):
    own = cohort["own"]
    url = own.get_absolute_url()
    assert _client(client, charlie).get(url).status_code == 404
    assert _client(client, bob).get(url).status_code == 200
    progress_services.follow_roadmap(learner=alice, roadmap=cohort["track"])
    page = _client(client, alice).get(url)
    assert page.status_code == 200 and "Design doc" in page.content.decode()
    # A shipped topic's page names no track and no own topic.
    gamma = _client(client, charlie).get(Topic.objects.get(slug="c").get_absolute_url()).content.decode()
    assert "Our feature store" not in gamma and "Team ML" not in gamma
    assert _client(client, charlie).get(cohort["project"].get_absolute_url()).status_code == 404


def test_the_track_is_not_listed_and_hidden_from_strangers(client, cohort, charlie):
    c = _client(client, charlie)
    assert "Team ML" not in c.get(reverse("roadmap_list")).content.decode()
    track = cohort["track"]
    for name in ("roadmap_detail", "roadmap_map", "roadmap_history"):
        assert c.get(reverse(name, args=[track.slug])).status_code == 404
    topic = Topic.objects.get(slug="a")
    assert c.post(reverse("roadmap_set_status", args=[track.slug, topic.slug]), {"status": "done"}).status_code == 404
    assert c.post(reverse("roadmap_follow", args=[track.slug])).status_code == 404
    assert not RoadmapFollow.objects.filter(learner=charlie, roadmap=track).exists()


def test_a_shared_link_lets_anyone_follow_and_closing_it_keeps_them(client, cohort, bob, charlie):
    track = cohort["track"]
    token = tracks.share(track=track, by=bob)
    c = _client(client, charlie)
    url = reverse("mentoring_track_join", args=[token])
    assert c.get(url).status_code == 200
    assert c.post(url).status_code == 302
    assert RoadmapFollow.objects.filter(learner=charlie, roadmap=track).exists()
    tracks.unshare(track=track, by=bob)
    assert c.get(url).status_code == 404
    assert c.get(track.get_absolute_url()).status_code == 200
    # charlie is not bob's mentee: bob's page never shows charlie's progress.
    editor = _client(client, bob).get(reverse("mentoring_track", args=[track.pk])).content.decode()
    assert "charlie" not in editor


def test_deleting_a_track_keeps_progress_and_exports_the_own_topics(client, cohort, alice, bob):
    track, own = cohort["track"], cohort["own"]
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    progress_services.set_status(learner=alice, topic=own, status="in_progress", roadmap=track)
    c = _client(client, bob)
    assert c.get(reverse("mentoring_track_delete", args=[track.pk])).status_code == 200
    assert c.post(reverse("mentoring_track_delete", args=[track.pk])).status_code == 302
    track.refresh_from_db()
    own.refresh_from_db()
    assert not track.published and own.retired and Project.objects.get(pk=cohort["project"].pk).retired
    assert Progress.objects.get(learner=alice, topic=own).status == "in_progress"
    c = _client(client, alice)
    assert c.get(track.get_absolute_url()).status_code == 404
    assert "Team ML" not in c.get(reverse("dashboard")).content.decode()
    exported = json.loads(c.get(reverse("export_json")).content)
    assert own.slug in json.dumps(exported)


def test_deleting_the_authors_account_leaves_the_track_with_its_learners(cohort, alice, bob):
    track = cohort["track"]
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    bob.delete()
    track.refresh_from_db()
    assert track.published and track.author_id is None
    assert RoadmapFollow.objects.filter(learner=alice, roadmap=track).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"resources": "Doc | http://example.com"}, "well-formed https link"),
        ({"resources": "Doc | javascript:alert(1)"}, "well-formed https link"),
        ({"hours": "0"}, "greater than or equal to 1"),
        ({"title": ""}, "This field is required"),
        ({"summary": "x" * 2001}, "at most 2000 characters"),
        ({"resources": "\n".join(f"https://example.com/{i}" for i in range(11))}, "Up to 10 resources"),
    ],
)
def test_an_own_topic_with_bad_input_is_refused_and_changes_nothing(client, cohort, bob, data, error):
    track = cohort["track"]
    before = Topic.objects.count(), TrackChange.objects.count()
    form = {"title": "T", "summary": "S", "hours": "3", "resources": "", **data}
    response = _client(client, bob).post(reverse("mentoring_track_topic_new", args=[track.pk]), form)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert (Topic.objects.count(), TrackChange.objects.count()) == before


def test_a_prerequisite_cycle_between_own_topics_is_refused(client, cohort, bob):
    track, own = cohort["track"], cohort["own"]
    section = track.sections.order_by("order").last()
    second = tracks.create_own_topic(
        track=track,
        by=bob,
        section=section,
        spec=tracks.OwnTopic(title="Second", summary="S", hours=1, resources=(), prerequisites=(own,)),
    )
    url = reverse("mentoring_track_topic", args=[track.pk, own.pk])
    response = _client(client, bob).post(
        url, {"title": own.title, "summary": "S", "hours": "4", "prerequisites": [second.pk]}
    )
    assert response.status_code == 400 and "cycle" in response.content.decode()
    assert list(own.prerequisites.values_list("slug", flat=True)) == ["c"]


def test_missing_prerequisites_are_named_and_can_be_assumed(client, bob, mentoring, topics):
    track = tracks.create_track(author=bob, title="Small", introduction="Only Delta.")
    section = tracks.add_section(track=track, by=bob, title="One")
    tracks.add_topics(track=track, by=bob, section=section, topics=[topics["d"]])
    c = _client(client, bob)
    page = c.get(reverse("mentoring_track", args=[track.pk])).content.decode()
    assert "Missing prerequisites" in page and "Gamma" in page
    c.post(reverse("mentoring_track_content", args=[track.pk]), {"action": "assume-missing"})
    assert list(track.assumed_topics.values_list("slug", flat=True)) == ["c"]
    assert "Missing prerequisites" not in c.get(reverse("mentoring_track", args=[track.pk])).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "nope"},
        {"action": "remove-topic", "topic": "abc"},
        {"action": "remove-topic", "topic": "99999999"},
        {"action": "move-section", "section": "-1"},
        {"action": "add-topics", "section": "x", "topics": ["1"]},
        {"action": "add-project", "section": "1", "project": "1e9"},
        {"action": "unassume", "topic": "\x00"},
        {},
    ],
)
def test_bad_editor_actions_are_a_clear_400(client, cohort, bob, data):
    before = TrackChange.objects.count()
    response = _client(client, bob).post(reverse("mentoring_track_content", args=[cohort["track"].pk]), data)
    assert response.status_code == 400
    assert TrackChange.objects.count() == before


def _routes(cohort, offer_pk, token):
    pk = cohort["track"].pk
    return [
        ("get", reverse("mentoring_track", args=[pk])),
        ("post", reverse("mentoring_track", args=[pk])),
        ("post", reverse("mentoring_track_content", args=[pk])),
        ("get", reverse("mentoring_track_topic_new", args=[pk])),
        ("get", reverse("mentoring_track_topic", args=[pk, cohort["own"].pk])),
        ("get", reverse("mentoring_track_project_new", args=[pk])),
        ("get", reverse("mentoring_track_project", args=[pk, cohort["project"].pk])),
        ("get", reverse("mentoring_track_preview", args=[pk])),
        ("post", reverse("mentoring_track_offer", args=[pk])),
        ("post", reverse("mentoring_track_link", args=[pk])),
        ("get", reverse("mentoring_track_delete", args=[pk])),
        ("post", reverse("mentoring_track_delete", args=[pk])),
    ]


@pytest.mark.parametrize("who", ["another mentor", "mentee", "ex-mentee", "ex-mentor", "stranger"])
def test_only_the_author_reaches_a_tracks_editor(client, cohort, alice, bob, charlie, dave, who):
    from mentoring import services
    from mentoring.models import Invite

    user = {"another mentor": dave, "mentee": alice, "ex-mentee": charlie, "ex-mentor": dave, "stranger": charlie}[who]
    if who == "another mentor":
        services.accept_invite(
            invite=services.create_invite(created_by=dave, kind=Invite.Kind.FROM_MENTOR), user=charlie
        )
    if who == "ex-mentee":  # charlie was bob's mentee, and ended it
        ended = services.accept_invite(
            invite=services.create_invite(created_by=bob, kind=Invite.Kind.FROM_MENTOR), user=charlie
        )
        services.end_mentorship(mentorship=ended, by=charlie)
    c = _client(client, user)
    for method, url in _routes(cohort, None, None):
        assert getattr(c, method)(url).status_code == 404, (who, method, url)
    assert Roadmap.objects.get(pk=cohort["track"].pk).published


def test_a_visitor_is_sent_to_sign_in_from_every_track_route(client, cohort):
    for method, url in _routes(cohort, None, None):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    assert client.get(reverse("mentoring_track_offered", args=[1])).status_code == 302
    # The track's own pages are readable without an account for shipped roadmaps alone.
    for url in (cohort["track"].get_absolute_url(), cohort["own"].get_absolute_url()):
        assert client.get(url).status_code == 404
    assert client.get(cohort["project"].get_absolute_url()).status_code == 404


def test_an_offer_is_its_learners_alone(client, cohort, alice, bob, charlie):
    tracks.offer_track(track=cohort["track"], by=bob, learners=[alice])
    offer = TrackOffer.objects.get()
    for user in (bob, charlie):
        c = _client(client, user)
        assert c.get(reverse("mentoring_track_offered", args=[offer.pk])).status_code == 404
        assert c.post(reverse("mentoring_track_offered", args=[offer.pk]), {"answer": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == "pending"


def test_a_track_is_offered_only_to_the_authors_mentees(client, cohort, bob, charlie):
    response = _client(client, bob).post(
        reverse("mentoring_track_offer", args=[cohort["track"].pk]), {"learners": [charlie.pk]}
    )
    assert response.status_code == 302
    assert not TrackOffer.objects.exists()


def test_the_authors_text_is_shown_escaped(client, bob, mentoring):
    track = tracks.create_track(author=bob, title="<script>x</script>", introduction="<b>hi</b>")
    page = _client(client, bob).get(reverse("mentoring_track_preview", args=[track.pk])).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;hi&lt;/b&gt;" in page


def _grow(track, bob, n):
    section = track.sections.order_by("order").last()
    for i in range(n):
        tracks.create_own_topic(
            track=track,
            by=bob,
            section=section,
            spec=tracks.OwnTopic(
                title=f"Extra {i}",
                summary="S",
                hours=1,
                resources=(("R", f"https://example.com/{i}"),),
                prerequisites=(),
            ),
        )


@pytest.mark.parametrize("page", ["editor", "roadmap", "preview", "dashboard"])
def test_query_counts_do_not_grow_with_the_track(
    client, cohort, alice, bob, page, django_capture_on_commit_callbacks, run_tasks
):
    track = cohort["track"]
    tracks.offer_track(track=track, by=bob, learners=[alice])
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    user = alice if page in ("roadmap", "dashboard") else bob
    url = {
        "editor": reverse("mentoring_track", args=[track.pk]),
        "roadmap": track.get_absolute_url() + "?view=list",
        "preview": reverse("mentoring_track_preview", args=[track.pk]),
        "dashboard": reverse("dashboard"),
    }[page]
    c = _client(client, user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        _grow(track, bob, 12)
    run_tasks()  # the followers' summaries recounted, as the worker does after an edit
    c.get(url)
    with CaptureQueriesContext(connection) as large:
        assert c.get(url).status_code == 200
    assert len(large) == len(small), (page, [q["sql"][:80] for q in large.captured_queries])


def test_the_cohort_page_filters_to_one_track_with_its_completion(client, cohort, alice, bob):
    track = cohort["track"]
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    c = _client(client, bob)
    page = c.get(reverse("mentoring"), {"track": track.slug}).content.decode()
    assert "1 of your mentees follows Team ML" in page
    assert page.count('<li class="cohort-card') == 1 and "Team ML" in page
    # Another mentor's slug, or none, shows the whole cohort.
    assert "of your mentees follow" not in c.get(reverse("mentoring"), {"track": "nope"}).content.decode()


def test_pace_projects_and_reviews_work_on_a_track_as_on_a_shipped_roadmap(client, cohort, alice, bob):
    track, own, project = cohort["track"], cohort["own"], cohort["project"]
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    c = _client(client, alice)
    pace = c.post(
        reverse("roadmap_pace", args=[track.slug]),
        {"action": "save", f"{track.slug}-basis": "hours", f"{track.slug}-hours_per_week": "5"},
    )
    assert pace.status_code in (200, 302)
    assert RoadmapFollow.objects.get(learner=alice, roadmap=track).hours_per_week == 5
    assert "5 h a week" in c.get(reverse("dashboard")).content.decode()
    # Her own project: started, its criteria ticked, submitted, approved by her mentor.
    assert c.post(reverse("project_start", args=[project.slug])).status_code == 302
    criteria = [str(pk) for pk in project.criteria.values_list("pk", flat=True)]
    work = {"action": "submit", "checked": criteria, "repository_url": "https://example.com/repo"}
    assert c.post(reverse("project_work", args=[project.slug]), work).status_code == 302
    m = _client(client, bob)
    review = m.post(
        reverse("mentoring_project_review", args=["alice", project.slug]), {"decision": "approve", "body": "Good."}
    )
    assert review.status_code == 302
    assert "Approved" in _client(client, alice).get(project.get_absolute_url()).content.decode()
    # A mentor's review of her own topic.
    progress_services.set_status(learner=alice, topic=own, status="done", roadmap=track)
    m = _client(client, bob)
    assert m.get(reverse("mentoring_mentee_topic", args=["alice", own.slug])).status_code == 200
    assert m.post(reverse("mentoring_review", args=["alice", own.slug]), {"reviewed": "1"}).status_code == 302


def test_a_shipped_projects_page_names_no_track_its_reader_cannot_open(client, cohort, bob, charlie, track):
    from roadmap.models import ProjectPlacement

    shipped = Project.objects.create(slug="shipped-one", title="Shipped one", brief="B", estimated_hours=2)
    ProjectPlacement.objects.create(section=track.sections.first(), project=shipped)
    tracks.add_project(track=cohort["track"], by=bob, section=cohort["track"].sections.first(), project=shipped)
    assert "Team ML" not in _client(client, charlie).get(shipped.get_absolute_url()).content.decode()
    assert "Team ML" in _client(client, bob).get(shipped.get_absolute_url()).content.decode()


def test_an_import_cannot_follow_someone_elses_track_or_reach_its_own_topics(client, cohort, alice, charlie, topics):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from progress import transfer

    track, own = cohort["track"], cohort["own"]
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    progress_services.set_status(learner=alice, topic=own, status="done", roadmap=track)
    exported = transfer.export_json(alice)
    assert track.slug in exported and own.slug in exported  # hers: her export keeps them
    # An own topic that does not exist is left out as one that charlie may not open: the file cannot tell them apart.
    data = json.loads(exported)
    data["progress"].append({"topic": "t9999--no-such-topic", "status": "done"})
    exported = json.dumps(data)
    c = _client(client, charlie)
    upload = SimpleUploadedFile("progress.json", exported.encode(), content_type="application/json")
    assert c.post(reverse("import_json"), {"file": upload}).status_code == 302
    # The shipped part came in; the track and its own topic, which charlie may not open, did not.
    assert Progress.objects.get(learner=charlie, topic=topics["a"]).status == "done"
    assert RoadmapFollow.objects.filter(learner=charlie, roadmap__slug="track").exists()
    assert not RoadmapFollow.objects.filter(learner=charlie, roadmap=track).exists()
    assert not Progress.objects.filter(learner=charlie, topic=own).exists()


def test_a_topics_panel_on_a_tracks_page_redraws_the_tracks_row(client, cohort, alice, charlie, topics):
    track = cohort["track"]
    progress_services.follow_roadmap(learner=alice, roadmap=track)
    c = _client(client, alice)
    panel = c.get(reverse("topic_detail", args=["b"]), {"roadmap": track.slug}, HTTP_HX_REQUEST="true")
    assert f'name="roadmap" value="{track.slug}"' in panel.content.decode()
    response = c.post(
        reverse("topic_status", args=["b"]), {"status": "done", "roadmap": track.slug}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="done-b" checked' in response.content.decode()
    # Someone who may not open the track gets the panel of the topic alone.
    other = _client(client, charlie).get(
        reverse("topic_detail", args=["b"]), {"roadmap": track.slug}, HTTP_HX_REQUEST="true"
    )
    assert track.slug not in other.content.decode()


def test_every_track_page_reads_in_japanese(client, cohort, alice, bob):
    from tests.test_japanese_pages import english_runs

    track, own, project = cohort["track"], cohort["own"], cohort["project"]
    for user in (alice, bob):
        user.language = "ja"
        user.save(update_fields=["language"])
    tracks.offer_track(track=track, by=bob, learners=[alice])
    offer = TrackOffer.objects.get()
    share = tracks.share(track=track, by=bob)
    # What the fixtures wrote is the mentor's own text, not the site's.
    written = ("Team ML", "Our path.", "Line two.", "Our feature store", "How we keep features.", "Design doc")
    written += ("Ship a feature", "Build it.", "It runs", "It is tested", "Alpha", "Beta", "Gamma", "Delta")
    written += ("Epsilon", "Basics", "Advanced", "Track", "bob", "alice", "Why it matters.")
    pages = {
        bob: [
            reverse("mentoring_tracks"),
            reverse("mentoring_track", args=[track.pk]),
            reverse("mentoring_track_topic_new", args=[track.pk]),
            reverse("mentoring_track_topic", args=[track.pk, own.pk]),
            reverse("mentoring_track_project", args=[track.pk, project.pk]),
            reverse("mentoring_track_preview", args=[track.pk]),
            reverse("mentoring_track_delete", args=[track.pk]),
        ],
        alice: [reverse("dashboard"), reverse("mentoring_track_offered", args=[offer.pk])],
    }
    found = {}
    for user, urls in pages.items():
        c = _client(client, user)
        for url in urls:
            response = c.get("/ja" + url)
            assert response.status_code == 200, url
            if runs := english_runs(response.content.decode(), written):
                found[url] = runs
    c = _client(client, alice)
    c.post("/ja" + reverse("mentoring_track_join", args=[share]))  # as the Japanese page's form posts it
    for url in (track.get_absolute_url(), reverse("roadmap_history", args=[track.slug])):
        if runs := english_runs(c.get("/ja" + url).content.decode(), written):
            found[url] = runs
    assert found == {}, found


def test_topics_move_within_and_across_sections(client, cohort, bob, topics):
    from roadmap.models import Placement

    track = cohort["track"]
    first, second = track.sections.order_by("order")
    content = reverse("mentoring_track_content", args=[track.pk])

    def order(section):
        return list(Placement.objects.filter(section=section).order_by("order").values_list("topic__slug", flat=True))

    c = _client(client, bob)
    c.post(content, {"action": "move-topic", "section": first.pk, "topic": topics["b"].pk, "direction": "up"})
    assert order(first) == ["b", "a", "c"]
    # From the second section's first place, up: the end of the first section.
    c.post(content, {"action": "move-topic", "section": second.pk, "topic": topics["d"].pk, "direction": "up"})
    assert order(first) == ["b", "a", "c", "d"] and order(second)[0] == "e"
    c.post(content, {"action": "move-topic", "section": first.pk, "topic": topics["d"].pk, "direction": "down"})
    assert order(first) == ["b", "a", "c"] and order(second)[:2] == ["d", "e"]
    # The first topic of the first section goes nowhere.
    c.post(content, {"action": "move-topic", "section": first.pk, "topic": topics["b"].pk, "direction": "up"})
    assert order(first) == ["b", "a", "c"]
    assert (
        'Up<span class="visually-hidden">: move Delta up'
        in c.get(reverse("mentoring_track", args=[track.pk])).content.decode()
    )


def test_the_public_portfolio_never_names_a_track(client, cohort, alice):
    from progress.models import Portfolio

    progress_services.follow_roadmap(learner=alice, roadmap=cohort["track"])
    Portfolio.objects.update_or_create(learner=alice, defaults={"public": True, "show_completion": True})
    page = client.get(reverse("portfolio", args=["alice"]))
    assert page.status_code == 200
    assert "Track" in page.content.decode() and "Team ML" not in page.content.decode()


def test_notes_and_evidence_on_an_own_topic_are_its_readers_alone(client, cohort, charlie):
    own = cohort["own"]
    c = _client(client, charlie)
    assert c.post(reverse("topic_note", args=[own.slug]), {"note": "mine"}).status_code == 404
    assert c.post(reverse("topic_evidence", args=[own.slug]), {"url": "https://example.com/x"}).status_code == 404
    assert not Progress.objects.filter(learner=charlie, topic=own).exists()


def test_a_bare_long_link_names_its_resource_within_a_titles_length(client, cohort, bob):
    link = "https://example.com/" + "a" * 400
    form = {"title": "Long", "summary": "S", "hours": "2", "resources": link}
    assert (
        _client(client, bob).post(reverse("mentoring_track_topic_new", args=[cohort["track"].pk]), form).status_code
        == 302
    )
    resource = Topic.objects.get(title="Long").resources.get()
    assert resource.url == link and resource.title == link[:200]


def test_a_mentor_sees_through_a_staff_mentee_only_the_tracks_they_follow(client, cohort, alice, bob, dave):
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    others = tracks.create_track(author=dave, title="Dave's", introduction="Private.")
    section = tracks.add_section(track=others, by=dave, title="One")
    hidden = tracks.create_own_topic(
        track=others, by=dave, section=section, spec=tracks.OwnTopic("Dave only", "S", 1, (), ())
    )
    c = _client(client, bob)
    assert c.get(reverse("mentoring_mentee_roadmap", args=["alice", others.slug])).status_code == 404
    assert c.get(reverse("mentoring_mentee_topic", args=["alice", hidden.slug])).status_code == 404


def test_an_action_on_another_tracks_section_is_refused(cohort, bob, dave, topics):
    others = tracks.create_track(author=dave, title="Dave's", introduction="Private.")
    section = tracks.add_section(track=others, by=dave, title="One")
    with pytest.raises(tracks.TrackError):
        tracks.remove_section(track=cohort["track"], by=bob, section=section)
    with pytest.raises(tracks.TrackError):
        tracks.add_topics(track=cohort["track"], by=bob, section=section, topics=[topics["e"]])
    assert others.sections.count() == 1 and not section.placements.exists()


def test_an_offer_closes_with_the_mentorship_and_is_made_again_after_an_unfollow(client, cohort, alice, bob):
    from mentoring.models import Mentorship

    track = cohort["track"]
    tracks.offer_track(track=track, by=bob, learners=[alice])
    offer = TrackOffer.objects.get()
    mentorship = Mentorship.objects.get(mentor=bob, learner=alice, status="active")
    from mentoring import services

    services.end_mentorship(mentorship=mentorship, by=alice)
    c = _client(client, alice)
    assert "offers you the track" not in c.get(reverse("dashboard")).content.decode()
    assert c.post(reverse("mentoring_track_offered", args=[offer.pk]), {"answer": "accept"}).status_code == 404
    assert not RoadmapFollow.objects.filter(learner=alice, roadmap=track).exists()
    # Mentored again, she accepts, unfollows, and can be offered it once more.
    services.accept_invite(invite=services.create_invite(created_by=bob, kind="mentor"), user=alice)
    tracks.answer_offer(offer=offer, learner=alice, accept=True)
    progress_services.unfollow_roadmap(learner=alice, roadmap=track)
    assert tracks.offer_track(track=track, by=bob, learners=[alice]) == 1
    assert TrackOffer.objects.get().status == "pending"
