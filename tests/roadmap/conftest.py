from pathlib import Path

import pytest
import yaml


def topic(slug, *, title=None, prerequisites=(), hours=3, resources=None, summary=None):
    return {
        "slug": slug,
        "title": title or slug.replace("-", " ").capitalize(),
        "summary": summary or f"What {slug} is. Why it matters.",
        "hours": hours,
        "prerequisites": list(prerequisites),
        "resources": resources
        or [
            {"title": f"{slug} docs", "url": f"https://docs.example.org/{slug}/", "kind": "docs"},
            {"title": f"{slug} course", "url": f"https://learn.example.org/{slug}", "kind": "course"},
        ],
    }


def roadmap(slug, sections, *, title=None, order=1):
    return {
        "slug": slug,
        "title": title or slug.replace("-", " ").capitalize(),
        "audience": "For testers.",
        "summary": "A roadmap for tests.",
        "order": order,
        "published": True,
        "sections": [
            {"slug": section_slug, "title": section_slug.capitalize(), "summary": "", "topics": list(topics)}
            for section_slug, topics in sections
        ],
    }


class ContentFiles:
    """Writes content files into a temporary folder, as an editor would."""

    def __init__(self, directory: Path):
        self.directory = directory
        (directory / "roadmaps").mkdir(parents=True, exist_ok=True)

    def write(self, topics, roadmaps, projects=None):
        (self.directory / "topics.yaml").write_text(yaml.safe_dump({"topics": topics}, sort_keys=False))
        if projects is not None:
            (self.directory / "projects.yaml").write_text(yaml.safe_dump({"projects": projects}, sort_keys=False))
        for old in (self.directory / "roadmaps").glob("*.yaml"):
            old.unlink()
        for item in roadmaps:
            (self.directory / "roadmaps" / f"{item['slug']}.yaml").write_text(yaml.safe_dump(item, sort_keys=False))
        return self.directory


@pytest.fixture
def content_files(tmp_path):
    return ContentFiles(tmp_path / "content")


def small_content(n_topics=3, slug="track"):
    topics = [topic(f"topic-{i}", prerequisites=[f"topic-{i - 1}"] if i else []) for i in range(n_topics)]
    return topics, [roadmap(slug, [("basics", [t["slug"] for t in topics])])]


def project(slug, *, topics=("a",), criteria=None, hours=6, title=None):
    return {
        "slug": slug,
        "title": title or slug.replace("-", " ").capitalize(),
        "brief": f"Build {slug} with public data and show what you learned.",
        "hours": hours,
        "criteria": criteria or [f"{slug} runs from a clean clone.", f"{slug} has a README with results."],
        "datasets": [{"title": f"{slug} data", "url": f"https://data.example.org/{slug}"}],
        "tools": ["pandas", "scikit-learn"],
        "topics": list(topics),
    }
