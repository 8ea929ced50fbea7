"""Projects' review (views): the learner's thread on their project's page
(progress.projects.pages shows it through a slot), and the mentor's side: the
review queue, a mentee's work, and the review that approves it or asks for changes."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring import selectors, services
from mentoring.forms import CommentForm, ProjectReviewForm
from progress.models import ProjectState
from progress.projects import pages
from progress.projects.services import ProjectError

# --- The learner's thread, on their project's page ------------------------------


@require_POST
def project_comment(request, slug):
    project, work = pages.own_work_or_404(request, slug)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_project_comment(author=request.user, work=work, body=form.cleaned_data["body"])
        except services.MentoringError as exc:
            form.add_error("body", str(exc))
        else:
            return pages.back(project, "comments")
    return pages.project_page(request, slug, status=400, comment_form=form)


@require_POST
def project_comments_seen(request, slug):
    project, work = pages.own_work_or_404(request, slug)
    services.mark_project_comments_seen(learner=request.user, work=work)
    if request.htmx:
        return HttpResponse("")
    return pages.back(project, "comments")


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
    project = pages.project_or_404(slug, mentorship.learner, staff=False)  # as the mentee may see it
    work = pages.work_of(mentorship.learner, project)
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
        "thread": selectors.project_thread(work),
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
    except (services.MentoringError, ProjectError) as exc:
        messages.error(request, str(exc))
        return redirect(request.path.removesuffix("review/"))
    name = mentorship.learner.public_name
    if approve:
        messages.success(request, _("Approved %(name)s's %(project)s.") % {"name": name, "project": project.title})
    else:
        messages.success(request, _("Changes requested from %(name)s.") % {"name": name})
    return redirect(reverse("mentoring_review_queue"))
