"""The card lifecycle: requested -> printed -> handed over -> revoked or expired.

The secret token exists only while a PDF is being rendered: `print_cards` makes a fresh token per
card, stores its SHA-256, draws the PDF and returns it, all in one transaction. The token is then
gone, so the same card can never be printed twice; a new print of a card is a reissue (the old card
is revoked at once). See docs/distribution.md, "Printing and tokens".
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog

from ..identifiers import card_number_for_serial, hash_token, new_token
from ..models import Card, Household
from . import DistributionError
from .card_pdf import render_cards

# How long a printed card is valid. Eligibility itself is checked on the enrolments at the table.
CARD_VALIDITY_DAYS = getattr(settings, "KYPSELI_CARD_VALIDITY_DAYS", 365)


class CardError(DistributionError):
    """The card's state does not allow the action (an active card exists, already printed, revoked…)."""

    code = "card_state"


def _active_card_exists():
    return CardError(_("This household already has an active card: revoke it or reissue it."))


@transaction.atomic
def request_card(household: Household, *, by) -> Card:
    """Ask for a new card for a household that has none active."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.ACTIVE:
        raise CardError(_("This household is no longer active."))
    if household.cards.filter(status__in=Card.ACTIVE_STATUSES).exists():
        raise _active_card_exists()
    try:
        with transaction.atomic():
            card = Card.objects.create(household=household, requested_by=by)
    except IntegrityError:  # a parallel request won the race (the partial unique constraint)
        raise _active_card_exists() from None
    card.number = card_number_for_serial(card.pk)
    card.save(update_fields=["number"])
    audit(AuditLog.Action.CREATE, card, user=by, changes={"household": household.pk, "status": card.status})
    return card


def households_without_card(job):
    """The households an import registered that are still active and have no active card."""
    return (job.households_created.filter(status=Household.Status.ACTIVE)
            .exclude(cards__status__in=Card.ACTIVE_STATUSES).order_by("pk"))


def request_cards_for_import(job, *, by) -> list[Card]:
    """One step after an import: a card requested for every household it registered that has none.

    Each card is requested as `request_card` does (its own transaction and audit entry); a household
    that got a card meanwhile is skipped, so running it twice (a double click, two tabs) requests
    nothing twice. The step itself is audited on the import, with the number of cards."""
    cards = []
    for household in households_without_card(job):
        try:
            cards.append(request_card(household, by=by))
        except CardError:
            continue  # a card was requested meanwhile, or the household was merged: nothing to do
    audit(AuditLog.Action.CHANGE, job, user=by, changes={"cards_requested": ["", str(len(cards))]})
    return cards


@transaction.atomic
def print_cards(cards, *, by, tokens_out: dict | None = None) -> bytes:
    """Give each requested card a fresh token and return the PDF of all of them.

    Cards that are not in "requested" are refused (reprinting means reissuing). `tokens_out`, when
    given, receives {card id: token}: only tests and the demo use it; nothing stores it.
    """
    ids = [c.pk for c in cards]
    locked = list(Card.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    locked = list(Card.objects.filter(pk__in=[c.pk for c in locked]).select_related("household").order_by("pk")
                  .prefetch_related("household__members"))
    if len(locked) != len(set(ids)):
        raise CardError(_("Some of the cards no longer exist."))
    not_requested = [c for c in locked if c.status != Card.Status.REQUESTED]
    if not_requested:
        raise CardError(_("Card %(number)s was already printed: to print it again, reissue it.")
                        % {"number": not_requested[0].display_number})
    now = timezone.now()
    valid_until = timezone.localdate() + timedelta(days=CARD_VALIDITY_DAYS)
    items = []
    for card in locked:
        token = new_token()
        card.token_hash = hash_token(token)
        card.status, card.printed_at, card.printed_by, card.valid_until = Card.Status.PRINTED, now, by, valid_until
        items.append((card, token))
        if tokens_out is not None:
            tokens_out[card.pk] = token
    Card.objects.bulk_update([c for c, _t in items], ["token_hash", "status", "printed_at", "printed_by",
                                                       "valid_until"])
    pdf = render_cards(items)
    for card, _t in items:
        audit(AuditLog.Action.CHANGE, card, user=by, changes={"status": ["requested", "printed"]})
    return pdf


@transaction.atomic
def hand_over(card: Card, *, to: str, by, at=None) -> Card:
    card = Card.objects.select_for_update().get(pk=card.pk)
    if card.status != Card.Status.PRINTED:
        raise CardError(_("Only a printed card can be handed over."))
    card.status, card.handed_over_at, card.handed_over_by = Card.Status.HANDED_OVER, at or timezone.now(), by
    card.handed_over_to = to.strip()
    card.save()
    audit(AuditLog.Action.CHANGE, card, user=by, changes={"status": ["printed", "handed_over"]})
    return card


@transaction.atomic
def revoke_card(card: Card, *, reason: str, by) -> Card:
    """Revoke at once: from this moment the card is refused at every table."""
    if reason not in Card.RevokeReason.values:
        raise CardError(_("Choose why the card is revoked."))
    card = Card.objects.select_for_update().get(pk=card.pk)
    if not card.is_active:
        raise CardError(_("This card is no longer active."))
    before = card.status
    card.status, card.revoked_at, card.revoked_by, card.revoke_reason = (
        Card.Status.REVOKED, timezone.now(), by, reason)
    card.save()
    audit(AuditLog.Action.CHANGE, card, user=by, changes={"status": [before, "revoked"], "reason": reason})
    return card


@transaction.atomic
def reissue_card(card: Card, *, reason: str, by) -> Card:
    """Revoke the card and request a new one for the same household, in one transaction."""
    old = revoke_card(card, reason=reason, by=by)
    new = request_card(old.household, by=by)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    return new


@transaction.atomic
def expire_cards(today=None) -> int:
    """Mark printed/handed-over cards past their validity as expired (run daily)."""
    today = today or timezone.localdate()
    due = list(Card.objects.select_for_update().filter(
        status__in=[Card.Status.PRINTED, Card.Status.HANDED_OVER], valid_until__lt=today))
    for card in due:
        before = card.status
        card.status = Card.Status.EXPIRED
        card.save(update_fields=["status"])
        audit(AuditLog.Action.CHANGE, card, changes={"status": [before, "expired"]})
    return len(due)
