"""A learner's pace on a roadmap: the arithmetic, with no database access.

The rules, as the dashboard states them:
- Remaining hours: every topic neither done nor skipped, an in-progress topic
  counting half its hours (it is started; how far is not known).
- Actual pace: the hours of the roadmap's topics completed in the last 4 weeks,
  divided by 4; by a learner who began less than 4 weeks ago, over the days
  since their first activity.
- No verdict before 2 weeks of history: a first week is mostly topics already
  known, ticked at once, and a pace over days says nothing yet. Until then the
  plan's finish date is what a learner reads.
- A finish date at a pace is today plus the remaining hours at that many hours a
  week, rounded up to the day.
- On track when the finish at the actual pace is on or before the target date;
  behind by the weeks between them otherwise, rounded up.
- Your own speed: once a learner has logged time on at least 3 done topics of a
  roadmap, 5 hours in all, the hours left and the plan count their own ratio
  of logged to estimated hours on those topics (between a quarter and four
  times the estimate) instead of the estimates alone. The actual pace and the
  verdict are unchanged by it: both count topics' estimated hours.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from progress.models import Status

ACTUAL_PACE_WEEKS = 4
JUDGED_AFTER_DAYS = 14  # of history (since the first activity) before any verdict
OWN_SPEED_MIN_TOPICS = 3  # done topics with time logged, before the forecast uses it
OWN_SPEED_MIN_HOURS = 5  # hours logged on them
OWN_SPEED_BOUNDS = (Decimal("0.25"), Decimal(4))


@dataclass(frozen=True)
class Speed:
    """A learner's time logged on a roadmap's done topics, against their estimates."""

    topics: int = 0  # done topics with time logged
    logged_minutes: int = 0  # on those topics
    estimated_hours: int = 0  # of those topics

    needed_topics = OWN_SPEED_MIN_TOPICS
    needed_hours = OWN_SPEED_MIN_HOURS

    @property
    def enough(self) -> bool:
        return self.topics >= OWN_SPEED_MIN_TOPICS and self.logged_minutes >= OWN_SPEED_MIN_HOURS * 60

    @property
    def logged_hours(self) -> Decimal:
        return (Decimal(self.logged_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def ratio(self) -> Decimal:
        """Logged over estimated hours, to a tenth, within OWN_SPEED_BOUNDS; 1 until enough is logged."""
        if not self.enough or not self.estimated_hours:
            return Decimal(1)
        low, high = OWN_SPEED_BOUNDS
        ratio = Decimal(self.logged_minutes) / 60 / self.estimated_hours
        return min(high, max(low, ratio)).quantize(Decimal("0.01"))


def speed_of(rows) -> Speed:
    """Rows are (estimated hours, status, minutes logged) of a roadmap's topics."""
    logged = [(hours, minutes) for hours, status, minutes in rows if status == Status.DONE and minutes]
    return Speed(
        topics=len(logged),
        logged_minutes=sum(minutes for _, minutes in logged),
        estimated_hours=sum(hours for hours, _ in logged),
    )


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
    actual_per_week: Decimal  # over the last weeks (see window_days); 0 before a verdict
    finish_at_plan: dt.date
    finish_at_actual: dt.date | None  # None: nothing done lately, or too early to say
    today: dt.date
    first_activity: dt.date | None  # the learner's first day of activity, where they live
    window_days: int = ACTUAL_PACE_WEEKS * 7  # the days the actual pace is measured over
    speed: Speed = Speed()  # what the learner logged; the plan counts it once it is enough

    @property
    def own_speed(self) -> bool:
        """The basis of the hours left and the plan: the learner's own speed, or the estimates."""
        return self.speed.enough

    @property
    def remaining_at_speed(self) -> Decimal:
        """The hours left as the learner will spend them (the estimates until enough is logged)."""
        return (self.remaining * self.speed.ratio).quantize(Decimal("0.1"))

    @property
    def finished(self) -> bool:
        return self.remaining <= 0

    @property
    def target_passed(self) -> bool:
        return not self.finished and self.target_date < self.today

    @property
    def judged_from(self) -> dt.date | None:
        """The first day a verdict is given: two weeks after the first activity."""
        return self.first_activity + dt.timedelta(days=JUDGED_AFTER_DAYS) if self.first_activity else None

    @property
    def too_early(self) -> bool:
        """Less than two weeks of history: the plan is told, no verdict."""
        return not self.finished and (self.judged_from is None or self.today < self.judged_from)

    @property
    def weeks_behind(self) -> int | None:
        """0 when on track; None when there is no actual pace to judge by (too
        early, or nothing done in the last weeks)."""
        if self.finished:
            return 0
        if self.too_early or self.finish_at_actual is None:
            return None
        late = (self.finish_at_actual - self.target_date).days
        return math.ceil(late / 7) if late > 0 else 0

    @property
    def verdict(self) -> str:
        """What the pace says, one word each place shows in its own words:
        finished, target_passed, too_early, no_recent, on_track or behind."""
        if self.finished:
            return "finished"
        if self.target_passed:
            return "target_passed"
        if self.too_early:
            return "too_early"
        if self.weeks_behind is None:
            return "no_recent"
        return "on_track" if self.weeks_behind == 0 else "behind"


def forecast(
    *,
    remaining: Decimal,
    hours_per_week: int,
    target_date: dt.date,
    done_recently_hours: int,
    first_activity: dt.date | None,
    today: dt.date,
    speed: Speed = Speed(),
) -> Forecast:
    """`done_recently_hours`: the roadmap's hours completed in the last
    ACTUAL_PACE_WEEKS weeks; `first_activity`: the learner's first day of
    activity (any roadmap), None if they have none; `speed`: their time logged."""
    history = (today - first_activity).days if first_activity else 0
    window = min(ACTUAL_PACE_WEEKS * 7, max(history, 1))
    judged = first_activity is not None and history >= JUDGED_AFTER_DAYS
    actual = Decimal(done_recently_hours) * 7 / window if judged else Decimal(0)
    return Forecast(
        remaining=remaining,
        hours_per_week=hours_per_week,
        target_date=target_date,
        actual_per_week=actual,
        # The plan's hours are hours the learner spends: at their own speed, once known.
        finish_at_plan=finish_date(
            remaining=remaining * speed.ratio, hours_per_week=Decimal(hours_per_week), today=today
        ),
        finish_at_actual=finish_date(remaining=remaining, hours_per_week=actual, today=today) if judged else None,
        today=today,
        first_activity=first_activity,
        window_days=window,
        speed=speed,
    )


def week_plan(rows, *, hours_per_week: int, ratio: Decimal = Decimal(1)) -> list:
    """The next topics that fit a week's hours, in the roadmap's order (which is
    prerequisite order: the content check holds it): rows are TopicRow-likes with
    .topic.estimated_hours and .status; `ratio` is the learner's own speed
    (Speed.ratio). The first open topic is always in, even when it alone is
    longer than the week."""
    plan, budget = [], Decimal(hours_per_week)
    for row in rows:
        if row.status in (Status.DONE, Status.SKIPPED):
            continue
        cost = Decimal(row.topic.estimated_hours) * ratio / (2 if row.status == Status.IN_PROGRESS else 1)
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
