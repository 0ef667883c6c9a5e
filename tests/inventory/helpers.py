"""Putting goods into stock for a test, through the real services (never by writing levels)."""

from datetime import date
from decimal import Decimal

from inventory.models import StockMovement
from inventory.services.stock import Delta, apply_deltas


def stock(item, location, quantity, *, lot="", expiry=None, by=None):
    """Receive `quantity` of one lot of `item` at `location` (a ledger row and the level, as a donation would)."""
    from django.db import transaction

    with transaction.atomic():
        (movement,) = apply_deltas(
            [Delta(item, location.pk, lot, expiry, Decimal(str(quantity)), StockMovement.Reason.RECEIVED,
                   document_type="test", document_id="1")], by=by)
    return movement


def d(value) -> Decimal:
    return Decimal(str(value))


def day(text: str) -> date:
    return date.fromisoformat(text)
