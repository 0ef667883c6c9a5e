"""The stock ledger engine: every change of stock goes through here.

Each change writes ledger rows (StockMovement) and updates the running levels (StockLevel) in
the same transaction. Levels are locked with SELECT ... FOR UPDATE, always in one global order
(location, item, expiry, lot, id), so that concurrent requests wait for each other instead of
racing or deadlocking; the CHECK constraint `stock_level_never_negative` is the last line of
defence. A change that would take a level below zero is refused as a whole, writing nothing.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.db import rows
from core.models import AuditLog
from core.refusals import Refusal
from core.tenancy import current_centre_id

from ..models import ZERO, Item, StockLevel, StockMovement, Transfer

OUTGOING_REASONS = {
    StockMovement.Reason.DISTRIBUTED, StockMovement.Reason.EXPIRED, StockMovement.Reason.DAMAGED,
    StockMovement.Reason.WRITTEN_OFF, StockMovement.Reason.TRANSFERRED_OUT, StockMovement.Reason.KIT_OUT,
}
WRITE_OFF_REASONS = {StockMovement.Reason.EXPIRED, StockMovement.Reason.DAMAGED, StockMovement.Reason.WRITTEN_OFF}


def format_quantity(value) -> str:
    """5 -> "5", 2.500 -> "2,5", 1500 -> "1.500" (Greek), without trailing zeros. For reading, never for
    a form's value (the thousands dot would not be read back)."""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(value, use_l10n=True, force_grouping=True)


class InsufficientStock(Refusal):  # noqa: N818 - the name is part of the contract with distribution
    """A change would take stock below zero; nothing was written.

    `shortages` is a list of (item, wanted, available) with Decimal quantities.
    """

    code = "insufficient_stock"

    def __init__(self, shortages, location=None):
        self.shortages = list(shortages)
        self.location = location
        super().__init__(self._text())

    def __str__(self):
        return self._text()

    def _text(self):
        details = "; ".join(
            _("%(item)s: wanted %(wanted)s, available %(available)s") % {
                "item": item.name if isinstance(item, Item) else item,
                "wanted": format_quantity(wanted), "available": format_quantity(available),
            }
            for item, wanted, available in self.shortages
        )
        if self.location is not None:
            return _("Not enough stock at %(location)s, so nothing was changed. %(details)s.") % {
                "location": self.location, "details": details}
        return _("Not enough stock, so nothing was changed. %(details)s.") % {"details": details}


def to_quantity(value) -> Decimal:
    """A positive Decimal quantity with at most 3 decimals, or ValueError."""
    try:
        quantity = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(_("The quantity %(value)s is not a number.") % {"value": value}) from None
    if not quantity.is_finite() or quantity <= 0:
        raise ValueError(_("A quantity must be more than zero (got %(value)s).") % {"value": value})
    if quantity != quantity.quantize(Decimal("0.001")):
        raise ValueError(_("A quantity has at most three decimals (got %(value)s).") % {"value": value})
    return quantity


@dataclass
class Delta:
    """One intended change of one lot's level, and the ledger row that records it."""

    item: Item
    location_id: int
    lot: str
    expiry_date: date | None
    quantity: Decimal
    reason: str
    reverses: StockMovement | None = None
    document_type: str = ""
    document_id: str = ""
    reason_text: str = ""

    @property
    def key(self):
        return (self.item.pk, self.location_id, self.lot or "", self.expiry_date)


def _run_in_transaction(body):
    """Run `body` in the caller's transaction if there is one (no savepoint: fewer queries and a
    refusal does not spoil the caller's transaction), else in a transaction of its own."""
    if connection.in_atomic_block:
        return body()
    with transaction.atomic():
        return body()


def lock_levels(location_ids, item_ids, *, positive_only=False) -> list[StockLevel]:
    """The levels of these items at these locations, locked (SELECT … FOR UPDATE) in the one
    global order (location, item, expiry with undated last, lot, id) so that concurrent writers
    never deadlock. Plain SQL: every scan at a distribution table runs it."""
    location_ids, item_ids = sorted(set(location_ids)), sorted(set(item_ids))
    if not location_ids or not item_ids:
        return []
    quote = connection.ops.quote_name
    sql = (f"SELECT {rows.select_list(StockLevel, 's')} FROM {quote(StockLevel._meta.db_table)} s "  # noqa: S608
           f"WHERE s.centre_id = %s AND s.location_id IN ({', '.join(['%s'] * len(location_ids))}) "
           f"AND s.item_id IN ({', '.join(['%s'] * len(item_ids))})")
    if positive_only:
        sql += " AND s.quantity > 0"
    sql += " ORDER BY s.location_id, s.item_id, s.expiry_date ASC NULLS LAST, s.lot, s.id"
    if connection.features.has_select_for_update:
        if not connection.in_atomic_block:
            raise TransactionManagementError("lock_levels must run inside a transaction.")
        sql += " FOR UPDATE"
    return rows.fetch(StockLevel, sql, [current_centre_id(), *location_ids, *item_ids])


