"""The project page (views): the brief for everyone, and the signed-in learner's
work on it: start, tick criteria, links and note, submit or mark complete,
reopen. Mentoring shows the last review and the thread here through the slots
"project-review" and "project-feedback" (mlepath.slots)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from mlepath.shortcuts import or_404
from progress.models import ProjectState, ProjectWork, RoadmapFollow
from progress.projects import reviewers, services
from progress.projects.forms import ProjectWorkForm
from progress.selectors import may_read
from roadmap.models import Project, ProjectPlacement, Roadmap, Topic

TEMPLATE = "progress/projects/project_detail.html"


def project_or_404(slug: str, reader, *, staff: bool = True) -> Project:
    """A live project the reader may see: a cohort track's own project only if
    they may open its track (progress.selectors.may_read)."""
    project = get_object_or_404(
        Project.objects.live().prefetch_related(
            "criteria", "datasets", Prefetch("topics", queryset=Topic.objects.live().order_by("title"))
        ),
        slug=slug,
    )
    return or_404(project if may_read(project, reader, staff=staff) else None, "No such project")


def work_of(learner, project: Project) -> ProjectWork | None:
    return ProjectWork.objects.filter(learner=learner, project=project).prefetch_related("checked").first()


def own_work_or_404(request, slug: str) -> tuple[Project, ProjectWork]:
    """A live project and the signed-in learner's work on it: 404 before they start it."""
    project = project_or_404(slug, request.user)
    work = work_of(request.user, project)
    if work is None:
        raise Http404("Start the project first")
    return project, work


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
    return project_page(request, slug)


def project_page(request, slug, *, status=200, work_form=None, comment_form=None):
    project = project_or_404(slug, request.user)
    context = {
        "project": project,
        "placements": ProjectPlacement.objects.filter(project=project, section__roadmap__published=True)
        # Shipped roadmaps, and the cohort tracks the reader may open (theirs, or followed).
        .filter(
            Q(section__roadmap__kind=Roadmap.Kind.SHIPPED)
            | (Q(section__roadmap__author=request.user) if request.user.is_authenticated else Q(pk__in=[]))
            | Exists(RoadmapFollow.objects.filter(learner=request.user.pk, roadmap=OuterRef("section__roadmap")))
        )
        .select_related("section__roadmap")
        .order_by("section__roadmap__order", "section__order"),
        "states": ProjectState,
    }
    if request.user.is_authenticated:
        work = work_of(request.user, project)
        context |= {
            "work": work,
            "editable": work is not None and work.state in services.PROJECT_EDITABLE,
            "checked": {criterion.pk for criterion in work.checked.all()} if work else set(),
            "has_reviewer": reviewers.has_reviewer(request.user),
            "work_form": work_form or _work_form(project, work),
            "learner": request.user,
            # Mentoring's thread shows a comment the learner sent with an error (mentoring.projects).
            "comment_form": comment_form,
        }
    return render(request, TEMPLATE, context, status=status)


def back(project: Project, anchor: str = "work") -> HttpResponse:
    return redirect(f"{project.get_absolute_url()}#{anchor}")


@require_POST
def project_start(request, slug):
    project = project_or_404(slug, request.user)
    services.start_project(learner=request.user, project=project)
    messages.success(request, _("Started: %(title)s. Tick the criteria as you meet them.") % {"title": project.title})
    return back(project)


@require_POST
def project_work(request, slug):
    """Save the learner's ticks, links and note; with action=submit or complete,
    then ask for a review or (without a mentor) mark it complete. A refusal
    (the work moved on in another tab, a rule) is a message on the project's
    page; a form error is shown on the form."""
    project, work = own_work_or_404(request, slug)
    form = _work_form(project, work, request.POST)
    action = request.POST.get("action", "save")
    if action not in {"save", "submit", "complete"}:
        form.add_error(None, _("Choose Save, Submit or Mark complete."))
    if not form.is_valid():
        return project_page(request, slug, status=400, work_form=form)
    try:
        with transaction.atomic():  # a refused submit leaves no half-applied save
            services.save_project_work(work=work, **form.cleaned_data)
            if action == "submit":
                services.submit_project(learner=request.user, work=work)
            elif action == "complete":
                services.self_assess_project(learner=request.user, work=work)
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            {
                "save": _("Saved."),
                "submit": _("Submitted: your mentors see it in their review queue."),
                "complete": _("Marked complete (self-assessed)."),
            }[action],
        )
    return back(project)


@require_POST
def project_criteria(request, slug):
    """Save the ticked criteria alone, as the learner ticks them (htmx, on the
    project's page: the rest of the form waits for Save). Without JavaScript
    the form's Save button saves them with the rest."""
    project, work = own_work_or_404(request, slug)
    values = request.POST.getlist("checked")
    if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in values):
        return HttpResponseBadRequest(_("Criteria are given by their numbers."))
    checked = [int(value) for value in values]
    try:
        work = services.check_criteria(work=work, checked=checked)
    except services.ProjectError as exc:
        if not request.htmx:
            messages.error(request, str(exc))
            return back(project)
        return render(request, f"{TEMPLATE}#criteria-saved", {"refused": str(exc)}, status=422)
    if not request.htmx:
        return back(project)
    met, total = work.checked.count(), project.criteria.count()
    return render(request, f"{TEMPLATE}#criteria-saved", {"met": met, "total": total})


@require_POST
def project_reopen(request, slug):
    """Withdraw a submission, or reopen work marked complete, to change it."""
    project, work = own_work_or_404(request, slug)
    try:
        services.move_project(work=work, to_state=ProjectState.IN_PROGRESS, actor=request.user)
    except services.ProjectError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Back in progress: change what you need, then submit again."))
    return back(project)
