"""A change to an existing progress row in plain SQL: one statement on PostgreSQL.

Setting a status is the hottest write: a cohort in a workshop ticks at once.
It means finding the topic on its roadmap, then five writes: lock the row,
update it, record the event, follow the roadmap, bump the learner's
progress_version. On PostgreSQL data-modifying CTEs do them atomically in one
round trip, and read the learner's statuses too. SQLite has no such CTEs; there
the same statements run in one transaction (IMMEDIATE: it holds the write lock
from the start), without the ORM's cost per statement.

The update mirrors services._apply for reason "set". The service tests pin what
both paths do, and that the table names and values written here are the models'.
"""

from typing import NamedTuple

from django.db import connection, transaction

from mlepath.prepared import prepared_cursor

# The topic, live on a published roadmap, with the roadmap's columns the page
# needs (its outline is keyed by content_version). No row: nothing to write.
TARGET_BY_SLUGS = """
    SELECT t.id AS topic_id, r.id AS roadmap_id, r.slug, r.title, r.content_version
    FROM roadmap_roadmap AS r
    JOIN roadmap_section AS s ON s.roadmap_id = r.id
    JOIN roadmap_placement AS pl ON pl.section_id = s.id
    JOIN roadmap_topic AS t ON t.id = pl.topic_id
    WHERE r.slug = %(roadmap_slug)s AND r.published AND t.slug = %(topic_slug)s AND NOT t.retired
    LIMIT 1"""
TARGET_BY_IDS = "SELECT %(topic)s::bigint AS topic_id, %(roadmap)s::bigint AS roadmap_id"

WRITE = """
old AS (
    SELECT p.id, p.status FROM progress_progress AS p, target
    WHERE p.learner_id = %(learner)s AND p.topic_id = target.topic_id
    FOR UPDATE OF p
), changed AS (
    UPDATE progress_progress AS p SET
        status = %(status)s,
        started_at = CASE WHEN %(status)s IN ('in_progress', 'done')
                          THEN COALESCE(p.started_at, %(now)s) ELSE p.started_at END,
        completed_at = CASE WHEN %(status)s = 'done' THEN %(now)s ELSE p.completed_at END,
        updated_at = %(now)s
    FROM old
    WHERE p.id = old.id AND old.status <> %(status)s
    RETURNING old.status AS previous, p.topic_id
), event AS (
    INSERT INTO progress_progressevent (learner_id, topic_id, from_status, to_status, reason, created_at)
    SELECT %(learner)s, topic_id, previous, %(status)s, 'set', %(now)s FROM changed
), follow AS (
    INSERT INTO progress_roadmapfollow (learner_id, roadmap_id, created_at)
    SELECT %(learner)s, target.roadmap_id, %(now)s FROM changed, target WHERE target.roadmap_id IS NOT NULL
    ON CONFLICT DO NOTHING
), touched AS (
    UPDATE accounts_user SET progress_version = progress_version + 1
    WHERE id = %(learner)s AND EXISTS (SELECT 1 FROM changed)
)
SELECT
    target.*,
    EXISTS (SELECT 1 FROM old),
    (SELECT previous FROM changed),
    -- The statuses as they were before this statement (its snapshot): the
    -- caller applies this change to them. Saves the page a second round trip.
    (SELECT json_object_agg(topic_id, status) FROM progress_progress
     WHERE learner_id = %(learner)s AND status <> 'not_started')
FROM target
"""
STATEMENT = f"WITH target AS ({TARGET_BY_IDS}), {WRITE}"
STATEMENT_BY_SLUGS = f"WITH target AS ({TARGET_BY_SLUGS}), {WRITE}"


