"""The learner's pages: a roadmap with their ticks, a topic with their note and
evidence, the dashboard, and export / import. Visitors see the roadmap and topic
pages without the learner's parts."""

import uuid
import zoneinfo
from itertools import chain, islice

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from accounts import throttle
from mlepath.client import client_address
from progress import calendar, rows, selectors, services, transfer
from progress.dashboard import dashboard_for, next_rows
from progress.forms import CalendarFeedForm, EvidenceForm, ImportForm, NoteForm, PaceForm
from progress.models import Evidence, PlanBasis, ProjectState, RoadmapFollow, Status
from roadmap.models import Roadmap, Topic
from roadmap.selectors import (
    assumed_topics,
    published_roadmap_or_404,
    roadmap_maps,
    roadmap_outline,
    topic_content_or_404,
    topic_on_roadmap_or_404,
)


def _roadmap_context(roadmap, statuses: dict[int, str], *, editable: bool) -> dict:
    outline = roadmap_outline(roadmap)
    data = selectors.roadmap_progress(roadmap, outline, statuses)
    rows.fill_html(roadmap, list(data.rows()), editable=editable)
    return {
        "roadmap": roadmap,
        "assumed": assumed_topics(roadmap),
        "data": data,
        "topic_count": data.completion.total,
        "total_hours": sum(topic.estimated_hours for section in data.sections for topic in section.section.topics),
        "tracking": editable,
        "editable": editable,
        "continue_topic": selectors.continue_topic(outline, statuses) if editable else None,
        "statuses": Status,
    }


@login_not_required
@require_safe
@never_cache
def roadmap_list(request):
    """The published roadmaps; a signed-in learner sees their completion of each
    and where to continue."""
    roadmaps = Roadmap.objects.for_index().with_content_version()
    if request.user.is_authenticated:
        roadmaps = selectors.with_summary(roadmaps, request.user)
    roadmaps = list(roadmaps)
    if request.user.is_authenticated:
        statuses = selectors.statuses_of(request.user)
        for roadmap in roadmaps:
            outline = roadmap_outline(roadmap)
            data = selectors.summarised(selectors.roadmap_progress(roadmap, outline, statuses))
            roadmap.completion = data.completion
            roadmap.continue_topic = selectors.continue_topic(outline, statuses)
    return render(request, "progress/roadmap_list.html", {"roadmaps": roadmaps})


@login_not_required
@require_safe
@never_cache
def roadmap_detail(request, slug):
    roadmap = selectors.roadmap_page_or_404(slug, request.user)
    if getattr(roadmap, "prefers_map", False) and request.GET.get("view") != "list":
        return redirect("roadmap_map", slug=roadmap.slug)
    signed_in = request.user.is_authenticated
    context = _roadmap_context(roadmap, selectors.statuses_of(request.user), editable=signed_in)
    return render(request, "progress/roadmap_detail.html", context)


@require_POST
@vary_on_headers("HX-Request")
def set_status(request, slug, topic_slug):
    # Every control names the status it wants, never "toggle": the checkbox in
    # hx-vals, a button in its value (with htmx, or submitting the page's form).
    status = request.POST.get("status", "")
    if status not in Status.values:
        return HttpResponseBadRequest("Choose one of: not_started, in_progress, done, skipped.")
    roadmap, topic = topic_on_roadmap_or_404(roadmap_slug=slug, topic_slug=topic_slug)
    services.set_status(learner=request.user, topic=topic, status=status, roadmap=roadmap)
    if not request.htmx:
        return redirect(f"{roadmap.get_absolute_url()}#{topic.slug}")
    update = selectors.status_update(roadmap_outline(roadmap), selectors.statuses_of(request.user), topic.pk)
    if update is None:  # the content changed since the lookup: show the page afresh
        return HttpResponseClientRefresh()
    rows.fill_html(roadmap, [update.row], editable=True)
    context = {
        "roadmap": roadmap,
        "row": update.row,
        "section": update.section,
        "data": update,  # the roadmap-progress partial shows data.completion
        "continue_topic": update.continue_topic,
        "statuses": Status,
    }
    return render(request, "progress/roadmap_detail.html#status-response", context)


