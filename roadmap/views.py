from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def dashboard(request):
    return render(request, "roadmap/dashboard.html")
