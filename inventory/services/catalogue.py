"""Items, their barcodes and low-stock thresholds, and donors."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit, audited_save
from core.models import AuditLog

from ..codes import is_valid_ean, looks_like_ean, normalize_code
from ..models import ZERO, Barcode, Donor, Item, LowStockThreshold, Pack, StockLevel

ITEM_FIELDS = ["name_el", "name_en", "category", "unit", "weight_kg", "unit_value_eur", "is_food", "food_group",
               "has_expiry", "is_active", "notes"]
DONOR_FIELDS = ["name", "kind", "tax_number", "address", "phone", "email", "notes"]


@transaction.atomic
def save_item(item: Item, *, by, thresholds: dict | None = None, barcode: str = "") -> Item:
    """Create or update an item (form data already on it), its thresholds per location, and a first code.

    A new item that gets no EAN receives our own Code128 code at once, so it can be labelled.
    """
    creating = item.pk is None
    if not item.is_food:
        item.food_group = ""
    audited_save(item, ITEM_FIELDS, by=by)
    if barcode:
        add_barcode(item, barcode, by=by)
    if thresholds is not None:
        for location, quantity in thresholds.items():
            set_threshold(item, location, quantity, by=by)
    if creating and not item.barcodes.exists():
        own_barcode(item)
    return item


def own_barcode(item: Item) -> Barcode:
    """The item's own Code128 code (KYP-000123), created when first needed."""
    barcode, _created = Barcode.objects.get_or_create(
        code=Barcode.own_code_for(item.pk), defaults={"item": item, "kind": Barcode.Kind.OWN})
    return barcode


def add_barcode(item: Item, code: str, *, by, pack=None) -> Barcode:
    """Attach a scanned or typed code to an item (or to one of its packs). Refuses a bad EAN, a code another
    item or pack has, and a pack of another item."""
    if pack is not None and pack.item_id != item.pk:
        raise ValidationError(_("The pack %(pack)s is not a pack of %(item)s.") % {"pack": pack.label,
                                                                                 "item": item.name})
    code = normalize_code(code)
    if not code:
        raise ValidationError(_("The code is empty."))
    if len(code) > 64:
        raise ValidationError(_("The code is too long (at most 64 characters)."))
    if looks_like_ean(code) and not is_valid_ean(code):
        raise ValidationError(_("%(code)s is not a valid EAN/UPC: its check digit is wrong. Scan it again.")
                              % {"code": code})
    owner = Barcode.objects.filter(code=code).select_related("item").first()
    if owner is not None:
        if owner.item_id == item.pk and owner.pack_id == (pack.pk if pack else None):
            return owner
        if owner.item_id == item.pk:
            raise ValidationError(_("The code %(code)s is already on %(thing)s.") % {
                "code": code, "thing": owner.pack.label if owner.pack_id else _("the item itself")})
        raise ValidationError(_("The code %(code)s already belongs to %(item)s.") % {"code": code,
                                                                                    "item": owner.item})
    own = Pack.own_code_for(pack.pk) if pack is not None else Barcode.own_code_for(item.pk)
    if code.startswith(Barcode.OWN_PREFIX) and code != own:
        raise ValidationError(_("Codes starting with %(prefix)s are our own labels and belong to one item each.")
                              % {"prefix": Barcode.OWN_PREFIX})
    kind = Barcode.Kind.EAN if looks_like_ean(code) else (
        Barcode.Kind.OWN if code.startswith(Barcode.OWN_PREFIX) else Barcode.Kind.OTHER)
    try:
        with transaction.atomic():
            barcode = Barcode.objects.create(item=item, pack=pack, code=code, kind=kind)
    except IntegrityError:
        raise ValidationError(_("The code %(code)s was just given to another item.") % {"code": code}) from None
    field = f"barcode {pack.label}" if pack is not None else "barcode"
    audit(AuditLog.Action.CHANGE, item, user=by, changes={field: ["", code]})
    return barcode


@transaction.atomic
def remove_barcode(barcode: Barcode, *, by) -> None:
    item = barcode.item
    field = f"barcode {barcode.pack.label}" if barcode.pack_id else "barcode"
    barcode.delete()
    audit(AuditLog.Action.CHANGE, item, user=by, changes={field: [barcode.code, ""]})


def set_threshold(item: Item, location, quantity: Decimal | None, *, by) -> None:
    """Set (or, with None, remove) the low-stock threshold of an item at a location."""
    existing = LowStockThreshold.objects.filter(item=item, location=location).first()
    old = existing.quantity if existing else None
    if quantity is None:
        if existing:
            existing.delete()
    else:
        if quantity < 0:
            raise ValidationError(_("A threshold cannot be negative."))
        LowStockThreshold.objects.update_or_create(item=item, location=location, defaults={"quantity": quantity})
        # An empty level row lets the stock list show the item as low even before any goods arrived.
        StockLevel.objects.bulk_create([StockLevel(item=item, location=location, quantity=ZERO)],
                                       ignore_conflicts=True)
    if old != quantity:
        audit(AuditLog.Action.CHANGE, item, user=by,
              changes={f"threshold {location}": [str(old or ""), str(quantity if quantity is not None else "")]})


@transaction.atomic
def save_donor(donor: Donor, *, by) -> Donor:
    audited_save(donor, DONOR_FIELDS, by=by)
    return donor
