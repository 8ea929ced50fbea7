import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from mentoring import selectors as mentoring_selectors
from mentoring import services as mentoring_services
from mentoring.forms import CommentForm
from mentoring.models import Mentorship
from mlepath import pagecache
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.forms import EvidenceForm, NoteForm
from progress.models import Evidence, RoadmapFollow, Status
from roadmap import svgmap
from roadmap.models import Placement, Roadmap, Section, Topic
from roadmap.selectors import roadmap_outline, rows_html


@login_not_required
@require_safe
def roadmap_list(request):
    return render(request, "roadmap/roadmap_list.html", {"roadmaps": Roadmap.objects.for_index()})


def _roadmap_progress(request, roadmap):
    """Sections of the roadmap with the signed-in learner's status on each topic."""
    statuses = progress_selectors.statuses_of(request.user)
    return progress_selectors.roadmap_progress(roadmap, roadmap_outline(roadmap), statuses)


def _roadmap_context(request, roadmap):
    data = _roadmap_progress(request, roadmap)
    key = (lambda row: row.status) if request.user.is_authenticated else (lambda row: "public")
    for section in data.sections:
        section.rows_html = rows_html(section.rows, key=key)
    rows = list(data.rows())
    return {
        "roadmap": roadmap,
        "data": data,
        "topic_count": len(rows),
        "total_hours": sum(row.topic.estimated_hours for row in rows),
        "tracking": request.user.is_authenticated,
        "editable": request.user.is_authenticated,
        "statuses": Status,
    }


@login_not_required
@require_safe
@never_cache
def roadmap_detail(request, slug):
    def context(roadmap):
        context = _roadmap_context(request, roadmap)
        if request.user.is_authenticated:
            context["following"] = RoadmapFollow.objects.filter(learner=request.user, roadmap=roadmap).exists()
        return context

    if request.user.is_authenticated:
        # Every content change bumps every learner's progress_version (touch_everyone), so a
        # signed-in learner's key needs no query: a page cached for a published roadmap stays
        # right until a change, after which the miss finds the roadmap (or a 404) afresh.
        key = pagecache.learner_key(request, "roadmap", pagecache.digest(slug))
        return pagecache.render_cached(
            request,
            "roadmap/roadmap_detail.html",
            key=key,
            context=lambda: context(get_object_or_404(Roadmap.objects.published(), slug=slug)),
        )
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    key = pagecache.learner_key(request, "roadmap", roadmap.pk, roadmap.content_version)
    return pagecache.render_cached(request, "roadmap/roadmap_detail.html", key=key, context=lambda: context(roadmap))


@require_POST
@vary_on_headers("HX-Request")
def set_status(request, slug, topic_slug):
    # Without JavaScript the checkbox form posts a hidden "not_started" and, when
    # ticked, "done" after it; QueryDict.get returns the last value, the one wanted.
    status = request.POST.get("status", "")
    if status not in Status.values:
        return HttpResponseBadRequest("Choose one of: not_started, in_progress, done, skipped.")
    # One statement finds the topic on the roadmap and writes the change.
    tick = progress_services.set_status_on_roadmap(
        learner=request.user, roadmap_slug=slug, topic_slug=topic_slug, status=status
    )
    if tick is None:
        raise Http404("No such topic on this roadmap")
    roadmap, topic = tick.roadmap, tick.topic
    if not request.htmx:
        return redirect(f"{roadmap.get_absolute_url()}#{topic.slug}")
    statuses = tick.change.statuses
    if statuses is None:  # a first touch, written by the ORM, did not read them
        statuses = progress_selectors.statuses_of(request.user)
    update = progress_selectors.status_update(roadmap_outline(roadmap), statuses, topic.pk)
    if update is None:  # the content changed under the statement: show the page afresh
        return HttpResponseClientRefresh()
    context = {
        "roadmap": roadmap,
        "section": update.section,
        "data": update,  # the roadmap-progress partial shows data.completion
        # The row as the page shows it, pre-rendered for this status (see roadmap_outline).
        "row_html": pagecache.fill(request, rows_html([update.row], key=lambda row: row.status)),
    }
    return render(request, "roadmap/roadmap_detail.html#status-response", context)


@require_POST
def follow(request, slug):
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    if request.POST.get("action") == "unfollow":
        progress_services.unfollow_roadmap(learner=request.user, roadmap=roadmap)
        messages.success(request, f"{roadmap.title} is no longer on your dashboard. Your progress is kept.")
    else:
        progress_services.follow_roadmap(learner=request.user, roadmap=roadmap)
        messages.success(request, f"{roadmap.title} is now on your dashboard.")
    return redirect(roadmap)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def reset(request, slug):
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    if request.method == "POST":
        batch = progress_services.reset_roadmap(learner=request.user, roadmap=roadmap)
        if batch is None:
            messages.info(request, "There was no progress to reset.")
            return redirect(roadmap)
        return render(request, "roadmap/roadmap_reset.html", {"roadmap": roadmap, "batch": batch, "done": True})
    data = _roadmap_progress(request, roadmap)
    started = [row for row in data.rows() if row.status != Status.NOT_STARTED]
    return render(request, "roadmap/roadmap_reset.html", {"roadmap": roadmap, "started": started})


