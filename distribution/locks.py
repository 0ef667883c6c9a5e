"""The locking queries of distribution, one named function each: whatever must wait for the same
rule takes the same lock, in the same mode, through the same function.

`lock_household`: a household's row, until the transaction ends. Every write that decides by what the
household received across days and hand-outs takes it before it reads: the desk's hand-out
(`services.handouts.record_handout`) always, the scan (`services.scans`) when the day's programme has a
monthly limit (hand-outs and the other days' collections count towards it). Under READ COMMITTED the read
that follows the lock sees what the previous holder committed.

FOR NO KEY UPDATE: it waits for another such lock and for the FOR UPDATE of the household's other
services (enrolment, cards, merging), but not for the key-share lock that inserting a row pointing at the
household takes (a collection, a hand-out), so it adds no wait to those. On SQLite every transaction
takes the database's write lock when it begins (config/settings.py, "IMMEDIATE"): writers already run
one at a time, and the function runs no query.

`lock_day_plan`: a distribution day's row FOR UPDATE, before its plan (basket, substitutions) is replaced.
The scan reads the day's row FOR KEY SHARE in its one statement (`selectors.scan`), the lock the foreign
keys of its collection and scan rows take at the commit anyway, so the two wait for each other: a plan
being replaced waits for a scan in flight and then sees its collection; a scan that waited for a plan reads
the day's new row and so the new plan.
"""

# Plain SQL from _meta names only; every value is a parameter.
# ruff: noqa: S608

from django.db import connection

from core.db import rows
from core.db.sql import in_centre

from .identifiers import hash_token
from .models import Card, DistributionDay, Household


def lock_household(household_id=None, *, code: tuple[str, str] | None = None) -> None:
    """Lock the row of the household `household_id`, or of the household whose card `code` names
    (`identifiers.parse_code`'s (kind, value): "token" or "number"); no row, no lock."""
    if not connection.features.has_select_for_update:
        return
    quote = connection.ops.quote_name
    household_t, card_t = quote(Household._meta.db_table), quote(Card._meta.db_table)
    if code is None:
        where, params = "h.id = %s", [household_id]
    else:
        kind, value = code
        column = "token_hash" if kind == "token" else "number"
        params = [hash_token(value) if kind == "token" else value]
        # A card number names one card within its centre: the centre in scope's.
        where = f"h.id = (SELECT c.household_id FROM {card_t} c WHERE c.{column} = %s AND {in_centre('c', params)})"
    with rows.cursor() as cursor:  # prepared on PostgreSQL: the scan runs it
        cursor.execute(f"SELECT h.id FROM {household_t} h WHERE {where} FOR NO KEY UPDATE", params)


def lock_day_plan(day_id) -> None:
    """Lock the distribution day's row against scans (see the module docstring) until the transaction ends."""
    if not connection.features.has_select_for_update:
        return
    list(DistributionDay.objects.select_for_update().filter(pk=day_id).values_list("pk"))