MAP_NEXT_LIMIT = 3
# The icon of each status on the map, beside its label (the legend shows the same).
STATUS_ICONS = {Status.DONE: "✓", Status.IN_PROGRESS: "◐", Status.SKIPPED: "↷"}
PROJECT_LABELS = {
    ProjectState.IN_PROGRESS: ("◐", "In progress", Status.IN_PROGRESS),
    ProjectState.SUBMITTED: ("◐", "Submitted for review", Status.IN_PROGRESS),
    ProjectState.CHANGES_REQUESTED: ("◐", "Changes requested", Status.IN_PROGRESS),
    ProjectState.APPROVED: ("✓", "Approved", Status.DONE),
    ProjectState.SELF_ASSESSED: ("✓", "Complete", Status.DONE),
}


@login_not_required
@require_safe
@never_cache
def roadmap_map(request, slug):
    """The roadmap as a map: for a signed-in learner every box shows its status
    and the topics to take up next stand out; a box opens the side panel."""
    roadmap = selectors.roadmap_page_or_404(slug, request.user)
    outline = roadmap_outline(roadmap)
    statuses = selectors.statuses_of(request.user)
    data = selectors.roadmap_progress(roadmap, outline, statuses)
    tracking = request.user.is_authenticated
    # The first few the learner can take up, as the dashboard's "Next up": a map
    # where every open topic says "Next" would single out none.
    next_ids = {row.topic.pk for row in islice(next_rows(data, statuses), MAP_NEXT_LIMIT)} if tracking else set()
    maps = roadmap_maps(roadmap, outline)
    project_states = selectors.project_states_of(request.user) if tracking else {}
    for roadmap_map in maps.values() if tracking and maps else ():
        for node in roadmap_map.nodes:
            if node.project:
                state = project_states.get(node.entry.pk)
                node.icon, node.label, node.status = PROJECT_LABELS.get(state, ("", "", ""))
                continue
            node.status = statuses.get(node.entry.pk, Status.NOT_STARTED)
            node.next = node.entry.pk in next_ids
            if node.status in STATUS_ICONS:
                node.icon, node.label = STATUS_ICONS[node.status], Status(node.status).label
            elif node.next:
                node.icon, node.label = "→", "Next"
    titles = {topic.pk: topic.title for section in outline for topic in section.topics}
    builds_on = {
        topic.pk: ", ".join(titles[pk] for pk in topic.prerequisite_ids if pk in titles)
        for section in outline
        for topic in section.topics
    }
    context = {
        "roadmap": roadmap,
        "data": data,
        "maps": maps,
        "builds_on": builds_on,
        "tracking": tracking,
        "next_ids": next_ids,
        "project_states": project_states,
        "state_labels": {state: label for state, (_, label, _) in PROJECT_LABELS.items()},
        "statuses": Status,
    }
    if request.htmx:  # after a change in the side panel: the maps and the bar, redrawn in place
        return render(request, "progress/roadmap_map.html#map-area", context)
    return render(request, "progress/roadmap_map.html", context)


HISTORY_LIMIT = 300


@require_safe
@never_cache
def roadmap_history(request, slug):
    """Every change of the learner's statuses on this roadmap's topics, of their
    projects' states and of their pace on it, newest first."""
    roadmap = selectors.roadmap_page_or_404(slug, request.user)
    events = selectors.roadmap_history(request.user, roadmap_outline(roadmap), limit=HISTORY_LIMIT)
    plans = selectors.plan_history(request.user, roadmap, limit=HISTORY_LIMIT)
    projects = selectors.project_history(request.user, roadmap_outline(roadmap), limit=HISTORY_LIMIT)
    events = sorted(chain(events, plans, projects), key=lambda entry: entry.created_at, reverse=True)[:HISTORY_LIMIT]
    context = {"roadmap": roadmap, "events": events, "limit": HISTORY_LIMIT}
    return render(request, "progress/roadmap_history.html", context)


