"""The shipped content: every topic the path promises is there, complete and well-formed."""

import re

import pytest

from roadmap.content import read_content

REQUIRED_TOPICS = [
    # The role
    "What an ML engineer does",
    "End-to-end ML systems",
    "Architecture and design of ML systems",
    "A/B testing",
    "Data logging",
    "Security of ML systems",
    # Software engineering practice
    "Version control",
    "Agile practices",
    "IDEs and developer tools",
    "Continuous integration and deployment",
    "Working with production systems",
    # ML basics
    "Supervised learning",
    "Unsupervised learning",
    "Regression",
    "Classification",
    "Computer vision",
    "Natural language processing",
    "Classical machine learning versus deep learning",
    # Languages
    "Python",
    "JavaScript / TypeScript for models in the browser",
    "Model deployment from Go, Java and C",
    # Frameworks
    "TensorFlow",
    "TensorFlow.js",
    "TensorFlow Lite",
    "PyTorch",
    "PyTorch on mobile",
    "scikit-learn",
    "XGBoost",
]
FROM_SCRATCH_ONLY = ["Programming basics", "JavaScript", "Firebase", "Heroku", "Vue", "React", "Svelte", "Flutter"]
# Names the source post and the 2026 content issue (#15) promise, each findable by name.
CAREER = ["Salaries", "job market", "Building a portfolio", "Interview preparation"]
ADDITIONS_2026 = [
    "Retrieval-augmented generation",
    "RAG",
    "Embeddings",
    "Vector search",
    "Evaluating LLM applications",
    "Fine-tuning LLMs with LoRA",
    "Serving LLMs",
    "Explainability",
    "SHAP",
    "LIME",
    "Hyperparameter tuning",
    "Feature stores",
    "Model registries",
    "Distributed and GPU training",
    "Batch data processing",
    "Streaming data processing",
    "LiteRT",
]
MENTOR_ADDITIONS = [
    "Linear algebra",
    "Statistics",
    "NumPy",
    "pandas",
    "Model evaluation",
    "Experiment tracking",
    "Model serving",
    "Monitoring",
]
SOFTWARE_TRACK = "ml-engineer-for-software-engineers"
SCRATCH_TRACK = "ml-engineer-from-scratch"


@pytest.fixture(scope="module")
def content():
    return read_content()


def titles_in(content, roadmap_slug=None):
    topics = {t.slug: t for t in content.topics}
    if roadmap_slug is None:
        return [t.title for t in content.topics]
    roadmap = next(r for r in content.roadmaps if r.slug == roadmap_slug)
    return [topics[slug].title for section in roadmap.sections for slug in section.topics]


def find(titles, name):
    return [title for title in titles if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", title, re.IGNORECASE)]


def test_both_tracks_are_shipped_and_published(content):
    slugs = {r.slug: r for r in content.roadmaps}
    assert set(slugs) == {SOFTWARE_TRACK, SCRATCH_TRACK}
    assert all(r.published for r in content.roadmaps)
    assert slugs[SOFTWARE_TRACK].title == "ML Engineer for software engineers"
    assert slugs[SCRATCH_TRACK].title == "ML Engineer from scratch"


@pytest.mark.parametrize("name", REQUIRED_TOPICS + MENTOR_ADDITIONS + CAREER + ADDITIONS_2026)
def test_every_promised_topic_is_findable_by_name(content, name):
    assert find(titles_in(content), name), f"no topic titled like {name!r}"


@pytest.mark.parametrize("name", FROM_SCRATCH_ONLY)
def test_from_scratch_topics_are_in_the_from_scratch_track_only(content, name):
    found = find(titles_in(content, SCRATCH_TRACK), name)
    # "JavaScript" also matches "JavaScript / TypeScript for models in the browser",
    # which both tracks share; the from-scratch topic is the one titled plainly.
    found = [title for title in found if title == name] or found
    assert found, name
    assert not set(found) & set(titles_in(content, SOFTWARE_TRACK)), f"{name} should be in the from-scratch track only"


def test_the_from_scratch_track_starts_with_programming_foundations(content):
    titles = titles_in(content, SCRATCH_TRACK)
    assert titles.index(find(titles, "Programming basics")[0]) < titles.index(find(titles, "Supervised learning")[0])


def test_every_topic_is_complete(content):
    problems = []
    for topic in content.topics:
        sentences = len(re.findall(r"[.!?](?:\s|$)", topic.summary))
        if not 2 <= sentences <= 4:
            problems.append(f"{topic.slug}: summary has {sentences} sentences")
        if not 1 <= topic.hours <= 200:
            problems.append(f"{topic.slug}: hours {topic.hours}")
    assert problems == []


def test_roadmap_summaries_are_two_to_four_sentences(content):
    for roadmap in content.roadmaps:
        assert 2 <= len(re.findall(r"[.!?](?:\s|$)", roadmap.summary)) <= 4, roadmap.slug
