"""Prepared statements for the few hot, fixed SQL texts (the status change, the
session's user).

Django binds parameters client-side and keeps psycopg's automatic preparation
off, so PostgreSQL parses and plans every statement anew. For the status change
planning took more of PostgreSQL's time than running it. This cursor binds
server-side and prepares each statement once per connection; the prepared
statements live and die with the connection. Other databases get Django's
usual cursor.
"""

from functools import cache


@cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor  # needs psycopg

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True)

    return PreparedCursor


def prepared_cursor(connection):
    """A cursor on Django's connection, with its health check, error wrapping
    and query logging, that prepares what it runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    # What connection.cursor() does before it makes its own cursor.
    connection.validate_thread_sharing()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _prepared_cursor_class()(connection.connection)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
