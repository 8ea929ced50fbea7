"""Projects (views): the brief for everyone, the learner's work on it, and their
mentors' review. They sit with mentoring, the top layer, because a project page
joins the content (roadmap), the learner's work (progress) and the review and
its thread (mentoring)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring import selectors, services
from mentoring.forms import CommentForm, ProjectReviewForm
from mentoring.models import ProjectComment
from progress import services as progress_services
from progress.forms import ProjectWorkForm
from progress.models import ProjectEvent, ProjectState, ProjectWork
from roadmap.models import Project, ProjectPlacement, Topic


def _project_or_404(slug: str) -> Project:
    return get_object_or_404(
        Project.objects.live().prefetch_related(
            "criteria", "datasets", Prefetch("topics", queryset=Topic.objects.live().order_by("title"))
        ),
        slug=slug,
    )


def _work_of(learner, project: Project) -> ProjectWork | None:
    return ProjectWork.objects.filter(learner=learner, project=project).prefetch_related("checked").first()


def _own_work_or_404(request, slug: str) -> tuple[Project, ProjectWork]:
    """A live project and the signed-in learner's work on it: 404 before they start it."""
    project = _project_or_404(slug)
    work = _work_of(request.user, project)
    if work is None:
        raise Http404("Start the project first")
    return project, work


def _thread(work: ProjectWork | None) -> list[ProjectComment]:
    if work is None:
        return []
    return list(ProjectComment.objects.filter(work=work).select_related("author"))


def _work_form(project: Project, work: ProjectWork | None, data=None) -> ProjectWorkForm:
    initial = {}
    if work is not None:
        initial = {
            "checked": [criterion.pk for criterion in work.checked.all()],
            "repository_url": work.repository_url,
            "writeup_url": work.writeup_url,
            "demo_url": work.demo_url,
            "note": work.note,
        }
    return ProjectWorkForm(data, criteria=project.criteria.all(), initial=initial)


@login_not_required
@require_safe
@never_cache
def project_detail(request, slug):
    return _project_page(request, slug)


def _project_page(request, slug, *, status=200, work_form=None, comment_form=None):
    project = _project_or_404(slug)
    context = {
        "project": project,
        "placements": ProjectPlacement.objects.filter(project=project, section__roadmap__published=True)
        .select_related("section__roadmap")
        .order_by("section__roadmap__order", "section__order"),
        "states": ProjectState,
    }
    if request.user.is_authenticated:
        work = _work_of(request.user, project)
        thread = _thread(work)
        context |= {
            "work": work,
            "editable": work is not None and work.state in progress_services.PROJECT_EDITABLE,
            "review": _last_review(work, thread),
            "checked": {criterion.pk for criterion in work.checked.all()} if work else set(),
            "has_mentor": selectors.has_active_mentor(request.user),
            "work_form": work_form or _work_form(project, work),
            "thread": thread,
            "learner": request.user,
            "unread": any(comment.seen_at is None for comment in thread),
            "comment_form": comment_form or CommentForm(),
        }
    return render(request, "mentoring/project_detail.html", context, status=status)


def _last_review(work: ProjectWork | None, thread: list[ProjectComment]) -> ProjectEvent | None:
    """The review that put the work in its state (approved, or changes
    requested), with its mentor and `words`: the comment they sent with it
    (review_project writes it just after the event). One query, and only then."""
    if work is None or work.state not in (ProjectState.APPROVED, ProjectState.CHANGES_REQUESTED):
        return None
    review = (
        ProjectEvent.objects.filter(work=work, to_state=work.state)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if review is not None:
        review.words = next(
            (c.body for c in thread if c.author_id == review.actor_id and c.created_at >= review.created_at), ""
        )
    return review


def _back(project: Project, anchor: str = "work") -> HttpResponse:
    return redirect(f"{project.get_absolute_url()}#{anchor}")


@require_POST
def project_start(request, slug):
    project = _project_or_404(slug)
    progress_services.start_project(learner=request.user, project=project)
    messages.success(request, f"Started: {project.title}. Tick the criteria as you meet them.")
    return _back(project)


@require_POST
def project_work(request, slug):
    """Save the learner's ticks, links and note; with action=submit or complete,
    then ask for a review or (without a mentor) mark it complete. A refusal
    (the work moved on in another tab, a rule) is a message on the project's
    page; a form error is shown on the form."""
    project, work = _own_work_or_404(request, slug)
    form = _work_form(project, work, request.POST)
    action = request.POST.get("action", "save")
    if action not in {"save", "submit", "complete"}:
        form.add_error(None, "Choose Save, Submit or Mark complete.")
    if not form.is_valid():
        return _project_page(request, slug, status=400, work_form=form)
    try:
        with transaction.atomic():  # a refused submit leaves no half-applied save
            progress_services.save_project_work(work=work, **form.cleaned_data)
            if action == "submit":
                services.submit_project(learner=request.user, work=work)
            elif action == "complete":
                services.self_assess_project(learner=request.user, work=work)
    except (progress_services.ProjectError, services.MentoringError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            {
                "save": "Saved.",
                "submit": "Submitted: your mentors see it in their review queue.",
                "complete": "Marked complete (self-assessed).",
            }[action],
        )
    return _back(project)


@require_POST
def project_criteria(request, slug):
    """Save the ticked criteria alone, as the learner ticks them (htmx, on the
    project's page: the rest of the form waits for Save). Without JavaScript
    the form's Save button saves them with the rest."""
    project, work = _own_work_or_404(request, slug)
    values = request.POST.getlist("checked")
    if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in values):
        return HttpResponseBadRequest("Criteria are given by their numbers.")
    checked = [int(value) for value in values]
    try:
        work = progress_services.check_criteria(work=work, checked=checked)
    except progress_services.ProjectError as exc:
        if not request.htmx:
            messages.error(request, str(exc))
            return _back(project)
        return render(request, "mentoring/project_detail.html#criteria-saved", {"refused": str(exc)}, status=422)
    if not request.htmx:
        return _back(project)
    met, total = work.checked.count(), project.criteria.count()
    return render(request, "mentoring/project_detail.html#criteria-saved", {"met": met, "total": total})


