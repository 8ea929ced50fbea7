"""A mentor's pages of one mentee (views): their dashboard, a roadmap, a topic
with its thread and review, and the nudges and target dates the mentor sends.
Every URL answers 404 to anyone but an active mentor of that learner."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mentoring import selectors, services
from mentoring.forms import CommentForm, SuggestionForm
from mentoring.models import Mentorship
from mlepath.shortcuts import or_404
from progress import selectors as progress_selectors
from progress import services as progress_services
from progress.models import Status
from roadmap.models import Topic
from roadmap.selectors import roadmap_outline, topic_bodies


def _mentorship_or_404(request, username) -> Mentorship:
    """The one access check of every mentee URL: the signed-in user must be an
    active mentor of that learner. Anyone else gets 404, so a username is never
    confirmed to exist."""
    mentorship = selectors.mentorship_for_mentor(mentor=request.user, username=username)
    if mentorship is None:
        raise Http404("No such mentee")
    return mentorship


@require_safe
@never_cache
def mentee(request, username):
    mentorship = _mentorship_or_404(request, username)
    learner = mentorship.learner
    dashboard = selectors.mentee_dashboard(mentorship)
    suggestions = selectors.suggestions_by_roadmap(mentorship)
    for item in dashboard.roadmaps:
        item.suggestion = suggestions.get(item.roadmap.pk)
        # This week's topics open as the mentor sees them, not the mentor's own topic page.
        for row in item.pace.week if item.pace else ():
            row.url = reverse("mentoring_mentee_topic", args=[learner.username, row.topic.slug])
    context = {
        "mentorship": mentorship,
        "learner": learner,
        "dashboard": dashboard,
        "nudged_today": selectors.nudged_today(mentor=request.user, learner=learner),
        # The pace is told to the mentor, of the learner (progress/includes/pace.html).
        "pace_name": learner.public_name,
    }
    return render(request, "mentoring/mentee.html", context)


@require_safe
@never_cache
def mentee_roadmap(request, username, slug):
    mentorship = _mentorship_or_404(request, username)
    learner = mentorship.learner
    roadmap = or_404(progress_selectors.open_roadmap(slug, learner, staff=False), "No such roadmap")
    data = progress_selectors.roadmap_progress(
        roadmap, roadmap_outline(roadmap), progress_selectors.statuses_of(learner)
    )
    rows = list(data.rows())
    bodies = topic_bodies(roadmap)
    for row in rows:
        row.url = reverse("mentoring_mentee_topic", args=[learner.username, row.topic.slug])
        row.body = bodies[row.topic.pk]
    context = {
        "roadmap": roadmap,
        "data": data,
        "learner": learner,
        "mentorship": mentorship,
        "topic_count": len(rows),
        "total_hours": sum(row.topic.estimated_hours for row in rows),
        "tracking": True,
        "editable": False,
        "statuses": Status,
    }
    return render(request, "mentoring/mentee_roadmap.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def mentee_topic(request, username, slug):
    mentorship = _mentorship_or_404(request, username)
    learner = mentorship.learner
    topic = get_object_or_404(Topic.objects.live().prefetch_related("resources"), slug=slug)
    or_404(
        topic if progress_selectors.may_read(topic, learner, staff=False) else None, "No such topic"
    )  # as the mentee may see it
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        try:
            services.add_comment(author=request.user, learner=learner, topic=topic, body=body)
        except services.MentoringError as exc:
            form.add_error("body", str(exc))
        else:
            return redirect(f"{request.path}#comments")
    context = {
        "mentorship": mentorship,
        "learner": learner,
        "topic": topic,
        # Only what the learner shares with this mentor: the rest is None.
        "shared": selectors.mentee_topic(mentorship, topic),
        "statuses": Status,
        "thread": selectors.thread_for(learner=learner, topic=topic),
        "reviews": selectors.reviews_for(learner=learner, topic=topic),
        "comment_form": form,
    }
    context["reviewed_by_me"] = any(review.mentor_id == request.user.pk for review in context["reviews"])
    return render(request, "mentoring/mentee_topic.html", context, status=400 if form.errors else 200)


@require_POST
def mentee_review(request, username, slug):
    mentorship = _mentorship_or_404(request, username)
    topic = get_object_or_404(Topic.objects.live(), slug=slug)
    or_404(topic if progress_selectors.may_read(topic, mentorship.learner, staff=False) else None, "No such topic")
    try:
        services.set_reviewed(
            mentor=request.user, learner=mentorship.learner, topic=topic, reviewed=request.POST.get("reviewed") == "1"
        )
    except services.MentoringError as exc:
        messages.error(request, str(exc))
    return redirect("mentoring_mentee_topic", username=mentorship.learner.username, slug=topic.slug)


@require_POST
def mentee_suggest_review(request, username, slug):
    """Suggest a spaced review of a done topic: it goes under review for the
    learner, due the day after (the learner can stop it on the topic's page)."""
    mentorship = _mentorship_or_404(request, username)
    learner = mentorship.learner
    topic = get_object_or_404(Topic.objects.live(), slug=slug)
    or_404(topic if progress_selectors.may_read(topic, learner, staff=False) else None, "No such topic")
    try:
        progress_services.mark_for_review(learner=learner, topic=topic, suggested_by=request.user)
    except progress_services.ReviewError:
        messages.error(
            request, _("%(name)s has not done this topic: a review comes after.") % {"name": learner.public_name}
        )
    else:
        messages.success(
            request,
            _("Suggested. %(name)s sees it on the topic's page, and on their dashboard when it is due.")
            % {"name": learner.public_name},
        )
    return redirect("mentoring_mentee_topic", username=learner.username, slug=topic.slug)


@require_POST
def mentee_nudge(request, username):
    mentorship = _mentorship_or_404(request, username)
    try:
        services.nudge(mentor=request.user, learner=mentorship.learner)
    except services.MentoringError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request, _("Encouragement is on its way to %(name)s.") % {"name": mentorship.learner.public_name}
        )
    # From the mentee's page, back to it; from the cohort, back to the cohort.
    if request.POST.get("back") == "mentee":
        return redirect("mentoring_mentee", username=mentorship.learner.username)
    return redirect("mentoring")


@require_POST
def mentee_suggest(request, username, slug):
    """Suggest a target date for a roadmap the mentee follows; they answer on their dashboard."""
    mentorship = _mentorship_or_404(request, username)
    # A mentee's cohort track as the mentee sees it: one they follow.
    roadmap = or_404(progress_selectors.open_roadmap(slug, mentorship.learner, staff=False), "No such roadmap")
    form = SuggestionForm(request.POST)
    if form.is_valid():
        try:
            services.suggest_target_date(
                mentor=request.user,
                learner=mentorship.learner,
                roadmap=roadmap,
                target_date=form.cleaned_data["target_date"],
                today=timezone.localdate(),
            )
        except services.MentoringError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Suggested to %(name)s: %(roadmap)s by %(date)s. They can accept or decline it on their dashboard.")
                % {
                    "name": mentorship.learner.public_name,
                    "roadmap": roadmap.title,
                    "date": date_format(form.cleaned_data["target_date"], "DATE_FORMAT"),
                },
            )
    else:
        messages.error(
            request, _("Nothing was suggested: %(errors)s") % {"errors": " ".join(form.errors["target_date"])}
        )
    return redirect(f"{reverse('mentoring_mentee', args=[mentorship.learner.username])}#suggest-{roadmap.slug}")
