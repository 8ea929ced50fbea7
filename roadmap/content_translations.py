"""The content in other languages: ``roadmap/content/<code>/`` holds, for every
language of settings.LANGUAGES but English, the same files as the English,
keyed by slug and holding only the text:

- ``topics.yaml``: ``topics: {<slug>: {title, summary}}``;
- ``projects.yaml``: ``projects: {<slug>: {title, brief, criteria: [...]}}``,
  the criteria in the English order, as many;
- ``roadmaps/<slug>.yaml``: ``{title, audience, summary, sections: {<slug>: {title, summary}}}``.

Content without any such folder (a test's) is English only. Once one exists,
every language needs its own and every text in it: a slug missing, a text
empty, a criterion too few or a slug the English does not have is an error
naming the file and slug, and nothing is loaded."""

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml
from django.conf import settings

TOPIC_FIELDS = ("title", "summary")
PROJECT_FIELDS = ("title", "brief")
ROADMAP_FIELDS = ("title", "audience", "summary")
SECTION_FIELDS = ("title", "summary")
# Where a line of a wrapped paragraph ends or starts with a Japanese character, no space joins them.
_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def other_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def text(value) -> str:
    """A text as written: paragraphs kept (a blank line apart), each paragraph's
    lines joined (with a space between Latin words, none beside a wide character)."""
    if not isinstance(value, str):
        return ""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", value.strip()):
        joined = ""
        for line in paragraph.split("\n"):
            line = " ".join(line.split())
            if joined and line:
                joined += line if _WIDE.match(line[0]) or _WIDE.match(joined[-1]) else " " + line
            else:
                joined += line
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


class _Reading:
    def __init__(self, directory: Path, code: str, error: Callable[[str, str | None, str], None]):
        self.directory, self.code, self.report = directory / code, code, error

    def where(self, path: Path) -> str:
        return path.relative_to(self.directory.parent).as_posix()

    def load(self, path: Path, key: str | None) -> dict | None:
        if not path.is_file():
            self.report(self.where(path), None, "file not found: every text needs its translation")
            return None
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            self.report(self.where(path), None, f"cannot be read: {exc}")
            return None
        items = data.get(key) if key and isinstance(data, dict) else data
        if not isinstance(items, dict):
            self.report(self.where(path), None, f"must be a mapping{f' under {key!r}' if key else ''}")
            return None
        return items

    def texts(self, where: str, slug: str, item, fields, english) -> dict[str, str]:
        if not isinstance(item, dict):
            self.report(where, slug, f"missing: no {self.code} translation")
            return {}
        texts = {}
        for name in fields:
            if not getattr(english, name):
                continue  # nothing to translate (an optional English text left empty)
            texts[name] = text(item.get(name))
            if not texts[name]:
                self.report(where, slug, f"'{name}' is missing or empty in {self.code}")
        return texts

    def unknown(self, where: str, items: dict, known: set[str], what: str) -> None:
        for slug in sorted(set(items) - known):
            self.report(where, slug, f"translates no {what} of the English content")


def read_translations(directory: Path, content, error: Callable[[str, str | None, str], None]) -> None:
    """Attach each language's texts to `content`'s specs (their `translations`),
    reporting every problem through `error(file, slug, problem)`."""
    languages = other_languages()
    if not any((directory / code).is_dir() for code in languages):
        return
    for code in languages:
        reading = _Reading(directory, code, error)
        topics_path = reading.directory / "topics.yaml"
        items = reading.load(topics_path, "topics") or {}
        where = reading.where(topics_path)
        reading.unknown(where, items, {t.slug for t in content.topics}, "topic")
        content.topics = [
            replace(
                t,
                translations={**t.translations, code: reading.texts(where, t.slug, items.get(t.slug), TOPIC_FIELDS, t)},
            )
            for t in content.topics
        ]
        if content.projects:
            projects_path = reading.directory / "projects.yaml"
            items = reading.load(projects_path, "projects") or {}
            where = reading.where(projects_path)
            reading.unknown(where, items, {p.slug for p in content.projects}, "project")
            projects = []
            for project in content.projects:
                item = items.get(project.slug)
                texts = reading.texts(where, project.slug, item, PROJECT_FIELDS, project)
                criteria = item.get("criteria") if isinstance(item, dict) else None
                criteria = [text(c) for c in criteria] if isinstance(criteria, list) else []
                if item is not None and (len(criteria) != len(project.criteria) or not all(criteria)):
                    error(
                        where, project.slug, f"needs {len(project.criteria)} criteria in {code}, in the English order"
                    )
                texts["criteria"] = tuple(criteria)
                projects.append(replace(project, translations={**project.translations, code: texts}))
            content.projects = projects
        roadmaps = []
        for roadmap in content.roadmaps:
            path = reading.directory / "roadmaps" / f"{roadmap.slug}.yaml"
            data = reading.load(path, None) or {}
            where = reading.where(path)
            texts = reading.texts(where, roadmap.slug, data, ROADMAP_FIELDS, roadmap) if data else {}
            raw_sections = data.get("sections") if isinstance(data.get("sections"), dict) else {}
            if data and not raw_sections:
                error(where, roadmap.slug, "must have its 'sections' by slug")
            reading.unknown(where, raw_sections, {s.slug for s in roadmap.sections}, "section")
            sections = (
                tuple(
                    replace(
                        section,
                        translations={
                            **section.translations,
                            code: reading.texts(
                                where, section.slug, raw_sections.get(section.slug), SECTION_FIELDS, section
                            ),
                        },
                    )
                    for section in roadmap.sections
                )
                if raw_sections
                else roadmap.sections
            )
            roadmaps.append(replace(roadmap, sections=sections, translations={**roadmap.translations, code: texts}))
        content.roadmaps = roadmaps