@require_POST
def project_reopen(request, slug):
    """Withdraw a submission, or reopen work marked complete, to change it."""
    project, work = _own_work_or_404(request, slug)
    try:
        progress_services.move_project(work=work, to_state=ProjectState.IN_PROGRESS, actor=request.user)
    except progress_services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Back in progress: change what you need, then submit again.")
    return _back(project)


@require_POST
def project_comment(request, slug):
    project, work = _own_work_or_404(request, slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_project_comment(author=request.user, work=work, body=form.cleaned_data["body"])
        except services.MentoringError as exc:
            form.add_error("body", str(exc))
        else:
            return _back(project, "comments")
    return _project_page(request, slug, status=400, comment_form=form)


@require_POST
def project_comments_seen(request, slug):
    project, work = _own_work_or_404(request, slug)
    services.mark_project_comments_seen(learner=request.user, work=work)
    if request.htmx:
        return HttpResponse("")
    return _back(project, "comments")


# --- The mentor's side ------------------------------------------------------------


@require_safe
@never_cache
def review_queue(request):
    """Submitted work of the mentor's mentees, oldest first."""
    return render(request, "mentoring/review_queue.html", {"queue": selectors.review_queue_for(request.user)})


def _mentee_work_or_404(request, username, slug) -> tuple:
    mentorship = selectors.mentorship_for_mentor(mentor=request.user, username=username)
    if mentorship is None:
        raise Http404("No such mentee")
    project = _project_or_404(slug)
    work = _work_of(mentorship.learner, project)
    if work is None:
        raise Http404("Not started")
    return mentorship, project, work


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def mentee_project(request, username, slug):
    """A mentee's work on a project, the review form while it waits for one, and
    the thread (a POST here is a comment in it)."""
    mentorship, project, work = _mentee_work_or_404(request, username, slug)
    comment_form = CommentForm(request.POST or None)
    if request.method == "POST" and comment_form.is_valid():
        try:
            services.add_project_comment(author=request.user, work=work, body=comment_form.cleaned_data["body"])
        except services.MentoringError as exc:
            comment_form.add_error("body", str(exc))
        else:
            return redirect(f"{request.path}#comments")
    return _mentee_project_page(
        request, mentorship, project, work, comment_form=comment_form, status=400 if comment_form.errors else 200
    )


def _mentee_project_page(request, mentorship, project, work, *, comment_form=None, review_form=None, status=200):
    context = {
        "mentorship": mentorship,
        "learner": mentorship.learner,
        "project": project,
        "work": work,
        "checked": {criterion.pk for criterion in work.checked.all()},
        "states": ProjectState,
        "thread": _thread(work),
        "comment_form": comment_form or CommentForm(),
        "review_form": review_form
        or ProjectReviewForm(initial={"submitted": work.submitted_at.isoformat() if work.submitted_at else ""}),
    }
    return render(request, "mentoring/mentee_project.html", context, status=status)


@require_POST
def mentee_project_review(request, username, slug):
    mentorship, project, work = _mentee_work_or_404(request, username, slug)
    form = ProjectReviewForm(request.POST)
    if not form.is_valid():
        # The page comes back with the first field in error focused (autofocus
        # scrolls it into view), so the reviewer sees at once what is missing.
        shown = [name for name in form.errors if name in form.fields and not form.fields[name].widget.is_hidden]
        if shown:
            form.fields[shown[0]].widget.attrs["autofocus"] = True
        return _mentee_project_page(request, mentorship, project, work, review_form=form, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.review_project(
            mentor=request.user,
            work=work,
            approve=approve,
            body=form.cleaned_data["body"],
            submitted_at=form.cleaned_data["submitted"] or None,
            project_url=request.build_absolute_uri(project.get_absolute_url()),
        )
    except (services.MentoringError, progress_services.ProjectError) as exc:
        messages.error(request, str(exc))
        return redirect(request.path.removesuffix("review/"))
    name = mentorship.learner.public_name
    messages.success(request, f"Approved {name}'s {project.title}." if approve else f"Changes requested from {name}.")
    return redirect(reverse("mentoring_review_queue"))