@require_POST
def default_view(request, slug):
    """Open this roadmap as its map, or as its list."""
    roadmap = published_roadmap_or_404(slug)
    map_view = request.POST.get("view") == "map"
    services.set_default_view(learner=request.user, roadmap=roadmap, map_view=map_view)
    if map_view:
        messages.success(request, f"{roadmap.title} now opens as this map. The list stays one click away.")
        return redirect("roadmap_map", slug=roadmap.slug)
    messages.success(request, f"{roadmap.title} now opens as its list.")
    return redirect(roadmap)


@require_POST
def follow(request, slug):
    roadmap = published_roadmap_or_404(slug)
    if request.POST.get("action") == "unfollow":
        services.unfollow_roadmap(learner=request.user, roadmap=roadmap)
        messages.success(request, f"{roadmap.title} is no longer on your dashboard. Your progress is kept.")
    else:
        services.follow_roadmap(learner=request.user, roadmap=roadmap)
        messages.success(request, f"{roadmap.title} is now on your dashboard.")
    return redirect(roadmap)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def reset(request, slug):
    roadmap = published_roadmap_or_404(slug)
    if request.method == "POST":
        batch = services.reset_roadmap(learner=request.user, roadmap=roadmap)
        if batch is None:
            messages.info(request, "There was no progress to reset.")
            return redirect(roadmap)
        return render(request, "progress/roadmap_reset.html", {"roadmap": roadmap, "batch": batch, "done": True})
    data = selectors.roadmap_progress(roadmap, roadmap_outline(roadmap), selectors.statuses_of(request.user))
    started = [row for row in data.rows() if row.status != Status.NOT_STARTED]
    return render(request, "progress/roadmap_reset.html", {"roadmap": roadmap, "started": started})


@require_POST
def reset_undo(request, slug):
    roadmap = published_roadmap_or_404(slug)
    try:
        batch = uuid.UUID(request.POST.get("batch", ""))
    except ValueError:
        return HttpResponseBadRequest("This undo link is not valid.")
    restored = services.undo_reset(learner=request.user, batch=batch)
    if restored:
        messages.success(request, f"Restored {restored} topic{'s' if restored != 1 else ''}.")
    else:
        messages.info(request, "Nothing to restore: those topics have changed since the reset.")
    return redirect(roadmap)


# --- Topic page -------------------------------------------------------------


# The status controls of a topic's page and panel, in the order learners use them.
STATUS_CHOICES = [
    (Status.DONE, "Done"),
    (Status.IN_PROGRESS, "In progress"),
    (Status.SKIPPED, "Skip"),
    (Status.NOT_STARTED, "Not started"),
]


def _panel_roadmap(request, content) -> str:
    """The roadmap whose page (list or map) opened this topic in its side panel,
    if the topic is on it: its status changes then redraw that page too."""
    slug = request.GET.get("roadmap") or request.POST.get("roadmap") or ""
    return slug if any(p.roadmap_slug == slug for p in content.placements) else ""


def _panel_on_map(request) -> bool:
    return (request.GET.get("page") or request.POST.get("page")) == "map"


def _topic_context(request, content, **forms) -> dict:
    context = {
        "topic": content,
        "tracking": request.user.is_authenticated,
        "statuses": Status,
        "status_choices": STATUS_CHOICES,
        "panel_roadmap": _panel_roadmap(request, content) if request.htmx else "",
        "panel_on_map": _panel_on_map(request),
    }
    # In the roadmap page's side panel the topic sits below that page's h1.
    context["h_title"], context["h_sub"] = ("h2", "h3") if request.htmx else ("h1", "h2")
    if request.user.is_authenticated:
        mine = selectors.topic_progress(request.user, content)
        note = mine.progress.note if mine.progress else ""
        context |= {
            "mine": mine,
            "note_form": forms.pop("note_form", None) or NoteForm(initial={"note": note}),
            "evidence_form": forms.pop("evidence_form", None) or EvidenceForm(),
            "learner": request.user,
        }
    return context | forms


@login_not_required
@require_safe
@never_cache
@vary_on_headers("HX-Request")
def topic_detail(request, slug):
    content = topic_content_or_404(slug)
    template = "progress/topic_detail.html#topic-panel" if request.htmx else "progress/topic_detail.html"
    return render(request, template, _topic_context(request, content))


