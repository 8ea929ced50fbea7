"""A status change in one SQL statement, on PostgreSQL.

Setting a status is the hottest write: a cohort in a workshop ticks at once.
Through the ORM it takes five statements in a transaction: lock the row, update
it, record the event, follow the roadmap, bump the learner's progress_version.
On PostgreSQL, data-modifying CTEs do the same work atomically in one round
trip. The update mirrors services._apply for reason "set"; the service tests run
against both paths (SQLite takes the ORM path, PostgreSQL this one), and a
test pins the table names and values written here.
"""

from django.db import connection

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


def supported() -> bool:
    return connection.vendor == "postgresql"


def set_status(
    *, learner_id: int, topic_id: int, status: str, roadmap_id: int | None, now
) -> tuple[bool, str | None, dict[int, str]]:
    """Whether the row existed; the status it had if this changed it; the
    learner's statuses other than not started, this change included."""
    params = {"learner": learner_id, "topic": topic_id, "status": status, "roadmap": roadmap_id, "now": now}
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, params)
        existed, previous, statuses = cursor.fetchone()
    statuses = {int(pk): value for pk, value in (statuses or {}).items()}
    if status == "not_started":
        statuses.pop(topic_id, None)
    else:
        statuses[topic_id] = status
    return existed, previous, statuses
