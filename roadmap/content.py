"""The roadmap content files: reading and validating them, and writing them back.

Files live in ``roadmap/content/``: ``topics.yaml`` holds every topic, and
``roadmaps/<slug>.yaml`` one roadmap each, placing topics into sections by slug.
Everything is validated before anything is written, and every problem is
reported with its file, slug and what is wrong.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from roadmap.models import ResourceKind

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "content"
TOPICS_FILE = "topics.yaml"
ROADMAPS_DIR = "roadmaps"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_HOURS = 500

_url_validator = URLValidator(schemes=["https", "http"])


@dataclass(frozen=True)
class ResourceSpec:
    title: str
    url: str
    kind: str


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    title: str
    summary: str
    hours: int
    prerequisites: tuple[str, ...] = ()
    resources: tuple[ResourceSpec, ...] = ()


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    title: str
    summary: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class RoadmapSpec:
    slug: str
    title: str
    audience: str
    summary: str
    order: int
    published: bool
    sections: tuple[SectionSpec, ...]
    # Topics the roadmap expects its learners to know already, taught by another
    # roadmap: what builds on them here is next without them.
    assumes: tuple[str, ...] = ()


@dataclass
class Content:
    topics: list[TopicSpec] = field(default_factory=list)
    roadmaps: list[RoadmapSpec] = field(default_factory=list)


class ContentError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class _Reader:
    """Collects every problem instead of stopping at the first one."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, where: str, slug: str | None, problem: str) -> None:
        self.errors.append(f"{where}: {slug or '(no slug)'}: {problem}")

    def text(self, where, slug, data, key, *, required=True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(where, slug, f"missing required field '{key}'")
            return ""
        if not isinstance(value, str):
            self.error(where, slug, f"'{key}' must be text")
            return ""
        return " ".join(value.split())

    def slug(self, where, data, what) -> str | None:
        slug = data.get("slug") if isinstance(data, dict) else None
        if not isinstance(slug, str) or not slug:
            self.error(where, None, f"{what} is missing required field 'slug'")
            return None
        if not SLUG_RE.match(slug):
            self.error(where, slug, "slug must be lowercase letters, digits and single hyphens")
        return slug

    def slug_list(self, where, slug, data, key) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(where, slug, f"'{key}' must be a list of topic slugs")
            return ()
        return tuple(value)


def _load_yaml(path: Path, reader: _Reader) -> dict | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reader.error(path.name, None, f"cannot be read: {exc}")
        return None
    if not isinstance(data, dict):
        reader.error(path.name, None, "must be a mapping at the top level")
        return None
    return data


def _read_topics(path: Path, reader: _Reader) -> list[TopicSpec]:
    data = _load_yaml(path, reader)
    if data is None:
        return []
    where = path.name
    items = data.get("topics")
    if not isinstance(items, list):
        reader.error(where, None, "must have a 'topics' list")
        return []
    topics = []
    for item in items:
        slug = reader.slug(where, item, "a topic")
        if slug is None:
            continue
        hours = item.get("hours")
        if hours is None:
            reader.error(where, slug, "missing required field 'hours'")
        elif not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_HOURS:
            reader.error(where, slug, f"'hours' must be a whole number from 1 to {MAX_HOURS}")
        resources = []
        raw_resources = item.get("resources") or []
        if not isinstance(raw_resources, list):
            reader.error(where, slug, "'resources' must be a list")
            raw_resources = []
        for number, raw in enumerate(raw_resources, start=1):
            if not isinstance(raw, dict):
                reader.error(where, slug, f"resource {number} must be a mapping with title, url and kind")
                continue
            title = reader.text(where, slug, raw, "title")
            url = reader.text(where, slug, raw, "url")
            kind = raw.get("kind")
            if url:
                try:
                    _url_validator(url)
                except ValidationError:
                    reader.error(where, slug, f"resource {number} has a malformed URL: {url!r}")
            if kind not in ResourceKind.values:
                reader.error(where, slug, f"resource {number} kind must be one of {', '.join(ResourceKind.values)}")
            resources.append(ResourceSpec(title=title, url=url, kind=str(kind)))
        urls = [resource.url for resource in resources]
        for url in {url for url in urls if urls.count(url) > 1}:
            reader.error(where, slug, f"resource URL listed twice: {url}")
        topics.append(
            TopicSpec(
                slug=slug,
                title=reader.text(where, slug, item, "title"),
                summary=reader.text(where, slug, item, "summary"),
                hours=hours if isinstance(hours, int) else 0,
                prerequisites=reader.slug_list(where, slug, item, "prerequisites"),
                resources=tuple(resources),
            )
        )
    return topics


def _read_roadmap(path: Path, reader: _Reader) -> RoadmapSpec | None:
    data = _load_yaml(path, reader)
    if data is None:
        return None
    where = f"{ROADMAPS_DIR}/{path.name}"
    slug = reader.slug(where, data, "the roadmap")
    if slug is None:
        return None
    if path.stem != slug:
        reader.error(where, slug, f"file name must match the slug ({slug}.yaml)")
    sections = []
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        reader.error(where, slug, "must have a non-empty 'sections' list")
        raw_sections = []
    for raw in raw_sections:
        section_slug = reader.slug(where, raw, "a section")
        if section_slug is None:
            continue
        sections.append(
            SectionSpec(
                slug=section_slug,
                title=reader.text(where, section_slug, raw, "title"),
                summary=reader.text(where, section_slug, raw, "summary", required=False),
                topics=reader.slug_list(where, section_slug, raw, "topics"),
            )
        )
    order = data.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        reader.error(where, slug, "'order' must be a whole number, 0 or more")
        order = 0
    published = data.get("published", True)
    if not isinstance(published, bool):
        reader.error(where, slug, "'published' must be true or false")
        published = True
    return RoadmapSpec(
        slug=slug,
        title=reader.text(where, slug, data, "title"),
        audience=reader.text(where, slug, data, "audience"),
        summary=reader.text(where, slug, data, "summary"),
        order=order,
        published=published,
        sections=tuple(sections),
        assumes=reader.slug_list(where, slug, data, "assumes"),
    )


def _find_cycle(topics: list[TopicSpec]) -> list[str] | None:
    """Return one prerequisite cycle as a list of slugs, or None."""
    graph = {topic.slug: topic.prerequisites for topic in topics}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(slug, path):
        state[slug] = 1
        for required in graph.get(slug, ()):
            if state.get(required) == 1:  # back on the current path: a cycle
                return [*path[path.index(required) :], required]
            if required in graph and required not in state and (cycle := visit(required, [*path, required])):
                return cycle
        state[slug] = 2
        return None

    for slug in graph:
        if slug not in state and (cycle := visit(slug, [slug])):
            return cycle
    return None


def _check_references(content: Content, reader: _Reader) -> None:
    seen: set[str] = set()
    for topic in content.topics:
        if topic.slug in seen:
            reader.error(TOPICS_FILE, topic.slug, "duplicate topic slug")
        seen.add(topic.slug)
    for topic in content.topics:
        for required in topic.prerequisites:
            if required not in seen:
                reader.error(TOPICS_FILE, topic.slug, f"unknown prerequisite '{required}'")
            elif required == topic.slug:
                reader.error(TOPICS_FILE, topic.slug, "a topic cannot be its own prerequisite")
        if len(set(topic.prerequisites)) != len(topic.prerequisites):
            reader.error(TOPICS_FILE, topic.slug, "prerequisite listed twice")
    if cycle := _find_cycle(content.topics):
        reader.error(TOPICS_FILE, cycle[0], f"prerequisite cycle: {' -> '.join(cycle)}")

    placed: set[str] = set()
    roadmap_slugs: set[str] = set()
    for roadmap in content.roadmaps:
        where = f"{ROADMAPS_DIR}/{roadmap.slug}.yaml"
        if roadmap.slug in roadmap_slugs:
            reader.error(where, roadmap.slug, "duplicate roadmap slug")
        roadmap_slugs.add(roadmap.slug)
        section_slugs: set[str] = set()
        in_roadmap: set[str] = set()
        for section in roadmap.sections:
            if section.slug in section_slugs:
                reader.error(where, section.slug, "duplicate section slug")
            section_slugs.add(section.slug)
            if not section.topics:
                reader.error(where, section.slug, "section has no topics")
            for topic_slug in section.topics:
                if topic_slug not in seen:
                    reader.error(where, section.slug, f"unknown topic '{topic_slug}'")
                elif topic_slug in in_roadmap:
                    reader.error(where, section.slug, f"topic '{topic_slug}' is placed twice in this roadmap")
                in_roadmap.add(topic_slug)
        for topic_slug in roadmap.assumes:
            if topic_slug not in seen:
                reader.error(where, roadmap.slug, f"unknown assumed topic '{topic_slug}'")
            elif topic_slug in in_roadmap:
                reader.error(where, roadmap.slug, f"topic '{topic_slug}' is both placed in and assumed by this roadmap")
        if len(set(roadmap.assumes)) != len(roadmap.assumes):
            reader.error(where, roadmap.slug, "assumed topic listed twice")
        placed |= in_roadmap
    for topic in content.topics:
        if topic.slug not in placed:
            reader.error(
                TOPICS_FILE, topic.slug, "is not placed in any roadmap (remove it from topics.yaml to retire it)"
            )


def read_content(directory: Path = DEFAULT_DIRECTORY) -> Content:
    """Read and validate the content files; raise ContentError listing every problem."""
    reader = _Reader()
    directory = Path(directory)
    topics_path = directory / TOPICS_FILE
    if not topics_path.is_file():
        raise ContentError([f"{TOPICS_FILE}: (no slug): file not found in {directory}"])
    content = Content(topics=_read_topics(topics_path, reader))
    roadmap_paths = sorted((directory / ROADMAPS_DIR).glob("*.yaml"))
    if not roadmap_paths:
        reader.error(ROADMAPS_DIR, None, f"no roadmap files found in {directory / ROADMAPS_DIR}")
    for path in roadmap_paths:
        if roadmap := _read_roadmap(path, reader):
            content.roadmaps.append(roadmap)
    if not reader.errors:
        _check_references(content, reader)
    if reader.errors:
        raise ContentError(reader.errors)
    return content


# --- Writing --------------------------------------------------------------


class _FlowList(list):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_FlowList, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, True))


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)


