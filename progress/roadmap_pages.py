"""The roadmap pages: the list of roadmaps, a roadmap with the learner's ticks
(and its side panel's redraws), its map, its history, following it, its
default view and resetting it. Visitors see them without the learner's parts."""

import uuid
from itertools import chain, islice

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from mlepath.shortcuts import or_404
from progress import rows, selectors, services
from progress.dashboard import next_rows
from progress.models import ProjectState, Status
from roadmap.models import Roadmap, TrackChange
from roadmap.selectors import (
    assumed_topics,
    roadmap_maps,
    roadmap_outline,
    topic_on_roadmap,
)


def roadmap_context(roadmap, statuses: dict[int, str], *, editable: bool, due: set[int] = frozenset()) -> dict:
    outline = roadmap_outline(roadmap)
    data = selectors.roadmap_progress(roadmap, outline, statuses)
    rows.fill_html(roadmap, list(data.rows()), editable=editable, due=due)
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


def _due(learner) -> set[int]:
    """The signed-in learner's topics due for review: one query."""
    if not learner.is_authenticated:
        return set()
    return selectors.due_for_review(learner, services.learner_today(learner))


@login_not_required
@require_safe
@never_cache
def roadmap_detail(request, slug):
    roadmap = or_404(selectors.roadmap_page(slug, request.user), "No such roadmap")
    if getattr(roadmap, "prefers_map", False) and request.GET.get("view") != "list":
        return redirect("roadmap_map", slug=roadmap.slug)
    signed_in = request.user.is_authenticated
    statuses = selectors.statuses_of(request.user)
    context = roadmap_context(roadmap, statuses, editable=signed_in, due=_due(request.user))
    return render(request, "progress/roadmap_detail.html", context)


@require_POST
@vary_on_headers("HX-Request")
def set_status(request, slug, topic_slug):
    # Every control names the status it wants, never "toggle": the checkbox in
    # hx-vals, a button in its value (with htmx, or submitting the page's form).
    status = request.POST.get("status", "")
    if status not in Status.values:
        return HttpResponseBadRequest(_("Choose one of: not_started, in_progress, done, skipped."))
    roadmap, topic = or_404(topic_on_roadmap(roadmap_slug=slug, topic_slug=topic_slug), "No such topic on this roadmap")
    or_404(roadmap if selectors.may_open(roadmap, request.user) else None, "No such topic on this roadmap")
    services.set_status(learner=request.user, topic=topic, status=status, roadmap=roadmap)
    if not request.htmx:
        return redirect(f"{roadmap.get_absolute_url()}#{topic.slug}")
    update = selectors.status_update(roadmap_outline(roadmap), selectors.statuses_of(request.user), topic.pk)
    if update is None:  # the content changed since the lookup: show the page afresh
        return HttpResponseClientRefresh()
    rows.fill_html(roadmap, [update.row], editable=True, due=_due(request.user) if status == Status.DONE else set())
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
# A project's state on the map: the state's own label, shortened where a box has
# no room for it ("Approved by a mentor", "Complete (self-assessed)").
PROJECT_LABELS = {
    ProjectState.IN_PROGRESS: ("◐", ProjectState.IN_PROGRESS.label, Status.IN_PROGRESS),
    ProjectState.SUBMITTED: ("◐", ProjectState.SUBMITTED.label, Status.IN_PROGRESS),
    ProjectState.CHANGES_REQUESTED: ("◐", ProjectState.CHANGES_REQUESTED.label, Status.IN_PROGRESS),
    ProjectState.APPROVED: ("✓", gettext_lazy("Approved"), Status.DONE),
    ProjectState.SELF_ASSESSED: ("✓", gettext_lazy("Complete"), Status.DONE),
}


