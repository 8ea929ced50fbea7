"""What MLE Path caches, under which key, and why each key is right.

Only content is cached. Learner data (statuses, notes, feedback, cohorts) is
read afresh by every page in a fixed number of queries, so a change shows on
every affected page at once and no write has to remember to invalidate
anything.

Roadmap content changes only through roadmap.services, which moves the one
content version (roadmap.models.ContentVersion) in the transaction of the
change: one UPDATE, whatever the number of learners. Every key below holds
that version, read in the same query as the roadmap itself
(Roadmap.objects.with_content_version()). A key is therefore right by
construction: after a change the page asks for a key that was never filled,
and the old entry simply ages out.

Entries hold no request data (no CSRF token, no nonce, no user's text): they
are the same for every visitor.

- A roadmap's outline, under outline:<roadmap id>:<content version>: its
  sections and live topics, each topic's body (summary, hours, prerequisites,
  resources) rendered from roadmap/includes/topic_body.html. The roadmap page,
  the tick's answer, the dashboard and the cohort table read it.
- A topic's content, under topic:<slug>:<content version>: what the topic page
  shows of the content (summary, resources, prerequisites, what builds on it,
  the roadmaps it is on).

The cache is Django's: Redis through django-redis when REDIS_URL is set (shared
by every app server), else a per-process LocMemCache.
"""

from django.core.cache import cache

# A day: content changes rarely, and an entry of an old version is never read again.
TIMEOUT = 60 * 60 * 24
# Part of every key: a new shape of what is stored must not read entries of the old one.
FORMAT = 1


def outline_key(*, roadmap_id: int, content_version: int) -> str:
    return f"outline:{FORMAT}:{roadmap_id}:{content_version}"


def topic_key(*, slug: str, content_version: int) -> str:
    # Slugs are letters, digits, "-" and "_" (the URL converter's): safe in any cache key.
    return f"topic:{FORMAT}:{slug}:{content_version}"


def get_or_set(key: str, make):
    """The entry under `key`, made by `make()` and stored when missing; a None
    from `make()` is returned and not stored."""
    value = cache.get(key)
    if value is None:
        value = make()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value
