"""Whether anyone reviews a learner's project work. Progress does not know who
mentors whom: mentoring answers (it registers in MentoringConfig.ready). With
no answer nobody does, and the learner marks their work complete themselves."""

from collections.abc import Callable

_has_reviewer: Callable[[object], bool] | None = None


def answer_with(has_reviewer: Callable[[object], bool]) -> None:
    global _has_reviewer  # noqa: PLW0603 (set once, at start-up, as Django's signals are)
    _has_reviewer = has_reviewer


def has_reviewer(learner) -> bool:
    return _has_reviewer is not None and _has_reviewer(learner)
