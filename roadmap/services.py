"""Writes to the roadmap content. Learner progress is never touched here: topics
are retired, not deleted, so every tick and note on them survives."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import translation

from roadmap import signals, tasks
from roadmap.content import Content, ProjectSpec, RoadmapSpec, TopicSpec
from roadmap.models import (
    ContentVersion,
    Placement,
    Prerequisite,
    Project,
    ProjectCriterion,
    ProjectDataset,
    ProjectPlacement,
    Resource,
    Roadmap,
    Section,
    Topic,
)


@dataclass
class LoadReport:
    topics: Counter = field(default_factory=Counter)
    roadmaps: Counter = field(default_factory=Counter)
    sections: Counter = field(default_factory=Counter)
    projects: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(
            count
            for counter in (self.topics, self.roadmaps, self.sections, self.projects)
            for outcome, count in counter.items()
            if outcome != "unchanged"
        )

    def lines(self) -> list[str]:
        def line(name, counter, outcomes):
            return f"{name}: " + ", ".join(f"{counter[outcome]} {outcome}" for outcome in outcomes)

        return [
            line("Topics", self.topics, ("created", "updated", "retired", "unchanged")),
            line("Roadmaps", self.roadmaps, ("created", "updated", "retired", "unchanged")),
            line("Sections", self.sections, ("created", "updated", "removed", "unchanged")),
            line("Projects", self.projects, ("created", "updated", "retired", "unchanged")),
        ]


def _topic_fields(spec: TopicSpec) -> dict:
    return {
        "title": spec.title,
        "summary": spec.summary,
        "estimated_hours": spec.hours,
        "retired": False,
        "translations": spec.translations,
    }


def _project_translations(spec: ProjectSpec) -> tuple[dict, list[dict]]:
    """The project's own texts by language, and each criterion's (by its place)."""
    own = {code: {k: v for k, v in texts.items() if k != "criteria"} for code, texts in spec.translations.items()}
    criteria = [
        {code: {"text": texts["criteria"][order]} for code, texts in spec.translations.items() if texts.get("criteria")}
        for order in range(len(spec.criteria))
    ]
    return own, criteria


def _resource_rows(spec: TopicSpec) -> list[tuple]:
    return [(r.title, r.url, r.kind) for r in spec.resources]


def _upsert_topics(specs: list[TopicSpec], report: LoadReport) -> dict[str, Topic]:
    existing = {t.slug: t for t in Topic.objects.shipped().prefetch_related("resources", "prerequisites")}
    by_slug = {}
    new_prerequisites: dict[str, list[str]] = {}  # topic slug -> required slugs, where they changed
    for spec in specs:
        topic = existing.get(spec.slug)
        wanted = _topic_fields(spec)
        if topic is None:
            topic = Topic.objects.create(slug=spec.slug, **wanted)
            report.topics["created"] += 1
            current_resources, current_prerequisites = [], set()
            outcome = None
        else:
            current_resources = [(r.title, r.url, r.kind) for r in topic.resources.all()]
            current_prerequisites = {p.slug for p in topic.prerequisites.all()}
            outcome = "unchanged"
            if any(getattr(topic, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(topic, name, value)
                topic.save()
                outcome = "updated"
        if current_resources != _resource_rows(spec):
            Resource.objects.filter(topic=topic).delete()
            Resource.objects.bulk_create(
                Resource(topic=topic, title=title, url=url, kind=kind, order=number)
                for number, (title, url, kind) in enumerate(_resource_rows(spec))
            )
            outcome = outcome and "updated"
        if current_prerequisites != set(spec.prerequisites):
            new_prerequisites[spec.slug] = sorted(spec.prerequisites)
            outcome = outcome and "updated"
        if outcome:
            report.topics[outcome] += 1
        by_slug[spec.slug] = topic

    # Prerequisites after all topics exist, since they point at each other.
    for slug, required in new_prerequisites.items():
        Prerequisite.objects.filter(topic=by_slug[slug]).delete()
        Prerequisite.objects.bulk_create(Prerequisite(topic=by_slug[slug], requires=by_slug[r]) for r in required)

    gone = [t.pk for slug, t in existing.items() if slug not in by_slug and not t.retired]
    report.topics["retired"] += Topic.objects.filter(pk__in=gone).update(retired=True)
    return by_slug


def _upsert_projects(specs: list[ProjectSpec], topics: dict[str, Topic], report: LoadReport) -> dict[str, Project]:
    existing = {p.slug: p for p in Project.objects.shipped().prefetch_related("criteria", "datasets", "topics")}
    by_slug = {}
    for spec in specs:
        project = existing.get(spec.slug)
        translations, criteria_translations = _project_translations(spec)
        wanted = {
            "title": spec.title,
            "brief": spec.brief,
            "estimated_hours": spec.hours,
            "tools": list(spec.tools),
            "retired": False,
            "translations": translations,
        }
        if project is None:
            project = Project.objects.create(slug=spec.slug, **wanted)
            criteria, datasets, project_topics = [], [], set()
            outcome = "created"
        else:
            criteria = [(c.text, c.translations) for c in project.criteria.all()]
            datasets = [(d.title, d.url) for d in project.datasets.all()]
            project_topics = {t.slug for t in project.topics.all()}
            outcome = "unchanged"
            if any(getattr(project, name) != value for name, value in wanted.items()):
                Project.objects.filter(pk=project.pk).update(**wanted)
                outcome = "updated"
        if criteria != list(zip(spec.criteria, criteria_translations, strict=True)):
            # By place in the list: a reworded criterion keeps the learners' ticks on it.
            for order, (text, texts) in enumerate(zip(spec.criteria, criteria_translations, strict=True)):
                ProjectCriterion.objects.update_or_create(
                    project=project, order=order, defaults={"text": text, "translations": texts}
                )
            ProjectCriterion.objects.filter(project=project, order__gte=len(spec.criteria)).delete()
            outcome = "updated" if outcome == "unchanged" else outcome
        if datasets != [(d.title, d.url) for d in spec.datasets]:
            ProjectDataset.objects.filter(project=project).delete()
            ProjectDataset.objects.bulk_create(
                ProjectDataset(project=project, title=d.title, url=d.url, order=number)
                for number, d in enumerate(spec.datasets)
            )
            outcome = "updated" if outcome == "unchanged" else outcome
        if project_topics != set(spec.topics):
            project.topics.set([topics[slug] for slug in spec.topics])
            outcome = "updated" if outcome == "unchanged" else outcome
        report.projects[outcome] += 1
        by_slug[spec.slug] = project
    gone = [p.pk for slug, p in existing.items() if slug not in by_slug and not p.retired]
    report.projects["retired"] += Project.objects.filter(pk__in=gone).update(retired=True)
    return by_slug


def _upsert_roadmap(
    spec: RoadmapSpec,
    roadmap: Roadmap | None,
    topics: dict[str, Topic],
    projects: dict[str, Project],
    report: LoadReport,
):
    wanted = {
        "title": spec.title,
        "audience": spec.audience,
        "summary": spec.summary,
        "order": spec.order,
        "published": spec.published,
        "translations": spec.translations,
    }
    if roadmap is None:
        roadmap = Roadmap.objects.create(slug=spec.slug, **wanted)
        report.roadmaps["created"] += 1
    elif any(getattr(roadmap, name) != value for name, value in wanted.items()):
        Roadmap.objects.filter(pk=roadmap.pk).update(**wanted)
        report.roadmaps["updated"] += 1
    elif {t.slug for t in roadmap.assumed_topics.all()} != set(spec.assumes):
        report.roadmaps["updated"] += 1
    else:
        report.roadmaps["unchanged"] += 1
    roadmap.assumed_topics.set([topics[slug] for slug in spec.assumes])

    sections = {
        s.slug: s for s in roadmap.sections.prefetch_related("placements__topic", "project_placements__project")
    }
    for order, section_spec in enumerate(spec.sections):
        section = sections.pop(section_spec.slug, None)
        wanted_section = {
            "title": section_spec.title,
            "summary": section_spec.summary,
            "order": order,
            "translations": section_spec.translations,
        }
        if section is None:
            section = Section.objects.create(roadmap=roadmap, slug=section_spec.slug, **wanted_section)
            current_topics, current_projects = [], []
            report.sections["created"] += 1
            outcome = None
        else:
            current_topics = [p.topic.slug for p in section.placements.all()]
            current_projects = [p.project.slug for p in section.project_placements.all()]
            outcome = "unchanged"
            if any(getattr(section, name) != value for name, value in wanted_section.items()):
                Section.objects.filter(pk=section.pk).update(**wanted_section)
                outcome = "updated"
        if current_topics != list(section_spec.topics):
            Placement.objects.filter(section=section).delete()
            Placement.objects.bulk_create(
                Placement(section=section, topic=topics[slug], order=number)
                for number, slug in enumerate(section_spec.topics)
            )
            outcome = outcome and "updated"
        if current_projects != list(section_spec.projects):
            ProjectPlacement.objects.filter(section=section).delete()
            ProjectPlacement.objects.bulk_create(
                ProjectPlacement(section=section, project=projects[slug], order=number)
                for number, slug in enumerate(section_spec.projects)
            )
            outcome = outcome and "updated"
        if outcome:
            report.sections[outcome] += 1
    # Sections are structure, not learner data: ones gone from the file go.
    for section in sections.values():
        section.delete()
        report.sections["removed"] += 1


@transaction.atomic
def load_content(*, content: Content) -> LoadReport:
    """Upsert validated content in one transaction; idempotent. It reads and
    writes the English (roadmap.models.Translated), whoever's language is active."""
    with translation.override(settings.LANGUAGE_CODE):
        return _load(content)


