"""The mentoring page and mentorships (views): the cohort and invites, joining
by an invite, ending a mentorship and what it shares; and the learner's side:
the feedback thread on their topic page, their answer to a suggested date, and
unsubscribing from a digest. A mentor's pages of one mentee are in mentee_pages."""

import re
import zoneinfo
from collections import Counter

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring import digests, selectors, services, track_selectors
from mentoring.cohort import SORTS, cohort_for
from mentoring.forms import CommentForm, InviteForm, SharingForm
from mentoring.models import DigestKind, Invite, Mentorship, PaceSuggestion
from mlepath import cache
from mlepath.converters import UsernameConverter
from mlepath.shortcuts import or_404
from progress import selectors as progress_selectors
from progress.topic_page import topic_page
from roadmap.models import Topic

# The expiry and "who can use it" last chosen for each kind of link, kept in
# the session so that the next link starts from them.
INVITE_CHOICES = "mentoring:invite-choices"


@require_safe
@never_cache
def index(request):
    sort = request.GET.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    stalled_only = request.GET.get("stalled") == "1"
    user = request.user
    # The mentor's own tracks filter the cohort (?track=<slug>): a slug of any other shows everyone.
    tracks = track_selectors.tracks_of(user)
    track = next((t for t in tracks if t.slug == request.GET.get("track")), None)
    cohort = cohort_for(user, sort=sort, stalled_only=stalled_only, track_id=track.pk if track else None)
    # Mentees with work waiting for a review come first, in the order chosen.
    queue = selectors.review_queue_for(user) if cohort.size else []
    waiting = Counter(work.learner_id for work in queue)
    for row in cohort.rows:
        row.awaiting_review = waiting[row.learner_id]
    cohort.rows.sort(key=lambda row: row.awaiting_review == 0)
    # A row holds no CSRF token (its Nudge button submits the page's #nudge-form),
    # so each is rendered once per set of values it shows (mlepath.cache).
    html = cache.render_rows(
        "mentoring/index.html#cohort-row",
        cohort.rows,
        key=lambda row: cache.cohort_row_key(learner_id=row.learner_id, values=row.shown()),
        context=lambda row: {"row": row},
    )
    for row, fragment in zip(cohort.rows, html, strict=True):
        row.html = fragment
    mentors = list(Mentorship.objects.filter(learner=user, status=Mentorship.Status.ACTIVE).select_related("mentor"))
    chosen = request.session.get(INVITE_CHOICES, {})
    updates = selectors.updates_for(user) if cohort.size else []
    context = {
        "cohort": cohort,
        "updates": updates,
        "queue": queue,
        # The navigation's count is these rows: no second count of the same news.
        "mentor_news": len(updates),
        "sort": sort,
        "stalled_only": stalled_only,
        "tracks": tracks,
        "track": track,
        "mentors": mentors,
        # Whoever mentors someone sees their mentees first; everyone else, their mentors.
        "mentees_first": cohort.size > 0,
        "invites": Invite.objects.filter(created_by=user, revoked_at__isnull=True, used_at__isnull=True).order_by(
            "-created_at"
        ),
        "mentor_invite_form": InviteForm(initial={**chosen.get(Invite.Kind.FROM_MENTOR, {}), "kind": "mentor"}),
        "learner_invite_form": InviteForm(
            initial={**chosen.get(Invite.Kind.FROM_LEARNER, {}), "kind": "learner"}, prefix="mentor"
        ),
    }
    return render(request, "mentoring/index.html", context)


@require_POST
def invite_create(request):
    prefix = "mentor" if "mentor-kind" in request.POST else None
    form = InviteForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("That invite could not be created. Please try again."))
        return redirect("mentoring")
    kind, expires_in, uses = (form.cleaned_data[name] for name in ("kind", "expires_in", "uses"))
    try:
        invite = services.create_invite(
            created_by=request.user, kind=kind, expires_in_days=expires_in, single_use=uses == "one"
        )
    except services.MentoringError as error:
        messages.error(request, str(error))
        return redirect("mentoring")
    chosen = request.session.get(INVITE_CHOICES, {})
    request.session[INVITE_CHOICES] = {**chosen, kind: {"expires_in": str(expires_in or ""), "uses": uses}}
    messages.success(request, _("Invite link created. Copy it from the list below and share it."))
    return redirect(f"/mentoring/#invite-{invite.pk}")


