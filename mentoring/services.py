"""Writes of the mentoring domain. Every function takes the acting user and
checks they may act; views add the 404s that hide what they may not see."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.identity import fold
from mentoring.digests import FIELD
from mentoring.models import Comment, Invite, Mentorship, Nudge, PaceSuggestion, ProjectComment, Review
from mentoring.tasks import send_new_mentor_notice, send_nudge, send_review_notice
from progress.models import Progress, ProjectState, ProjectWork, RoadmapFollow, Status
from progress.projects.services import move_project
from progress.services import PlanError, set_pace


class MentoringError(Exception):
    """An action that is refused, with a message fit to show the user."""


# Open (usable) invite links one account may have at once: a cohort needs one
# or two; an unbounded number is only work for the database.
OPEN_INVITES_MAX = 20


@transaction.atomic
def create_invite(
    *, created_by, kind: str, expires_in_days: int | None = None, single_use: bool | None = None
) -> Invite:
    """A learner's link serves one mentor, a mentor's link a whole cohort, unless `single_use` says otherwise."""
    if kind not in Invite.Kind.values:
        raise MentoringError(_("Unknown kind of invite."))
    # The maker's row is locked, so that two requests at once cannot both take the last place.
    get_user_model().objects.select_for_update().filter(pk=created_by.pk).exists()
    if Invite.objects.open().filter(created_by=created_by).count() >= OPEN_INVITES_MAX:
        raise MentoringError(
            _("You have %(count)d open invite links. Revoke one you no longer need to make another.")
            % {"count": OPEN_INVITES_MAX}
        )
    if single_use is None:
        single_use = kind == Invite.Kind.FROM_LEARNER
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    return Invite.objects.create(created_by=created_by, kind=kind, expires_at=expires_at, single_use=single_use)


@transaction.atomic
def revoke_invite(*, invite: Invite, by) -> None:
    if invite.created_by_id != by.pk:
        raise MentoringError(_("Only the person who made an invite link can revoke it."))
    if invite.revoked_at is None:
        Invite.objects.filter(pk=invite.pk).update(revoked_at=timezone.now())


@transaction.atomic
def accept_invite(*, invite: Invite, user, mentoring_url: str = "") -> Mentorship:
    """Join the invite's creator: as their learner (a mentor's link) or their mentor.

    Consent: a single-use link serves one person; no link brings back a
    mentorship that either side ended after the link was made; a learner whose
    link brought a mentor is told at once (by mail, with the page to end it)."""
    # Locked, so that two people accepting one single-use link at once cannot both join.
    invite = Invite.objects.select_for_update().select_related("created_by").get(pk=invite.pk)
    if invite.created_by_id == user.pk:
        raise MentoringError(_("This is your own invite link: share it with others."))
    if invite.is_revoked:
        raise MentoringError(_("This invite link was revoked by the person who made it."))
    if invite.is_expired:
        raise MentoringError(_("This invite link has expired. Ask for a new one."))
    if invite.kind == Invite.Kind.FROM_MENTOR:
        mentor, learner = invite.created_by, user
    else:
        mentor, learner = user, invite.created_by
    active = Mentorship.objects.filter(mentor=mentor, learner=learner, status=Mentorship.Status.ACTIVE).first()
    if active is not None:
        return active  # accepting twice changes nothing
    if invite.is_used:
        raise MentoringError(_("This invite link was already used: it serves one person. Ask for a new one."))
    if Mentorship.objects.filter(
        mentor=mentor, learner=learner, status=Mentorship.Status.ENDED, ended_at__gte=invite.created_at
    ).exists():
        raise MentoringError(
            _(
                "This mentorship was ended after this link was made, so the link cannot bring it back. "
                "Ask for a new link."
            )
        )
    # The partial unique constraint makes a second active pair impossible, even
    # for two accepts at the same moment; the loser simply finds the winner's row.
    Mentorship.objects.bulk_create([Mentorship(mentor=mentor, learner=learner, invite=invite)], ignore_conflicts=True)
    mentorship = Mentorship.objects.get(mentor=mentor, learner=learner, status=Mentorship.Status.ACTIVE)
    if invite.single_use:
        Invite.objects.filter(pk=invite.pk).update(used_at=timezone.now())
    if invite.kind == Invite.Kind.FROM_LEARNER:
        send_new_mentor_notice.enqueue(mentorship_id=mentorship.pk, mentoring_url=mentoring_url)
    return mentorship


@transaction.atomic
def end_mentorship(*, mentorship: Mentorship, by) -> None:
    """End it for both sides. The learner's link it came through is closed with
    it, so no copy of that link can bring it back."""
    if by.pk not in (mentorship.mentor_id, mentorship.learner_id):
        raise MentoringError(_("Only the mentor or the learner can end a mentorship."))
    now = timezone.now()
    ended = Mentorship.objects.filter(pk=mentorship.pk, status=Mentorship.Status.ACTIVE).update(
        status=Mentorship.Status.ENDED, ended_at=now
    )
    if ended and mentorship.invite_id:
        Invite.objects.filter(pk=mentorship.invite_id, kind=Invite.Kind.FROM_LEARNER, revoked_at__isnull=True).update(
            revoked_at=now
        )


def set_sharing(
    *, mentorship: Mentorship, by, dates: bool | None = None, evidence: bool | None = None, notes: bool | None = None
) -> None:
    """What this mentor sees besides statuses: the learner's wanted state for
    each of dates, evidence and notes (None leaves one as it is)."""
    if by.pk != mentorship.learner_id:
        raise MentoringError(_("Only the learner decides what their mentor sees."))
    wanted = {"share_dates": dates, "share_evidence": evidence, "share_notes": notes}
    wanted = {field: value for field, value in wanted.items() if value is not None}
    if wanted:
        Mentorship.objects.filter(pk=mentorship.pk).update(**wanted)
        for field, value in wanted.items():
            setattr(mentorship, field, value)


def set_note_sharing(*, mentorship: Mentorship, by, share: bool) -> None:
    set_sharing(mentorship=mentorship, by=by, notes=share)


def is_active_mentor(*, mentor, learner) -> bool:
    return Mentorship.objects.filter(mentor=mentor, learner=learner, status=Mentorship.Status.ACTIVE).exists()


def add_comment(*, author, learner, topic, body: str) -> Comment:
    """The learner writes in their own thread; an active mentor in a mentee's."""
    body = body.strip()
    if not body:
        raise MentoringError(_("Write something first."))
    if author.pk != learner.pk and not is_active_mentor(mentor=author, learner=learner):
        raise MentoringError(_("Only the learner and their mentors can comment here."))
    # The learner has seen their own words.
    seen_at = timezone.now() if author.pk == learner.pk else None
    return Comment.objects.create(learner=learner, topic=topic, author=author, body=body, seen_at=seen_at)


