"""Fragments for the plain-SQL statements of the set-based reports, portable between PostgreSQL and
SQLite: where the two differ (dates as numbers, month keys, casts, bit aggregates), the difference is
written here once, not in each report module.

Only names from a model's `_meta` and these fixed fragments go into SQL text; every value is a
query parameter. Where plain SQL is allowed at all: docs/architecture.md ("Plain SQL").
"""

from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection, connections, router, transaction
from django.utils import timezone


def table(model) -> str:
    """The model's table name, quoted."""
    return connection.ops.quote_name(model._meta.db_table)


def ymd(expr: str) -> str:
    """A date as the integer YYYYMMDD: (ymd(day) - ymd(birth)) / 10000 is the age in whole years."""
    if connection.vendor == "postgresql":
        return f"CAST(to_char({expr}, 'YYYYMMDD') AS INTEGER)"
    return f"CAST(strftime('%%Y%%m%%d', {expr}) AS INTEGER)"


def month_key(expr: str) -> str:
    """A date's month as the text YYYY-MM."""
    if connection.vendor == "postgresql":
        return f"to_char({expr}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {expr})"


def in_list(column: str, values, params: list) -> str:
    """`column IN (%s, …)` with the values appended to `params`; a condition that is never true for none."""
    values = list(values)
    if not values:
        return "1 = 0"
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def in_centre(alias: str, params: list) -> str:
    """The scope's filter for plain SQL (CentreManager adds it to the ORM's queries): `alias.centre_id = %s`
    inside one centre's scope, `IN (…)` inside a scope of several, nothing with scopes disabled;
    ScopeError without a scope (core.tenancy.scope_centre_ids)."""
    from core.tenancy import scope_centre_ids

    ids = scope_centre_ids()
    if ids is None:
        return "1 = 1"
    if len(ids) == 1:
        params.append(next(iter(ids)))
        return f"{alias}.centre_id = %s"
    return in_list(f"{alias}.centre_id", sorted(ids), params)


def string_agg(expr: str) -> str:
    """The texts of `expr` joined with commas (PostgreSQL's string_agg, SQLite's group_concat); NULL for
    no rows."""
    if connection.vendor == "postgresql":
        return f"string_agg({expr}, ',')"
    return f"group_concat({expr}, ',')"


def materialized() -> str:
    """The keyword that keeps a CTE computed once (PostgreSQL inlines a CTE used once otherwise);
    SQLite has no such keyword."""
    return "MATERIALIZED " if connection.vendor == "postgresql" else ""


def bit_or(expr: str) -> str:
    """The bitwise OR of distinct powers of two: PostgreSQL's BIT_OR; SQLite has none, and
    SUM(DISTINCT power of two) is the same number."""
    return f"BIT_OR({expr})" if connection.vendor == "postgresql" else f"SUM(DISTINCT {expr})"


def day_start(day: date) -> datetime:
    """The first instant of a local day: ranges over a date-time column as `at >= day_start(start) AND
    at < day_start(end + 1 day)` can use its index (`at__date` converts every row's time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def as_decimal(value, places: int = 3) -> Decimal:
    """A sum read from the database as a Decimal: SQLite sums decimals as floats (rounded here to
    `places`, the places of what was summed); None, the sum of no rows, is 0."""
    if value is None:
        return Decimal("0")
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places))
    return Decimal(value)


def as_date(value):
    """A date read from an expression: SQLite returns it as text."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


@contextmanager
def reporting_cursor(*, parallel: bool = True, hash_groups: bool = False):
    """A cursor for the big aggregations: on PostgreSQL, enough memory for their hash joins and
    aggregates (for this transaction only) so they do not spill to disk, no JIT compilation (it
    costs ~0.2 s per statement and saves nothing on these few-column aggregates), and random reads
    priced as on solid-state storage, so that a short period is read through the indexes.
    `parallel=False`: no parallel workers either (for statements that read a small part of each table).
    `hash_groups=True`: group by hashing, not by sorting, whatever the planner expects (for a statement
    whose rows it underestimates: `distribution.selectors.reporting.value_rows`).
    Inside `core.db.replica.replica_reads()` the cursor is the read replica's, when one is configured."""
    alias = router.db_for_read(None)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        if connections[alias].vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
            # Random reads cost about what sequential ones do on today's storage: with PostgreSQL's default
            # (4, for spinning disks) the planner reads every collection ever recorded rather than a
            # month's through the (day, at) index: 0.77 s instead of 0.03 s at 2 million collections.
            cursor.execute("SET LOCAL random_page_cost = 1.1")
            if not parallel:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            if hash_groups:
                cursor.execute("SET LOCAL enable_sort = off")
        yield cursor