@require_POST
def invite_revoke(request, pk):
    invite = get_object_or_404(Invite, pk=pk, created_by=request.user)
    services.revoke_invite(invite=invite, by=request.user)
    messages.success(request, _("Invite link revoked: nobody can join with it any more."))
    return redirect("mentoring")


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def invite(request, token):
    invite = get_object_or_404(Invite.objects.select_related("created_by"), token=token)
    problem = None
    if not invite.is_usable:
        problem = "revoked" if invite.is_revoked else "expired" if invite.is_expired else "used"
    elif request.user.is_authenticated and invite.created_by_id == request.user.pk:
        problem = "own"
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={invite.get_absolute_url()}")
        if request.POST.get("action") == "decline":
            messages.info(
                request, _("You declined the invite from %(name)s.") % {"name": invite.created_by.public_name}
            )
            return redirect("dashboard")
        try:
            mentorship = services.accept_invite(
                invite=invite, user=request.user, mentoring_url=request.build_absolute_uri(reverse("mentoring"))
            )
        except services.MentoringError as exc:
            messages.error(request, str(exc))
            return redirect(invite)
        if invite.kind == Invite.Kind.FROM_MENTOR:
            messages.success(request, _("%(name)s is now your mentor.") % {"name": mentorship.mentor.public_name})
            return redirect("dashboard")
        messages.success(request, _("You now mentor %(name)s.") % {"name": mentorship.learner.public_name})
        return redirect("mentoring")
    status = 410 if problem in ("revoked", "expired", "used") else 200
    return render(request, "mentoring/invite.html", {"invite": invite, "problem": problem}, status=status)


@require_POST
def mentorship_end(request, pk):
    mentorship = get_object_or_404(
        Mentorship.objects.filter(Q(mentor=request.user) | Q(learner=request.user)).select_related("mentor", "learner"),
        pk=pk,
        status=Mentorship.Status.ACTIVE,
    )
    services.end_mentorship(mentorship=mentorship, by=request.user)
    if request.user.pk == mentorship.learner_id:
        messages.success(
            request, _("You stopped sharing your progress with %(name)s.") % {"name": mentorship.mentor.public_name}
        )
    else:
        messages.success(request, _("You no longer mentor %(name)s.") % {"name": mentorship.learner.public_name})
    return redirect("mentoring")


def _own_mentorship_or_404(request, pk) -> Mentorship:
    """An active mentorship in which the signed-in user is the learner."""
    return get_object_or_404(
        Mentorship.objects.select_related("mentor"), pk=pk, learner=request.user, status=Mentorship.Status.ACTIVE
    )


@require_POST
def mentorship_sharing(request, pk):
    """The learner says what this mentor sees besides statuses. htmx posts the
    form on each change and redraws the sentence that says it; without
    JavaScript, the Save button posts it and the page comes back."""
    mentorship = _own_mentorship_or_404(request, pk)
    form = SharingForm(request.POST)
    form.is_valid()  # checkboxes: whatever is sent means shared or not
    services.set_sharing(
        mentorship=mentorship,
        by=request.user,
        dates=form.cleaned_data["share_dates"],
        evidence=form.cleaned_data["share_evidence"],
        notes=form.cleaned_data["share_notes"],
    )
    if request.htmx:
        return render(request, "mentoring/index.html#mentor-sees", {"mentorship": mentorship})
    messages.success(request, sharing_message(mentorship))
    return redirect(f"{reverse('mentoring')}#mentor-{mentorship.pk}")


@require_POST
def mentorship_notes(request, pk):
    mentorship = _own_mentorship_or_404(request, pk)
    services.set_sharing(mentorship=mentorship, by=request.user, notes=request.POST.get("share_notes") == "1")
    messages.success(request, sharing_message(mentorship))
    return redirect(f"{reverse('mentoring')}#mentor-{mentorship.pk}")


def sharing_message(mentorship: Mentorship) -> str:
    values = {"name": mentorship.mentor.public_name, "shared": " · ".join(mentorship.shared)}
    if mentorship.private:
        values["private"] = " · ".join(mentorship.private)
        return _("Saved: %(name)s sees your %(shared)s. Private: %(private)s.") % values
    return _("Saved: %(name)s sees your %(shared)s.") % values


