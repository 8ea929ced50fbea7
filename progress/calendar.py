"""A learner's study calendar as iCalendar (RFC 5545), for the private feed a
calendar app subscribes to (views.calendar_feed), built with the icalendar package.

It holds one recurring event: the weekly study block at the learner's day and
time in their time zone, described with this week's planned topics of each
roadmap with a pace (progress.dashboard.dashboard_for). Nothing else of the learner's:
no notes, evidence, history or mentor feedback.

What keeps a subscription clean in Google Calendar, Apple Calendar and Outlook:
- the event's UID comes from the learner's id and a fixed domain, never from the
  token, so a refresh, a renewed link or a changed block updates the one event
  instead of adding another;
- its series starts with the first block after the learner set it (never
  "from today"), so past blocks stay where they were from one fetch to the next;
- the time zone is a TZID with its VTIMEZONE, made by icalendar from the
  zoneinfo data (Timezone.from_tzid), daylight saving time included;
- DTSTAMP is the time of the fetch, as METHOD:PUBLISH asks. There is no
  LAST-MODIFIED or SEQUENCE: the description follows every tick and every
  change of pace, and no stored time says when it last changed.
"""

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable
from itertools import chain

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event, Timezone, vDuration

from progress import pace
from progress.dashboard import Dashboard
from progress.models import CalendarFeed, Status

PRODID = "-//MLE Path//Study calendar//EN"
# The calendar's name and the event's title, in the learner's language (views.calendar_feed).
NAME = gettext_lazy("MLE Path study")
SUMMARY = gettext_lazy("Study: MLE Path")
UID_DOMAIN = "mlepath.local"
# How often calendar apps are asked to fetch the feed again (REFRESH-INTERVAL,
# and X-PUBLISHED-TTL for Outlook and Apple Calendar); Google Calendar keeps its own schedule.
REFRESH = dt.timedelta(hours=6)
# The years of offset changes written into the VTIMEZONE, from the series' first year.
TIME_ZONE_YEARS = 30
# Where a new feed's raw token waits, in the learner's session, for the one page
# that shows its URL (views.calendar_feed_manage, templatetags.calendar_feed).
NEW_FEED_SESSION_KEY = "progress_calendar_new_feed"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # by Python's weekday number, as CalendarFeed.Weekday


def block_uid(learner_id: int) -> str:
    return f"study-block-{learner_id}@{UID_DOMAIN}"


