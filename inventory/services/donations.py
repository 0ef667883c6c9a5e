"""Donations: a draft collects scanned lines; receiving puts them into stock in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog

from ..models import Donation, DonationLine, StockMovement
from .packs import in_units
from .stock import Delta, apply_deltas, format_quantity, to_quantity

DOCUMENT_TYPE = "inventory.donation"


@transaction.atomic
def create_donation(*, donor, location, date=None, notes="", by) -> Donation:
    donation = Donation.objects.create(donor=donor, location=location, date=date or timezone.localdate(),
                                       notes=notes, created_by=by)
    audit(AuditLog.Action.CREATE, donation, user=by)
    return donation


def _require_draft(donation: Donation):
    if not donation.is_draft:
        raise ValidationError(_("This donation was already received; its lines can no longer change."))


@transaction.atomic
def add_donation_line(donation: Donation, *, item, quantity, pack=None, lot="", expiry_date=None,
                      by) -> DonationLine:
    """A line of the draft. With `pack`, `quantity` is a number of whole packs; the line holds units."""
    _require_draft(donation)
    counted = f" ({format_quantity(quantity)} × {pack.label})" if pack is not None else ""
    quantity = in_units(item, quantity, pack)
    try:
        quantity = to_quantity(quantity)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if item.has_expiry and expiry_date is None:
        raise ValidationError(_("%(item)s has an expiry date: enter it from the package.") % {"item": item.name})
    if not item.is_active:
        raise ValidationError(_("%(item)s is retired; make it active again to receive it.") % {"item": item.name})
    line = DonationLine.objects.create(donation=donation, item=item, quantity=quantity, lot=lot.strip(),
                                       expiry_date=expiry_date, pack_name=pack.name if pack else "",
                                       pack_units=pack.units if pack else None)
    audit(AuditLog.Action.CHANGE, donation, user=by, changes={"line": ["", f"{item.name_el} × {quantity}{counted}"]})
    return line


@transaction.atomic
def remove_donation_line(line: DonationLine, *, by) -> None:
    _require_draft(line.donation)
    line.delete()
    audit(AuditLog.Action.CHANGE, line.donation, user=by, changes={"line": [f"{line.item.name_el} × {line.quantity}",
                                                                           ""]})


@transaction.atomic
def delete_draft_donation(donation: Donation, *, by) -> None:
    _require_draft(donation)
    audit(AuditLog.Action.DELETE, donation, user=by)
    donation.delete()


@transaction.atomic
def receive_donation(donation: Donation, *, by) -> list[StockMovement]:
    """Put the donation's lines into stock at its location. Only once, whatever happens at once."""
    lines = list(donation.lines.select_related("item"))
    if not lines:
        raise ValidationError(_("Add at least one line before receiving the donation."))
    now = timezone.now()
    # A conditional update: of two simultaneous clicks, exactly one finds the draft.
    if not Donation.objects.filter(pk=donation.pk, status=Donation.Status.DRAFT).update(
            status=Donation.Status.RECEIVED, received_at=now, received_by=by):
        raise ValidationError(_("This donation was already received."))
    donation.status, donation.received_at, donation.received_by = Donation.Status.RECEIVED, now, by
    deltas = [Delta(line.item, donation.location_id, line.lot, line.expiry_date, line.quantity,
                    StockMovement.Reason.RECEIVED, document_type=DOCUMENT_TYPE, document_id=str(donation.pk))
              for line in lines]
    movements = apply_deltas(deltas, by=by, at=now)
    audit(AuditLog.Action.CHANGE, donation, user=by, changes={"status": ["draft", "received"]})
    return movements