def _load(content: Content) -> LoadReport:
    report = LoadReport()
    topics = _upsert_topics(content.topics, report)
    projects = _upsert_projects(content.projects, topics, report)
    existing = {r.slug: r for r in Roadmap.objects.shipped()}  # mentors' tracks are theirs
    for spec in content.roadmaps:
        _upsert_roadmap(spec, existing.pop(spec.slug, None), topics, projects, report)
    for roadmap in existing.values():
        # A roadmap gone from the files is unpublished, never deleted.
        if roadmap.published:
            Roadmap.objects.filter(pk=roadmap.pk).update(published=False)
            report.roadmaps["retired"] += 1
        else:
            report.roadmaps["unchanged"] += 1
    if report.changed:
        content_changed()
    return report


@transaction.atomic
def retire_topics(*, topics: QuerySet[Topic]) -> int:
    """Take topics off every roadmap, as the loader does when they leave the
    content files: nothing is deleted, so learners' progress, notes and mentors'
    comments on them stay. Returns how many were live."""
    retired = topics.filter(retired=False).update(retired=True)
    if retired:
        content_changed()
    return retired


@transaction.atomic
def retire_roadmaps(*, roadmaps: QuerySet[Roadmap]) -> int:
    """Unpublish roadmaps, as the loader does when their file goes: learners who
    follow them keep the follow and their progress. Returns how many were published."""
    retired = roadmaps.filter(published=True).update(published=False)
    if retired:
        content_changed()
    return retired


def content_changed() -> None:
    """Move the content version, which every cached outline's key holds
    (mlepath.cache). Call it in the transaction of the content write: one row,
    whatever the number of learners."""
    updated = ContentVersion.objects.filter(pk=ContentVersion.SINGLETON).update(version=F("version") + 1)
    if not updated:  # a fresh database: the row starts past the version read while it was missing (0)
        first = ContentVersion(pk=ContentVersion.SINGLETON, version=1)
        ContentVersion.objects.bulk_create([first], ignore_conflicts=True)
    signals.content_changed.send(sender=ContentVersion)
    transaction.on_commit(tasks.lay_out_maps.enqueue)
