from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from roadmap import svgmap
from roadmap.models import Roadmap, Section


@login_not_required
@require_safe
def roadmap_list(request):
    return render(request, "roadmap/roadmap_list.html", {"roadmaps": Roadmap.objects.for_index()})


@login_not_required
@require_safe
def roadmap_map(request, slug):
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    sections = list(Section.objects.for_roadmap_page(roadmap))
    return render(request, "roadmap/roadmap_map.html", {"roadmap": roadmap, "map": svgmap.layout(sections)})
