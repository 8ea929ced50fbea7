from django.contrib.auth import get_user_model
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce

from mentoring.models import Comment
from mentoring.selectors import mentees_with_news


def navigation_counts(request):
    """What the navigation flags: a learner's unread mentor comments and, for a
    mentor, how many mentees have news since they last looked. Both are read in
    one query, and only when a template shows the navigation (never for htmx
    fragments): templates call these when they read them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts: list[int] = []

    def read() -> list[int]:
        if not counts:
            unread = (
                Comment.objects.filter(learner=user, seen_at__isnull=True, topic__retired=False)
                .exclude(author=user)
                .values("learner")
                .annotate(n=Count("pk"))
                .values("n")
            )
            news = mentees_with_news(user).values("mentor").annotate(n=Count("pk")).values("n")
            counts.extend(
                get_user_model()
                .objects.filter(pk=user.pk)
                .values_list(Coalesce(Subquery(unread[:1]), 0), Coalesce(Subquery(news[:1]), 0))
                .get()
            )
        return counts

    return {"unread_feedback": lambda: read()[0], "mentor_news": lambda: read()[1]}
