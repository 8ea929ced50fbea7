"""Progress's section of the account page (mlepath.slots, "account-sections"):
the study calendar, where a learner makes, renews, changes and revokes their
private calendar feed. Progress's own calendar page shows the same section."""

from django.urls import reverse

from progress import calendar, selectors
from progress.forms import CalendarFeedForm
from progress.models import CalendarFeed

TEMPLATE = "progress/includes/calendar_feed.html"


def calendar_section(context) -> dict:
    """The section for the signed-in learner. A refused change passes its bound
    form or message in the context (`calendar_form`, `calendar_error`). A link
    just made is shown here once: its token leaves the session as it is shown."""
    request = context["request"]
    feed = selectors.calendar_feed_of(request.user)
    new_token = request.session.pop(calendar.NEW_FEED_SESSION_KEY, None)
    new_url = None
    if new_token and feed is not None and feed.token_digest == CalendarFeed.digest(new_token):
        new_url = request.build_absolute_uri(reverse("calendar_feed", args=[new_token]))
    form = context.get("calendar_form")
    if form is None:
        initial = {"weekday": feed.weekday, "start": feed.start, "minutes": feed.minutes} if feed else None
        form = CalendarFeedForm(initial=initial, auto_id="calendar-%s")
    return {
        "feed": feed,
        "form": form,
        "error": context.get("calendar_error", ""),
        "new_url": new_url,
        "time_zone": request.user.get_time_zone_display(),
        "csp_nonce": context.get("csp_nonce"),
    }
