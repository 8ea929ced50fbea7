"""Cohort tracks' pages: a mentor's tracks, a track's editor and its actions,
own topics and projects, the preview; a learner's offer and a shared link.
The editor's URLs answer 404 to anyone but the track's author and site staff,
an offer's to anyone but its learner."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mentoring import track_selectors, tracks
from mentoring.forms import NewTrackForm, OwnProjectForm, OwnTopicForm, SectionForm, TrackForm
from mentoring.models import Mentorship
from mlepath.shortcuts import or_404
from progress.roadmap_pages import roadmap_context
from roadmap.models import Project, Section, Topic


def _track_or_404(request, pk):
    return or_404(track_selectors.track_for_editor(pk, request.user), "No such track")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def track_list(request):
    """The mentor's tracks, and a new one."""
    form = NewTrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            track = tracks.create_track(
                author=request.user,
                title=data["title"],
                introduction=data["introduction"],
                target_date=data["target_date"],
                copy_from=data["copy_from"],
            )
        except tracks.TrackError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Track made. Shape it, preview it, then offer it to your mentees."))
            return redirect("mentoring_track", pk=track.pk)
    context = {"tracks": track_selectors.tracks_of(request.user), "form": form, "limit": tracks.TRACKS_PER_MENTOR}
    return render(request, "mentoring/tracks/track_list.html", context, status=400 if form.errors else 200)


def _editor_context(request, track, **forms) -> dict:
    editor = track_selectors.editor(track)
    context = {
        "editor": editor,
        "track": track,
        "details_form": forms.get("details_form")
        or TrackForm(initial={"title": track.title, "introduction": track.summary, "target_date": track.finish_by}),
        "section_form": forms.get("section_form") or SectionForm(prefix="section"),
        "mentees": track_selectors.mentees_on_track(track, request.user),
        "limits": {
            "sections": tracks.SECTIONS_MAX,
            "topics": tracks.TOPICS_MAX,
            "own_topics": tracks.OWN_TOPICS_MAX,
            "projects": tracks.PROJECTS_MAX,
        },
        "share_url": request.build_absolute_uri(reverse("mentoring_track_join", args=[track.share_token]))
        if track.share_token
        else "",
    }
    return context


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def track_edit(request, pk):
    """The track's editor; a POST saves its title, introduction and target date."""
    track = _track_or_404(request, pk)
    form = None
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            tracks.update_details(
                track=track,
                by=request.user,
                title=data["title"],
                introduction=data["introduction"],
                target_date=data["target_date"],
            )
            messages.success(request, _("Saved."))
            return redirect("mentoring_track", pk=track.pk)
    context = _editor_context(request, track, details_form=form)
    return render(request, "mentoring/tracks/track_edit.html", context, status=400 if form else 200)


def _section(track, value) -> Section | None:
    return Section.objects.filter(roadmap=track, pk=_id(value)).first() if _id(value) else None


def _sections_and_chosen(request, track) -> tuple[list[Section], Section | None]:
    """The track's sections, and the one a new topic or project goes in: the
    one asked for (?section= or the form's), else the first."""
    sections = list(track.sections.order_by("order", "pk"))
    chosen = _section(track, request.POST.get("section") or request.GET.get("section"))
    return sections, chosen or (sections[0] if sections else None)