def _ensure_levels(keys) -> None:
    """Create the empty level rows that goods are about to go into (existing rows are left alone)."""
    if keys:
        StockLevel.objects.bulk_create(
            [StockLevel(item_id=i, location_id=loc, lot=lot, expiry_date=exp, quantity=ZERO)
             for i, loc, lot, exp in keys],
            ignore_conflicts=True,
        )


def _movement(delta: Delta, *, by, at) -> StockMovement:
    return StockMovement(
        at=at, reason=delta.reason, item=delta.item, location_id=delta.location_id, lot=delta.lot or "",
        expiry_date=delta.expiry_date, quantity=delta.quantity, unit_weight_kg=delta.item.weight_kg,
        unit_value_eur=delta.item.unit_value_eur, by=by, reason_text=delta.reason_text[:300],
        document_type=delta.document_type, document_id=str(delta.document_id), reverses=delta.reverses,
    )


def _save(changed_levels, movements) -> list[StockMovement]:
    unique = list({level.pk: level for level in changed_levels}.values())
    rows.update_then_insert(unique, ("quantity", "updated_at"), movements)
    return movements


def apply_deltas(deltas: list[Delta], *, by, at=None, location=None) -> list[StockMovement]:
    """Apply lot-exact changes (in and out) in one go, or refuse them all with InsufficientStock.

    Must run inside a transaction.
    """
    at = at or timezone.now()
    _ensure_levels({d.key for d in deltas if d.quantity > 0})
    levels = {level.key: level for level in lock_levels({d.location_id for d in deltas},
                                                         {d.item.pk for d in deltas})}
    changed, movements = [], []
    wanted, available, items = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), {}
    short = False
    for delta in deltas:
        level = levels.get(delta.key)
        if delta.quantity < 0:
            have = level.quantity if level else ZERO
            items[delta.item.pk] = delta.item
            wanted[delta.item.pk] += -delta.quantity
            available[delta.item.pk] += max(have, ZERO)
            if have + delta.quantity < 0:
                short = True
                continue
        level.quantity += delta.quantity
        changed.append(level)
        movements.append(_movement(delta, by=by, at=at))
    if short:
        raise InsufficientStock(
            [(items[pk], wanted[pk], available[pk]) for pk in items if wanted[pk] > available[pk]], location)
    return _save(changed, movements)


def _wanted_by_item(lines) -> dict[int, tuple[Item, Decimal]]:
    wanted: dict[int, tuple[Item, Decimal]] = {}
    for item, quantity in lines:
        quantity = to_quantity(quantity)
        previous = wanted.get(item.pk)
        wanted[item.pk] = (item, quantity + (previous[1] if previous else ZERO))
    return wanted


def _pick_earliest_expiry_first(levels, wanted, *, location_id, reason, **movement_fields):
    """Allocate each item's wanted quantity over its lots (earliest expiry first, undated last).

    Returns (deltas per level as (level, Delta), shortages)."""
    by_item = defaultdict(list)
    for level in levels:
        if level.location_id == location_id and level.quantity > 0:
            by_item[level.item_id].append(level)
    picks, shortages = [], []
    for item_id, (item, quantity) in wanted.items():
        lots = by_item.get(item_id, [])
        have = sum((level.quantity for level in lots), ZERO)
        if have < quantity:
            shortages.append((item, quantity, have))
            continue
        remaining = quantity
        for level in lots:  # already in FEFO order (lock_levels' order)
            if remaining <= 0:
                break
            take = min(level.quantity, remaining)
            remaining -= take
            picks.append((level, Delta(item, location_id, level.lot, level.expiry_date, -take, reason,
                                       **movement_fields)))
    return picks, shortages


