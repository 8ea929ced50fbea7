"""The dashboard page, a roadmap's pace (set and changed from it), and the
learner's data out and in: CSV and JSON export, JSON import."""

import zoneinfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from mlepath.shortcuts import or_404
from progress import selectors, services, transfer
from progress.dashboard import dashboard_for
from progress.forms import ImportForm, PaceForm
from progress.models import PlanBasis, RoadmapFollow, Status
from roadmap.selectors import (
    roadmap_outline,
)


@require_safe
@never_cache
def dashboard(request):
    data = dashboard_for(request.user)
    return render(request, "progress/dashboard.html", {"dashboard": data, "statuses": Status})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
def pace(request, slug):
    """The pace of a followed roadmap: set it (hours a week or a target date) or
    remove it, then back to the dashboard, where the forecast shows. The
    dashboard opens this form in place with htmx (the form alone, errors shown
    in place) and links here without JavaScript; it is not rendered on every
    card, only for the learner who opens it."""
    roadmap = or_404(selectors.open_roadmap(slug, request.user), "No such roadmap")
    follow = RoadmapFollow.objects.filter(learner=request.user, roadmap=roadmap).first()
    if follow is None:
        if request.method == "POST":
            message = _("Follow %(title)s to set a pace on it: it then appears on your dashboard.")
            messages.error(request, message % {"title": roadmap.title})
            return redirect(roadmap)
        return render(request, "progress/roadmap_pace.html", {"roadmap": roadmap, "follow": None})
    status = 200
    if request.method != "POST":
        form = PaceForm(
            prefix=roadmap.slug,
            initial={
                "basis": follow.plan_basis or PlanBasis.HOURS,
                "hours_per_week": follow.hours_per_week,
                "target_date": follow.target_date,
            },
        )
    elif request.POST.get("action") == "clear":
        if services.clear_pace(learner=request.user, roadmap=roadmap):
            messages.success(request, _("Your pace on %(title)s is removed.") % {"title": roadmap.title})
        return _to_dashboard_card(request, roadmap)
    else:
        form = PaceForm(request.POST, prefix=roadmap.slug)
        if form.is_valid():
            today = timezone.localdate(timezone=zoneinfo.ZoneInfo(request.user.time_zone or "UTC"))
            by_hours = form.cleaned_data["basis"] == PlanBasis.HOURS
            try:
                follow = services.set_pace(
                    learner=request.user,
                    roadmap=roadmap,
                    today=today,
                    hours_per_week=form.cleaned_data["hours_per_week"] if by_hours else None,
                    target_date=None if by_hours else form.cleaned_data["target_date"],
                )
            except services.PlanError as error:
                form.add_error("hours_per_week" if by_hours else "target_date", str(error))
            else:
                messages.success(
                    request,
                    _("Planned: %(title)s at %(hours)s hours a week, to finish by %(date)s.")
                    % {
                        "title": roadmap.title,
                        "hours": follow.hours_per_week,
                        "date": formats.date_format(follow.target_date, "DATE_FORMAT"),
                    },
                )
                return _to_dashboard_card(request, roadmap)
        # 422 is swapped by htmx (see htmx-config in base.html), so the errors show in place.
        status = 422 if request.htmx else 400
    data = selectors.roadmap_progress(roadmap, roadmap_outline(roadmap), selectors.statuses_of(request.user))
    context = {
        "roadmap": roadmap,
        "follow": follow,
        "form": form,
        "remaining": data.completion.remaining_hours,
        "in_place": request.htmx,  # opened on the dashboard: posted with htmx, answered in place
    }
    template = "progress/roadmap_pace.html#pace-form" if request.htmx else "progress/roadmap_pace.html"
    return render(request, template, context, status=status)


def _to_dashboard_card(request, roadmap):
    """Back to the roadmap's card on the dashboard. With htmx the form was opened
    on the dashboard itself: reloading it shows the new forecast and the message
    where the learner was (a redirect to the same page would only scroll)."""
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(f"{reverse('dashboard')}#pace-{roadmap.slug}")


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
            data = transfer.parse_import(upload.read(transfer.MAX_IMPORT_BYTES + 1), learner=request.user)
            topics, events = transfer.import_progress(learner=request.user, data=data)
        except transfer.ImportError_ as exc:
            form.add_error("file", _("Nothing was imported. %(reason)s") % {"reason": exc})
        else:
            counted = {
                "topics": ngettext("%(count)d topic", "%(count)d topics", topics) % {"count": topics},
                "events": ngettext("%(count)d event", "%(count)d events", events) % {"count": events},
            }
            # Translators: "Imported 3 topics and 7 events."; the counts are the two phrases above.
            messages.success(request, _("Imported %(topics)s and %(events)s.") % counted)
            return redirect("dashboard")
    status = 400 if form.errors else 200
    return render(request, "progress/import.html", {"form": form}, status=status)