def mark_comments_seen(*, learner, topic) -> int:
    """The learner has read their thread on this topic (an explicit POST, never a page view)."""
    return Comment.objects.filter(learner=learner, topic=topic, seen_at__isnull=True).update(seen_at=timezone.now())


def set_reviewed(*, mentor, learner, topic, reviewed: bool) -> None:
    if not is_active_mentor(mentor=mentor, learner=learner):
        raise MentoringError(_("Only an active mentor can review."))
    if not reviewed:
        Review.objects.filter(mentor=mentor, learner=learner, topic=topic).delete()
        return
    if not Progress.objects.filter(learner=learner, topic=topic, status=Status.DONE).exists():
        raise MentoringError(_("Only a topic the learner has done can be marked reviewed."))
    Review.objects.bulk_create([Review(mentor=mentor, learner=learner, topic=topic)], ignore_conflicts=True)


def nudge(*, mentor, learner) -> None:
    """Send one encouragement email; at most one per mentor, learner and day.
    The worker sends it (mentoring.tasks.send_nudge); a mail given up does not
    use up the day."""
    if not is_active_mentor(mentor=mentor, learner=learner):
        raise MentoringError(_("Only an active mentor can send a nudge."))
    today = timezone.localdate()
    try:
        with transaction.atomic():
            sent = Nudge.objects.create(mentor=mentor, learner=learner, sent_on=today)
            send_nudge.enqueue(nudge_id=sent.pk)
    except IntegrityError:
        raise MentoringError(
            _("You already sent %(name)s a nudge today. You can send another tomorrow.") % {"name": learner.public_name}
        ) from None


@transaction.atomic
def mark_updates_seen(*, mentor, username: str | None = None) -> int:
    """The mentor has seen what changed for one mentee (or all): news starts
    again from now. Returns how many mentorships were marked."""
    mentorships = Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
    if username is not None:
        mentorships = mentorships.filter(learner__username_folded=fold(username))
    return mentorships.update(mentor_seen_at=timezone.now())


@transaction.atomic
def unsubscribe_digest(*, user, kind: str) -> None:
    """Stop one weekly digest (the signed link of its mail, no sign-in needed)."""
    type(user).objects.filter(pk=user.pk).update(**{FIELD[kind]: False})


