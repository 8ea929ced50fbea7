"""Reads of the roadmap content."""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection
from django.db.models import F, Prefetch, Q
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString

from mlepath import cache, sql
from roadmap import svgmap
from roadmap.content import Content, DatasetSpec, ProjectSpec, ResourceSpec, RoadmapSpec, SectionSpec, TopicSpec
from roadmap.models import ContentVersion, Placement, Project, Roadmap, Section, Topic

logger = logging.getLogger(__name__)


def content_from_database() -> Content:
    """The live content as the files describe it, every language's (for dumproadmap)."""
    with translation.override(settings.LANGUAGE_CODE):  # the fields in English (roadmap.models.Translated)
        return _content_from_database()


def _project_translations(project: Project) -> dict:
    criteria = list(project.criteria.all())
    return {
        code: {**texts, "criteria": tuple(c.translations.get(code, {}).get("text", "") for c in criteria)}
        for code, texts in project.translations.items()
    }


def _content_from_database() -> Content:
    topics = [
        TopicSpec(
            slug=topic.slug,
            title=topic.title,
            summary=topic.summary,
            hours=topic.estimated_hours,
            # A retired topic is not in the files: what builds on it no longer names it.
            prerequisites=tuple(sorted(p.slug for p in topic.prerequisites.all() if not p.retired)),
            resources=tuple(ResourceSpec(title=r.title, url=r.url, kind=r.kind) for r in topic.resources.all()),
            translations=topic.translations,
        )
        for topic in Topic.objects.live().shipped().prefetch_related("resources", "prerequisites").order_by("slug")
    ]
    projects = [
        ProjectSpec(
            slug=project.slug,
            title=project.title,
            brief=project.brief,
            hours=project.estimated_hours,
            criteria=tuple(c.text for c in project.criteria.all()),
            datasets=tuple(DatasetSpec(title=d.title, url=d.url) for d in project.datasets.all()),
            tools=tuple(project.tools),
            topics=tuple(sorted(t.slug for t in project.topics.all() if not t.retired)),
            translations=_project_translations(project),
        )
        for project in Project.objects.live()
        .shipped()
        .prefetch_related("criteria", "datasets", "topics")
        .order_by("slug")
    ]
    sections = Section.objects.with_live_content()
    roadmaps = [
        RoadmapSpec(
            slug=roadmap.slug,
            title=roadmap.title,
            audience=roadmap.audience,
            summary=roadmap.summary,
            order=roadmap.order,
            published=roadmap.published,
            sections=tuple(
                SectionSpec(
                    slug=section.slug,
                    title=section.title,
                    summary=section.summary,
                    topics=tuple(p.topic.slug for p in section.placements.all()),
                    projects=tuple(p.project.slug for p in section.project_placements.all()),
                    translations=section.translations,
                )
                for section in roadmap.sections.all()
            ),
            assumes=tuple(sorted(t.slug for t in roadmap.assumed_topics.all() if not t.retired)),
            translations=roadmap.translations,
        )
        for roadmap in Roadmap.objects.shipped()
        .prefetch_related(Prefetch("sections", queryset=sections), "assumed_topics")
        .order_by("order", "slug")
    ]
    return Content(topics=topics, roadmaps=roadmaps, projects=projects)


@dataclass(frozen=True)
class TopicEntry:
    """A topic as a roadmap page lists it. Its body (summary, resources) is
    apart, in topic_bodies: only a row rendered anew needs it."""

    pk: int
    slug: str
    title: str
    estimated_hours: int
    url: str
    prerequisite_ids: tuple[int, ...]


@dataclass(frozen=True)
class ProjectEntry:
    """A project as a roadmap page lists it, at the end of its section."""

    pk: int
    slug: str
    title: str
    estimated_hours: int
    url: str
    topic_ids: tuple[int, ...] = ()  # the live topics it practises (the map joins them)