def first_block(feed: CalendarFeed, time_zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The first study block that starts at or after the moment the learner set
    it, at the chosen time on the chosen day where they live."""
    set_at = feed.block_set_at.astimezone(time_zone)
    day = set_at.date() + dt.timedelta(days=(feed.weekday - set_at.weekday()) % 7)
    start = dt.datetime.combine(day, feed.start, tzinfo=time_zone)
    if start < set_at:  # today, but the time has passed
        start = dt.datetime.combine(day + dt.timedelta(weeks=1), feed.start, tzinfo=time_zone)
    return start


@functools.lru_cache(maxsize=128)
def vtimezone(tzid: str, first_year: int) -> Timezone:
    """icalendar's VTIMEZONE for an IANA zone: every change of offset from
    1 January of `first_year` for TIME_ZONE_YEARS years. Building one takes
    milliseconds, so each process keeps them; a feed adds it and never changes it."""
    return Timezone.from_tzid(
        tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(first_year + TIME_ZONE_YEARS, 1, 1)
    )


def next_block(first: dt.datetime, now: dt.datetime, time_zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The first block that starts at or after `now`: the one a calendar app
    shows next, at the chosen wall-clock time in every season."""
    if first >= now:
        return first
    weeks = (now.astimezone(time_zone).date() - first.date()).days // 7
    for step in (weeks, weeks + 1, weeks + 2):
        block = dt.datetime.combine(
            first.date() + dt.timedelta(weeks=step), first.timetz().replace(tzinfo=None), tzinfo=time_zone
        )
        if block >= now:
            return block
    raise AssertionError("a weekly block always comes within two weeks")


def _hours(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def description(
    dashboard: Dashboard,
    *,
    week_of: dt.date,
    this_week: bool,
    today: dt.date,
    minutes: int,
    absolute: Callable[[str], str],
) -> str:
    """The planned topics of each roadmap with a pace, for the week of the
    next block, as plain text; and what the block leaves of the plan's hours."""
    dashboard_url = absolute(reverse("dashboard"))
    planned = [data for data in dashboard.roadmaps if data.pace and data.pace.forecast]
    # The reviews due by the end of that week, the oldest due first.
    week_end = week_of + dt.timedelta(days=6)
    reviews = [item for item in chain(dashboard.reviews_due, dashboard.reviews_later) if item.due_on <= week_end]
    review_lines = []
    if reviews:
        review_lines = ["", _("Due for review that week:")] + [
            _("- %(topic)s (due %(date)s): %(url)s")
            % {
                "topic": item.topic.title,
                "date": date_format(item.due_on, "SHORT_DATE_FORMAT"),
                "url": absolute(item.topic.url),
            }
            for item in reviews
        ]
    if not planned:
        return "\n".join(
            [
                _(
                    "You have no pace set yet. Set one on a roadmap on your dashboard (hours a week or a "
                    "target date), and this week's topics show here."
                ),
                *review_lines,
                "",
                _("Your dashboard: %(url)s") % {"url": dashboard_url},
            ]
        )
    week = date_format(week_of, "DATE_FORMAT")
    if this_week:
        lines = [_("This week's plan (week of %(week)s):") % {"week": week}]
    else:  # the week's block has passed: the next one is next week's
        lines = [
            _("Your plan for the week of %(week)s, as it stands on %(today)s:")
            % {"week": week, "today": date_format(today, "SHORT_DATE_FORMAT")}
        ]
    asked = sum(data.pace.forecast.hours_per_week for data in planned if data.pace.week)
    block = minutes / 60
    if block < asked:
        lines += [
            "",
            _(
                "This block is %(block)s h of the %(asked)s h a week your plan asks: "
                "find %(more)s h more in your week, or lower your pace on your dashboard."
            )
            % {"block": _hours(block), "asked": asked, "more": _hours(asked - block)},
        ]
    for data in planned:
        lines += [
            "",
            _("%(roadmap)s, %(hours)s h a week:")
            % {"roadmap": data.roadmap.title, "hours": data.pace.forecast.hours_per_week},
        ]
        if not data.pace.week:
            lines.append(_("Every topic is done or skipped."))
        for row in data.pace.week:
            values = {"topic": row.topic.title, "hours": row.topic.estimated_hours, "url": absolute(row.topic.url)}
            if row.status == Status.IN_PROGRESS:
                lines.append(_("- %(topic)s (in progress, %(hours)s h): %(url)s") % values)
            else:
                lines.append(_("- %(topic)s (%(hours)s h): %(url)s") % values)
    lines += [*review_lines, "", _("Your dashboard: %(url)s") % {"url": dashboard_url}]
    return "\n".join(lines)


def study_calendar(
    *, feed: CalendarFeed, dashboard: Dashboard, now: dt.datetime, absolute: Callable[[str], str]
) -> bytes:
    """The feed's body. `absolute` turns a path into a full URL (request.build_absolute_uri)."""
    time_zone = zoneinfo.ZoneInfo(feed.learner.time_zone or "UTC")
    start = first_block(feed, time_zone)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", str(NAME))
    calendar.add("x-wr-timezone", time_zone.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))

    event = Event()
    event.add("uid", block_uid(feed.learner_id))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=feed.minutes))
    event.add("rrule", {"freq": "weekly", "byday": [BYDAY[feed.weekday]]})
    event.add("summary", str(SUMMARY))
    this_week = pace.week_start(now, time_zone)
    week_of = pace.week_start(next_block(start, now, time_zone), time_zone)
    event.add(
        "description",
        description(
            dashboard,
            week_of=week_of.date(),
            this_week=week_of == this_week,
            today=now.astimezone(time_zone).date(),
            minutes=feed.minutes,
            absolute=absolute,
        ),
    )
    event.add("url", absolute(reverse("dashboard")))

    # UTC needs no VTIMEZONE (its times end in Z); any other zone gets its own.
    if tzid := event["dtstart"].params.get("TZID"):
        calendar.add_component(vtimezone(tzid, start.year))
    calendar.add_component(event)
    return calendar.to_ical()
