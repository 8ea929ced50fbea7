"""Inclusion points: a page of a lower app names a slot where a higher app
shows what it owns, and the higher app fills it (in its AppConfig.ready) with
a template and the function that gives that template its context. The lower
app imports nothing of the higher one, and its templates load only the shared
`slots` library ({% slot "name" argument=value %}), never the higher app's tags.

Slots, by the page that declares them:
- accounts/account.html: "account-sections" (progress: the study calendar).
- progress/dashboard.html: "dashboard-news" (mentoring: new feedback, suggested dates).
- progress/topic_detail.html: "topic-reviews" and "topic-feedback" (mentoring:
  a mentor's reviews of the topic, the feedback thread).
- progress/projects/project_detail.html: "project-review" and "project-feedback"
  (mentoring: who reviewed the work and what to change, the thread).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Filler:
    template_name: str
    # (the page's template context, the slot's arguments) -> the template's context
    context: Callable[..., dict]


_FILLERS: dict[str, list[Filler]] = {}


def fill(slot: str, *, template_name: str, context: Callable[..., dict]) -> None:
    fillers = _FILLERS.setdefault(slot, [])
    if not any(filler.template_name == template_name for filler in fillers):  # ready() may run twice in tests
        fillers.append(Filler(template_name=template_name, context=context))


def fillers(slot: str) -> list[Filler]:
    return list(_FILLERS.get(slot, ()))


def filled() -> set[str]:
    return set(_FILLERS)
