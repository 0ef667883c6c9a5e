"""The period a report reads and what every question about it shares: the period's days and
collections in SQL, the ledger rows of its collections, the cursor (no parallel workers for a short
period), and the lookups of the report pages (programmes, households and people by id)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch

from core.db.sql import as_decimal as _as_decimal
from core.db.sql import day_start as _day_start
from core.db.sql import in_centre, reporting_cursor
from core.db.sql import table as _table
from inventory.models import Item, KitHandedOut, StockMovement

from ...models import Collection, DistributionDay, Household, Person, Programme
from ..days import COLLECTION_DOCUMENT  # document_type of a collection's stock movements


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    programme_id: int | None = None
    location_id: int | None = None


# A period up to this many days is short: it reads a small part of each table, through indexes.
SHORT_PERIOD_DAYS = 92


def _short(period: Period) -> bool:
    return (period.end - period.start).days < SHORT_PERIOD_DAYS


def _reporting_cursor(period: Period, *, hash_groups: bool = False):
    """core.db.sql.reporting_cursor, without parallel workers for a short period: they pay off when most
    of a table is read, and for a month the planner would still read every collection ever recorded in
    parallel (to spread the month's ledger look-ups over the workers), a cost that grows with the
    history, not with the month."""
    return reporting_cursor(parallel=not _short(period), hash_groups=hash_groups)


def kit_of_row() -> str:
    """The join that gives a ledger row `m` of a kit `k`, one row per content of what the kit held when
    it left under the row's document (`inventory.KitHandedOut`; absent for a plain item)."""
    return (f"LEFT JOIN {_table(KitHandedOut)} k ON k.document_type = m.document_type "
            "AND k.document_key = m.document_key AND k.kit_id = m.item_id ")


def item_of_row() -> str:
    """The joins that give a ledger row `m` the item `i` it counts as: a kit counts as what it held when
    handed out, one row per content `k` (`kit_of_row`). With `counted_*` below for its figures."""
    return kit_of_row() + f"JOIN {_table(Item)} i ON i.id = COALESCE(k.component_id, m.item_id)"


# A row's item, quantity, kg and € as counted (over `kit_of_row`): a kit line's quantity is the kits' × the
# content's per kit, at the content's weight and value per unit when handed out; a plain item's at what
# the row recorded. Editing a kit or an item later moves no past figure.
COUNTED_ITEM = "COALESCE(k.component_id, m.item_id)"
COUNTED_QUANTITY = "(m.quantity * COALESCE(k.quantity, 1))"
COUNTED_UNIT_KG = "(CASE WHEN k.id IS NULL THEN m.unit_weight_kg ELSE k.unit_weight_kg END)"
COUNTED_UNIT_EUR = "(CASE WHEN k.id IS NULL THEN m.unit_value_eur ELSE k.unit_value_eur END)"
# The same of a query that joins no kit row (`_value_from(kits=False)`): a row counts as it was recorded.
PLAIN_COUNTED = ("m.item_id", "m.quantity", "m.unit_weight_kg", "m.unit_value_eur")
COUNTED_KG = f"({COUNTED_QUANTITY} * {COUNTED_UNIT_KG})"
COUNTED_EUR = f"({COUNTED_QUANTITY} * {COUNTED_UNIT_EUR})"


def _value_from(period: Period, params: list, *, household: bool = True, item: bool = True,
                kits: bool = False) -> tuple[str, str]:
    """(WITH clause, FROM … WHERE clause) of the ledger rows of the period's collections: the query goes
    `{with} SELECT … {from}`, the collection as `c` (c.id, c.household_id, c.date), the ledger row as `m`
    (`item`: and the item it counts as `i`, `item_of_row`; `kits`: only a kit's contents `k`, `kit_of_row`).

    A collection's ledger rows carry its id as the number `document_key` (indexed with the document
    type). A short period reads its collections through the (day, at) index and each one's rows
    through that index: the cost follows the collections of the period, and the planner's estimates
    are right (three or so rows per collection at any size of the ledger).

    A long period is read as a whole: its ledger rows are those of its days (with a day's margin for
    time zones), through the index on `at`, and the corrections after them (a cancelled or partly
    returned basket; the scan refuses any other day), through the partial index on (reason, at), joined
    to the collections by a hash on the integer key. For a short period that window is left out: it
    selects nothing more, and the planner, taking it as independent of the key, would expect a fraction
    of the rows (the smaller the longer the history) and choose sorts and loops for them."""
    where = _period_where(period, params)
    with_sql = f"""WITH pc AS (
        SELECT c.id, c.household_id, d.date
        FROM {_table(Collection)} c JOIN {_table(DistributionDay)} d ON d.id = c.day_id WHERE {where})"""  # noqa: S608
    # The household's centre too: without it the planner may read every centre's households for a hash
    # join (a year of one centre among 240: 480,000 households read for 2,000).
    household_join = (f"JOIN {_table(Household)} h ON h.id = c.household_id AND {in_centre('h', params)}"
                      if household else "")
    conditions = "m.document_type = %s"
    params.append(COLLECTION_DOCUMENT)
    if not _short(period):
        conditions += " AND ((m.at >= %s AND m.at < %s) OR (m.reason = %s AND m.at >= %s))"
        upper = _day_start(period.end + timedelta(days=2))
        params.extend([_day_start(period.start - timedelta(days=1)), upper, StockMovement.Reason.CORRECTION.value,
                       upper])
    conditions += f" AND {in_centre('m', params)}"  # the ledger's rows of the centre in scope (inventory is swept)
    from_sql = f"""
        FROM pc c
        {household_join}
        JOIN {_table(StockMovement)} m ON m.document_key = c.id
        {item_of_row() if item else kit_of_row() if kits else ""}
        WHERE {conditions}"""
    return with_sql, from_sql


def _dec(value) -> Decimal:
    return _as_decimal(value, places=6)  # quantity (3 places) × unit weight or value


def programmes():
    """Programmes to choose from in report filters."""
    return Programme.objects.order_by("name")


def households_by_id(ids) -> dict:
    """Households with their members, for a drill-down page (ids from the rows above)."""
    return Household.objects.prefetch_related(Prefetch("members", queryset=Person.everyone.all())).in_bulk(list(ids))


def people_by_id(ids) -> dict:
    return Person.everyone.in_bulk(list(ids))


def _period_where(period: Period, params: list) -> str:
    """The period's distribution days (alias d) and their collections not cancelled (alias c)."""
    return "c.cancelled_at IS NULL AND " + _days_where(period, params)


def _days_where(period: Period, params: list) -> str:
    where = ["d.date >= %s", "d.date <= %s"]
    params.extend([period.start, period.end])
    if period.programme_id:
        where.append("d.programme_id = %s")
        params.append(period.programme_id)
    if period.location_id:
        where.append("d.location_id = %s")
        params.append(period.location_id)
    where.append(in_centre("d", params))  # the centre in scope (plain SQL bypasses CentreManager)
    return " AND ".join(where)
