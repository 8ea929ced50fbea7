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
    read: list = []

    def shown() -> navigation.Navigation:
        if not read:
            read.append(navigation.navigation_of(user.pk))
        return read[0]

    def news() -> int:
        return mentees_with_news(user).count() if shown().mentoring else 0

    # A view that has the news already (the mentoring page) gives its own mentor_news.
    # The user's own topic page asks the last two before reading a thread (mentoring's tags).
    return {
        "unread_feedback": lambda: shown().unread,
        "mentor_news": news,
        "has_mentor": lambda: shown().has_mentor,
        "has_feedback": lambda: shown().has_feedback,
    }
