"""What MLE Path caches, under which key, and why each key is right.

Content is cached, and the few things of a learner that are costly to make
and are keyed by the learner's own rows. Everything else of a learner
(statuses, notes, feedback, cohorts) is read afresh by every page in a fixed
number of queries, so a change shows on every affected page at once and no
write has to remember to invalidate anything.

Roadmap content changes only through roadmap.services, which moves the one
content version (roadmap.models.ContentVersion) in the transaction of the
change: one UPDATE, whatever the number of learners. Every key below holds
that version, read in the same query as the roadmap itself
(Roadmap.objects.with_content_version()). A key is therefore right by
construction: after a change the page asks for a key that was never filled,
and the old entry simply ages out.

A learner's activity calendar is keyed by what it is made of: the number and
the newest id of the learner's activity events, read by one aggregate query on
every dashboard. An event added (even one committed late, with a lower id) or
removed changes the key; nothing else changes the calendar.

- A learner's days with progress, under activity:<learner id>:<time zone>:
  <event count>:<newest event id>: progress per local day, grouped by the
  database (progress.selectors.activity_for).
- The calendar's SVG, as Django's {% cache %} fragment "activity-calendar"
  keyed by the key above and today's date (progress/includes/activity.html).

Entries hold no request data (no CSRF token, no nonce, no user's text): each
is the same for every visitor it is shown to.

- A roadmap's outline, under outline:<roadmap id>:<content version>: its
  sections and live topics (titles, hours, prerequisites). The roadmap page, the
  tick's answer, the dashboard and the cohort table read it.
- Its topics' bodies, under bodies:<roadmap id>:<content version>: each topic's
  summary, hours, prerequisites and resources rendered from
  roadmap/includes/topic_body.html, read only to render a row anew.
- A topic's row on a roadmap page, under row:<roadmap id>:<topic id>:<variant>:
  <content version>, the variant being the status shown to a signed-in learner
  or "public" for a visitor: the HTML of the page's "topic-row" partial. It
  holds no CSRF token and nothing of a learner but that status (progress.rows).
- A row of a mentor's cohort table, under cohort-row:<digest of every value the
  row shows> (learner, name, figures, ages as shown, stalled, nudged): its key
  is its content, so a changed row is simply another entry (mentoring.views).
- A topic's content, under topic:<slug>:<content version>: what the topic page
  shows of the content (summary, resources, prerequisites, what builds on it,
  the roadmaps it is on).

The cache is Django's: Redis through django-redis when REDIS_URL is set (shared
by every app server), else a per-process LocMemCache.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import get_template

# A day: content changes rarely, and an entry of an old version is never read again.
TIMEOUT = 60 * 60 * 24
# Part of every key: a new shape of what is stored must not read entries of the old one.
FORMAT = 1


def outline_key(*, roadmap_id: int, content_version: int) -> str:
    return f"outline:{FORMAT}:{roadmap_id}:{content_version}"


def bodies_key(*, roadmap_id: int, content_version: int) -> str:
    return f"bodies:{FORMAT}:{roadmap_id}:{content_version}"


def topic_key(*, slug: str, content_version: int) -> str:
    # Slugs are letters, digits, "-" and "_" (the URL converter's): safe in any cache key.
    return f"topic:{FORMAT}:{slug}:{content_version}"


def activity_key(*, learner_id: int, time_zone: str, count: int, last: int | None) -> str:
    # Time zone names are letters, digits, "/", "_", "-" and "+".
    return f"activity:{FORMAT}:{learner_id}:{time_zone}:{count}:{last}"


def row_key(*, roadmap_id: int, topic_id: int, variant: str, content_version: int) -> str:
    return f"row:{FORMAT}:{roadmap_id}:{topic_id}:{variant}:{content_version}"


def cohort_row_key(values: tuple) -> str:
    """A cohort row is keyed by every value it shows: its key is its content."""
    digest = hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()
    return f"cohort-row:{FORMAT}:{digest}"


def render_rows(template_name: str, rows: list, *, key, context) -> list[str]:
    """Each row rendered by the template (a partial), read from the cache in one
    get_many where it was rendered before; `key(row)` must name everything the
    row shows, `context(row)` is what the template needs."""
    keys = [key(row) for row in rows]
    found = cache.get_many(keys)
    template = get_template(template_name)
    made = {}
    html = []
    for row_key, row in zip(keys, rows, strict=True):
        fragment = found.get(row_key) or made.get(row_key)
        if fragment is None:
            fragment = made[row_key] = template.render(context(row))
        html.append(fragment)
    if made:
        cache.set_many(made, TIMEOUT)
    return html


def set_many(entries: dict) -> None:
    cache.set_many(entries, TIMEOUT)


def get_or_set(key: str, make):
    """The entry under `key`, made by `make()` and stored when missing; a None
    from `make()` is returned and not stored."""
    value = cache.get(key)
    if value is None:
        value = make()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value
