"""The portfolio (views): a learner's public page, /u/<username>/, and the page
where they choose what it shows. Off by default; turned off, it answers 404 for
everyone at once (it is never cached). It shows only approved projects the
learner picked, their roadmap completion if they choose, a bio and links:
never notes, feedback or unapproved work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.identity import fold
from progress.dashboard import completion_of_followed
from progress.models import Portfolio, ProjectEvent, ProjectState, ProjectWork
from progress.projects import services
from progress.projects.forms import PortfolioForm
from roadmap.models import Topic, in_language


def _approved(learner):
    return list(
        ProjectWork.objects.filter(learner=learner, state=ProjectState.APPROVED, project__retired=False)
        .select_related("project")
        .order_by("-completed_at", "pk")
    )


def _add_what_an_employer_reads(works) -> None:
    """Each shown project's topics and who approved it, when: two queries
    whatever the number of projects."""
    topics = {}
    for project_id, title, translations in Topic.objects.filter(
        projects__in=[work.project_id for work in works], retired=False
    ).values_list("projects", "title", "translations"):
        topics.setdefault(project_id, []).append(in_language(title, translations, "title"))
    # The latest approval of each (a work reopened and approved again names the last mentor).
    approvals = {
        event.work_id: event
        for event in ProjectEvent.objects.filter(work__in=works, to_state=ProjectState.APPROVED)
        .select_related("actor")
        .order_by("created_at", "pk")
    }
    for work in works:
        work.topic_titles = sorted(topics.get(work.project_id, []))
        approval = approvals.get(work.pk)
        work.approved_by = approval.actor.public_name if approval and approval.actor else ""


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def portfolio_edit(request):
    portfolio = Portfolio.objects.filter(learner=request.user).first() or Portfolio(learner=request.user)
    approved = _approved(request.user)
    shown = [work.pk for work in approved if work.on_portfolio]
    form = PortfolioForm(request.POST or None, instance=portfolio, approved=approved, initial={"shown": shown})
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in PortfolioForm.Meta.fields}
        services.save_portfolio(learner=request.user, values=values, shown=form.cleaned_data["shown"])
        if form.cleaned_data["public"]:
            messages.success(request, _("Saved: your portfolio is public."))
        else:
            messages.success(request, _("Saved: your portfolio is off, and its address answers “not found”."))
        return redirect("portfolio_edit")
    context = {"form": form, "portfolio": portfolio, "approved": approved}
    return render(request, "progress/projects/portfolio_edit.html", context, status=400 if form.errors else 200)


@login_not_required
@require_safe
@never_cache
def portfolio_page(request, username):
    portfolio = (
        Portfolio.objects.filter(learner__username_folded=fold(username), public=True, learner__is_active=True)
        .select_related("learner")
        .first()
    )
    if portfolio is None:
        raise Http404("No such portfolio")
    learner = portfolio.learner
    projects = [work for work in _approved(learner) if work.on_portfolio and not work.project.retired]
    _add_what_an_employer_reads(projects)
    roadmaps = completion_of_followed(learner) if portfolio.show_completion else []
    context = {"portfolio": portfolio, "learner": learner, "projects": projects, "roadmaps": roadmaps}
    response = render(request, "progress/projects/portfolio.html", context)
    if portfolio.noindex:
        response["X-Robots-Tag"] = "noindex"
    return response
