"""Pre-packed kits: their bill of contents, assembling and taking them apart, through the ledger.

Assembling N kits takes N × each content out of the location (earliest expiry first; all or nothing,
InsufficientStock when short) and puts N kits in, in one transaction; the kits' lot expires on the
earliest expiry of the contents taken. Taking kits apart reverses it: the kits go out (earliest expiry
first) and the contents come back, dated with the kits' expiry (never later than their own).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import idempotency
from core.audit import audit
from core.models import AuditLog
from core.problems import problem_body
from core.scanning import StationAnswer

from ..models import Item, KitComponent, KitHandedOut, KitRequest, StockMovement
from .stock import Delta, apply_deltas, take_out, to_quantity

DOCUMENT_TYPE = "inventory.kit"
KIT_LOT = "KIT"


@transaction.atomic
def set_kit_contents(kit: Item, lines, *, by) -> list[KitComponent]:
    """Replace the kit's bill with `lines` [(item, quantity per kit)]. An empty list makes it a plain item."""
    bill = {}
    for item, quantity in lines:
        try:
            quantity = to_quantity(quantity)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if item.pk == kit.pk:
            raise ValidationError(_("A kit cannot contain itself."))
        if item.kit_components.exists():
            raise ValidationError(_("%(item)s is itself a kit; a kit holds plain items.") % {"item": item.name})
        if item.pk in bill:
            raise ValidationError(_("%(item)s is listed twice.") % {"item": item.name})
        bill[item.pk] = (item, quantity)
    if bill and KitComponent.objects.filter(component=kit).exists():
        raise ValidationError(_("%(item)s is inside another kit, so it cannot be a kit.") % {"item": kit.name})
    before = "; ".join(f"{c.component.name_el} × {c.quantity}" for c in kit.kit_components.select_related("component"))
    kit.kit_components.all().delete()
    # One by one (a bill is a few lines): each save is seen by whoever keeps items' bills (the scan's plan).
    rows = [KitComponent.objects.create(kit=kit, component=item, quantity=quantity) for item, quantity in bill.values()]
    after = "; ".join(f"{item.name_el} × {quantity}" for item, quantity in bill.values())
    if before != after:
        audit(AuditLog.Action.CHANGE, kit, user=by, changes={"kit contents": [before, after]})
    return rows


def keep_kit_contents(items, *, document_type: str, document_id) -> None:
    """Keep what each kit among `items` holds now (its loaded `kit_bill`: `selectors.with_kit_bills`) as
    what it held when it left under the document: the funder's figures count it so afterwards. Plain
    items, and a document's kit already kept, are left alone; no kit, no statement."""
    rows = {}
    for item in items:
        for component, per_kit in getattr(item, "kit_bill", None) or []:
            rows[(item.pk, component.pk)] = KitHandedOut(
                document_type=document_type, document_key=int(document_id), kit_id=item.pk, component_id=component.pk,
                quantity=per_kit, unit_weight_kg=component.weight_kg, unit_value_eur=component.unit_value_eur)
    if rows:
        KitHandedOut.objects.bulk_create(rows.values(), ignore_conflicts=True)


def _bill(kit: Item) -> list[KitComponent]:
    bill = list(kit.kit_components.select_related("component"))
    if not bill:
        raise ValidationError(_("%(item)s has no contents, so it is not a kit.") % {"item": kit.name})
    return bill


def _count(count) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100_000:
        raise ValidationError(_("The number of kits is a whole number from 1 to 100000."))
    return count


@transaction.atomic
def assemble_kits(kit: Item, *, location, count: int, by) -> list[StockMovement]:
    """Make `count` kits at `location` from stock there. Refused as a whole (InsufficientStock) when short."""
    count = _count(count)
    bill = _bill(kit)
    fields = {"document_type": DOCUMENT_TYPE, "document_id": str(kit.pk)}
    taken = take_out(location=location, lines=[(c.component, c.quantity * count) for c in bill], by=by,
                     reason=StockMovement.Reason.KIT_OUT, reason_text=f"{kit.name_el} × {count}", **fields)
    expiries = [m.expiry_date for m in taken if m.expiry_date is not None]
    expiry = min(expiries) if expiries else None
    made = apply_deltas([Delta(kit, location.pk, KIT_LOT, expiry, Decimal(count), StockMovement.Reason.KIT_IN,
                               reason_text=_("assembled"), **fields)], by=by, at=timezone.now())
    audit(AuditLog.Action.CHANGE, kit, user=by, changes={f"kits assembled at {location}": [None, count]})
    return taken + made


@transaction.atomic
def disassemble_kits(kit: Item, *, location, count: int, by) -> list[StockMovement]:
    """Take `count` kits at `location` apart (earliest expiry first); their contents go back into stock."""
    count = _count(count)
    bill = _bill(kit)
    fields = {"document_type": DOCUMENT_TYPE, "document_id": str(kit.pk)}
    taken = take_out(location=location, lines=[(kit, Decimal(count))], by=by, reason=StockMovement.Reason.KIT_OUT,
                     reason_text=_("taken apart"), **fields)
    deltas = []
    for movement in taken:
        kits = -movement.quantity
        deltas += [Delta(c.component, location.pk, KIT_LOT, movement.expiry_date if c.component.has_expiry else None,
                         c.quantity * kits, StockMovement.Reason.KIT_IN, reason_text=f"{kit.name_el} × {kits}",
                         **fields) for c in bill]
    back = apply_deltas(deltas, by=by, at=timezone.now())
    audit(AuditLog.Action.CHANGE, kit, user=by, changes={f"kits taken apart at {location}": [None, count]})
    return taken + back


ASSEMBLE, DISASSEMBLE = "assemble", "disassemble"


def _reused() -> StationAnswer:
    message = str(idempotency.REUSED_MESSAGE)
    return StationAnswer(422, problem_body(422, code=idempotency.REUSED_CODE, message=message))


# A KitRequest row only holds the answer to a request id: forgotten, it is deleted.
answers = idempotency.RequestAnswers(KitRequest, "answer", _reused)
purge_request_ids = answers.purge


def _movement(movement: StockMovement) -> dict:
    return {"item_id": movement.item_id, "quantity": str(movement.quantity), "lot": movement.lot,
            "expiry_date": movement.expiry_date.isoformat() if movement.expiry_date else None}


def kits_once(kit: Item, *, action: str, location, count: int, request_id, by) -> StationAnswer:
    """Assemble (`action` "assemble") or take apart `count` kits at `location` once per request id of the
    user `by`: a retry with the same id and the same request gets the first answer again (200) and does
    nothing; the same id with another request, 422 `request_id_reused` (core.idempotency.RequestAnswers).
    A refusal (not a kit, short of stock) keeps nothing: the id may be sent again."""
    if action not in (ASSEMBLE, DISASSEMBLE):
        raise ValueError(action)
    fingerprint = idempotency.fingerprint(action, kit.pk, location.pk, count)

    def act() -> StationAnswer:
        with transaction.atomic():
            run = assemble_kits if action == ASSEMBLE else disassemble_kits
            movements = run(kit, location=location, count=count, by=by)
            body = {"action": action, "kit_id": kit.pk, "location_id": location.pk, "count": count,
                    "movements": [_movement(m) for m in movements]}
            KitRequest.objects.create(request_id=request_id, request_fingerprint=fingerprint, answer=body, by=by)
        return StationAnswer(201, body)

    return answers.answer_once(act, request_id=request_id, by=by, fingerprint=fingerprint, look_first=True)