def _id(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12 else None


def _on_track(model, track, value):
    """A topic or project by id, if it is placed on the track."""
    return model.objects.filter(pk=_id(value), placements__section__roadmap=track).first() if _id(value) else None


@require_POST
def track_content(request, pk):
    """The editor's buttons: sections, topics and projects added, moved and
    taken off, prerequisites assumed. Each names its action; a bad one is a 400."""
    track = _track_or_404(request, pk)
    action, post, by = request.POST.get("action", ""), request.POST, request.user
    try:
        match action:
            case "add-section":
                form = SectionForm(post, prefix="section")
                if not form.is_valid():
                    return render(
                        request,
                        "mentoring/tracks/track_edit.html",
                        _editor_context(request, track, section_form=form),
                        status=400,
                    )
                tracks.add_section(track=track, by=by, title=form.cleaned_data["title"])
            case "remove-section" | "move-section":
                section = _section(track, post.get("section"))
                if section is None:
                    return HttpResponseBadRequest(_("Choose a section of this track."))
                if action == "remove-section":
                    tracks.remove_section(track=track, by=by, section=section)
                else:
                    tracks.move_section(track=track, by=by, section=section, direction=post.get("direction", ""))
            case "add-topics":
                section = _section(track, post.get("section"))
                ids = [_id(value) for value in post.getlist("topics") if _id(value)][: tracks.TOPICS_MAX]
                if section is None or not ids:
                    return HttpResponseBadRequest(_("Choose a section and at least one topic."))
                topics = list(Topic.objects.live().shipped().filter(pk__in=ids))
                added = tracks.add_topics(track=track, by=by, section=section, topics=topics)
                messages.success(
                    request, ngettext("%(count)d topic added.", "%(count)d topics added.", added) % {"count": added}
                )
            case "remove-topic" | "move-topic":
                topic = _on_track(Topic, track, post.get("topic"))
                if topic is None:
                    return HttpResponseBadRequest(_("Choose a topic of this track."))
                if action == "remove-topic":
                    tracks.remove_topic(track=track, by=by, topic=topic)
                else:
                    section = _section(track, post.get("section"))
                    if section is None:
                        return HttpResponseBadRequest(_("Choose a section of this track."))
                    direction = post.get("direction", "")
                    tracks.move_topic(track=track, by=by, section=section, topic=topic, direction=direction)
            case "add-project":
                section = _section(track, post.get("section"))
                project = Project.objects.live().shipped().filter(pk=_id(post.get("project")) or 0).first()
                if section is None or project is None:
                    return HttpResponseBadRequest(_("Choose a section and a project."))
                tracks.add_project(track=track, by=by, section=section, project=project)
            case "remove-project":
                project = _on_track(Project, track, post.get("project"))
                if project is None:
                    return HttpResponseBadRequest(_("Choose a project of this track."))
                tracks.remove_project(track=track, by=by, project=project)
            case "assume-missing":
                tracks.assume_missing(track=track, by=by)
            case "unassume":
                topic = track.assumed_topics.filter(pk=_id(post.get("topic")) or 0).first()
                if topic is None:
                    return HttpResponseBadRequest(_("Choose an assumed topic of this track."))
                tracks.unassume(track=track, by=by, topic=topic)
            case _:
                return HttpResponseBadRequest(_("Unknown action."))
    except tracks.TrackError as exc:
        messages.error(request, str(exc))
    anchor = post.get("anchor", "")
    fragment = f"#{anchor}" if anchor.replace("-", "_").isidentifier() and anchor.isascii() else ""
    return redirect(f"{reverse('mentoring_track', args=[track.pk])}{fragment}")


def _own_form(form_class, request, track, instance_initial=None):
    return form_class(request.POST or None, initial=instance_initial, track_topics=track_selectors.track_topics(track))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def own_topic(request, pk, topic_pk=None):
    """A new own topic of the track (in a section), or one to edit."""
    track = _track_or_404(request, pk)
    topic = None
    initial = None
    if topic_pk is not None:
        topic = or_404(Topic.objects.filter(pk=topic_pk, track=track, retired=False).first(), "No such topic")
        initial = {
            "title": topic.title,
            "summary": topic.summary,
            "hours": topic.estimated_hours,
            "resources": "\n".join(f"{r.title} | {r.url}" for r in topic.resources.all()),
            "prerequisites": list(topic.prerequisites.values_list("pk", flat=True)),
        }
    form = _own_form(OwnTopicForm, request, track, initial)
    if topic is not None:
        form.fields["prerequisites"].queryset = form.fields["prerequisites"].queryset.exclude(pk=topic.pk)
    sections, section = _sections_and_chosen(request, track)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = tracks.OwnTopic(
            title=data["title"],
            summary=data["summary"],
            hours=data["hours"],
            resources=data["resources"],
            prerequisites=tuple(data["prerequisites"]),
        )
        try:
            if topic is None:
                if section is None:
                    raise tracks.TrackError(_("Add a section first: a topic sits in a section."))
                tracks.create_own_topic(track=track, by=request.user, section=section, spec=spec)
            else:
                tracks.edit_own_topic(track=track, by=request.user, topic=topic, spec=spec)
        except tracks.TrackError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Topic saved."))
            return redirect("mentoring_track", pk=track.pk)
    context = {"track": track, "form": form, "topic": topic, "sections": sections, "section": section}
    return render(request, "mentoring/tracks/own_topic.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def own_project(request, pk, project_pk=None):
    """A new own project of the track (in a section), or one to edit."""
    track = _track_or_404(request, pk)
    project = None
    initial = None
    if project_pk is not None:
        project = or_404(Project.objects.filter(pk=project_pk, track=track, retired=False).first(), "No such project")
        initial = {
            "title": project.title,
            "brief": project.brief,
            "hours": project.estimated_hours,
            "criteria": "\n".join(c.text for c in project.criteria.all()),
            "topics": list(project.topics.values_list("pk", flat=True)),
        }
    form = _own_form(OwnProjectForm, request, track, initial)
    sections, section = _sections_and_chosen(request, track)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = tracks.OwnProject(
            title=data["title"],
            brief=data["brief"],
            hours=data["hours"],
            criteria=data["criteria"],
            topics=tuple(data["topics"]),
        )
        try:
            if project is None:
                if section is None:
                    raise tracks.TrackError(_("Add a section first: a project closes a section."))
                tracks.create_own_project(track=track, by=request.user, section=section, spec=spec)
            else:
                tracks.edit_own_project(track=track, by=request.user, project=project, spec=spec)
        except tracks.TrackError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Project saved."))
            return redirect("mentoring_track", pk=track.pk)
    context = {"track": track, "form": form, "project": project, "sections": sections, "section": section}
    return render(request, "mentoring/tracks/own_project.html", context, status=400 if form.errors else 200)


def _preview_context(track) -> dict:
    """The track's page as a learner who has ticked nothing sees it."""
    return roadmap_context(track, {}, editable=False) | {"preview": True}


@require_http_methods(["GET", "HEAD"])
@never_cache
def track_preview(request, pk):
    track = _track_or_404(request, pk)
    return render(request, "mentoring/tracks/track_preview.html", _preview_context(track))


@require_POST
def track_offer(request, pk):
    """Offer the track to the chosen mentees."""
    track = _track_or_404(request, pk)
    ids = {_id(value) for value in request.POST.getlist("learners") if _id(value)}
    mentorships = Mentorship.objects.filter(
        mentor=request.user, status=Mentorship.Status.ACTIVE, learner_id__in=ids
    ).select_related("learner")
    learners = [m.learner for m in mentorships]
    if not ids or len(learners) < len(ids):
        messages.error(request, _("Choose among the people you mentor."))
        return redirect("mentoring_track", pk=track.pk)
    try:
        made = tracks.offer_track(track=track, by=request.user, learners=learners)
    except tracks.TrackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext("Offered to %(count)d mentee.", "Offered to %(count)d mentees.", made) % {"count": made}
            if made
            else _("They have it already."),
        )
    return redirect(f"{reverse('mentoring_track', args=[track.pk])}#learners")


@require_POST
def track_link(request, pk):
    """Share the track by a link, or close the link."""
    track = _track_or_404(request, pk)
    match request.POST.get("action"):
        case "share":
            tracks.share(track=track, by=request.user)
        case "unshare":
            tracks.unshare(track=track, by=request.user)
            messages.success(request, _("The link is closed. Who followed through it keeps following."))
        case _:
            return HttpResponseBadRequest(_("Unknown action."))
    return redirect(f"{reverse('mentoring_track', args=[track.pk])}#link")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def track_delete(request, pk):
    track = _track_or_404(request, pk)
    if request.method == "POST":
        tracks.delete_track(track=track, by=request.user)
        messages.success(request, _("Track deleted. Its learners keep their progress."))
        return redirect("mentoring_tracks")
    context = {"track": track, "followers": track_selectors.editor(track).followers}
    return render(request, "mentoring/tracks/track_delete.html", context)


# --- The learner's side ---


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def offer(request, pk):
    """A track a mentor offers: its preview, and the answer."""
    offer = or_404(track_selectors.offer_for(pk, request.user), "No such offer")
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            return HttpResponseBadRequest(_("Choose accept or decline."))
        tracks.answer_offer(offer=offer, learner=request.user, accept=answer == "accept")
        if answer == "accept":
            messages.success(request, _("The track is on your dashboard."))
            return redirect(offer.roadmap.get_absolute_url())
        messages.success(request, _("Declined. Your mentor sees your answer."))
        return redirect("dashboard")
    track = track_selectors.track_with_version(offer.roadmap_id)
    return render(
        request, "mentoring/tracks/offer.html", _preview_context(track) | {"offer": offer, "mentor": offer.mentor}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def join(request, token):
    """A shared track: its preview, and following it."""
    track = or_404(track_selectors.shared_track(token), "No such track")
    if request.method == "POST":
        tracks.follow_by_link(token=token, learner=request.user)
        messages.success(request, _("The track is on your dashboard."))
        return redirect(track.get_absolute_url())
    return render(request, "mentoring/tracks/join.html", _preview_context(track) | {"mentor": track.author})
