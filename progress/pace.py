"""A learner's pace on a roadmap: the arithmetic, with no database access.

The rules, as the dashboard states them:
- Remaining hours: every topic neither done nor skipped, an in-progress topic
  counting half its hours (it is started; how far is not known).
- Actual pace: the hours of the roadmap's topics completed in the last 4 weeks,
  divided by 4.
- A finish date at a pace is today plus the remaining hours at that many hours a
  week, rounded up to the day.
- On track when the finish at the actual pace is on or before the target date;
  behind by the weeks between them otherwise, rounded up.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from progress.models import Status

ACTUAL_PACE_WEEKS = 4


def remaining_of(*, hours: int, done: int, skipped: int, in_progress: int) -> Decimal:
    """The rule: of a roadmap's `hours`, those of topics neither done nor
    skipped, an in-progress topic's counting half (progress.summary keeps these sums)."""
    return Decimal(hours - done - skipped) - Decimal(in_progress) / 2


def remaining_hours(rows) -> Decimal:
    """Rows are (hours, status) pairs of one roadmap's topics (a status of None: not started)."""
    by_status: dict = {}
    for hours, status in rows:
        by_status[status] = by_status.get(status, 0) + hours
    return remaining_of(
        hours=sum(by_status.values()),
        done=by_status.get(Status.DONE, 0),
        skipped=by_status.get(Status.SKIPPED, 0),
        in_progress=by_status.get(Status.IN_PROGRESS, 0),
    )


def finish_date(*, remaining: Decimal, hours_per_week: Decimal, today: dt.date) -> dt.date | None:
    """When `remaining` hours are done at `hours_per_week`; None at no pace."""
    if remaining <= 0:
        return today
    if hours_per_week <= 0:
        return None
    days = (remaining * 7 / hours_per_week).to_integral_value(rounding=ROUND_CEILING)
    return today + dt.timedelta(days=int(days))


def hours_per_week_for(*, remaining: Decimal, target: dt.date, today: dt.date) -> int:
    """The whole hours a week that finish `remaining` hours by `target` (after today)."""
    days = (target - today).days
    if days <= 0:
        raise ValueError("the target date must be after today")
    return max(1, math.ceil(remaining * 7 / days))


@dataclass(frozen=True)
class Forecast:
    remaining: Decimal
    hours_per_week: int  # the plan's
    target_date: dt.date  # the plan's
    actual_per_week: Decimal  # over the last ACTUAL_PACE_WEEKS weeks
    finish_at_plan: dt.date
    finish_at_actual: dt.date | None  # None: nothing done in the last weeks
    today: dt.date

    @property
    def finished(self) -> bool:
        return self.remaining <= 0

    @property
    def target_passed(self) -> bool:
        return not self.finished and self.target_date < self.today

    @property
    def weeks_behind(self) -> int | None:
        """0 when on track; None when there is no actual pace to judge by."""
        if self.finished:
            return 0
        if self.finish_at_actual is None:
            return None
        late = (self.finish_at_actual - self.target_date).days
        return math.ceil(late / 7) if late > 0 else 0


def forecast(
    *, remaining: Decimal, hours_per_week: int, target_date: dt.date, done_recently_hours: int, today: dt.date
) -> Forecast:
    actual = Decimal(done_recently_hours) / ACTUAL_PACE_WEEKS
    return Forecast(
        remaining=remaining,
        hours_per_week=hours_per_week,
        target_date=target_date,
        actual_per_week=actual,
        finish_at_plan=finish_date(remaining=remaining, hours_per_week=Decimal(hours_per_week), today=today),
        finish_at_actual=finish_date(remaining=remaining, hours_per_week=actual, today=today),
        today=today,
    )


def week_plan(rows, *, hours_per_week: int) -> list:
    """The next topics that fit a week's hours, in the roadmap's order (which is
    prerequisite order: the content check holds it): rows are TopicRow-likes with
    .topic.estimated_hours and .status. The first open topic is always in, even
    when it alone is longer than the week."""
    plan, budget = [], Decimal(hours_per_week)
    for row in rows:
        if row.status in (Status.DONE, Status.SKIPPED):
            continue
        cost = Decimal(row.topic.estimated_hours) / (2 if row.status == Status.IN_PROGRESS else 1)
        if plan and cost > budget:
            break
        plan.append(row)
        budget -= cost
        if budget <= 0:
            break
    return plan


def week_start(now: dt.datetime, time_zone: dt.tzinfo) -> dt.datetime:
    """Monday 00:00 of `now`'s week where the learner lives, as an aware datetime."""
    local = now.astimezone(time_zone)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return dt.datetime.combine(monday, dt.time.min, tzinfo=time_zone)
