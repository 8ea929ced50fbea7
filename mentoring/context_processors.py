from mentoring import navigation, news


def navigation_counts(request):
    """What the navigation flags: a learner's unread mentor comments (on topics
    and projects) and, for a
    mentor, how many mentees have news since they last looked. Read only when a
    template shows the navigation (never for htmx fragments): templates call
    these when they read them.

    One statement of plain SQL (mentoring.navigation) reads the unread count and
    whether the user mentors anyone; the news count is a second one
    (mentoring.news), for mentors only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    read: list = []

    def shown() -> navigation.Navigation:
        if not read:
            read.append(navigation.navigation_of(user.pk))
        return read[0]

    def mentor_news() -> int:
        return len(news.news_for(user.pk)) if shown().mentoring else 0

    # A view that has the news already (the mentoring page) gives its own mentor_news.
    # The user's own topic page and dashboard ask the last three before reading threads and suggestions.
    return {
        "unread_feedback": lambda: shown().unread,
        "mentor_news": mentor_news,
        "has_mentor": lambda: shown().has_mentor,
        "has_feedback": lambda: shown().has_feedback,
        "has_suggestions": lambda: shown().has_suggestions,
        "has_track_offers": lambda: shown().has_track_offers,
    }