def _take_out_in_one_statement(location, wanted, *, by, reason, document_type, document_id, reason_text):
    """take_out as ONE statement on PostgreSQL: lock the item's levels (the global order), allocate
    earliest expiry first, update the levels and insert the ledger rows, all or nothing. Returns the
    movements, or [] when an item is short (nothing written).

    Why: on a distribution day every collection takes from the same few levels, and their row locks
    are held until the commit. Locking in one statement and updating in the next kept them held while
    the server process waited for a CPU between the two (measured: the other tables' scans queued
    behind it, docs/benchmarks.md). The allocation is the same as `_pick_earliest_expiry_first`:
    each level gives min(its quantity, what is still wanted after the earlier lots);
    tests/inventory/test_ledger.py runs every take_out test on both databases.
    """
    quote = connection.ops.quote_name
    level_t, movement_t = quote(StockLevel._meta.db_table), quote(StockMovement._meta.db_table)
    item_t = quote(Item._meta.db_table)

    level = {name: quote(StockLevel._meta.get_field(name).column) for name in
             ("centre", "item", "location", "lot", "expiry_date", "quantity", "updated_at")}
    movement_columns = ", ".join(quote(StockMovement._meta.get_field(name).column) for name in (
        "centre", "at", "reason", "item", "location", "lot", "expiry_date", "quantity", "unit_weight_kg",
        "unit_value_eur", "by", "reason_text", "document_type", "document_id", "reverses"))
    item_ids = list(wanted)
    values = ", ".join(["(%s::bigint, %s::numeric, %s::int)"] * len(item_ids))
    params = [value for position, pk in enumerate(item_ids) for value in (pk, wanted[pk][1], position)]
    weight, value = (quote(Item._meta.get_field(name).column) for name in ("weight_kg", "unit_value_eur"))
    at = timezone.now()
    # Table and column names come from _meta; every value is a parameter.
    sql = (
        f"WITH wanted (item_id, quantity, position) AS (VALUES {values}), "  # noqa: S608
        # The levels, locked in the global order (lock_levels).
        f"locked AS MATERIALIZED (SELECT l.id, l.{level['item']} AS item_id, l.{level['lot']} AS lot, "
        f"l.{level['expiry_date']} AS expiry_date, l.{level['quantity']} AS quantity FROM {level_t} l "
        f"WHERE l.{level['centre']} = %s AND l.{level['location']} = %s AND l.{level['item']} IN "
        f"(SELECT item_id FROM wanted) "
        f"AND l.{level['quantity']} > 0 ORDER BY l.{level['location']}, l.{level['item']}, "
        f"l.{level['expiry_date']} ASC NULLS LAST, l.{level['lot']}, l.id FOR UPDATE), "
        # All or nothing: every item has enough.
        f"enough AS (SELECT NOT EXISTS (SELECT 1 FROM wanted w WHERE w.quantity > COALESCE("
        f"(SELECT SUM(l.quantity) FROM locked l WHERE l.item_id = w.item_id), 0)) AS ok), "
        # Earliest expiry first: each lot gives what is still wanted after the lots before it.
        f"picked AS (SELECT l.id, l.item_id, l.lot, l.expiry_date, w.position, LEAST(l.quantity, w.quantity - "
        f"(SUM(l.quantity) OVER (PARTITION BY l.item_id ORDER BY l.expiry_date ASC NULLS LAST, l.lot, l.id) "
        f"- l.quantity)) AS take "
        f"FROM locked l JOIN wanted w ON w.item_id = l.item_id), "
        f"taken AS (UPDATE {level_t} s SET {level['quantity']} = s.{level['quantity']} - p.take, "
        f"{level['updated_at']} = %s FROM picked p, enough e WHERE s.id = p.id AND p.take > 0 AND e.ok "
        f"RETURNING p.item_id, p.lot, p.expiry_date, p.take, p.position, p.id) "
        f"INSERT INTO {movement_t} AS m ({movement_columns}) "
        f"SELECT %s, %s, %s, t.item_id, %s, t.lot, t.expiry_date, -t.take, i.{weight}, i.{value}, %s, %s, %s, %s, "
        f"NULL "
        f"FROM taken t JOIN {item_t} i ON i.id = t.item_id "
        f"ORDER BY t.position, t.expiry_date ASC NULLS LAST, t.lot, t.id "
        f"RETURNING {rows.select_list(StockMovement, 'm')}"
    )
    centre_id = current_centre_id()  # the scope's: no query
    params += [centre_id, location.pk, at, centre_id, at, reason, location.pk, by.pk if by else None, reason_text,
               document_type, document_id]
    return rows.fetch(StockMovement, sql, params)


def take_out(*, location, lines, by, reason=StockMovement.Reason.DISTRIBUTED, document_type="", document_id="",
             reason_text="") -> list[StockMovement]:
    """Take goods out of a location, earliest expiry first; all lines or none.

    `lines` is an iterable of (item, quantity). Raises InsufficientStock (nothing written) when any
    line is short. Whatever the number of lines: lock the levels, then one bulk UPDATE and one bulk
    INSERT of the movements; on PostgreSQL all of it is one statement. The ledger rows are the record
    (who, when, what, which document); the caller audits its own document.
    """
    if reason not in OUTGOING_REASONS:
        raise ValueError(f"take_out cannot record {reason!r}: it only takes goods out.")
    wanted = _wanted_by_item(lines)
    if not wanted:
        return []
    movement_fields = {"reason": reason, "document_type": document_type, "document_id": str(document_id),
                       "reason_text": reason_text[:300]}
    if connection.vendor == "postgresql":
        taken = _take_out_in_one_statement(location, wanted, by=by, **movement_fields)
        if taken:
            return taken
        # Short: nothing was written; the locking way below finds by how much and refuses.
    return _take_out_locking(location, wanted, by=by, **movement_fields)


