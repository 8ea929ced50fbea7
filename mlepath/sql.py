"""Names for statements of plain SQL made once from the models' _meta (#24):
each table and column quoted by the database's own rules, so a renamed field
cannot leave a statement behind. Values always go in as parameters."""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)
