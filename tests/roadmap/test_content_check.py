"""The content check: what every topic and track of the shipped content must hold.

The loader refuses what would break the site (unknown slugs, cycles, malformed
URLs); these are the editorial rules on top, run by `make test` on every change
of roadmap/content/. Links cannot be fetched here: `make linkcheck` does that
where the network is reachable.
"""

import re
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from urllib.parse import urlsplit

import pytest
from django.core.validators import URLValidator

from roadmap.content import read_content
from roadmap.services import load_content
from tests.roadmap.test_content import (
    ADDITIONS_2026,
    CAREER,
    FROM_SCRATCH_ONLY,
    MENTOR_ADDITIONS,
    REQUIRED_TOPICS,
    SCRATCH_TRACK,
    SOFTWARE_TRACK,
)

MIN_RESOURCES = 3
SUMMARY_WORDS = (40, 90)

# A resource may serve two topics only when it truly teaches both: name it here, with why.
SHARED_RESOURCES: dict[str, str] = {}

# Addresses that moved: content must use the new one.
MOVED = {
    "https://pytorch.org/docs/": "https://docs.pytorch.org/docs/",
    "https://pytorch.org/tutorials/": "https://docs.pytorch.org/tutorials/",
    "https://pytorch.org/executorch/": "https://docs.pytorch.org/executorch/",
    "https://pytorch.org/mobile/": "https://docs.pytorch.org/executorch/ (PyTorch Mobile is replaced by ExecuTorch)",
    "https://owasp.org/www-project-top-10-for-large-language-model-applications/": "https://genai.owasp.org/llm-top-10/",
    "https://skills.github.com": "https://learn.github.com/skills",
}


@pytest.fixture(scope="module")
def content():
    return read_content()


def placed(roadmap) -> list[str]:
    return [slug for section in roadmap.sections for slug in section.topics]


def same_resource(url: str) -> tuple[str, str, str]:
    """A URL as a reader would see it: host without www., path without a trailing slash."""
    parts = urlsplit(url)
    return parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/"), parts.query


def test_every_topic_has_at_least_three_distinct_https_resources(content):
    validate = URLValidator(schemes=["https"])
    problems = []
    for topic in content.topics:
        urls = [resource.url for resource in topic.resources]
        if len({same_resource(url) for url in urls}) < MIN_RESOURCES:
            problems.append(f"{topic.slug}: {len(set(urls))} distinct resources, {MIN_RESOURCES} needed")
        for url in urls:
            try:
                validate(url)
            except Exception:
                problems.append(f"{topic.slug}: not an https URL: {url}")
    assert problems == []


def test_no_resource_is_repeated_across_topics_without_an_allowance(content):
    topics_by_url = defaultdict(list)
    for topic in content.topics:
        for resource in topic.resources:
            topics_by_url[same_resource(resource.url)].append((topic.slug, resource.url))
    repeated = {}
    for uses in topics_by_url.values():
        urls = {url for _, url in uses}
        if len(uses) > 1 and not urls & SHARED_RESOURCES.keys():
            repeated[uses[0][1]] = [slug for slug, _ in uses]
    assert repeated == {}


def test_summaries_are_40_to_90_words(content):
    low, high = SUMMARY_WORDS
    lengths = {topic.slug: len(topic.summary.split()) for topic in content.topics}
    assert {slug: words for slug, words in lengths.items() if not low <= words <= high} == {}


def test_prerequisites_have_no_cycle(content):
    graph = TopologicalSorter({topic.slug: topic.prerequisites for topic in content.topics})
    try:
        graph.prepare()
    except CycleError as error:
        pytest.fail(f"prerequisite cycle: {error.args[1]}")


