import zoneinfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from mentoring import selectors as mentoring_selectors
from mlepath import pagecache
from progress import selectors, transfer
from progress.forms import ImportForm
from progress.models import Status


@require_safe
@never_cache
def dashboard(request):
    def context():
        return {
            "dashboard": selectors.dashboard_for(request.user),
            "feedback": mentoring_selectors.unseen_feedback(request.user),
            "statuses": Status,
        }

    # The calendar and streaks end today in the learner's time zone.
    time_zone = request.user.time_zone
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(time_zone))
    key = pagecache.learner_key(request, "dashboard", time_zone, today)
    return pagecache.render_cached(request, "progress/dashboard.html", key=key, context=context)


def _attachment(request, content: str, content_type: str, extension: str) -> HttpResponse:
    name = f"mlepath-progress-{request.user.username}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@never_cache
def export_csv(request):
    return _attachment(request, transfer.export_csv(request.user), "text/csv; charset=utf-8", "csv")


@require_safe
@never_cache
def export_json(request):
    return _attachment(request, transfer.export_json(request.user), "application/json", "json")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def import_json(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = transfer.parse_import(upload.read(transfer.MAX_IMPORT_BYTES + 1))
        except transfer.ImportError_ as exc:
            form.add_error("file", f"Nothing was imported. {exc}")
        else:
            topics, events = transfer.import_progress(learner=request.user, data=data)
            messages.success(
                request,
                f"Imported {topics} topic{'s' if topics != 1 else ''} and {events} event{'s' if events != 1 else ''}.",
            )
            return redirect("dashboard")
    status = 400 if form.errors else 200
    return render(request, "progress/import.html", {"form": form}, status=status)
