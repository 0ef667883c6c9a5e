"""Small database expressions shared by models (portable between PostgreSQL and SQLite)."""

from django.db.models import BigIntegerField, Func


class DigitsAsInteger(Func):
    """A text column as a whole number when it is nothing but 1 to 18 digits, else NULL.

    Deterministic on both databases, so it can define a stored generated column: a reference kept as
    text (the ledger's document) gets an integer twin that joins and indexes as a number.
    """

    arity = 1
    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=(
            "(CASE WHEN %(expressions)s ~ '^[0-9]{1,18}$' THEN CAST(%(expressions)s AS BIGINT) END)"), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=(
            "(CASE WHEN length(%(expressions)s) BETWEEN 1 AND 18 AND %(expressions)s NOT GLOB '*[^0-9]*' "
            "THEN CAST(%(expressions)s AS INTEGER) END)"), **extra)
