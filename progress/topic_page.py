"""The topic page, and the side panel that shows it on a roadmap page or map:
the learner's status, note and evidence (mentoring fills in the reviews and
the feedback thread through slots)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from mlepath.shortcuts import or_404
from progress import review, rows, selectors, services
from progress.forms import QUICK_MINUTES, EvidenceForm, NoteForm, TimeEntryForm
from progress.models import Evidence, Review, Status, duration_label
from roadmap.models import Topic
from roadmap.selectors import (
    roadmap_outline,
    topic_on_roadmap,
)

# The status controls of a topic's page and panel, in the order learners use them.
STATUS_CHOICES = [
    (Status.DONE, Status.DONE.label),
    (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
    (Status.SKIPPED, gettext_lazy("Skip")),
    (Status.NOT_STARTED, Status.NOT_STARTED.label),
]
# "Time spent", logged with a tick of done (the time log takes any other amount).
SPENT_CHOICES = (30, 60, 120, 180, 240)


def _panel_roadmap(request, content) -> str:
    """The roadmap whose page (list or map) opened this topic in its side panel,
    if the topic is on it: its status changes then redraw that page too."""
    slug = request.GET.get("roadmap") or request.POST.get("roadmap") or ""
    if not slug or any(p.roadmap_slug == slug for p in content.placements):
        return slug
    # A cohort track (the content names shipped roadmaps alone): one query, on a track's page only.
    found = topic_on_roadmap(roadmap_slug=slug, topic_slug=content.slug) if len(slug) <= 80 else None
    return slug if found and selectors.may_open(found[0], request.user) else ""


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
    # A form's redraw says where it was sent from (its in_panel field).
    in_panel = request.htmx and (request.method != "POST" or request.POST.get("in_panel") == "1")
    context["h_title"], context["h_sub"] = ("h2", "h3") if in_panel else ("h1", "h2")
    if request.user.is_authenticated:
        mine = selectors.topic_progress(request.user, content)
        note = mine.progress.note if mine.progress else ""
        context |= {
            "mine": mine,
            "note_form": forms.pop("note_form", None) or NoteForm(initial={"note": note}),
            "evidence_form": forms.pop("evidence_form", None) or EvidenceForm(),
            "time_form": forms.pop("time_form", None) or TimeEntryForm(),
            "quick_minutes": [(minutes, duration_label(minutes)) for minutes in QUICK_MINUTES],
            "spent_choices": [(minutes, duration_label(minutes)) for minutes in SPENT_CHOICES],
            "today": services.learner_today(request.user),
            "review_rule": review.RULE,
            "review_answers": Review.Answer.choices,
            "learner": request.user,
        }
    return context | forms


@login_not_required
@require_safe
@never_cache
@vary_on_headers("HX-Request")
def topic_detail(request, slug):
    content = or_404(selectors.readable_topic(slug, request.user), "No such topic")
    template = "progress/topic_detail.html#topic-panel" if request.htmx else "progress/topic_detail.html"
    return render(request, template, _topic_context(request, content))


def topic_page(request, slug, *, status=200, **forms) -> HttpResponse:
    """The whole topic page, with forms that failed validation (this app's, or
    mentoring's comment form) showing their errors."""
    return render(
        request,
        "progress/topic_detail.html",
        _topic_context(request, or_404(selectors.readable_topic(slug, request.user), "No such topic"), **forms),
        status=status,
    )


@require_POST
@vary_on_headers("HX-Request")
def topic_status(request, slug):
    """The status controls of a topic's page and of the side panel."""
    status = request.POST.get("status", "")
    if status not in Status.values:
        return HttpResponseBadRequest(gettext("Choose one of: not_started, in_progress, done, skipped."))
    content = or_404(selectors.readable_topic(slug, request.user), "No such topic")
    panel_roadmap = _panel_roadmap(request, content)
    if panel_roadmap:
        roadmap, topic = or_404(
            topic_on_roadmap(roadmap_slug=panel_roadmap, topic_slug=slug), "No such topic on this roadmap"
        )
        or_404(roadmap if selectors.may_open(roadmap, request.user) else None, "No such topic on this roadmap")
    else:
        roadmap, topic = None, _live_topic_or_404(request, slug)
    spent = {str(minutes): minutes for minutes in SPENT_CHOICES}.get(request.POST.get("spent", ""))
    change = services.set_status(learner=request.user, topic=topic, status=status, roadmap=roadmap)
    # Only with the tick itself: a double click, a retry or a second tab logs nothing more.
    if spent and status == Status.DONE and change.changed:
        try:
            services.log_time(learner=request.user, topic=topic, minutes=spent)
        except services.TimeLogError as error:
            messages.warning(request, str(error))
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
    due = (
        selectors.due_for_review(request.user, services.learner_today(request.user)) if status == Status.DONE else set()
    )
    rows.fill_html(roadmap, [update.row], editable=True, due=due)
    context |= {
        "roadmap": roadmap,
        "row": update.row,
        "section": update.section,
        "data": update,
        "continue_topic": update.continue_topic,
    }
    return render(request, "progress/topic_detail.html#panel-status-response", context)


def _live_topic_or_404(request, slug) -> Topic:
    """A live topic the signed-in reader may read (a cohort track's own: if they may open the track)."""
    topic = get_object_or_404(Topic.objects.live(), slug=slug)
    return or_404(topic if selectors.may_read(topic, request.user) else None, "No such topic")


@require_POST
@vary_on_headers("HX-Request")
def topic_note(request, slug):
    topic = _live_topic_or_404(request, slug)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.save_note(learner=request.user, topic=topic, note=form.cleaned_data["note"])
        if not request.htmx:
            messages.success(request, gettext("Note saved."))
            return redirect(topic)
    # 422 is swapped by htmx (see htmx-config in base.html), so the error shows in place.
    status = 200 if form.is_valid() else (422 if request.htmx else 400)
    if request.htmx:
        context = {"topic": topic, "note_form": form, "note_saved": form.is_valid()}
        return render(request, "progress/topic_detail.html#note-form", context, status=status)
    return topic_page(request, slug, status=status, note_form=form)


@require_POST
def topic_evidence(request, slug):
    topic = _live_topic_or_404(request, slug)
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
    topic = _live_topic_or_404(request, slug)
    get_object_or_404(Evidence, pk=evidence_id, progress__learner=request.user, progress__topic=topic)
    services.remove_evidence(learner=request.user, evidence_id=evidence_id)
    return redirect(f"{topic.get_absolute_url()}#evidence")
