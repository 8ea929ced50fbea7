from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_not_required
@require_safe
@never_cache
def healthz(request):
    """Liveness for load balancers: 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
def csrf_failure(request, reason=""):
    # Most often a form left open across a sign-in or sign-out in another tab:
    # Django rotated the token, so the page must be reloaded.
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


@login_not_required
@require_safe
def ping(request):
    """No database, no template: the benchmark's ceiling for this server configuration."""
    return HttpResponse("pong", content_type="text/plain")