@login_not_required
@require_safe
@never_cache
def roadmap_map(request, slug):
    """The roadmap as a map: for a signed-in learner every box shows its status
    and the topics to take up next stand out; a box opens the side panel."""
    roadmap = or_404(selectors.roadmap_page(slug, request.user), "No such roadmap")
    outline = roadmap_outline(roadmap)
    statuses = selectors.statuses_of(request.user)
    data = selectors.roadmap_progress(roadmap, outline, statuses)
    tracking = request.user.is_authenticated
    # The first few the learner can take up, as the dashboard's "Next up": a map
    # where every open topic says "Next" would single out none.
    next_ids = {row.topic.pk for row in islice(next_rows(data, statuses), MAP_NEXT_LIMIT)} if tracking else set()
    maps = roadmap_maps(roadmap, outline)
    project_states = selectors.project_states_of(request.user) if tracking else {}
    due = _due(request.user)
    for roadmap_map in maps.values() if tracking and maps else ():
        for node in roadmap_map.nodes:
            if node.project:
                state = project_states.get(node.entry.pk)
                node.icon, node.label, node.status = PROJECT_LABELS.get(state, ("", "", ""))
                continue
            node.status = statuses.get(node.entry.pk, Status.NOT_STARTED)
            node.next = node.entry.pk in next_ids
            if node.status == Status.DONE and node.entry.pk in due:
                # Still done (the box stays green): the mark says it is due for review.
                node.icon, node.label = "↻", gettext_lazy("Due for review")
            elif node.status in STATUS_ICONS:
                node.icon, node.label = STATUS_ICONS[node.status], Status(node.status).label
            elif node.next:
                node.icon, node.label = "→", pgettext("topic", "Next")
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
        "state_labels": {state: label for state, (_icon, label, _status) in PROJECT_LABELS.items()},
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
    roadmap = or_404(selectors.roadmap_page(slug, request.user), "No such roadmap")
    events = selectors.roadmap_history(request.user, roadmap_outline(roadmap), limit=HISTORY_LIMIT)
    plans = selectors.plan_history(request.user, roadmap, limit=HISTORY_LIMIT)
    projects = selectors.project_history(request.user, roadmap_outline(roadmap), limit=HISTORY_LIMIT)
    time_log = selectors.time_history(request.user, roadmap_outline(roadmap), limit=HISTORY_LIMIT)
    # A cohort track's edits, as its mentor made them ("3 topics added by Aiko").
    changes = TrackChange.objects.filter(roadmap=roadmap)[:HISTORY_LIMIT] if roadmap.is_track else ()
    entries = chain(events, plans, projects, time_log, changes)
    events = sorted(entries, key=lambda entry: entry.created_at, reverse=True)[:HISTORY_LIMIT]
    context = {"roadmap": roadmap, "events": events, "limit": HISTORY_LIMIT}
    return render(request, "progress/roadmap_history.html", context)


@require_POST
def default_view(request, slug):
    """Open this roadmap as its map, or as its list."""
    roadmap = or_404(selectors.open_roadmap(slug, request.user), "No such roadmap")
    map_view = request.POST.get("view") == "map"
    services.set_default_view(learner=request.user, roadmap=roadmap, map_view=map_view)
    if map_view:
        messages.success(
            request, _("%(title)s now opens as this map. The list stays one click away.") % {"title": roadmap.title}
        )
        return redirect("roadmap_map", slug=roadmap.slug)
    messages.success(request, _("%(title)s now opens as its list.") % {"title": roadmap.title})
    return redirect(roadmap)


@require_POST
def follow(request, slug):
    roadmap = or_404(selectors.open_roadmap(slug, request.user), "No such roadmap")
    if request.POST.get("action") == "unfollow":
        services.unfollow_roadmap(learner=request.user, roadmap=roadmap)
        messages.success(
            request, _("%(title)s is no longer on your dashboard. Your progress is kept.") % {"title": roadmap.title}
        )
    else:
        services.follow_roadmap(learner=request.user, roadmap=roadmap)
        messages.success(request, _("%(title)s is now on your dashboard.") % {"title": roadmap.title})
    return redirect(roadmap)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def reset(request, slug):
    roadmap = or_404(selectors.open_roadmap(slug, request.user), "No such roadmap")
    if request.method == "POST":
        batch = services.reset_roadmap(learner=request.user, roadmap=roadmap)
        if batch is None:
            messages.info(request, _("There was no progress to reset."))
            return redirect(roadmap)
        return render(request, "progress/roadmap_reset.html", {"roadmap": roadmap, "batch": batch, "done": True})
    data = selectors.roadmap_progress(roadmap, roadmap_outline(roadmap), selectors.statuses_of(request.user))
    started = [row for row in data.rows() if row.status != Status.NOT_STARTED]
    return render(request, "progress/roadmap_reset.html", {"roadmap": roadmap, "started": started})


@require_POST
def reset_undo(request, slug):
    roadmap = or_404(selectors.open_roadmap(slug, request.user), "No such roadmap")
    try:
        batch = uuid.UUID(request.POST.get("batch", ""))
    except ValueError:
        return HttpResponseBadRequest(_("This undo link is not valid."))
    restored = services.undo_reset(learner=request.user, batch=batch)
    if restored:
        messages.success(
            request,
            ngettext("Restored %(count)d topic.", "Restored %(count)d topics.", restored) % {"count": restored},
        )
    else:
        messages.info(request, _("Nothing to restore: those topics have changed since the reset."))
    return redirect(roadmap)
