from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from roadmap.models import Roadmap


@login_not_required
@require_safe
def roadmap_list(request):
    return render(request, "roadmap/roadmap_list.html", {"roadmaps": Roadmap.objects.for_index()})
