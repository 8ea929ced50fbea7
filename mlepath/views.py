import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


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
@require_safe
@never_cache
def healthz_worker(request):
    """For monitoring, apart from /healthz (a late worker must not take app
    servers out of a load balancer): 200 while some worker polled within
    mlepath.worker.LATE_AFTER, 503 when none did (mail is waiting)."""
    # Imported here: mlepath.wsgi imports this module (through the middleware)
    # before Django has loaded the apps whose models mlepath.worker reads.
    from mlepath import worker

    try:
        beat_at = worker.last_beat()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    if beat_at is None:
        return JsonResponse({"status": "late", "worker": "never polled"}, status=503)
    seconds = max(0, int((timezone.now() - beat_at).total_seconds()))
    late = beat_at < timezone.now() - worker.LATE_AFTER
    return JsonResponse(
        {"status": "late" if late else "ok", "last_poll_seconds_ago": seconds}, status=503 if late else 200
    )


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


# Seconds a client is asked to wait while the database is away: about how long
# a restart takes, well above connect_timeout.
RETRY_AFTER = 5


# --- Error views --------------------------------------------------------------
#
# Django's own handlers are wrapped in @requires_csrf_token, which runs the CSRF
# check again and so reads request.POST: the body that just failed to parse (a
# form declaring charset=utf-16, 1,001 fields, more than DATA_UPLOAD_MAX_MEMORY_SIZE)
# fails again, inside the error handler, and the 400 becomes a 500. None of these views reads
# request.POST, request.body or request.FILES. The CSRF cookie a page needs is
# still set: CsrfViewMiddleware sets it on every response that used the token.


def _standalone(template: str, response_class=HttpResponse, **kwargs) -> HttpResponse:
    """A page rendered without the request: no context processor runs, so nothing
    of the request (its host, body, session or user) is read."""
    response = response_class(loader.render_to_string(template), **kwargs)
    # Set here as well as by SecurityMiddleware: an error raised inside that
    # middleware (a bad Host header met by the HTTPS redirect) skips its headers.
    response["X-Content-Type-Options"] = "nosniff"
    return response


def bad_request(request, exception):
    """handler400: a body that cannot be read, a bad Host header, any SuspiciousOperation."""
    return _standalone("400.html", HttpResponseBadRequest)


def permission_denied(request, exception):
    """handler403."""
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    """handler404."""
    return render(request, "404.html", status=404)


def request_too_large() -> HttpResponse:
    """The 413 of mlepath.middleware, answered before the body is read."""
    return _standalone("413.html", status=413)


def server_error(request):
    """handler500, which Django calls while it handles any uncaught exception,
    in a view or in a middleware (the session and the user are loaded there,
    which a middleware's process_exception would never see). A lost database
    connection gets a 503 with Retry-After; anything else the 500 page. Both
    are rendered without the request: no context processor may touch the
    database that just failed."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = _standalone("503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return _standalone("500.html", HttpResponseServerError)
