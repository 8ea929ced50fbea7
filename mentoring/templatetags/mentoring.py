"""Mentoring's pieces of pages that progress owns: the feedback thread and the
reviews on a learner's topic page, and "New feedback" on the dashboard. Each
is a template partial with the selector that feeds it, so progress shows them
without importing mentoring."""

from django import template
from django.urls import reverse
from django.utils import timezone

from mentoring import selectors
from mentoring.forms import CommentForm

register = template.Library()


def _own(context, learner, name: str):
    """What the navigation reads of the signed-in user (mentoring.context_processors),
    when `learner` is them: None otherwise. An htmx fragment (the topic panel)
    asks it too: its one statement of plain SQL costs less to build than the
    thread's, the reviews' and the mentor's querysets it lets the panel skip."""
    request = context.get("request")
    known = context.get(name)
    if request is None or request.user.pk != learner.pk or not callable(known):
        return None
    return known()


@register.inclusion_tag("mentoring/includes/reviews.html", takes_context=True)
def topic_reviews(context, learner, topic):
    """A mentor's reviews of the learner's topic; none are read for a learner who
    has no comment or review anywhere (the navigation knows)."""
    if _own(context, learner, "has_feedback") is False:
        return {"reviews": []}
    return {"reviews": selectors.reviews_for(learner=learner, topic=topic)}


@register.inclusion_tag("mentoring/includes/thread.html", takes_context=True)
def topic_feedback(context, learner, topic):
    """The learner's thread on a topic, shown once there is a comment or a mentor to write one."""
    has_feedback = _own(context, learner, "has_feedback")
    thread = [] if has_feedback is False else selectors.thread_for(learner=learner, topic=topic)
    has_mentor = _own(context, learner, "has_mentor")
    return {
        "shown": bool(thread) or (selectors.has_active_mentor(learner) if has_mentor is None else has_mentor),
        "thread": thread,
        "unread": any(comment.seen_at is None for comment in thread),
        "learner": learner,
        "comment_form": context.get("comment_form") or CommentForm(),
        "action": reverse("topic_comment", args=[topic.slug]),
        "seen_action": reverse("topic_comments_seen", args=[topic.slug]),
    }


@register.inclusion_tag("mentoring/includes/new_feedback.html", takes_context=True)
def new_feedback(context, learner):
    """The learner's unread feedback. Their own page's navigation has already
    counted it (mentoring.context_processors, with the same definition): when
    that count is 0, the two lists are not read at all."""
    if _own(context, learner, "unread_feedback") == 0:
        return {"feedback": [], "project_feedback": []}
    return {
        "feedback": selectors.unseen_feedback(learner),
        "project_feedback": selectors.unseen_project_feedback(learner),
    }


@register.inclusion_tag("mentoring/includes/pace_suggestions.html", takes_context=True)
def pace_suggestions(context, learner):
    """Mentors' suggested target dates waiting for the learner's answer, on the
    dashboard: none are read when the navigation's statement found none waiting."""
    if _own(context, learner, "has_suggestions") is False:
        return {"suggestions": []}
    return {"suggestions": selectors.pending_suggestions(learner)}


@register.filter
def ago(moment) -> str:
    """ "3 days ago", or "just now" within the minute (Django's timesince says "0 minutes")."""
    return selectors.ago(moment, timezone.now()) if moment else ""
