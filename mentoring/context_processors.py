from mentoring import navigation
from mentoring.selectors import mentees_with_news


def navigation_counts(request):
    """What the navigation flags: a learner's unread mentor comments (on topics
    and projects) and, for a
    mentor, how many mentees have news since they last looked. Read only when a
    template shows the navigation (never for htmx fragments): templates call
    these when they read them.

    One statement of plain SQL (mentoring.navigation) reads the unread count and
    whether the user mentors anyone; the news count is a second query, for
    mentors only: its SQL (a correlated count per kind of news) costs several
    milliseconds to build, which every learner's page would otherwise pay for nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    first: list = []

    def unread_and_mentoring() -> list:
        if not first:
            first.extend(navigation.unread_and_mentoring(user.pk))
        return first

    def news() -> int:
        return mentees_with_news(user).count() if unread_and_mentoring()[1] else 0

    # A view that has the news already (the mentoring page) gives its own mentor_news.
    return {"unread_feedback": lambda: unread_and_mentoring()[0], "mentor_news": news}