def topic_page(request, slug, *, status=200, **forms) -> HttpResponse:
    """The whole topic page, with forms that failed validation (this app's, or
    mentoring's comment form) showing their errors."""
    return render(
        request,
        "progress/topic_detail.html",
        _topic_context(request, topic_content_or_404(slug), **forms),
        status=status,
    )


@require_POST
@vary_on_headers("HX-Request")
def topic_status(request, slug):
    """The status controls of a topic's page and of the side panel."""
    status = request.POST.get("status", "")
    if status not in Status.values:
        return HttpResponseBadRequest("Choose one of: not_started, in_progress, done, skipped.")
    content = topic_content_or_404(slug)
    panel_roadmap = _panel_roadmap(request, content)
    if panel_roadmap:
        roadmap, topic = topic_on_roadmap_or_404(roadmap_slug=panel_roadmap, topic_slug=slug)
    else:
        roadmap, topic = None, _live_topic_or_404(slug)
    services.set_status(learner=request.user, topic=topic, status=status, roadmap=roadmap)
    if not request.htmx:
        return redirect(f"{topic.get_absolute_url()}#topic-status")
    context = _topic_context(request, content)
    if roadmap is None:
        return render(request, "progress/topic_detail.html#status-announcement", context)
    if _panel_on_map(request):
        # The map redraws itself (the map page's #map-area listens for this event).
        response = render(request, "progress/topic_detail.html#status-announcement", context)
        response["HX-Trigger"] = "progress-changed"
        return response
    # In a roadmap page's panel: that page's row and completion bars too.
    update = selectors.status_update(roadmap_outline(roadmap), selectors.statuses_of(request.user), topic.pk)
    if update is None:
        return HttpResponseClientRefresh()
    rows.fill_html(roadmap, [update.row], editable=True)
    context |= {
        "roadmap": roadmap,
        "row": update.row,
        "section": update.section,
        "data": update,
        "continue_topic": update.continue_topic,
    }
    return render(request, "progress/topic_detail.html#panel-status-response", context)


def _live_topic_or_404(slug) -> Topic:
    return get_object_or_404(Topic.objects.live(), slug=slug)


@require_POST
@vary_on_headers("HX-Request")
def topic_note(request, slug):
    topic = _live_topic_or_404(slug)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.save_note(learner=request.user, topic=topic, note=form.cleaned_data["note"])
        if not request.htmx:
            messages.success(request, "Note saved.")
            return redirect(topic)
    # 422 is swapped by htmx (see htmx-config in base.html), so the error shows in place.
    status = 200 if form.is_valid() else (422 if request.htmx else 400)
    if request.htmx:
        context = {"topic": topic, "note_form": form, "note_saved": form.is_valid()}
        return render(request, "progress/topic_detail.html#note-form", context, status=status)
    return topic_page(request, slug, status=status, note_form=form)


@require_POST
def topic_evidence(request, slug):
    topic = _live_topic_or_404(slug)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            services.add_evidence(learner=request.user, topic=topic, **form.cleaned_data)
        except services.EvidenceLimitReached as exc:
            form.add_error("url", str(exc))
        else:
            return redirect(f"{topic.get_absolute_url()}#evidence")
    return topic_page(request, slug, status=400, evidence_form=form)


@require_POST
def topic_evidence_delete(request, slug, evidence_id):
    topic = _live_topic_or_404(slug)
    get_object_or_404(Evidence, pk=evidence_id, progress__learner=request.user, progress__topic=topic)
    services.remove_evidence(learner=request.user, evidence_id=evidence_id)
    return redirect(f"{topic.get_absolute_url()}#evidence")


# --- Dashboard, export and import ---------------------------------------------


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
    roadmap = published_roadmap_or_404(slug)
    follow = RoadmapFollow.objects.filter(learner=request.user, roadmap=roadmap).first()
    if follow is None:
        if request.method == "POST":
            messages.error(request, f"Follow {roadmap.title} to set a pace on it: it then appears on your dashboard.")
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
            messages.success(request, f"Your pace on {roadmap.title} is removed.")
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
                    f"Planned: {roadmap.title} at {follow.hours_per_week} hours a week, "
                    f"to finish by {follow.target_date:%-d %b %Y}.",
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
            data = transfer.parse_import(upload.read(transfer.MAX_IMPORT_BYTES + 1))
            topics, events = transfer.import_progress(learner=request.user, data=data)
        except transfer.ImportError_ as exc:
            form.add_error("file", f"Nothing was imported. {exc}")
        else:
            messages.success(
                request,
                f"Imported {topics} topic{'s' if topics != 1 else ''} and {events} event{'s' if events != 1 else ''}.",
            )
            return redirect("dashboard")
    status = 400 if form.errors else 200
    return render(request, "progress/import.html", {"form": form}, status=status)


