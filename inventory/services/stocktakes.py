"""Stock-takes: start a count, several people enter counts, staff review and post the differences."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog

from .. import counting
from ..models import StockMovement, StockTake, StockTakeCount
from .packs import in_units
from .stock import Delta, apply_deltas, lock_levels

DOCUMENT_TYPE = "inventory.stocktake"


def start_stocktake(*, location, by, note="") -> StockTake:
    try:
        with transaction.atomic():
            stocktake = StockTake.objects.create(location=location, started_by=by, note=note)
            audit(AuditLog.Action.CREATE, stocktake, user=by)
    except IntegrityError:
        raise ValidationError(_("A stock-take is already open at %(location)s: continue that one.")
                              % {"location": location}) from None
    return stocktake


def _require_open(stocktake):
    if not stocktake.is_open:
        raise ValidationError(_("This stock-take is closed; counts can no longer change."))


@transaction.atomic
def add_count(stocktake: StockTake, *, item, quantity, pack=None, lot="", expiry_date=None, shelf="",
              by) -> StockTakeCount:
    """One count. With `pack`, `quantity` is a number of whole packs; the count holds units."""
    _require_open(stocktake)
    if quantity is None or quantity < 0:
        raise ValidationError(_("A counted quantity is zero or more."))
    quantity = in_units(item, quantity, pack, allow_zero=True)
    return StockTakeCount.objects.create(stocktake=stocktake, item=item, quantity=quantity, lot=lot.strip(),
                                         expiry_date=expiry_date, shelf=shelf.strip(), counted_by=by)


@transaction.atomic
def remove_count(count: StockTakeCount, *, by) -> None:
    _require_open(count.stocktake)
    count.delete()


@transaction.atomic
def cancel_stocktake(stocktake: StockTake, *, by) -> None:
    if not StockTake.objects.filter(pk=stocktake.pk, status=StockTake.Status.OPEN).update(
            status=StockTake.Status.CANCELLED, closed_at=timezone.now(), closed_by=by):
        raise ValidationError(_("This stock-take is already closed."))
    stocktake.refresh_from_db()
    audit(AuditLog.Action.CHANGE, stocktake, user=by, changes={"status": ["open", "cancelled"]})


@transaction.atomic
def post_stocktake(stocktake: StockTake, *, by) -> list[StockMovement]:
    """Post every difference between counted and recorded stock as adjustments, in one go."""
    counts = list(stocktake.counts.select_related("item"))
    if not counts:
        raise ValidationError(_("Nothing was counted yet."))
    now = timezone.now()
    if not StockTake.objects.filter(pk=stocktake.pk, status=StockTake.Status.OPEN).update(
            status=StockTake.Status.POSTED, closed_at=now, closed_by=by):
        raise ValidationError(_("This stock-take is already closed."))
    stocktake.status, stocktake.closed_at, stocktake.closed_by = StockTake.Status.POSTED, now, by
    items = {count.item_id: count.item for count in counts}
    # Lock the levels first, so the differences are taken against stock nobody else is changing.
    levels = lock_levels([stocktake.location_id], list(items))
    deltas = [
        Delta(items[t.item_id], stocktake.location_id, t.lot, t.expiry_date, t.difference,
              StockMovement.Reason.COUNTED, document_type=DOCUMENT_TYPE, document_id=str(stocktake.pk))
        for t in counting.plan(counts, levels) if t.difference != 0
    ]
    movements = apply_deltas(deltas, by=by, at=now, location=stocktake.location) if deltas else []
    audit(AuditLog.Action.CHANGE, stocktake, user=by,
          changes={"status": ["open", "posted"], "adjustments": [None, len(movements)]})
    return movements