@transaction.atomic
def suggest_target_date(*, mentor, learner, roadmap, target_date: dt.date, today: dt.date) -> PaceSuggestion:
    """A mentor suggests when a learner could finish a roadmap they follow; a new
    suggestion replaces the one still waiting for an answer."""
    mentorship = Mentorship.objects.filter(mentor=mentor, learner=learner, status=Mentorship.Status.ACTIVE).first()
    if mentorship is None:
        raise MentoringError(_("You do not mentor this learner."))
    if target_date <= today:
        raise MentoringError(_("Suggest a date after today."))
    if not RoadmapFollow.objects.filter(learner=learner, roadmap=roadmap).exists():
        raise MentoringError(_("The learner does not follow this roadmap."))
    suggestion, _created = PaceSuggestion.objects.update_or_create(
        mentorship=mentorship,
        roadmap=roadmap,
        status=PaceSuggestion.Status.PENDING,
        defaults={"target_date": target_date, "created_at": timezone.now()},
    )
    return suggestion


@transaction.atomic
def answer_suggestion(*, suggestion: PaceSuggestion, learner, accept: bool, today: dt.date) -> None:
    """The learner accepts (the date becomes their pace, in their history) or
    declines a mentor's suggestion. A date that cannot be a plan any more is
    refused with progress's reason, and the suggestion keeps waiting."""
    # Read again, locked: a double click, or Accept and Decline in two tabs, is answered once.
    suggestion = PaceSuggestion.objects.select_for_update().select_related("mentorship").get(pk=suggestion.pk)
    mentorship = suggestion.mentorship
    if (
        mentorship.learner_id != learner.pk
        or mentorship.status != Mentorship.Status.ACTIVE
        or suggestion.status != PaceSuggestion.Status.PENDING
    ):
        raise MentoringError(_("This suggestion is not waiting for your answer."))
    if accept:
        try:
            set_pace(learner=learner, roadmap=suggestion.roadmap, today=today, target_date=suggestion.target_date)
        except PlanError as error:
            raise MentoringError(str(error)) from None
    suggestion.status = PaceSuggestion.Status.ACCEPTED if accept else PaceSuggestion.Status.DECLINED
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_at"])


# --- Projects: the review and the threads ---------------------------


@transaction.atomic
def review_project(
    *, mentor, work: ProjectWork, approve: bool, body: str, submitted_at: str | None = None, project_url: str = ""
) -> ProjectWork:
    """An active mentor approves submitted work or requests changes; what they
    write goes into the project's thread, and the learner is told by mail.
    `submitted_at`, when given, is the submission the mentor looked at (its
    time in ISO format, as the review form carries it)."""
    body = body.strip()
    if not is_active_mentor(mentor=mentor, learner=work.learner):
        raise MentoringError(_("Only the learner's mentors can review their work."))
    current = ProjectWork.objects.select_for_update().get(pk=work.pk)
    looked_at = current.submitted_at.isoformat() if current.submitted_at else ""
    if submitted_at is not None and submitted_at != looked_at:
        raise MentoringError(_("The learner changed this work since you opened it: look at it again before reviewing."))
    if not approve and not body:
        raise MentoringError(_("Say what to change: the learner needs to know."))
    work = move_project(
        work=work, to_state=ProjectState.APPROVED if approve else ProjectState.CHANGES_REQUESTED, actor=mentor
    )
    if body:
        ProjectComment.objects.create(work=work, author=mentor, body=body)
    # The database backend stores the task in this transaction: no mail for a review that failed.
    send_review_notice.enqueue(work_id=work.pk, mentor_id=mentor.pk, approved=approve, project_url=project_url)
    return work


def add_project_comment(*, author, work: ProjectWork, body: str) -> ProjectComment:
    """The learner writes in their project's thread; an active mentor in a mentee's."""
    body = body.strip()
    if not body:
        raise MentoringError(_("Write something first."))
    if author.pk != work.learner_id and not is_active_mentor(mentor=author, learner=work.learner):
        raise MentoringError(_("Only the learner and their mentors can comment here."))
    seen_at = timezone.now() if author.pk == work.learner_id else None
    return ProjectComment.objects.create(work=work, author=author, body=body, seen_at=seen_at)


def mark_project_comments_seen(*, learner, work: ProjectWork) -> int:
    """The learner has read their project's thread (an explicit POST, never a page view)."""
    if work.learner_id != learner.pk:
        return 0
    return ProjectComment.objects.filter(work=work, seen_at__isnull=True).update(seen_at=timezone.now())