@dataclass(frozen=True)
class SectionEntry:
    slug: str
    title: str
    summary: str
    topics: tuple[TopicEntry, ...]
    projects: tuple[ProjectEntry, ...] = ()


def roadmap_outline(roadmap: Roadmap) -> tuple[SectionEntry, ...]:
    """Sections and live topics of a roadmap, the same for every visitor.

    `roadmap` comes from Roadmap.objects.with_content_version(); the outline is
    cached under that version (mlepath.cache), so a page showing it runs no
    content query.
    """
    outline = cache.get(cache.outline_key(roadmap_id=roadmap.pk, content_version=roadmap.content_version))
    return outline if outline is not None else _cache_content(roadmap)[0]


def roadmap_maps(roadmap: Roadmap, outline) -> dict[str, svgmap.RoadmapMap] | None:
    """The roadmap's map for a desktop and for a phone, laid out by Graphviz
    once per content version (mlepath.cache; the worker lays them out after a
    content change, roadmap.tasks); None when Graphviz cannot run (the page
    then offers the text version alone, and no request tries again for a while)."""
    grids = {"desktop": svgmap.DESKTOP, "phone": svgmap.PHONE}
    version = roadmap.content_version
    failed = cache.map_failed_key(roadmap_id=roadmap.pk, content_version=version)
    if cache.get(failed):
        return None
    try:
        return {
            name: cache.get_or_set(
                cache.map_key(roadmap_id=roadmap.pk, grid=name, content_version=version),
                partial(svgmap.layout, outline, grid),
            )
            for name, grid in grids.items()
        }
    except svgmap.LayoutError:
        logger.exception("The map of %s could not be laid out", roadmap.slug)
        cache.remember_failure(failed)
        return None


def topic_bodies(roadmap: Roadmap) -> dict[int, SafeString]:
    """Each live topic's body on the roadmap page, by topic id, rendered once per
    content version (mlepath.cache)."""
    bodies = cache.get(cache.bodies_key(roadmap_id=roadmap.pk, content_version=roadmap.content_version))
    return bodies if bodies is not None else _cache_content(roadmap)[1]


def _cache_content(roadmap: Roadmap) -> tuple[tuple[SectionEntry, ...], dict[int, SafeString]]:
    """The outline and the bodies from one read of the content, both stored: a
    miss of either is the first read of this version."""
    body = get_template("roadmap/includes/topic_body.html")
    sections = list(Section.objects.for_roadmap_page(roadmap))
    outline = tuple(
        SectionEntry(
            slug=section.slug,
            title=section.title,
            summary=section.summary,
            topics=tuple(
                TopicEntry(
                    pk=topic.pk,
                    slug=topic.slug,
                    title=topic.title,
                    estimated_hours=topic.estimated_hours,
                    url=topic.get_absolute_url(),
                    prerequisite_ids=tuple(p.pk for p in topic.prerequisites.all()),
                )
                for topic in (placement.topic for placement in section.placements.all())
            ),
            projects=tuple(
                ProjectEntry(
                    pk=project.pk,
                    slug=project.slug,
                    title=project.title,
                    estimated_hours=project.estimated_hours,
                    url=project.get_absolute_url(),
                    topic_ids=tuple(topic.pk for topic in project.topics.all()),
                )
                for project in (placement.project for placement in section.project_placements.all())
            ),
        )
        for section in sections
    )
    bodies = {
        placement.topic.pk: body.render({"topic": placement.topic})
        for section in sections
        for placement in section.placements.all()
    }
    version = roadmap.content_version
    cache.set_many(
        {
            cache.outline_key(roadmap_id=roadmap.pk, content_version=version): outline,
            cache.bodies_key(roadmap_id=roadmap.pk, content_version=version): bodies,
        }
    )
    return outline, bodies


def assumed_topics(roadmap: Roadmap) -> tuple["TopicLink", ...]:
    """The live topics `roadmap` (from with_content_version()) assumes its learners
    know, cached under the content version (mlepath.cache): no query once read."""
    key = cache.assumed_key(roadmap_id=roadmap.pk, content_version=roadmap.content_version)
    return cache.get_or_set(key, lambda: tuple(_link(t) for t in roadmap.assumed_topics.live().order_by("title")))