@pytest.mark.parametrize("track", [SOFTWARE_TRACK, SCRATCH_TRACK])
def test_every_prerequisite_is_taught_earlier_in_the_track_or_declared_assumed(content, track):
    roadmap = next(r for r in content.roadmaps if r.slug == track)
    topics = {topic.slug: topic for topic in content.topics}
    order = {slug: number for number, slug in enumerate(placed(roadmap))}
    problems = []
    for slug, number in order.items():
        for required in topics[slug].prerequisites:
            if required in roadmap.assumes:
                continue
            if required not in order:
                problems.append(f"{slug} needs {required}, which is neither in the track nor assumed")
            elif order[required] > number:
                problems.append(f"{slug} needs {required}, which comes later in the track")
    assert problems == []


def test_assumed_topics_are_taught_by_another_track(content):
    for roadmap in content.roadmaps:
        others = {slug for other in content.roadmaps if other is not roadmap for slug in placed(other)}
        assert set(roadmap.assumes) <= others, roadmap.slug


def test_the_software_track_assumes_only_what_software_engineers_know(content):
    roadmap = next(r for r in content.roadmaps if r.slug == SOFTWARE_TRACK)
    assert set(roadmap.assumes) == {"programming-basics", "command-line", "javascript"}


def test_the_from_scratch_track_is_a_superset_of_the_software_track(content):
    tracks = {roadmap.slug: set(placed(roadmap)) for roadmap in content.roadmaps}
    assert tracks[SOFTWARE_TRACK] - tracks[SCRATCH_TRACK] == set()
    assert next(r for r in content.roadmaps if r.slug == SCRATCH_TRACK).assumes == ()


@pytest.mark.parametrize("track", [SOFTWARE_TRACK, SCRATCH_TRACK])
def test_each_track_starts_with_the_role_and_ends_with_the_first_job(content, track):
    slugs = placed(next(r for r in content.roadmaps if r.slug == track))
    assert slugs[0] == "ml-engineer-role"
    assert slugs.index("ml-job-market") < slugs.index("python")
    assert slugs[-2:] == ["ml-portfolio", "ml-interviews"]


def test_no_resource_uses_an_address_that_moved(content):
    stale = [
        f"{topic.slug}: {resource.url} moved to {new}"
        for topic in content.topics
        for resource in topic.resources
        for old, new in MOVED.items()
        if resource.url.startswith(old)
    ]
    assert stale == []


def test_stale_facts_are_corrected(content):
    topics = {topic.slug: topic for topic in content.topics}
    text = {
        slug: f"{topic.title} {topic.summary} " + " ".join(r.title for r in topic.resources)
        for slug, topic in topics.items()
    }
    assert "November 2022" in topics["rapid-backend-platforms"].summary  # Heroku's free plans ended
    assert "Render" in topics["rapid-backend-platforms"].summary  # and a free alternative is named
    assert "LiteRT" in topics["tensorflow"].summary and "Keras 3" in topics["tensorflow"].summary
    assert topics["tensorflow-lite"].title.startswith("LiteRT")
    assert [slug for slug, words in text.items() if re.search(r"SageMaker(?! AI)", words)] == []
    assert [slug for slug, words in text.items() if "TorchServe" in words] == []  # archived in 2025
    assert topics["numpy"].prerequisites == ("python",)  # not 25 hours of linear algebra first
    job_market = topics["ml-job-market"].summary
    assert "USD 131,000" in job_market and "JPY 6,000,000" in job_market and "Glassdoor" in job_market


def test_every_promised_topic_is_findable_by_name_on_the_public_roadmap_pages(client, db):
    load_content(content=read_content())
    html = " ".join(
        client.get(f"/roadmaps/{track}/?view=list").content.decode() for track in (SOFTWARE_TRACK, SCRATCH_TRACK)
    )
    text = re.sub(r"<[^>]+>", " ", html)
    names = REQUIRED_TOPICS + FROM_SCRATCH_ONLY + MENTOR_ADDITIONS + CAREER + ADDITIONS_2026
    missing = [name for name in names if not re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", text, re.I)]
    assert missing == []