@require_POST
def reset_undo(request, slug):
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    try:
        batch = uuid.UUID(request.POST.get("batch", ""))
    except ValueError:
        return HttpResponseBadRequest("This undo link is not valid.")
    restored = progress_services.undo_reset(learner=request.user, batch=batch)
    if restored:
        messages.success(request, f"Restored {restored} topic{'s' if restored != 1 else ''}.")
    else:
        messages.info(request, "Nothing to restore: those topics have changed since the reset.")
    return redirect(roadmap)


@login_not_required
@require_safe
def roadmap_map(request, slug):
    roadmap = get_object_or_404(Roadmap.objects.published(), slug=slug)
    sections = list(Section.objects.for_roadmap_page(roadmap))
    return render(request, "roadmap/roadmap_map.html", {"roadmap": roadmap, "map": svgmap.layout(sections)})


def _topic_or_404(slug):
    live_placements = Placement.objects.filter(section__roadmap__published=True).select_related("section__roadmap")
    return get_object_or_404(
        Topic.objects.live().prefetch_related(
            "resources",
            Prefetch("prerequisites", queryset=Topic.objects.live()),
            Prefetch("unlocks", queryset=Topic.objects.live()),
            Prefetch("placements", queryset=live_placements.order_by("section__roadmap__order")),
        ),
        slug=slug,
    )


def _topic_context(request, topic, **extra):
    context = {"topic": topic, "tracking": request.user.is_authenticated, "statuses": Status}
    # In the roadmap page's side panel the topic sits below that page's h1.
    context["h_title"], context["h_sub"] = ("h2", "h3") if request.htmx else ("h1", "h2")
    if request.user.is_authenticated:
        related = [topic.pk, *(t.pk for t in topic.prerequisites.all())]
        progress = progress_selectors.progress_by_topic(request.user, related)
        mine = progress.get(topic.pk)
        context |= {
            "progress": mine,
            "status": mine.status if mine else Status.NOT_STARTED,
            "prerequisite_statuses": {pk: p.status for pk, p in progress.items()},
            "evidence": list(mine.evidence.all()) if mine else [],
            "note_form": extra.pop("note_form", None) or NoteForm(initial={"note": mine.note if mine else ""}),
            "evidence_form": extra.pop("evidence_form", None) or EvidenceForm(),
            "learner": request.user,
            "thread": mentoring_selectors.thread_for(learner=request.user, topic=topic),
            "reviews": mentoring_selectors.reviews_for(learner=request.user, topic=topic),
            "comment_form": extra.pop("comment_form", None) or CommentForm(),
        }
        context["show_thread"] = (
            bool(context["thread"])
            or Mentorship.objects.filter(learner=request.user, status=Mentorship.Status.ACTIVE).exists()
        )
    return context | extra


@login_not_required
@require_safe
@never_cache
@vary_on_headers("HX-Request")
def topic_detail(request, slug):
    topic = _topic_or_404(slug)
    if request.user.is_authenticated:
        mentoring_services.mark_comments_seen(learner=request.user, topic=topic)
    template = "roadmap/topic_detail.html#topic-panel" if request.htmx else "roadmap/topic_detail.html"
    return render(request, template, _topic_context(request, topic))


@require_POST
@vary_on_headers("HX-Request")
def topic_note(request, slug):
    topic = _topic_or_404(slug)
    form = NoteForm(request.POST)
    if form.is_valid():
        progress_services.save_note(learner=request.user, topic=topic, note=form.cleaned_data["note"])
        if not request.htmx:
            messages.success(request, "Note saved.")
            return redirect(topic)
    # 422 is swapped by htmx (see htmx-config in base.html), so the error shows in place.
    status = 200 if form.is_valid() else (422 if request.htmx else 400)
    template = "roadmap/topic_detail.html#note-form" if request.htmx else "roadmap/topic_detail.html"
    context = _topic_context(request, topic, note_form=form, note_saved=form.is_valid())
    return render(request, template, context, status=status)


@require_POST
def topic_evidence(request, slug):
    topic = _topic_or_404(slug)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            progress_services.add_evidence(learner=request.user, topic=topic, **form.cleaned_data)
        except progress_services.EvidenceLimitReached as exc:
            form.add_error("url", str(exc))
        else:
            return redirect(f"{topic.get_absolute_url()}#evidence")
    context = _topic_context(request, topic, evidence_form=form)
    return render(request, "roadmap/topic_detail.html", context, status=400)


@require_POST
def topic_evidence_delete(request, slug, evidence_id):
    topic = _topic_or_404(slug)
    get_object_or_404(Evidence, pk=evidence_id, progress__learner=request.user, progress__topic=topic)
    progress_services.remove_evidence(learner=request.user, evidence_id=evidence_id)
    return redirect(f"{topic.get_absolute_url()}#evidence")


@require_POST
def topic_comment(request, slug):
    """The learner writes in the feedback thread of their own topic."""
    topic = _topic_or_404(slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            mentoring_services.add_comment(
                author=request.user, learner=request.user, topic=topic, body=form.cleaned_data["body"]
            )
        except mentoring_services.MentoringError as exc:
            form.add_error("body", str(exc))
        else:
            return redirect(f"{topic.get_absolute_url()}#comments")
    return render(request, "roadmap/topic_detail.html", _topic_context(request, topic, comment_form=form), status=400)
