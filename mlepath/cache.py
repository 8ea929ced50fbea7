"""What MLE Path caches, under which key, and why each key is right.

Every key is made of what its entry is made of, so no write has to remember to
invalidate anything: after a change a page asks for a key that was never
filled, and the old entry simply ages out. Four parts of a key do that:

- The code's own version (CODE): a digest of every Python module and template
  of the project, read once at start-up. Whatever a release changes in what is
  cached, or in how it is drawn, its keys are new: no deploy reads the entries
  of another release, and nobody has to remember to bump a number.

- The language (the active one): an entry holds its text in the language of
  the page that made it, English or Japanese.

- The content version. Roadmap content changes only through roadmap.services
  (the loader, every admin save or delete), which moves the one content version
  (roadmap.models.ContentVersion) in the transaction of the change: one UPDATE,
  whatever the number of learners. Pages read it in the same query as the
  roadmap (Roadmap.objects.with_content_version()).
- The data itself: a digest of every value a fragment shows, or the count and
  newest id of the rows it is made of (an event added, even one committed late
  with a lower id, or removed, changes both or one of them).

No entry holds a CSRF token or a CSP nonce: pages are rendered per request, and
a cached fragment's forms submit the page's one form (form= and formaction=).

Entries, by key (each key holds CODE and the language after its kind, or after
the learner's id where it names a learner, so that forget_learner finds every release's):

- outline:<roadmap>:<content version>: a roadmap's sections and live topics
  with hours and prerequisites. Read by the roadmap page, the tick, the
  dashboard and the cohort table.
- bodies:<roadmap>:<content version>: its topics' bodies, rendered from
  roadmap/includes/topic_body.html. Read only to render a roadmap row anew.
- assumed:<roadmap>:<content version>: the live topics a roadmap assumes its
  learners know (links). Roadmap page and map.
- map:<roadmap>:<grid>:<content version>: a roadmap's map as Graphviz lays it
  out (roadmap.svgmap), for the desktop's grid or the phone's. Map page.
- map-failed:<roadmap>:<content version>: Graphviz could not lay that map
  out; for FAILED_TIMEOUT only, so that a broken or missing Graphviz is not
  run again by every request, and a fixed one is soon tried again.
- row:<roadmap>:<topic>:<status, or "public">:<content version>: a topic row
  of the roadmap page (its "topic-row" partial). Roadmap page and tick.
- topic:<slug>:<content version>: what the topic page shows of the content
  (summary, resources, prerequisites, what builds on it, its roadmaps).
- cohort-row:<learner>:<digest of every value the row shows>: a row of a
  mentor's cohort table (its "cohort-row" partial). The learner's id is in
  the key so that deleting the account deletes their rows (forget_learner).
- activity:<learner>:<time zone>:<event count>:<newest event id>: a learner's
  days with progress, grouped by the database. Dashboard and mentee page.
- Django's {% cache %} fragment "activity-calendar", under the key above and
  today's date: the activity calendar's SVG.

Everything else of a learner (statuses, notes, evidence, feedback, mentorships)
is read afresh by every page, in a number of queries that does not grow with
the learner's data (pinned by the tests on both databases).

The cache is Django's: Redis through django-redis when REDIS_URL is set (shared
by every app server), else a per-process LocMemCache.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation

# A day: content changes rarely, and an entry of an old version is never read again.
TIMEOUT = 60 * 60 * 24
# The folders of the project's code and templates (the content files have the content version).
CODE_FOLDERS = ("mlepath", "accounts", "roadmap", "progress", "mentoring", "templates")
CODE_SUFFIXES = (".py", ".html", ".txt")


def code_version(root: Path, folders=CODE_FOLDERS) -> str:
    """A digest of every module and template under `folders` of `root`, by path and bytes."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# Part of every key: this release's entries are its own.
CODE = code_version(Path(settings.BASE_DIR))


def _language() -> str:
    """Part of every key: an entry holds text in the language it was made in."""
    return translation.get_language() or settings.LANGUAGE_CODE


def outline_key(*, roadmap_id: int, content_version: int) -> str:
    return f"outline:{CODE}:{_language()}:{roadmap_id}:{content_version}"


def bodies_key(*, roadmap_id: int, content_version: int) -> str:
    return f"bodies:{CODE}:{_language()}:{roadmap_id}:{content_version}"


def assumed_key(*, roadmap_id: int, content_version: int) -> str:
    return f"assumed:{CODE}:{_language()}:{roadmap_id}:{content_version}"


def map_key(*, roadmap_id: int, grid: str, content_version: int) -> str:
    return f"map:{CODE}:{_language()}:{roadmap_id}:{grid}:{content_version}"


def map_failed_key(*, roadmap_id: int, content_version: int) -> str:
    return f"map-failed:{CODE}:{_language()}:{roadmap_id}:{content_version}"


def topic_key(*, slug: str, content_version: int) -> str:
    # Slugs are letters, digits, "-" and "_" (the URL converter's): safe in any cache key.
    return f"topic:{CODE}:{_language()}:{slug}:{content_version}"


def activity_key(*, learner_id: int, time_zone: str, count: int, last: int | None) -> str:
    # Time zone names are letters, digits, "/", "_", "-" and "+".
    return f"activity:{learner_id}:{CODE}:{_language()}:{time_zone}:{count}:{last}"


def row_key(*, roadmap_id: int, topic_id: int, variant: str, content_version: int) -> str:
    return f"row:{CODE}:{_language()}:{roadmap_id}:{topic_id}:{variant}:{content_version}"


def cohort_row_key(*, learner_id: int, values: tuple) -> str:
    """A cohort row is keyed by every value it shows: its key is its content."""
    digest = hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()
    return f"cohort-row:{learner_id}:{CODE}:{_language()}:{digest}"


def forget_learner(learner_id: int) -> None:
    """Delete the entries that name a learner (a cohort row shows their name,
    the activity entry their days), when their account is deleted. With Redis
    (django-redis' delete_pattern) they go at once; a per-process LocMemCache
    has no such call, and its entries age out within TIMEOUT."""
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        for prefix in ("cohort-row", "activity"):
            delete_pattern(f"{prefix}:{learner_id}:*")  # of every release


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


def get(key: str):
    return cache.get(key)


def set_many(entries: dict) -> None:
    cache.set_many(entries, TIMEOUT)


FAILED_TIMEOUT = 5 * 60


def remember_failure(key: str) -> None:
    cache.set(key, True, FAILED_TIMEOUT)


def get_or_set(key: str, make):
    """The entry under `key`, made by `make()` and stored when missing; a None
    from `make()` is returned and not stored."""
    value = cache.get(key)
    if value is None:
        value = make()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value
