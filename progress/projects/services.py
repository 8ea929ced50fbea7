"""Project work's writes: starting a project, ticking its criteria, the links
and note, and each move of its state with its event. The learner moves it
(submit, mark complete, reopen); a mentor's review (mentoring.services) moves
it through `move_project` too, after mentoring's own checks."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from progress.models import PROJECT_COMPLETE, Portfolio, ProjectEvent, ProjectState, ProjectWork
from progress.projects import reviewers
from roadmap.models import Project


class ProjectError(Exception):
    """A project action that is refused, with a message fit to show the learner."""


# Where each state may go, and who moves it there: the learner, except the review.
PROJECT_MOVES = {
    ProjectState.IN_PROGRESS: {ProjectState.SUBMITTED, ProjectState.SELF_ASSESSED},
    ProjectState.CHANGES_REQUESTED: {ProjectState.SUBMITTED, ProjectState.SELF_ASSESSED},
    ProjectState.SUBMITTED: {ProjectState.APPROVED, ProjectState.CHANGES_REQUESTED, ProjectState.IN_PROGRESS},
    ProjectState.APPROVED: set(),
    ProjectState.SELF_ASSESSED: {ProjectState.IN_PROGRESS},
}


@transaction.atomic
def start_project(*, learner, project: Project) -> ProjectWork:
    """Start a live project (again: a started one is returned as it is)."""
    if project.retired:
        raise ProjectError(_("This project is no longer offered."))
    work, created = ProjectWork.objects.get_or_create(learner=learner, project=project)
    if created:
        ProjectEvent.objects.create(work=work, from_state="", to_state=work.state, actor=learner)
    return work


# The states in which the learner may change their work: submitted work waits
# for its review as it was sent (withdraw it to change it), approved work is
# what the mentor approved (and what a portfolio shows).
PROJECT_EDITABLE = (ProjectState.IN_PROGRESS, ProjectState.CHANGES_REQUESTED)


@transaction.atomic
def check_criteria(*, work: ProjectWork, checked: list[int]) -> ProjectWork:
    """The learner's ticks alone (saved as they tick, on the project's page),
    while the work is theirs to change; ids of other projects' criteria are ignored."""
    work = ProjectWork.objects.select_for_update().select_related("project").get(pk=work.pk)
    if work.state not in PROJECT_EDITABLE:
        state = work.get_state_display().lower()
        if work.state == ProjectState.APPROVED:
            raise ProjectError(_("This project is %(state)s: approved work is closed.") % {"state": state})
        raise ProjectError(_("This project is %(state)s: reopen it to change it.") % {"state": state})
    work.checked.set(set(work.project.criteria.filter(pk__in=checked).values_list("pk", flat=True)))
    return work


@transaction.atomic
def save_project_work(
    *, work: ProjectWork, checked: list[int], repository_url: str, writeup_url: str, demo_url: str, note: str
) -> ProjectWork:
    """The learner's ticks, links and note, while the work is theirs to change."""
    work = check_criteria(work=work, checked=checked)
    work.repository_url, work.writeup_url, work.demo_url, work.note = repository_url, writeup_url, demo_url, note
    work.save(update_fields=["repository_url", "writeup_url", "demo_url", "note"])
    return work


@transaction.atomic
def move_project(*, work: ProjectWork, to_state: str, actor) -> ProjectWork:
    """Move a project's state, as PROJECT_MOVES allows, with its event. Who may
    move it (a mentor to review, the learner otherwise) is the caller's check
    (mentoring.services for a review, submit and self_assess below for the learner)."""
    work = ProjectWork.objects.select_for_update().get(pk=work.pk)
    if to_state not in PROJECT_MOVES[work.state]:
        raise ProjectError(
            _("This project is %(state)s: it cannot be %(wanted)s now.")
            % {"state": work.get_state_display().lower(), "wanted": ProjectState(to_state).label.lower()}
        )
    if to_state == ProjectState.SUBMITTED and not work.links:
        raise ProjectError(_("Add at least one link (repository, write-up or demo) before you submit."))
    now = timezone.now()
    previous, work.state = work.state, to_state
    work.submitted_at = now if to_state == ProjectState.SUBMITTED else work.submitted_at
    work.completed_at = now if to_state in PROJECT_COMPLETE else None
    work.save(update_fields=["state", "submitted_at", "completed_at"])
    ProjectEvent.objects.create(work=work, from_state=previous, to_state=to_state, actor=actor, created_at=now)
    return work


def submit_project(*, learner, work: ProjectWork) -> ProjectWork:
    """Ask the learner's reviewers (their mentors) for a review."""
    if work.learner_id != learner.pk:
        raise ProjectError(_("Only the learner submits their work."))
    if not reviewers.has_reviewer(learner):
        raise ProjectError(_("You have no mentor to review it: mark it complete yourself (self-assessed)."))
    return move_project(work=work, to_state=ProjectState.SUBMITTED, actor=learner)


def self_assess_project(*, learner, work: ProjectWork) -> ProjectWork:
    """With no one to review it, the learner marks their work complete:
    self-assessed, and shown as such wherever it counts."""
    if work.learner_id != learner.pk:
        raise ProjectError(_("Only the learner marks their work complete."))
    if reviewers.has_reviewer(learner):
        raise ProjectError(_("You have a mentor: submit your work for their review instead."))
    return move_project(work=work, to_state=ProjectState.SELF_ASSESSED, actor=learner)


@transaction.atomic
def save_portfolio(*, learner, values: dict, shown: list[int]) -> None:
    """What the learner's public page shows (`values`: Portfolio's fields) and
    which of their approved projects (`shown`): three statements whatever the
    number of projects. The row is made by the first save (two at once: one row)."""
    Portfolio.objects.get_or_create(learner=learner)
    Portfolio.objects.filter(learner=learner).update(**values, updated_at=timezone.now())
    approved = ProjectWork.objects.filter(learner=learner, state=ProjectState.APPROVED, project__retired=False)
    approved.filter(pk__in=shown).exclude(on_portfolio=True).update(on_portfolio=True)
    approved.exclude(pk__in=shown).exclude(on_portfolio=False).update(on_portfolio=False)
