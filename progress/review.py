"""Spaced review of done topics: the rule, with no database access.

The rule, as the topic page and the README state it:
- The first review is due the day after a topic is marked for review.
- After each review the learner says how it went, and the next one is due
  that many days after the day of the review: "Fine" moves to the next
  interval of 1, 3, 7, 21 and 60 days; "Easy" skips one; "Hard" goes back to
  1 day. Past 60 days it stays at 60: a marathon needs the basics again.
- A review done early counts from the day it is done.
- Days are the learner's, in their time zone.
"""

import datetime as dt

from django.utils.translation import gettext_lazy

from progress.models import REVIEW_INTERVALS, ReviewAnswer

LAST_STEP = len(REVIEW_INTERVALS) - 1

# The rule in a learner's words, on the topic page.
RULE = gettext_lazy(
    "The first review is due the day after you mark a topic. After each review, say how it went: "
    "Fine moves the next one along 1, 3, 7, 21 and 60 days; Easy skips a step; Hard starts again at 1 day. "
    "After 60 days it stays at 60. A review done early counts from the day you do it."
)


def next_step(step: int, answer: str) -> int:
    if answer == ReviewAnswer.HARD:
        return 0
    return min(LAST_STEP, step + (2 if answer == ReviewAnswer.EASY else 1))


def due_after(step: int, day: dt.date) -> dt.date:
    """The day a review is due when the interval at `step` starts on `day`."""
    return day + dt.timedelta(days=REVIEW_INTERVALS[step])


def first_due(today: dt.date) -> dt.date:
    return due_after(0, today)