def _take_out_locking(location, wanted, *, by, **movement_fields) -> list[StockMovement]:
    """take_out in three steps: lock the levels, allocate in Python, update and insert."""

    def body():
        levels = lock_levels([location.pk], list(wanted), positive_only=True)
        picks, shortages = _pick_earliest_expiry_first(levels, wanted, location_id=location.pk, **movement_fields)
        if shortages:
            raise InsufficientStock(shortages, location)
        at = timezone.now()
        for level, delta in picks:
            level.quantity += delta.quantity
        return _save([level for level, _delta in picks], [_movement(d, by=by, at=at) for _level, d in picks])

    return _run_in_transaction(body)


def reverse_movements(movements, *, by, reason_text) -> list[StockMovement]:
    """Undo movements with new, opposite ledger rows (reason "correction"); the old rows stay as they are.

    Raises ValidationError when a movement was already reversed, InsufficientStock when the goods
    a reversal would take back are no longer there.
    """
    movements = list(movements)
    if not movements:
        return []
    if not (reason_text or "").strip():
        raise ValidationError(_("Say why the movements are reversed."))

    def body():
        # The one-to-one `reverses` column also refuses a second reversal in the database.
        if StockMovement.objects.filter(reverses__in=[m.pk for m in movements]).exists():
            raise ValidationError(_("Some of these movements were already reversed."))
        deltas = [
            Delta(m.item, m.location_id, m.lot, m.expiry_date, -m.quantity, StockMovement.Reason.CORRECTION,
                  reverses=m, document_type=m.document_type, document_id=m.document_id, reason_text=reason_text)
            for m in movements
        ]
        created = apply_deltas(deltas, by=by)
        for movement in created:
            audit(AuditLog.Action.CREATE, movement, user=by,
                  changes={"reverses": [None, movement.reverses_id], "reason": [None, reason_text]})
        return created

    return _run_in_transaction(body)


@transaction.atomic
def write_off(*, level: StockLevel, quantity, reason, reason_text="", by) -> StockMovement:
    """Write off goods of one lot (expired, damaged, other: with a reason)."""
    if reason not in WRITE_OFF_REASONS:
        raise ValueError(f"{reason!r} is not a write-off reason")
    if reason == StockMovement.Reason.WRITTEN_OFF and not reason_text.strip():
        raise ValidationError(_("Say why the goods are written off."))
    quantity = to_quantity(quantity)
    delta = Delta(level.item, level.location_id, level.lot, level.expiry_date, -quantity, reason,
                  reason_text=reason_text)
    (movement,) = apply_deltas([delta], by=by, location=level.location)
    audit(AuditLog.Action.CREATE, movement, user=by, changes={"quantity": [None, str(movement.quantity)],
                                                              "reason": [None, reason]})
    return movement


def transfer_stock(*, from_location, to_location, lines, by, note="") -> Transfer:
    """Move goods between locations in one transaction; lots keep their expiry dates."""
    if from_location.pk == to_location.pk:
        raise ValidationError(_("Choose two different locations."))
    # Stock moves between the locations of one centre: the current one (a location belongs to its centre).
    centre_id = current_centre_id()
    if from_location.centre_id != centre_id or to_location.centre_id != centre_id:
        raise ValidationError(_("Stock moves only between the locations of this centre."))
    wanted = _wanted_by_item(lines)
    if not wanted:
        raise ValidationError(_("Add at least one item to move."))
    with transaction.atomic():
        transfer = Transfer.objects.create(from_location=from_location, to_location=to_location, by=by, note=note)
        # Lock both locations' levels in the global order before touching either.
        levels = lock_levels(sorted([from_location.pk, to_location.pk]), list(wanted))
        fields = {"document_type": "inventory.transfer", "document_id": str(transfer.pk), "reason_text": note}
        picks, shortages = _pick_earliest_expiry_first(
            levels, wanted, location_id=from_location.pk, reason=StockMovement.Reason.TRANSFERRED_OUT, **fields)
        if shortages:
            raise InsufficientStock(shortages, from_location)
        deltas = [delta for _level, delta in picks]
        deltas += [Delta(d.item, to_location.pk, d.lot, d.expiry_date, -d.quantity,
                         StockMovement.Reason.TRANSFERRED_IN, **fields) for d in list(deltas)]
        apply_deltas(deltas, by=by, at=transfer.at, location=from_location)
        audit(AuditLog.Action.CREATE, transfer, user=by, changes={
            "lines": [None, [f"{item.name_el} × {quantity}" for item, quantity in wanted.values()]]})
    return transfer
