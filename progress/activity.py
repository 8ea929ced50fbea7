"""A learner's activity: the days with progress (a topic started or completed,
in their time zone), their streaks, and the calendar of the last 52 weeks with
the geometry its SVG is drawn from. On the dashboard and on a mentee's page."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from mlepath import cache
from progress.models import ProgressEvent, Status

CALENDAR_WEEKS = 52
# Events that count as a day "with progress" in the calendar and streaks.
ACTIVITY_STATUSES = (Status.IN_PROGRESS, Status.DONE)
ACTIVITY_REASONS = (ProgressEvent.Reason.SET, ProgressEvent.Reason.IMPORT)


@dataclass
class CalendarDay:
    date: dt.date
    count: int
    x: int
    y: int

    @property
    def label(self) -> str:
        """The day's tooltip, in the active language: "Mon 05 Jan 2026: 2 topics started or completed"."""
        if self.count:
            what = ngettext(
                "%(count)d topic started or completed", "%(count)d topics started or completed", self.count
            ) % {"count": self.count}
        else:
            what = pgettext("topics started or completed", "none")
        # Translators: a day of the activity calendar, in Django's date format letters
        # (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date).
        day = dateformat.format(self.date, pgettext("activity calendar day", "D d M Y"))
        # Translators: a day of the activity calendar and what was done on it.
        return _("%(day)s: %(what)s") % {"day": day, "what": what}

    @property
    def level(self) -> int:
        return 0 if self.count == 0 else 1 if self.count == 1 else 2 if self.count <= 3 else 3 if self.count <= 6 else 4


@dataclass
class Activity:
    active: list[CalendarDay]  # the days with progress, oldest first: the others are the pattern's
    months: list[tuple[int, str]]
    active_days: int
    total: int
    current_streak: int
    longest_streak: int
    today: dt.date
    width: int = 0
    height: int = 0
    fragment_key: str = ""  # what the rendered calendar is made of (its {% cache %} key)
    first_day: dt.date | None = None  # the learner's first day of activity, where they live (the pace's history)
    # The grid of empty days is drawn as two pattern-filled rectangles (the
    # full weeks, then this week up to today); only active days are drawn one by one.
    left: int = 0
    top: int = 0
    grid_height: int = 0
    weeks_width: int = 0
    this_week_x: int = 0
    this_week_height: int = 0
    weekdays: tuple[tuple[int, str], ...] = ()  # the labelled rows (y, the weekday's short name)


CELL = 13
CALENDAR_TOP = 18
CALENDAR_LEFT = 2  # the weekday names sit in a column of their own, outside the scroller
# Room right of the grid for a month that begins in the last week: its name
# ("Dec") is wider than the one column it starts in.
CALENDAR_RIGHT = 2 * CELL


def _streaks(active: set[dt.date], today: dt.date) -> tuple[int, int]:
    longest = run = 0
    previous = None
    for day in sorted(active):
        run = run + 1 if previous and day - previous == dt.timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    # The current streak survives until the end of today: yesterday's run counts.
    current = 0
    day = today if today in active else today - dt.timedelta(days=1)
    while day in active:
        current += 1
        day -= dt.timedelta(days=1)
    return current, longest


def _day_counts(events, tz) -> dict[dt.date, int]:
    """Topics started or completed per day: a topic ticked, unticked and ticked
    again the same day counts once."""
    return dict(
        events.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("topic", distinct=True))
        .values_list("day", "n")
    )


def activity_for(learner, *, now=None) -> Activity:
    """Days with progress in the learner's time zone. The events' count and
    newest id (one aggregate query) key the grouped counts in the cache: any new
    or removed activity event gives a new key (mlepath.cache)."""
    tz = zoneinfo.ZoneInfo(learner.time_zone or "UTC")
    today = timezone.localtime(now or timezone.now(), tz).date()
    events = ProgressEvent.objects.filter(learner=learner, to_status__in=ACTIVITY_STATUSES, reason__in=ACTIVITY_REASONS)
    version = events.aggregate(count=Count("pk"), last=Max("pk"), first=Min("created_at"))
    key = cache.activity_key(learner_id=learner.pk, time_zone=tz.key, count=version["count"], last=version["last"])
    counts = cache.get_or_set(key, lambda: _day_counts(events, tz))
    current, longest = _streaks(set(counts), today)
    # 52 full weeks plus this one, ending today, each starting on the first day
    # of the week of the reader's language (Monday in English, Sunday in
    # Japanese): a day's cell is its week's column and its weekday's row.
    first_weekday = formats.get_format("FIRST_DAY_OF_WEEK")  # 0 is Sunday

    def row(day: dt.date) -> int:
        return (day.isoweekday() % 7 - first_weekday) % 7

    start = today - dt.timedelta(days=row(today)) - dt.timedelta(weeks=CALENDAR_WEEKS)

    def column(day: dt.date) -> int:
        return CALENDAR_LEFT + (day - start).days // 7 * CELL

    shown = [
        CalendarDay(date=day, count=n, x=column(day), y=CALENDAR_TOP + row(day) * CELL)
        for day, n in sorted(counts.items())
        if start <= day <= today and n
    ]
    # The months' names in the active language (Django's, not strftime's English).
    months, first = [(column(start), dateformat.format(start, "M"))], start.replace(day=1)
    while (first := (first + dt.timedelta(days=31)).replace(day=1)) <= today:
        months.append((column(first), dateformat.format(first, "M")))
    return Activity(
        left=CALENDAR_LEFT,
        top=CALENDAR_TOP,
        grid_height=7 * CELL,
        weeks_width=CALENDAR_WEEKS * CELL,
        this_week_x=CALENDAR_LEFT + CALENDAR_WEEKS * CELL,
        this_week_height=(row(today) + 1) * CELL,
        # Every other row named, from the second: Tue, Thu, Sat when weeks start on Monday.
        weekdays=tuple(
            (CALENDAR_TOP + r * CELL + 9, dateformat.format(start + dt.timedelta(days=r), "D")) for r in (1, 3, 5)
        ),
        active=shown,
        months=months[1:] if len(months) > 1 and months[1][0] - months[0][0] < 3 * CELL else months,
        active_days=len(shown),
        total=sum(d.count for d in shown),
        current_streak=current,
        longest_streak=longest,
        today=today,
        width=CALENDAR_LEFT + (CALENDAR_WEEKS + 1) * CELL + CALENDAR_RIGHT,
        height=CALENDAR_TOP + 7 * CELL,
        fragment_key=f"{key}:{today.isoformat()}",
        first_day=timezone.localtime(version["first"], tz).date() if version["first"] else None,
    )