def write_content(content: Content, directory: Path) -> list[Path]:
    """Write content in the canonical file format; return the files written."""
    directory = Path(directory)
    (directory / ROADMAPS_DIR).mkdir(parents=True, exist_ok=True)
    topics = []
    for topic in sorted(content.topics, key=lambda t: t.slug):
        item = {"slug": topic.slug, "title": topic.title, "summary": topic.summary, "hours": topic.hours}
        if topic.prerequisites:
            item["prerequisites"] = _FlowList(topic.prerequisites)
        item["resources"] = [{"title": r.title, "url": r.url, "kind": r.kind} for r in topic.resources]
        topics.append(item)
    header = "# Every topic of MLE Path. Slugs are permanent: learners' progress is keyed on them.\n"
    written = [directory / TOPICS_FILE]
    written[0].write_text(header + _dump({"topics": topics}), encoding="utf-8")
    for roadmap in content.roadmaps:
        data = {
            "slug": roadmap.slug,
            "title": roadmap.title,
            "audience": roadmap.audience,
            "summary": roadmap.summary,
            "order": roadmap.order,
            "published": roadmap.published,
            **({"assumes": _FlowList(sorted(roadmap.assumes))} if roadmap.assumes else {}),
            "sections": [
                {"slug": s.slug, "title": s.title, "summary": s.summary, "topics": list(s.topics)}
                for s in roadmap.sections
            ],
        }
        path = directory / ROADMAPS_DIR / f"{roadmap.slug}.yaml"
        path.write_text(_dump(data), encoding="utf-8")
        written.append(path)
    return written
