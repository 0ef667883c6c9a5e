"""Cards: resolving what a scanner read or a person typed, and the cards waiting to be printed.

``card_for_code(code) -> Card | None`` is the station's read of a card outside the scan itself: the
fallback search at the table (``days.households_for_station_search``: a card number typed, or the
card scanned into the search box). The scan reads the card with the day's figures in one plain SQL
statement instead (``scan.read_for_scan``); both parse the code with ``identifiers.parse_code``.

It takes the raw text of a QR code (``KC1-<token>``), of the Code128 barcode (``<token>``), or a card
number as a person types it (``0000-0123``, ``k 00000123``, any case, spaces or dashes; a
keyboard-wedge scanner on a Greek keyboard layout is understood too). It returns the card whatever
its status (the caller refuses revoked/expired cards and says why, with ``card.effective_status()``
and ``card.get_revoke_reason_display()``), or None.

It runs at most 2 SQL queries (index on ``token_hash`` or on ``number``):
 1. the card with its household, annotated on the household with ``member_count``,
    ``reference_first_name`` and ``active_collector_count``;
 2. the household's enrolments with their programme (``card.household.enrolments.all()``,
    prefetched; the caller picks the current ones with ``enrolment.is_current_on(day)``).
``card.matched_by`` is "token" (the card itself was scanned) or "number" (typed: a weaker proof,
the table may ask for an ID). The authorised collectors are one more query, only needed when
``active_collector_count`` > 0 and someone else collects: ``active_collectors(card.household)``.
"""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from ..identifiers import hash_token, parse_code
from ..models import AuthorisedCollector, Card, Enrolment, Person


def card_for_code(code: str) -> Card | None:
    parsed = parse_code(code)
    if parsed is None:
        return None
    kind, value = parsed
    lookup = {"token_hash": hash_token(value)} if kind == "token" else {"number": value}
    reference = Person.objects.filter(household=OuterRef("household_id"), is_reference=True)
    card = (
        Card.objects.filter(**lookup)
        .select_related("household")
        .annotate(
            member_count=Count("household__members", filter=Q(household__members__left_on__isnull=True),
                               distinct=True),
            active_collector_count=Count("household__collectors", filter=Q(household__collectors__is_active=True),
                                         distinct=True),
            reference_first_name=Subquery(reference.values("first_name")[:1]),
        )
        .prefetch_related(Prefetch("household__enrolments",
                                   queryset=Enrolment.objects.select_related("programme").order_by("-end")))
        .first()
    )
    if card is None:
        return None
    household = card.household
    household.member_count = card.member_count
    household.reference_first_name = card.reference_first_name
    household.active_collector_count = card.active_collector_count
    card.matched_by = kind
    return card


def active_collectors(household):
    return list(AuthorisedCollector.objects.filter(household=household, is_active=True))


def cards_to_print():
    """Cards requested and not yet printed ("all new cards")."""
    return Card.objects.filter(status=Card.Status.REQUESTED).select_related("household").order_by("pk")