def published_roadmap(slug: str) -> Roadmap | None:
    """A published roadmap with its content version, or None."""
    return Roadmap.objects.published().with_content_version().filter(slug=slug).first()


@dataclass(frozen=True)
class TopicLink:
    pk: int
    slug: str
    title: str
    url: str
    # A prerequisite's roadmaps, among its topic's, that assume it known (taught in another track).
    assumed_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceLink:
    title: str
    url: str
    kind: str  # as shown: "Documentation", "Course", ...


@dataclass(frozen=True)
class PlacementLink:
    roadmap_title: str
    roadmap_url: str
    section_title: str
    roadmap_slug: str


@dataclass(frozen=True)
class TopicContent:
    """What a topic's page shows of the content, the same for every visitor."""

    pk: int
    slug: str
    title: str
    summary: str
    estimated_hours: int
    url: str
    resources: tuple[ResourceLink, ...]
    prerequisites: tuple[TopicLink, ...]
    unlocks: tuple[TopicLink, ...]
    placements: tuple[PlacementLink, ...]  # on published roadmaps, in roadmap order
    # The cohort track whose own topic this is (None: a shipped topic): only
    # those who may open that track read it (progress.topic_page).
    track_id: int | None = None

    def get_absolute_url(self) -> str:
        return self.url


def current_content_version() -> int:
    """The version topic pages are cached under: the content's, plus every
    edit of a cohort track (a track's own topic changes with its track)."""
    versions = ContentVersion.objects.filter(pk=ContentVersion.SINGLETON).values_list("version", "track_edits")
    version, track_edits = versions.first() or (0, 0)
    return version + track_edits


def topic_content(slug: str) -> TopicContent | None:
    """A live topic's content, cached under the content version (mlepath.cache):
    one query for the version, and the topic's own five on a miss."""
    if len(slug) > Topic._meta.get_field("slug").max_length:
        return None
    key = cache.topic_key(slug=slug, content_version=current_content_version())
    content = cache.get_or_set(key, lambda: _topic_content(slug))
    return content  # None is not cached: a made-up slug must not fill the cache


def _link(topic: Topic) -> TopicLink:
    return TopicLink(pk=topic.pk, slug=topic.slug, title=topic.title, url=topic.get_absolute_url())


def _topic_content(slug: str) -> TopicContent | None:
    # Shipped roadmaps, and the track of the topic's own: the page is the same
    # for every visitor, so it names no track they might not see.
    live_placements = (
        Placement.objects.filter(section__roadmap__published=True)
        .filter(Q(section__roadmap__kind=Roadmap.Kind.SHIPPED) | Q(topic__track=F("section__roadmap")))
        .select_related("section__roadmap")
    )
    topic = (
        Topic.objects.live()
        .prefetch_related(
            "resources",
            Prefetch("prerequisites", queryset=Topic.objects.live().prefetch_related("assumed_by")),
            Prefetch("unlocks", queryset=Topic.objects.live()),
            Prefetch("placements", queryset=live_placements.order_by("section__roadmap__order")),
        )
        .filter(slug=slug)
        .first()
    )
    if topic is None:
        return None
    roadmaps = {p.section.roadmap_id for p in topic.placements.all()}
    return TopicContent(
        pk=topic.pk,
        slug=topic.slug,
        title=topic.title,
        summary=topic.summary,
        estimated_hours=topic.estimated_hours,
        url=topic.get_absolute_url(),
        resources=tuple(ResourceLink(r.title, r.url, r.get_kind_display()) for r in topic.resources.all()),
        prerequisites=tuple(
            TopicLink(
                pk=t.pk,
                slug=t.slug,
                title=t.title,
                url=t.get_absolute_url(),
                assumed_on=tuple(r.title for r in t.assumed_by.all() if r.pk in roadmaps),
            )
            for t in topic.prerequisites.all()
        ),
        # A shipped topic unlocks shipped topics only: no track's own topic shows on its page.
        unlocks=tuple(_link(t) for t in topic.unlocks.all() if t.track_id == topic.track_id),
        placements=tuple(
            PlacementLink(
                p.section.roadmap.title, p.section.roadmap.get_absolute_url(), p.section.title, p.section.roadmap.slug
            )
            for p in topic.placements.all()
        ),
        track_id=topic.track_id,
    )


