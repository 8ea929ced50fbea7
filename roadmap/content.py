"""The roadmap content files: reading and validating them, and writing them back.

Files live in ``roadmap/content/``: ``topics.yaml`` holds every topic,
``projects.yaml`` every hands-on project, and ``roadmaps/<slug>.yaml`` one
roadmap each, placing topics and projects into sections by slug; each other
language's texts are in ``<code>/`` (roadmap.content_translations).
Everything is validated before anything is written, and every problem is
reported with its file, slug and what is wrong.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from roadmap.content_translations import (
    PROJECT_FIELDS,
    ROADMAP_FIELDS,
    SECTION_FIELDS,
    TOPIC_FIELDS,
    other_languages,
    read_translations,
)
from roadmap.models import ResourceKind

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "content"
TOPICS_FILE = "topics.yaml"
PROJECTS_FILE = "projects.yaml"
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
    # By language code, the text fields in that language (roadmap.content_translations).
    translations: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class DatasetSpec:
    title: str
    url: str


@dataclass(frozen=True)
class ProjectSpec:
    slug: str
    title: str
    brief: str
    hours: int
    criteria: tuple[str, ...]
    datasets: tuple[DatasetSpec, ...] = ()
    tools: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # By language code, the text fields in that language (roadmap.content_translations).
    translations: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    title: str
    summary: str
    topics: tuple[str, ...]
    projects: tuple[str, ...] = ()
    # By language code, the text fields in that language (roadmap.content_translations).
    translations: dict = field(default_factory=dict, hash=False)


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
    # By language code, the text fields in that language (roadmap.content_translations).
    translations: dict = field(default_factory=dict, hash=False)


@dataclass
class Content:
    topics: list[TopicSpec] = field(default_factory=list)
    roadmaps: list[RoadmapSpec] = field(default_factory=list)
    projects: list[ProjectSpec] = field(default_factory=list)


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

    def slug_list(self, where, slug, data, key, *, of="topic slugs") -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(where, slug, f"'{key}' must be a list of {of}")
            return ()
        return tuple(value)

    def hours(self, where, slug, data) -> int:
        hours = data.get("hours")
        if hours is None:
            self.error(where, slug, "missing required field 'hours'")
        elif not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_HOURS:
            self.error(where, slug, f"'hours' must be a whole number from 1 to {MAX_HOURS}")
        return hours if isinstance(hours, int) and not isinstance(hours, bool) else 0

    def url(self, where, slug, url: str, what: str) -> None:
        if url:
            try:
                _url_validator(url)
            except ValidationError:
                self.error(where, slug, f"{what} has a malformed URL: {url!r}")


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
        hours = reader.hours(where, slug, item)
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
            reader.url(where, slug, url, f"resource {number}")
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
                hours=hours,
                prerequisites=reader.slug_list(where, slug, item, "prerequisites"),
                resources=tuple(resources),
            )
        )
    return topics


MAX_CRITERION_LENGTH = 300


def _read_projects(path: Path, reader: _Reader) -> list[ProjectSpec]:
    data = _load_yaml(path, reader)
    if data is None:
        return []
    where = path.name
    items = data.get("projects")
    if not isinstance(items, list):
        reader.error(where, None, "must have a 'projects' list")
        return []
    projects = []
    for item in items:
        slug = reader.slug(where, item, "a project")
        if slug is None:
            continue
        raw_criteria = item.get("criteria")
        if not isinstance(raw_criteria, list) or not raw_criteria or not all(isinstance(c, str) for c in raw_criteria):
            reader.error(where, slug, "'criteria' must be a non-empty list of texts")
            raw_criteria = []
        criteria = tuple(" ".join(c.split()) for c in raw_criteria)
        for number, criterion in enumerate(criteria, start=1):
            if not criterion or len(criterion) > MAX_CRITERION_LENGTH:
                reader.error(where, slug, f"criterion {number} must have 1 to {MAX_CRITERION_LENGTH} characters")
        datasets = []
        raw_datasets = item.get("datasets") or []
        if not isinstance(raw_datasets, list):
            reader.error(where, slug, "'datasets' must be a list")
            raw_datasets = []
        for number, raw in enumerate(raw_datasets, start=1):
            if not isinstance(raw, dict):
                reader.error(where, slug, f"data set {number} must be a mapping with title and url")
                continue
            url = reader.text(where, slug, raw, "url")
            reader.url(where, slug, url, f"data set {number}")
            datasets.append(DatasetSpec(title=reader.text(where, slug, raw, "title"), url=url))
        projects.append(
            ProjectSpec(
                slug=slug,
                title=reader.text(where, slug, item, "title"),
                brief=reader.text(where, slug, item, "brief"),
                hours=reader.hours(where, slug, item),
                criteria=criteria,
                datasets=tuple(datasets),
                tools=reader.slug_list(where, slug, item, "tools", of="tool names"),
                # A set: their order carries no meaning (pages list them by title).
                topics=tuple(sorted(reader.slug_list(where, slug, item, "topics"))),
            )
        )
    return projects


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
                projects=reader.slug_list(where, section_slug, raw, "projects", of="project slugs"),
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
    _check_projects(content, reader, topic_slugs=seen)


def _check_projects(content: Content, reader: _Reader, *, topic_slugs: set[str]) -> None:
    projects = {}
    for project in content.projects:
        if project.slug in projects:
            reader.error(PROJECTS_FILE, project.slug, "duplicate project slug")
        projects[project.slug] = project
        for topic_slug in project.topics:
            if topic_slug not in topic_slugs:
                reader.error(PROJECTS_FILE, project.slug, f"unknown topic '{topic_slug}'")
    placed: set[str] = set()
    for roadmap in content.roadmaps:
        where = f"{ROADMAPS_DIR}/{roadmap.slug}.yaml"
        in_roadmap = {topic for section in roadmap.sections for topic in section.topics}
        seen_here: set[str] = set()
        for section in roadmap.sections:
            for project_slug in section.projects:
                project = projects.get(project_slug)
                if project is None:
                    reader.error(where, section.slug, f"unknown project '{project_slug}'")
                    continue
                if project_slug in seen_here:
                    reader.error(where, section.slug, f"project '{project_slug}' is placed twice in this roadmap")
                seen_here.add(project_slug)
                for topic_slug in sorted(set(project.topics) - in_roadmap - set(roadmap.assumes)):
                    reader.error(
                        where, section.slug, f"project '{project_slug}' exercises '{topic_slug}', not in this roadmap"
                    )
        placed |= seen_here
    for project in content.projects:
        if project.slug not in placed:
            reader.error(
                PROJECTS_FILE, project.slug, "is not placed in any roadmap (remove it from projects.yaml to retire it)"
            )


def read_content(directory: Path = DEFAULT_DIRECTORY) -> Content:
    """Read and validate the content files; raise ContentError listing every problem."""
    reader = _Reader()
    directory = Path(directory)
    topics_path = directory / TOPICS_FILE
    if not topics_path.is_file():
        raise ContentError([f"{TOPICS_FILE}: (no slug): file not found in {directory}"])
    content = Content(topics=_read_topics(topics_path, reader))
    # Projects are optional: content without them (older content, test fixtures) still loads.
    if (projects_path := directory / PROJECTS_FILE).is_file():
        content.projects = _read_projects(projects_path, reader)
    roadmap_paths = sorted((directory / ROADMAPS_DIR).glob("*.yaml"))
    if not roadmap_paths:
        reader.error(ROADMAPS_DIR, None, f"no roadmap files found in {directory / ROADMAPS_DIR}")
    for path in roadmap_paths:
        if roadmap := _read_roadmap(path, reader):
            content.roadmaps.append(roadmap)
    if not reader.errors:
        _check_references(content, reader)
        read_translations(directory, content, reader.error)
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
    if content.projects:
        projects = []
        for project in sorted(content.projects, key=lambda p: p.slug):
            projects.append(
                {
                    "slug": project.slug,
                    "title": project.title,
                    "brief": project.brief,
                    "hours": project.hours,
                    "criteria": list(project.criteria),
                    "datasets": [{"title": d.title, "url": d.url} for d in project.datasets],
                    "tools": _FlowList(project.tools),
                    "topics": _FlowList(project.topics),
                }
            )
        header = "# Every project of MLE Path. Slugs are permanent: learners' work is keyed on them.\n"
        path = directory / PROJECTS_FILE
        path.write_text(header + _dump({"projects": projects}), encoding="utf-8")
        written.append(path)
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
                {
                    "slug": s.slug,
                    "title": s.title,
                    "summary": s.summary,
                    "topics": list(s.topics),
                    **({"projects": list(s.projects)} if s.projects else {}),
                }
                for s in roadmap.sections
            ],
        }
        path = directory / ROADMAPS_DIR / f"{roadmap.slug}.yaml"
        path.write_text(_dump(data), encoding="utf-8")
        written.append(path)
    for code in other_languages():
        written += _write_translations(content, directory / code, code)
    return written


def _write_translations(content: Content, directory: Path, code: str) -> list[Path]:
    """One language's texts, in the files roadmap.content_translations reads (none without them)."""
    if not any(code in topic.translations for topic in content.topics):
        return []
    (directory / ROADMAPS_DIR).mkdir(parents=True, exist_ok=True)
    # What has no translation yet (a topic added in the admin) is left out: the
    # content check then names it, as loadroadmap would refuse it. The fields go
    # in the files' own order, whatever order the database keeps them in
    # (PostgreSQL's jsonb sorts a mapping's keys).

    def texts(translations: dict, fields: tuple[str, ...]) -> dict:
        return {name: translations[code][name] for name in fields if name in translations.get(code, {})}

    files = {
        directory / TOPICS_FILE: {
            "topics": {
                t.slug: texts(t.translations, TOPIC_FIELDS)
                for t in sorted(content.topics, key=lambda t: t.slug)
                if code in t.translations
            }
        }
    }
    if content.projects:
        files[directory / PROJECTS_FILE] = {
            "projects": {
                p.slug: {
                    **texts(p.translations, PROJECT_FIELDS),
                    "criteria": list(p.translations[code].get("criteria", ())),
                }
                for p in sorted(content.projects, key=lambda p: p.slug)
                if code in p.translations
            }
        }
    for roadmap in content.roadmaps:
        files[directory / ROADMAPS_DIR / f"{roadmap.slug}.yaml"] = {
            **texts(roadmap.translations, ROADMAP_FIELDS),
            "sections": {
                s.slug: texts(s.translations, SECTION_FIELDS) for s in roadmap.sections if code in s.translations
            },
        }
    name = dict(settings.LANGUAGES)[code]
    headers = {
        TOPICS_FILE: "every topic's title and summary",
        PROJECTS_FILE: "every project's title, brief and acceptance criteria (in the English order)",
    }
    for path, data in files.items():
        source = path.relative_to(directory).as_posix()
        what = headers.get(source, "this roadmap's title, audience, introduction and sections")
        header = f"# {name} ({code}): {what}, by slug as in ../{'../' if '/' in source else ''}{source}."
        path.write_text(
            f"{header} The content check fails on a slug missing, empty or unknown here.\n" + _dump(data),
            encoding="utf-8",
        )
    return list(files)
