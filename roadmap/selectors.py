from dataclasses import dataclass, field, replace

from django.core.cache import caches
from django.db.models import F, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.services import touch_everyone
from mlepath.pagecache import CSRF_PLACEHOLDER
from roadmap.content import Content, ResourceSpec, RoadmapSpec, SectionSpec, TopicSpec
from roadmap.models import Roadmap, Section, Topic

OUTLINE_TIMEOUT = 60 * 60 * 24


def content_from_database() -> Content:
    """The live content as the files describe it (for dumproadmap)."""
    topics = [
        TopicSpec(
            slug=topic.slug,
            title=topic.title,
            summary=topic.summary,
            hours=topic.estimated_hours,
            prerequisites=tuple(sorted(p.slug for p in topic.prerequisites.all())),
            resources=tuple(ResourceSpec(title=r.title, url=r.url, kind=r.kind) for r in topic.resources.all()),
        )
        for topic in Topic.objects.live().prefetch_related("resources", "prerequisites").order_by("slug")
    ]
    sections = Section.objects.prefetch_related("placements__topic").order_by("order", "pk")
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
                    topics=tuple(p.topic.slug for p in section.placements.all() if not p.topic.retired),
                )
                for section in roadmap.sections.all()
            ),
        )
        for roadmap in Roadmap.objects.prefetch_related(Prefetch("sections", queryset=sections)).order_by(
            "order", "slug"
        )
    ]
    return Content(topics=topics, roadmaps=roadmaps)


@dataclass(frozen=True)
class TopicEntry:
    """A topic as the roadmap page shows it, with its static HTML pre-rendered."""

    pk: int
    slug: str
    title: str
    estimated_hours: int
    url: str
    status_url: str
    body: SafeString
    prerequisite_ids: tuple[int, ...]
    # The topic's row on the roadmap page, pre-rendered from the page's own
    # "topic-row" partial: one per status for a signed-in learner, plus "public",
    # each as the HTML before and after the (shared) body. The CSRF token is a
    # placeholder that the view fills in (see rows_html).
    rows: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionEntry:
    slug: str
    title: str
    summary: str
    topics: tuple[TopicEntry, ...]


def roadmap_outline(roadmap: Roadmap) -> tuple[SectionEntry, ...]:
    """Sections and topics of a roadmap, the same for every learner.

    Cached per content version: the page then runs no content query and renders
    no template per topic, only the learner's statuses around this outline.
    """
    if hasattr(roadmap, "_outline"):  # already fetched for this request
        return roadmap._outline
    key = f"roadmap-outline:{roadmap.pk}:{roadmap.content_version}"
    cache = caches["versioned"]
    outline = cache.get(key)
    if outline is None:
        outline = tuple(
            SectionEntry(
                slug=section.slug,
                title=section.title,
                summary=section.summary,
                topics=tuple(_topic_entry(roadmap, placement.topic) for placement in section.placements.all()),
            )
            for section in Section.objects.for_roadmap_page(roadmap)
        )
        cache.set(key, outline, OUTLINE_TIMEOUT)
    roadmap._outline = outline
    return outline


BODY_PLACEHOLDER = "__topic_body_placeholder__"


def _topic_entry(roadmap, topic) -> TopicEntry:
    entry = TopicEntry(
        pk=topic.pk,
        slug=topic.slug,
        title=topic.title,
        estimated_hours=topic.estimated_hours,
        url=topic.get_absolute_url(),
        status_url=reverse("roadmap_set_status", args=[roadmap.slug, topic.slug]),
        body=render_to_string("roadmap/roadmap_detail.html#topic-body", {"topic": topic}),
        prerequisite_ids=tuple(p.pk for p in topic.prerequisites.all()),
    )
    from progress.models import Status  # progress builds on roadmap, not the other way round

    template = "roadmap/roadmap_detail.html#topic-row"
    marked = replace(entry, body=BODY_PLACEHOLDER)
    base = {"roadmap": roadmap, "statuses": Status, "csrf_token": CSRF_PLACEHOLDER}
    variants = {status: {"row": _Row(marked, status), "editable": True, "tracking": True} for status in Status.values}
    variants["public"] = {"row": _Row(marked, Status.NOT_STARTED)}
    rows = {
        key: tuple(render_to_string(template, base | context).split(BODY_PLACEHOLDER))
        for key, context in variants.items()
    }
    return replace(entry, rows=rows)


@dataclass(frozen=True)
class _Row:
    topic: TopicEntry
    status: str
    url: str | None = None


def rows_html(rows, *, key) -> SafeString:
    """Join pre-rendered topic rows; their forms hold the CSRF placeholder, which
    pagecache.render_cached fills in."""
    parts = []
    for row in rows:
        before, after = row.topic.rows[key(row)]
        parts += (before, row.topic.body, after)
    # Safe: the rows are template output.
    return mark_safe("".join(parts))  # noqa: S308


def bump_content_version() -> None:
    """Invalidate every cached outline, and every learner's cached pages, which
    show the content (called on any content change)."""
    Roadmap.objects.update(content_version=F("content_version") + 1)
    touch_everyone()