# --- The learner's own thread, on their topic page (progress.topic_page.topic_page) ---


@require_POST
def topic_comment(request, slug):
    """The learner writes in the feedback thread of their own topic."""
    topic = get_object_or_404(Topic.objects.live(), slug=slug)
    or_404(topic if progress_selectors.may_read(topic, request.user) else None, "No such topic")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(author=request.user, learner=request.user, topic=topic, body=form.cleaned_data["body"])
        except services.MentoringError as exc:
            form.add_error("body", str(exc))
        else:
            return redirect(f"{topic.get_absolute_url()}#comments")
    return topic_page(request, slug, status=400, comment_form=form)


@require_POST
def topic_comments_seen(request, slug):
    """The learner has read the feedback on this topic: htmx posts it once the
    thread is on screen, the button does without JavaScript."""
    topic = get_object_or_404(Topic.objects.live(), slug=slug)
    or_404(topic if progress_selectors.may_read(topic, request.user) else None, "No such topic")
    services.mark_comments_seen(learner=request.user, topic=topic)
    if request.htmx:
        return HttpResponse("")  # the button goes: nothing is left unread
    return redirect(f"{topic.get_absolute_url()}#comments")


# A username as the sign-up form allows it (the URLs' converter's): anything
# else names no mentee (and a NUL never reaches the database).
USERNAME = re.compile(UsernameConverter.regex)


@require_POST
def updates_seen(request):
    """Mark what changed for one mentee (`username`) or for all as seen."""
    username = request.POST.get("username") or None
    if username is not None and not (
        USERNAME.fullmatch(username) and services.mark_updates_seen(mentor=request.user, username=username)
    ):
        raise Http404("No such mentee")
    if username is None:
        services.mark_updates_seen(mentor=request.user)
    return redirect(f"{reverse('mentoring')}#mentees")


@login_not_required
@csrf_exempt  # mail clients' one-click POST (RFC 8058) carries the signed link, not a CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def digest_unsubscribe(request, token):
    """A digest's unsubscribe link: GET asks (a link preview must not unsubscribe),
    POST stops that digest, signed in or not."""
    signed = digests.read_unsubscribe_token(token)
    user = signed and get_user_model().objects.filter(pk=signed[0]).first()
    if not user:
        return render(request, "mentoring/digest_unsubscribe.html", {"invalid": True}, status=400)
    kind = DigestKind(signed[1])
    done = False
    if request.method == "POST":
        services.unsubscribe_digest(user=user, kind=kind)
        done = True
    context = {"kind": kind, "done": done, "subscribed": getattr(user, digests.FIELD[kind]) and not done}
    return render(request, "mentoring/digest_unsubscribe.html", context)


@require_POST
def suggestion_answer(request, pk):
    """The learner accepts or declines a mentor's suggested target date, while
    that mentor still mentors them (an ended mentor's suggestion is gone, as on the dashboard)."""
    suggestion = get_object_or_404(
        PaceSuggestion.objects.select_related("mentorship__mentor", "roadmap"),
        pk=pk,
        mentorship__learner=request.user,
        mentorship__status=Mentorship.Status.ACTIVE,
    )
    accept = request.POST.get("action") == "accept"
    try:
        services.answer_suggestion(
            suggestion=suggestion,
            learner=request.user,
            accept=accept,
            today=timezone.localdate(timezone=zoneinfo.ZoneInfo(request.user.time_zone or "UTC")),
        )
    except services.MentoringError as error:
        messages.error(request, str(error))
    else:
        mentor = suggestion.mentorship.mentor.public_name
        if accept:
            messages.success(
                request,
                _("Your pace on %(roadmap)s now aims at %(date)s, as %(mentor)s suggested.")
                % {
                    "roadmap": suggestion.roadmap.title,
                    "date": date_format(suggestion.target_date, "DATE_FORMAT"),
                    "mentor": mentor,
                },
            )
        else:
            messages.success(
                request, _("You declined %(mentor)s's suggestion; your pace is unchanged.") % {"mentor": mentor}
            )
    return redirect(f"{reverse('dashboard')}#pace-{suggestion.roadmap.slug}")
