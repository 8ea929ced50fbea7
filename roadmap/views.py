from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from roadmap import svgmap
from roadmap.models import Placement, Roadmap, Section, Topic


@require_safe
@never_cache
def dashboard(request):
    return render(request, "roadmap/dashboard.html")


@login_not_required
@require_safe
def roadmap_list(request):
    return render(request, "roadmap/roadmap_list.html", {"roadmaps": Roadmap.objects.for_index()})


def _roadmap_page_data(slug):
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    sections = list(Section.objects.for_roadmap_page(roadmap))
    topics = [placement.topic for section in sections for placement in section.placements.all()]
    return roadmap, sections, topics


@login_not_required
@require_safe
def roadmap_detail(request, slug):
    roadmap, sections, topics = _roadmap_page_data(slug)
    context = {
        "roadmap": roadmap,
        "sections": sections,
        "topic_count": len(topics),
        "total_hours": sum(topic.estimated_hours for topic in topics),
    }
    return render(request, "roadmap/roadmap_detail.html", context)


@login_not_required
@require_safe
def roadmap_map(request, slug):
    roadmap, sections, _ = _roadmap_page_data(slug)
    return render(request, "roadmap/roadmap_map.html", {"roadmap": roadmap, "map": svgmap.layout(sections)})


@login_not_required
@require_safe
def topic_detail(request, slug):
    live_placements = Placement.objects.filter(section__roadmap__published=True).select_related("section__roadmap")
    topic = get_object_or_404(
        Topic.objects.live().prefetch_related(
            "resources",
            Prefetch("prerequisites", queryset=Topic.objects.live()),
            Prefetch("unlocks", queryset=Topic.objects.live()),
            Prefetch("placements", queryset=live_placements.order_by("section__roadmap__order")),
        ),
        slug=slug,
    )
    return render(request, "roadmap/topic_detail.html", {"topic": topic})
