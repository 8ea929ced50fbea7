"""Names for statements of plain SQL made once from the models' _meta (#24):
each table and column quoted by the database's own rules, so a renamed field
cannot leave a statement behind. Values always go in as parameters."""

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


# A column that is not a model field of the raw query's model comes back as the
# driver gives it, unconverted: these two make it what the ORM would have.


def moment(value) -> dt.datetime | None:
    """A datetime as the database gave it: PostgreSQL an aware one; SQLite one
    without a zone, or text (a MAX has no declared type), in UTC either way."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def day(value) -> dt.date | None:
    """A date as the database gave it: PostgreSQL a date, SQLite text."""
    return parse_date(value) if isinstance(value, str) else value
