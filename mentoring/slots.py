"""Mentoring's pieces of pages that progress owns (mlepath.slots): the reviews
and the feedback thread on a learner's topic page, the last review and the
thread on their project's page, and on the dashboard the new feedback and the
target dates mentors suggest. It also tells progress who reviews a learner's
projects (progress.projects.reviewers). Each is a template with the
function that feeds it, filled in MentoringConfig.ready, so progress shows
them without importing mentoring or loading its tags."""

from django.urls import reverse

from mentoring import selectors, track_selectors
from mentoring.forms import CommentForm
from mlepath import slots
from progress.models import ProjectState
from progress.projects import reviewers


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


def topic_reviews(context, learner, topic):
    """A mentor's reviews of the learner's topic; none are read for a learner who
    has no comment or review anywhere (the navigation knows)."""
    if _own(context, learner, "has_feedback") is False:
        return {"reviews": []}
    return {"reviews": selectors.reviews_for(learner=learner, topic=topic)}


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


def pace_suggestions(context, learner):
    """Mentors' suggested target dates waiting for the learner's answer, on the
    dashboard: none are read when the navigation's statement found none waiting."""
    if _own(context, learner, "has_suggestions") is False:
        return {"suggestions": []}
    return {"suggestions": selectors.pending_suggestions(learner)}


def track_offers(context, learner):
    """Cohort tracks mentors offer the learner, on the dashboard: none are read
    when the navigation's statement found none waiting."""
    if _own(context, learner, "has_track_offers") is False:
        return {"offers": []}
    return {"offers": track_selectors.pending_offers(learner)}


def project_review(context, learner, work):
    """Who reviewed the learner's work and, when they asked for changes, what to change."""
    thread = selectors.project_thread(work) if work.state == ProjectState.CHANGES_REQUESTED else []
    return {"review": selectors.last_review(work, thread), "work": work, "states": ProjectState}


def project_feedback(context, learner, work):
    """The learner's thread on a project they started, shown once there is a comment or a mentor to write one."""
    thread = selectors.project_thread(work)
    return {
        "shown": bool(thread) or context.get("has_reviewer", False),
        "thread": thread,
        "unread": any(comment.seen_at is None for comment in thread),
        "learner": learner,
        "comment_form": context.get("comment_form") or CommentForm(),
        "action": reverse("project_comment", args=[work.project.slug]),
        "seen_action": reverse("project_comments_seen", args=[work.project.slug]),
    }


def fill_slots() -> None:
    slots.fill("topic-reviews", template_name="mentoring/includes/reviews.html", context=topic_reviews)
    slots.fill("topic-feedback", template_name="mentoring/includes/thread.html", context=topic_feedback)
    slots.fill("dashboard-news", template_name="mentoring/includes/new_feedback.html", context=new_feedback)
    slots.fill("dashboard-news", template_name="mentoring/includes/pace_suggestions.html", context=pace_suggestions)
    slots.fill("dashboard-news", template_name="mentoring/includes/track_offers.html", context=track_offers)
    slots.fill("project-review", template_name="mentoring/includes/project_review.html", context=project_review)
    slots.fill("project-feedback", template_name="mentoring/includes/thread.html", context=project_feedback)
    reviewers.answer_with(selectors.has_active_mentor)
