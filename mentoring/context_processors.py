from mentoring.models import Comment


def unread_feedback(request):
    """How many mentor comments the signed-in learner has not read yet: the
    navigation flags them. Counted (one query, on the partial index of unseen
    comments) only when a template shows the navigation, never for htmx fragments:
    templates call the method when they read it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Comment.objects.filter(learner=user, seen_at__isnull=True, topic__retired=False).exclude(author=user)
    return {"unread_feedback": unread.count}
