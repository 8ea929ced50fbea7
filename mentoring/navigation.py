"""What the navigation shows on every full page, read by one statement of plain
SQL whose text is made once, when this module is imported.

Built with the ORM, the same read cost ~2.3 ms per page to build and compile
(three querysets and two subqueries) and 0.12 ms to run (issue #24): every
signed-in page paid it. The text names tables and columns through the models'
public _meta, so a renamed field cannot leave it behind, and it runs unchanged
on SQLite and PostgreSQL (booleans are parameters). Its result is pinned by the
tests of the unread count and of the mentor's news (tests/mentoring/test_updates.py,
tests/progress/test_views.py, tests/mentoring/test_projects.py).
"""

from django.db import connection

from mentoring.models import Comment, Mentorship, ProjectComment
from progress.models import ProjectWork
from roadmap.models import Project, Topic


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _statement() -> str:
    comment, topic = _table(Comment), _table(Topic)
    project_comment, work, project = _table(ProjectComment), _table(ProjectWork), _table(Project)
    mentorship = _table(Mentorship)
    c, t, pc, w, p, m = Comment, Topic, ProjectComment, ProjectWork, Project, Mentorship
    # Only table and column names, quoted by the backend, go into the text; every
    # value is a parameter, in order: user, False, user (topics); user, False,
    # user (projects); user, "active" (mentoring).
    return (
        "SELECT "  # noqa: S608 (names from _meta, quoted; values are parameters)
        f"(SELECT COUNT(*) FROM {comment} c JOIN {topic} t ON t.{_column(t, 'id')} = c.{_column(c, 'topic')} "
        f"WHERE c.{_column(c, 'learner')} = %s AND c.{_column(c, 'seen_at')} IS NULL "
        f"AND t.{_column(t, 'retired')} = %s AND c.{_column(c, 'author')} <> %s) + "
        f"(SELECT COUNT(*) FROM {project_comment} pc JOIN {work} w ON w.{_column(w, 'id')} = pc.{_column(pc, 'work')} "
        f"JOIN {project} p ON p.{_column(p, 'id')} = w.{_column(w, 'project')} "
        f"WHERE w.{_column(w, 'learner')} = %s AND pc.{_column(pc, 'seen_at')} IS NULL "
        f"AND p.{_column(p, 'retired')} = %s AND pc.{_column(pc, 'author')} <> %s), "
        f"EXISTS (SELECT 1 FROM {mentorship} m WHERE m.{_column(m, 'mentor')} = %s AND m.{_column(m, 'status')} = %s)"
    )


UNREAD_AND_MENTORING = _statement()


def unread_and_mentoring(user_id: int) -> tuple[int, bool]:
    """The user's unread comments from others (on live topics and projects) and
    whether they mentor anyone now."""
    params = [user_id, False, user_id, user_id, False, user_id, user_id, Mentorship.Status.ACTIVE.value]
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_AND_MENTORING, params)
        unread, mentoring = cursor.fetchone()
    return int(unread), bool(mentoring)
