from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from roadmap.models import Roadmap


@login_not_required
@require_safe
def home(request):
    """What MLE Path is, with the two tracks; a signed-in learner goes to their dashboard."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html", {"roadmaps": Roadmap.objects.for_index()})
