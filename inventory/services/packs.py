"""Pack sizes of an item, and the one conversion of a count of packs into units.

Goods are received and counted in packs or units; the ledger holds units only. `pack_units` is the
only place a number of packs becomes units: whole packs only, and the result is exact (an integer
number of units), so nothing is ever rounded on the way into the ledger.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit, audited_save
from core.models import AuditLog

from ..models import Barcode, Item, Pack
from .catalogue import add_barcode

MAX_UNITS_PER_PACK = 100_000
# A level holds at most 12 digits with 3 decimals.
MAX_QUANTITY = Decimal("999999999.999")


def pack_units(pack: Pack, count, *, allow_zero: bool = False) -> Decimal:
    """`count` packs of `pack` in units: a whole, non-negative count (positive unless `allow_zero`)."""
    try:
        packs = count if isinstance(count, Decimal) else Decimal(str(count))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("The number of packs %(value)s is not a number.") % {"value": count}) from None
    if not packs.is_finite() or packs != packs.to_integral_value():
        raise ValidationError(_("Count whole packs (got %(value)s); count the loose goods in units.")
                              % {"value": count})
    if packs < 0 or (packs == 0 and not allow_zero):
        raise ValidationError(_("The number of packs must be more than zero (got %(value)s).") % {"value": count})
    if pack.units < 2:
        raise ValidationError(_("A pack holds at least two units."))
    units = Decimal(int(packs) * pack.units)
    if units > MAX_QUANTITY:
        raise ValidationError(_("%(packs)s packs of %(units)s are too many units to record.")
                              % {"packs": int(packs), "units": pack.units})
    return units


def in_units(item: Item, quantity, pack: Pack | None, *, allow_zero: bool = False):
    """A quantity entered in units (pack None) or in packs of one of the item's packs, in units."""
    if pack is None:
        return quantity
    if pack.item_id != item.pk:
        raise ValidationError(_("The pack %(pack)s is not a pack of %(item)s.") % {"pack": pack.label,
                                                                                 "item": item.name})
    return pack_units(pack, quantity, allow_zero=allow_zero)


def add_pack(item: Item, *, name: str, units, code: str = "", by) -> Pack:
    """Give an item a pack size (and, optionally, the barcode printed on the pack)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A pack needs a name."))
    units = _units(units)
    try:
        with transaction.atomic():
            pack = Pack.objects.create(item=item, name=name, units=units)
            audit(AuditLog.Action.CREATE, pack, user=by)
            if code:
                add_barcode(item, code, by=by, pack=pack)
    except IntegrityError:
        raise ValidationError(_("This item already has a pack of this size.")) from None
    return pack


def _units(units) -> int:
    if isinstance(units, bool) or not isinstance(units, int) or not 2 <= units <= MAX_UNITS_PER_PACK:
        raise ValidationError(_("A pack holds a whole number of units, from 2 to %(max)s.")
                              % {"max": MAX_UNITS_PER_PACK})
    return units


@transaction.atomic
def change_pack(pack: Pack, *, name: str | None = None, units: int | None = None, by) -> Pack:
    """Rename a pack size or change how many units it holds (None: keep). Stock and history are in units
    and stay as they are; donation lines keep the pack as it was when they were received."""
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError(_("A pack needs a name."))
        pack.name = name[:60]
    if units is not None:
        pack.units = _units(units)

    def save(_before):
        try:
            with transaction.atomic():
                pack.save(update_fields=["name", "units"])
        except IntegrityError:
            raise ValidationError(_("This item already has a pack of this size.")) from None

    audited_save(pack, ["name", "units"], by=by, save=save)
    return pack


@transaction.atomic
def remove_pack(pack: Pack, *, by) -> None:
    """Remove a pack size and its codes. Stock and history are in units and stay as they are."""
    codes = list(pack.barcodes.values_list("code", flat=True))
    audit(AuditLog.Action.DELETE, pack, user=by, changes={"barcodes": [", ".join(codes), ""]})
    pack.delete()


def own_pack_barcode(pack: Pack) -> Barcode:
    """The pack's own Code128 code (KYP-P000042), created when first needed."""
    barcode, _created = Barcode.objects.get_or_create(
        code=Pack.own_code_for(pack.pk), defaults={"item_id": pack.item_id, "pack": pack, "kind": Barcode.Kind.OWN})
    return barcode
