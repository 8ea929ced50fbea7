"""What the navigation shows on every full page (and what a learner's own topic
page needs to know before reading a thread), read by one statement of plain SQL
whose text is made once, when this module is imported.

Built with the ORM, the same read cost ~2.3 ms per page to build and compile
(three querysets and two subqueries) and 0.12 ms to run (issue #24): every
signed-in page paid it. The text names tables and columns through the models'
public _meta, so a renamed field cannot leave it behind, and it runs unchanged
on SQLite and PostgreSQL (booleans are parameters). Its result is pinned by the
tests of the unread count and of the mentor's news (tests/mentoring/test_updates.py,
tests/progress/test_views.py, tests/mentoring/test_projects.py).
"""

from typing import NamedTuple

from django.db import connection

from mentoring.models import Comment, Mentorship, PaceSuggestion, ProjectComment, Review, TrackOffer
from mlepath.sql import column as _column
from mlepath.sql import table as _table
from progress.models import ProjectWork
from roadmap.models import Project, Roadmap, Topic


def _statement() -> str:
    comment, topic = _table(Comment), _table(Topic)
    project_comment, work, project = _table(ProjectComment), _table(ProjectWork), _table(Project)
    mentorship, review, status = _table(Mentorship), _table(Review), _column(Mentorship, "status")
    suggestion, s = _table(PaceSuggestion), PaceSuggestion
    offer, o_, roadmap = _table(TrackOffer), TrackOffer, _table(Roadmap)
    c, t, pc, w, p, m, r = Comment, Topic, ProjectComment, ProjectWork, Project, Mentorship, Review
    # Only table and column names, quoted by the backend, go into the text; every
    # value is a parameter, in order: user, False, user (topics); user, False,
    # user (projects); user, "active" (mentoring); user, "active" (has a mentor);
    # user, user (has feedback); user, "active", "pending" (suggested dates to answer);
    # user, "pending", "active", True (cohort tracks offered by a mentor still theirs, still live).
    return (
        "SELECT "  # noqa: S608 (names from _meta, quoted; values are parameters)
        f"(SELECT COUNT(*) FROM {comment} c JOIN {topic} t ON t.{_column(t, 'id')} = c.{_column(c, 'topic')} "
        f"WHERE c.{_column(c, 'learner')} = %s AND c.{_column(c, 'seen_at')} IS NULL "
        f"AND t.{_column(t, 'retired')} = %s AND c.{_column(c, 'author')} <> %s) + "
        f"(SELECT COUNT(*) FROM {project_comment} pc JOIN {work} w ON w.{_column(w, 'id')} = pc.{_column(pc, 'work')} "
        f"JOIN {project} p ON p.{_column(p, 'id')} = w.{_column(w, 'project')} "
        f"WHERE w.{_column(w, 'learner')} = %s AND pc.{_column(pc, 'seen_at')} IS NULL "
        f"AND p.{_column(p, 'retired')} = %s AND pc.{_column(pc, 'author')} <> %s), "
        f"EXISTS (SELECT 1 FROM {mentorship} m WHERE m.{_column(m, 'mentor')} = %s AND m.{status} = %s), "
        f"EXISTS (SELECT 1 FROM {mentorship} m WHERE m.{_column(m, 'learner')} = %s AND m.{status} = %s), "
        f"EXISTS (SELECT 1 FROM {comment} c WHERE c.{_column(c, 'learner')} = %s) "
        f"OR EXISTS (SELECT 1 FROM {review} r WHERE r.{_column(r, 'learner')} = %s), "
        f"EXISTS (SELECT 1 FROM {suggestion} s "
        f"JOIN {mentorship} m ON m.{_column(m, 'id')} = s.{_column(s, 'mentorship')} "
        f"WHERE m.{_column(m, 'learner')} = %s AND m.{status} = %s AND s.{_column(s, 'status')} = %s), "
        f"EXISTS (SELECT 1 FROM {offer} o JOIN {roadmap} r ON r.{_column(Roadmap, 'id')} = o.{_column(o_, 'roadmap')} "
        f"JOIN {mentorship} m ON m.{_column(m, 'mentor')} = o.{_column(o_, 'mentor')} "
        f"AND m.{_column(m, 'learner')} = o.{_column(o_, 'learner')} "
        f"WHERE o.{_column(o_, 'learner')} = %s AND o.{_column(o_, 'status')} = %s AND m.{status} = %s "
        f"AND r.{_column(Roadmap, 'published')} = %s)"
    )


NAVIGATION = _statement()


class Navigation(NamedTuple):
    unread: int  # comments from others on the user's live topics and projects, unread
    mentoring: bool  # they mentor someone now
    has_mentor: bool  # someone mentors them now
    has_feedback: bool  # a comment or a review on any of their topics: else their topic pages read none
    has_suggestions: bool  # an active mentor's suggested target date waits for their answer
    has_track_offers: bool  # a mentor's cohort track waits for their answer


def navigation_of(user_id: int) -> Navigation:
    """What the navigation shows of the user, and what their topic page needs to
    know before it reads a thread or reviews."""
    active = Mentorship.Status.ACTIVE.value
    pending = PaceSuggestion.Status.PENDING.value
    params = [user_id, False, user_id, user_id, False, user_id, user_id, active, user_id, active, user_id, user_id]
    with connection.cursor() as cursor:
        offers = [user_id, TrackOffer.Status.PENDING.value, active, True]
        cursor.execute(NAVIGATION, [*params, user_id, active, pending, *offers])
        unread, *flags = cursor.fetchone()
    return Navigation(int(unread), *(bool(flag) for flag in flags))
