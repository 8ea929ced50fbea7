from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Subquery
from django.db.models.functions import Coalesce

from mentoring.models import Comment, Mentorship, ProjectComment
from mentoring.selectors import mentees_with_news


def navigation_counts(request):
    """What the navigation flags: a learner's unread mentor comments (on topics
    and projects) and, for a
    mentor, how many mentees have news since they last looked. Read only when a
    template shows the navigation (never for htmx fragments): templates call
    these when they read them.

    One query reads the unread count and whether the user mentors anyone; the
    news count is a second query, for mentors only: its SQL (a correlated count
    per kind of news) costs several milliseconds to build, which every learner's
    page would otherwise pay for nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    first: list = []

    def unread_and_mentoring() -> list:
        if not first:
            unread = (
                Comment.objects.filter(learner=user, seen_at__isnull=True, topic__retired=False)
                .exclude(author=user)
                .values("learner")
                .annotate(n=Count("pk"))
                .values("n")
            )
            unread_on_projects = (
                ProjectComment.objects.filter(work__learner=user, seen_at__isnull=True, work__project__retired=False)
                .exclude(author=user)
                .values("work__learner")
                .annotate(n=Count("pk"))
                .values("n")
            )
            mentoring = Mentorship.objects.filter(mentor=user, status=Mentorship.Status.ACTIVE)
            first.extend(
                get_user_model()
                .objects.filter(pk=user.pk)
                .values_list(
                    Coalesce(Subquery(unread[:1]), 0) + Coalesce(Subquery(unread_on_projects[:1]), 0),
                    Exists(mentoring),
                )
                .get()
            )
        return first

    def news() -> int:
        return mentees_with_news(user).count() if unread_and_mentoring()[1] else 0

    # A view that has the news already (the mentoring page) gives its own mentor_news.
    return {"unread_feedback": lambda: unread_and_mentoring()[0], "mentor_news": news}
