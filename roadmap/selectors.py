from django.db.models import Prefetch

from roadmap.content import Content, ResourceSpec, RoadmapSpec, SectionSpec, TopicSpec
from roadmap.models import Roadmap, Section, Topic


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