# --- Calendar feed ------------------------------------------------------------

# A calendar app polls every few hours; an hour's copy in its own cache is fresh enough.
FEED_MAX_AGE = 60 * 60


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The learner's study calendar (progress.calendar), fetched by their calendar
    app without a session: the token in the URL is the only key. An unknown,
    renewed or revoked token gets the site's 404, and an address that asked for
    too many unknown ones gets 429 instead. A feed that exists is always
    served: a calendar service fetches many learners' feeds, and keeps polling
    revoked ones, from one address."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        address = client_address(request)
        if throttle.hit(throttle.FEED_MISSES_PER_ADDRESS, address) > throttle.FEED_MISSES_PER_ADDRESS.attempts:
            response = HttpResponse("Too many calendar links that do not exist were asked for.", status=429)
            response["Retry-After"] = str(throttle.retry_after(throttle.FEED_MISSES_PER_ADDRESS, address))
            return response
        raise Http404("No calendar feed has this address.")
    now = timezone.now()
    body = calendar.study_calendar(
        feed=feed,
        dashboard=dashboard_for(feed.learner, now=now),
        now=now,
        absolute=request.build_absolute_uri,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    return response


def _calendar_feed_refused(request, *, form=None, error: str = ""):
    """400 with the Calendar section and what was wrong; nothing was changed."""
    context = {"calendar_form": form, "calendar_error": error}
    return render(request, "progress/calendar_feed.html", context, status=400)


def _show_once(request, token: str) -> HttpResponse:
    # The account page's Calendar section pops it (progress.templatetags.calendar_feed):
    # the one time the full URL is shown. Only its digest is stored with the feed.
    request.session[calendar.NEW_FEED_SESSION_KEY] = token
    return redirect(f"{reverse('account')}#calendar")


@require_POST
def calendar_feed_manage(request):
    """The account page's Calendar section: create the feed, renew its link,
    change its study block, or revoke it (`action`)."""
    action = request.POST.get("action")
    if action == "revoke":
        if services.revoke_feed(learner=request.user):
            messages.success(request, "Your calendar link is revoked: calendar apps get nothing from it any more.")
        return redirect(f"{reverse('account')}#calendar")
    if action == "renew":
        feed = selectors.calendar_feed_of(request.user)
        if feed is None:
            return _calendar_feed_refused(request, error="You have no calendar link to renew: create one.")
        token = services.create_or_renew_feed(
            learner=request.user, weekday=feed.weekday, start=feed.start, minutes=feed.minutes
        )
        messages.success(request, "Your calendar link is renewed, and the old one no longer works.")
        return _show_once(request, token)
    if action not in ("create", "update"):
        return _calendar_feed_refused(request, error="Choose to create, renew, change or revoke your calendar link.")
    form = CalendarFeedForm(request.POST, auto_id="calendar-%s")
    if not form.is_valid():
        return _calendar_feed_refused(request, form=form)
    block = {name: form.cleaned_data[name] for name in ("weekday", "start", "minutes")}
    try:
        if action == "update":
            if not services.update_feed_block(learner=request.user, **block):
                return _calendar_feed_refused(request, error="You have no calendar link to change: create one.")
            messages.success(request, "Your study block is changed; calendar apps show it at their next refresh.")
            return redirect(f"{reverse('account')}#calendar")
        token = services.create_or_renew_feed(learner=request.user, **block)
    except services.FeedError as error:
        form.add_error(None, str(error))
        return _calendar_feed_refused(request, form=form)
    messages.success(request, "Your calendar link is ready.")
    return _show_once(request, token)
