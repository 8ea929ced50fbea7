"""The study calendar: the private feed a calendar app subscribes to, and the
learner's page (and the account page's section) that makes, renews, changes
and revokes it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import throttle
from accounts.languages import language_of
from mlepath.client import client_address
from progress import calendar, selectors, services
from progress.dashboard import dashboard_for
from progress.forms import CalendarFeedForm

# A calendar app polls every few hours; an hour's copy in its own cache is fresh enough.
FEED_MAX_AGE = 60 * 60


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The learner's study calendar (progress.calendar), fetched by their calendar
    app without a session: the token in the URL is the only key. An unknown,
    renewed or revoked token gets the site's 404, and an address that asked for
    too many unknown ones gets 429 instead. A feed that exists is always
    served: a calendar service fetches many learners' feeds, and keeps polling
    revoked ones, from one address."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        address = client_address(request)
        if throttle.hit(throttle.FEED_MISSES_PER_ADDRESS, address) > throttle.FEED_MISSES_PER_ADDRESS.attempts:
            response = HttpResponse(_("Too many calendar links that do not exist were asked for."), status=429)
            response["Retry-After"] = str(throttle.retry_after(throttle.FEED_MISSES_PER_ADDRESS, address))
            return response
        raise Http404("No calendar feed has this address.")
    now = timezone.now()
    # In the learner's language, whoever fetches it: the calendar service's
    # request says nothing of the reader (their titles are read in it too).
    language = language_of(feed.learner)
    with translation.override(language):
        body = calendar.study_calendar(
            feed=feed,
            dashboard=dashboard_for(feed.learner, now=now),
            now=now,
            absolute=request.build_absolute_uri,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Language"] = language
    response["Cache-Control"] = f"private, max-age={FEED_MAX_AGE}"
    response["X-Robots-Tag"] = "noindex"
    return response


def _calendar_feed_refused(request, *, form=None, error: str = ""):
    """400 with the Calendar section and what was wrong; nothing was changed."""
    context = {"calendar_form": form, "calendar_error": error}
    return render(request, "progress/calendar_feed.html", context, status=400)


def _show_once(request, token: str) -> HttpResponse:
    # The account page's Calendar section pops it (progress.templatetags.calendar_feed):
    # the one time the full URL is shown. Only its digest is stored with the feed.
    request.session[calendar.NEW_FEED_SESSION_KEY] = token
    return redirect(f"{reverse('account')}#calendar")


@require_POST
def calendar_feed_manage(request):
    """The account page's Calendar section: create the feed, renew its link,
    change its study block, or revoke it (`action`)."""
    action = request.POST.get("action")
    if action == "revoke":
        if services.revoke_feed(learner=request.user):
            messages.success(request, _("Your calendar link is revoked: calendar apps get nothing from it any more."))
        return redirect(f"{reverse('account')}#calendar")
    if action == "renew":
        feed = selectors.calendar_feed_of(request.user)
        if feed is None:
            return _calendar_feed_refused(request, error=_("You have no calendar link to renew: create one."))
        token = services.create_or_renew_feed(
            learner=request.user, weekday=feed.weekday, start=feed.start, minutes=feed.minutes
        )
        messages.success(request, _("Your calendar link is renewed, and the old one no longer works."))
        return _show_once(request, token)
    if action not in ("create", "update"):
        return _calendar_feed_refused(request, error=_("Choose to create, renew, change or revoke your calendar link."))
    form = CalendarFeedForm(request.POST, auto_id="calendar-%s")
    if not form.is_valid():
        return _calendar_feed_refused(request, form=form)
    block = {name: form.cleaned_data[name] for name in ("weekday", "start", "minutes")}
    try:
        if action == "update":
            if not services.update_feed_block(learner=request.user, **block):
                return _calendar_feed_refused(request, error=_("You have no calendar link to change: create one."))
            messages.success(request, _("Your study block is changed; calendar apps show it at their next refresh."))
            return redirect(f"{reverse('account')}#calendar")
        token = services.create_or_renew_feed(learner=request.user, **block)
    except services.FeedError as error:
        form.add_error(None, str(error))
        return _calendar_feed_refused(request, form=form)
    messages.success(request, _("Your calendar link is ready."))
    return _show_once(request, token)
