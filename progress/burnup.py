"""A roadmap's burn-up chart, as numbers a template draws in SVG, and days in
the reader's language for its table: no database access, no HTML. Hours done
week by week since the learner began (estimated hours of the topics they
completed), hours logged week by week where they logged any, the plan's line
from today to the target and the forecast's at their pace, against the
roadmap's hours (its topics but those skipped)."""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils import dateformat
from django.utils.formats import get_format

WIDTH, HEIGHT = 400, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 24
TABLE_ROWS = 16  # the table's rows at most (one every few weeks in a long history), plus this week
LONGEST = dt.timedelta(weeks=52)  # the x axis ends within a year of today: the lines run on past it


def hours_of(minutes: int) -> int | float:
    """Minutes as hours to a tenth, whole hours without a decimal (90 → 1.5, 120 → 2)."""
    tenths = round(minutes / 6)
    return tenths // 10 if tenths % 10 == 0 else tenths / 10


@dataclass(frozen=True)
class Week:
    monday: dt.date
    done_hours: int  # cumulative, at the end of that week
    logged_hours: int | float  # cumulative (hours_of)


@dataclass
class Chart:
    weeks: list[Week]
    scope_hours: int
    target_date: dt.date
    finish_at_actual: dt.date | None
    today: dt.date
    logged: bool  # any time logged on the roadmap
    # The table's rows: (ISO day, the day as the reader writes it, hours done, hours logged),
    # a week every `every` weeks (the figures are cumulative) and this week last.
    rows: list[tuple[str, str, int, int | float]] = field(default_factory=list)
    every: int = 1
    width: int = WIDTH
    height: int = HEIGHT
    done_points: str = ""
    logged_points: str = ""
    plan_points: str = ""
    forecast_points: str = ""
    scope_y: float = 0
    today_x: float = 0
    y_ticks: list[tuple[float, int]] = field(default_factory=list)  # (y, hours)
    x_ticks: list[tuple[float, dt.date]] = field(default_factory=list)  # (x, first of a month)
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _nice_step(top: float) -> int:
    """A round step for about four ticks up to `top` hours."""
    raw = max(top / 4, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude)
    return int(10 * magnitude)


def chart(
    *,
    started: dt.date,
    today: dt.date,
    scope_hours: int,
    completed: list[tuple[dt.date, int]],
    logged: list[tuple[dt.date, int]],
    target_date: dt.date,
    finish_at_actual: dt.date | None,
) -> Chart:
    """`completed`: (day, estimated hours) of each done topic; `logged`: (day,
    minutes) of the time log; days are the learner's."""
    first = _monday(min([started, today, *(day for day, _ in completed), *(day for day, _ in logged)]))
    weeks, monday = [], first
    done_sorted = sorted(completed)
    logged_sorted = sorted(logged)
    done = minutes = 0
    i = j = 0
    while monday <= today:
        sunday = monday + dt.timedelta(days=6)
        while i < len(done_sorted) and done_sorted[i][0] <= sunday:
            done += done_sorted[i][1]
            i += 1
        while j < len(logged_sorted) and logged_sorted[j][0] <= sunday:
            minutes += logged_sorted[j][1]
            j += 1
        weeks.append(Week(monday=monday, done_hours=done, logged_hours=hours_of(minutes)))
        monday += dt.timedelta(weeks=1)

    result = Chart(
        weeks=weeks,
        scope_hours=scope_hours,
        target_date=target_date,
        finish_at_actual=finish_at_actual,
        today=today,
        logged=bool(logged),
    )
    end = max([today + dt.timedelta(days=7), target_date, *([finish_at_actual] if finish_at_actual else [])])
    end = min(end, today + LONGEST)
    span = max((end - first).days, 1)
    top = max(scope_hours, float(weeks[-1].logged_hours) if weeks else 0, 1)
    step = _nice_step(top)
    y_max = math.ceil(top / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y(hours) -> float:
        return round(TOP + plot_h * (1 - float(hours) / y_max), 1)

    def line(points) -> str:
        return " ".join(f"{px},{py}" for px, py in points)

    # A week's figure is drawn at its end (today for the current week).
    ends = [min(week.monday + dt.timedelta(days=6), today) for week in weeks]
    # Written once here, not by a filter a cell: a long history has a row a week.
    month_day = get_format("MONTH_DAY_FORMAT")  # the active language's, looked up once
    result.every = max(1, math.ceil(len(weeks) / TABLE_ROWS))
    shown = weeks[::-1][:: result.every][::-1]  # counted back from this week, which is always in
    result.rows = [
        (week.monday.isoformat(), dateformat.format(week.monday, month_day), week.done_hours, week.logged_hours)
        for week in shown
    ]
    result.done_points = line([(x(first), y(0))] + [(x(d), y(w.done_hours)) for d, w in zip(ends, weeks, strict=True)])
    if logged:
        result.logged_points = line(
            [(x(first), y(0))] + [(x(d), y(w.logged_hours)) for d, w in zip(ends, weeks, strict=True)]
        )
    now_done = weeks[-1].done_hours if weeks else 0

    def towards(finish: dt.date) -> str:
        """From today's hours done to the scope at `finish`, cut at the axis's end."""
        if finish <= today:
            return ""
        if finish <= end:
            return line([(x(today), y(now_done)), (x(finish), y(scope_hours))])
        share = (end - today).days / (finish - today).days
        return line([(x(today), y(now_done)), (x(end), y(now_done + (scope_hours - now_done) * share))])

    result.plan_points = towards(target_date)
    result.forecast_points = towards(finish_at_actual) if finish_at_actual else ""
    result.scope_y = y(scope_hours)
    result.today_x = x(today)
    result.y_ticks = [(y(hours), hours) for hours in range(0, y_max + 1, step)]
    month = dt.date(first.year, first.month, 1)
    months = []
    while month <= end:
        if month >= first:
            months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    every = max(1, math.ceil(len(months) / 4))  # at most four labels: they must fit at 360 px
    result.x_ticks = [(x(month), month) for month in months[::every]]
    return result