SQLITE_STATEMENTS = {
    "old": "SELECT status FROM progress_progress WHERE learner_id = %(learner)s AND topic_id = %(topic)s",
    "update": """
        UPDATE progress_progress SET
            status = %(status)s,
            started_at = CASE WHEN %(status)s IN ('in_progress', 'done')
                              THEN COALESCE(started_at, %(now)s) ELSE started_at END,
            completed_at = CASE WHEN %(status)s = 'done' THEN %(now)s ELSE completed_at END,
            updated_at = %(now)s
        WHERE learner_id = %(learner)s AND topic_id = %(topic)s""",
    "event": """
        INSERT INTO progress_progressevent (learner_id, topic_id, from_status, to_status, reason, created_at)
        VALUES (%(learner)s, %(topic)s, %(previous)s, %(status)s, 'set', %(now)s)""",
    "follow": """
        INSERT INTO progress_roadmapfollow (learner_id, roadmap_id, created_at)
        VALUES (%(learner)s, %(roadmap)s, %(now)s) ON CONFLICT DO NOTHING""",
    "touch": "UPDATE accounts_user SET progress_version = progress_version + 1 WHERE id = %(learner)s",
    "statuses": """
        SELECT topic_id, status FROM progress_progress
        WHERE learner_id = %(learner)s AND status <> 'not_started'""",
}


class Written(NamedTuple):
    existed: bool  # False: no progress row yet, and nothing was written
    previous: str | None  # the status it had, if this changed it
    statuses: dict[int, str]  # the learner's statuses but not started, this change included


class Target(NamedTuple):
    topic_id: int
    roadmap_id: int
    roadmap_slug: str
    roadmap_title: str
    content_version: int


def set_status(*, learner_id: int, topic_id: int, status: str, roadmap_id: int | None, now) -> Written:
    params = {"learner": learner_id, "topic": topic_id, "roadmap": roadmap_id, "status": status, "now": now}
    if connection.vendor == "postgresql":
        return _statement(STATEMENT, params)[1]
    return _in_statements(params)[1]


def set_status_on_roadmap(
    *, learner_id: int, roadmap_slug: str, topic_slug: str, status: str, now
) -> tuple[Target, Written] | None:
    """As set_status, for a topic named by its slug on a published roadmap's slug;
    None, and nothing written, when the topic is not live on such a roadmap."""
    params = {
        "learner": learner_id,
        "roadmap_slug": roadmap_slug,
        "topic_slug": topic_slug,
        "status": status,
        "now": now,
    }
    if connection.vendor == "postgresql":
        target, written = _statement(STATEMENT_BY_SLUGS, params)
    else:
        target, written = _in_statements(params, target_sql=TARGET_BY_SLUGS)
    return None if target is None else (Target(*target), written)


def _written(params: dict, existed: bool, previous: str | None, statuses) -> Written:
    statuses = {int(pk): value for pk, value in (statuses or {}).items()}
    if existed:  # the change applied to the statuses read (on PostgreSQL) before it
        if params["status"] == "not_started":
            statuses.pop(params["topic"], None)
        else:
            statuses[params["topic"]] = params["status"]
    return Written(existed, previous, statuses)


def _statement(sql: str, params: dict) -> tuple[tuple | None, Written | None]:
    params["now"] = connection.ops.adapt_datetimefield_value(params["now"])
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, None
    *target, existed, previous, statuses = row
    params["topic"] = target[0]
    return tuple(target), _written(params, existed, previous, statuses)


def _in_statements(params: dict, *, target_sql: str | None = None) -> tuple[tuple | None, Written | None]:
    params["now"] = connection.ops.adapt_datetimefield_value(params["now"])
    sql = SQLITE_STATEMENTS
    with transaction.atomic(), connection.cursor() as cursor:
        if target_sql is None:
            target = (params["topic"], params["roadmap"])
        else:
            cursor.execute(target_sql, params)
            target = cursor.fetchone()
            if target is None:
                return None, None
            params |= {"topic": target[0], "roadmap": target[1]}
        cursor.execute(sql["old"], params)
        row = cursor.fetchone()
        if row is None:
            return tuple(target), Written(False, None, {})
        previous = row[0] if row[0] != params["status"] else None
        if previous is not None:
            cursor.execute(sql["update"], params)
            cursor.execute(sql["event"], params | {"previous": previous})
            if params["roadmap"] is not None:
                cursor.execute(sql["follow"], params)
            cursor.execute(sql["touch"], params)
    with connection.cursor() as cursor:
        cursor.execute(sql["statuses"], params)
        statuses = dict(cursor.fetchall())
    return tuple(target), _written(params, True, previous, statuses)