def content_version_sql(roadmap: str = "r") -> str:
    """A roadmap's content version as plain SQL (the content's version, a scalar
    subquery whose one parameter is ContentVersion.SINGLETON, plus the revision
    of the roadmap aliased `roadmap`): what with_content_version() is to the ORM,
    for the statements made once below and in progress.selectors."""
    version, column = sql.table(ContentVersion), sql.column
    return (
        f"(COALESCE((SELECT v.{column(ContentVersion, 'version')} FROM {version} v "  # noqa: S608 (names from _meta)
        f"WHERE v.{column(ContentVersion, 'id')} = %s), 0) + {roadmap}.{column(Roadmap, 'revision')})"
    )


def _topic_on_roadmap_statement() -> str:
    """A live topic on a published roadmap by their slugs, with the roadmap and
    the content version: plain SQL made once from _meta, the same text on both
    databases (values are parameters). A tick reads it first; built with the
    ORM (two joins through the section, a subquery, only()) it cost more to
    compile than the tick's writes (#24)."""
    placement, section, roadmap, topic = (sql.table(m) for m in (Placement, Section, Roadmap, Topic))
    column = sql.column
    t, r = (f"t.{column(Topic, name)}" for name in TOPIC_FIELDS), (f"r.{column(Roadmap, n)}" for n in ROADMAP_FIELDS)
    return (
        f"SELECT {', '.join(t)}, {', '.join(r)}, {content_version_sql()} "  # noqa: S608 (names from _meta, quoted)
        f"FROM {placement} p "
        f"JOIN {section} s ON s.{column(Section, 'id')} = p.{column(Placement, 'section')} "
        f"JOIN {roadmap} r ON r.{column(Roadmap, 'id')} = s.{column(Section, 'roadmap')} "
        f"JOIN {topic} t ON t.{column(Topic, 'id')} = p.{column(Placement, 'topic')} "
        f"WHERE r.{column(Roadmap, 'slug')} = %s AND r.{column(Roadmap, 'published')} = %s "
        f"AND t.{column(Topic, 'slug')} = %s AND t.{column(Topic, 'retired')} = %s"
    )


# What a tick needs of them (the others are deferred, loaded if ever read).
TOPIC_FIELDS, ROADMAP_FIELDS = ("id", "slug", "title"), ("id", "slug", "title", "kind", "author_id")
TOPIC_ON_ROADMAP = _topic_on_roadmap_statement()


def topic_on_roadmap(*, roadmap_slug: str, topic_slug: str) -> tuple[Roadmap, Topic] | None:
    """A live topic on a published roadmap, and that roadmap with the content
    version: one query (a topic placed in two sections of the roadmap answers
    twice, alike)."""
    with connection.cursor() as cursor:
        cursor.execute(TOPIC_ON_ROADMAP, [ContentVersion.SINGLETON, roadmap_slug, True, topic_slug, False])
        row = cursor.fetchone()
    if row is None:
        return None
    topics, roadmaps = len(TOPIC_FIELDS), len(ROADMAP_FIELDS)
    # Model.from_db: instances as a query makes them, the fields not read deferred.
    topic = Topic.from_db(connection.alias, TOPIC_FIELDS, row[:topics])
    roadmap = Roadmap.from_db(connection.alias, ROADMAP_FIELDS, row[topics : topics + roadmaps])
    roadmap.content_version = row[-1]
    return roadmap, topic
