"""A change to an existing progress row in plain SQL: one statement on PostgreSQL.

Setting a status is the hottest write: a cohort in a workshop ticks at once.
It means five writes: lock the row, update it, record the event, follow the
roadmap, bump the learner's progress_version. On PostgreSQL data-modifying CTEs
do them atomically in one round trip, and read the learner's statuses too. SQLite
has no such CTEs; there the same statements run in one transaction (IMMEDIATE:
it holds the write lock from the start), without the ORM's cost per statement.

The update mirrors services._apply for reason "set". The service tests pin what
both paths do, and that the table names and values written here are the models'.
"""

from django.db import connection, transaction

STATEMENT = """
WITH old AS (
    SELECT id, status FROM progress_progress
    WHERE learner_id = %(learner)s AND topic_id = %(topic)s
    FOR UPDATE
), changed AS (
    UPDATE progress_progress AS p SET
        status = %(status)s,
        started_at = CASE WHEN %(status)s IN ('in_progress', 'done')
                          THEN COALESCE(p.started_at, %(now)s) ELSE p.started_at END,
        completed_at = CASE WHEN %(status)s = 'done' THEN %(now)s ELSE p.completed_at END,
        updated_at = %(now)s
    FROM old
    WHERE p.id = old.id AND old.status <> %(status)s
    RETURNING old.status AS previous
), event AS (
    INSERT INTO progress_progressevent (learner_id, topic_id, from_status, to_status, reason, created_at)
    SELECT %(learner)s, %(topic)s, previous, %(status)s, 'set', %(now)s FROM changed
), follow AS (
    INSERT INTO progress_roadmapfollow (learner_id, roadmap_id, created_at)
    SELECT %(learner)s, %(roadmap)s, %(now)s FROM changed WHERE %(roadmap)s::bigint IS NOT NULL
    ON CONFLICT DO NOTHING
), touched AS (
    UPDATE accounts_user SET progress_version = progress_version + 1
    WHERE id = %(learner)s AND EXISTS (SELECT 1 FROM changed)
)
SELECT
    EXISTS (SELECT 1 FROM old),
    (SELECT previous FROM changed),
    -- The statuses as they were before this statement (its snapshot): the
    -- caller applies this change to them. Saves the page a second round trip.
    (SELECT json_object_agg(topic_id, status) FROM progress_progress
     WHERE learner_id = %(learner)s AND status <> 'not_started')
"""


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


def set_status(
    *, learner_id: int, topic_id: int, status: str, roadmap_id: int | None, now
) -> tuple[bool, str | None, dict[int, str]]:
    """Whether the row existed; the status it had if this changed it; the
    learner's statuses other than not started, this change included."""
    now = connection.ops.adapt_datetimefield_value(now)
    params = {"learner": learner_id, "topic": topic_id, "status": status, "roadmap": roadmap_id, "now": now}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(STATEMENT, params)
            existed, previous, statuses = cursor.fetchone()
    else:
        existed, previous, statuses = _in_statements(params)
    statuses = {int(pk): value for pk, value in (statuses or {}).items()}
    if status == "not_started":
        statuses.pop(topic_id, None)
    else:
        statuses[topic_id] = status
    return existed, previous, statuses


def _in_statements(params: dict) -> tuple[bool, str | None, dict[int, str]]:
    sql = SQLITE_STATEMENTS
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql["old"], params)
        row = cursor.fetchone()
        if row is None:
            return False, None, {}
        previous = row[0] if row[0] != params["status"] else None
        if previous is not None:
            cursor.execute(sql["update"], params)
            cursor.execute(sql["event"], params | {"previous": previous})
            if params["roadmap"] is not None:
                cursor.execute(sql["follow"], params)
            cursor.execute(sql["touch"], params)
    with connection.cursor() as cursor:
        cursor.execute(sql["statuses"], params)
        return True, previous, dict(cursor.fetchall())
