"""Reads for distribution days: expected households, the stock check, the live figures, the
after-day lists and the station's day list and fallback search. The basket arithmetic is in
`baskets`, the scan's own read in `scan`."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from inventory.models import StockMovement
from inventory.selectors import available_by_item

from ..models import (
    BasketRule,
    Card,
    Collection,
    DistributionDay,
    Enrolment,
    Household,
    OfflineHandout,
    Person,
    Scan,
    SlotAssignment,
)
from .baskets import NO_NEEDS, basket_for, member_counts_for, needs_by_household
from .scan import day_plan

ZERO = Decimal("0")
COLLECTION_DOCUMENT = "distribution.collection"  # document_type of its stock movements


# --- Planning ---------------------------------------------------------------------------------


def expected_households(day: DistributionDay):
    """Active households enrolled in the day's programme with an enrolment current on that date."""
    current = Enrolment.objects.current_on(day.date).filter(household=OuterRef("pk"), programme_id=day.programme_id)
    return Household.objects.filter(status=Household.Status.ACTIVE).filter(Exists(current)).order_by("pk")


def expected_with_members(day: DistributionDay):
    return expected_households(day).prefetch_related(
        Prefetch("members", queryset=Person.objects.order_by("-is_reference", "id")),
        Prefetch("cards", queryset=Card.objects.filter(status__in=Card.ACTIVE_STATUSES)),
    )


@dataclass
class StockNeed:
    item: object
    needed: Decimal = ZERO
    available: Decimal = ZERO

    @property
    def short_by(self) -> Decimal:
        return max(self.needed - self.available, ZERO)


@dataclass
class StockCheck:
    expected: int = 0
    people: int = 0
    lines: list = field(default_factory=list)

    @property
    def shortages(self):
        return [line for line in self.lines if line.short_by > 0]

    @property
    def is_enough(self):
        return not self.shortages


def stock_check(day: DistributionDay, *, remaining_only=True) -> StockCheck:
    """What the baskets of the expected households still to come need, per item, against the stock at the
    day's location (households that collected already took theirs out of stock)."""
    _day, rules = day_plan(day.pk)
    households = expected_with_members(day)
    if remaining_only:
        households = households.exclude(pk__in=Collection.objects.filter(day=day, cancelled_at__isnull=True)
                                        .values("household_id"))
    check = StockCheck()
    needs: dict[int, StockNeed] = {}
    for rule in rules:
        needs.setdefault(rule.item_id, StockNeed(rule.item))
    for sub in rules.substitutions:  # the items the needs of the households bring in
        needs.setdefault(sub.item_id, StockNeed(sub.item))
    households = list(households)
    household_needs = needs_by_household([household.pk for household in households], rules)
    for household in households:
        members = list(household.members.all())
        check.expected += 1
        check.people += len(members)
        for line in basket_for(rules, len(members), member_counts_for(household, rules, day.date),
                               household_needs.get(household.pk, NO_NEEDS)):
            needs[line.item.pk].needed += line.quantity
    if rules.substitutions:  # an item no household needs after its substitutions: no line
        needs = {pk: need for pk, need in needs.items() if need.needed > 0 or pk in {r.item_id for r in rules}}
    available = available_by_item(day.location_id, list(needs))
    for item_id, need in needs.items():
        need.available = available.get(item_id, ZERO)
    check.lines = list(needs.values())
    return check


# --- Live figures -----------------------------------------------------------------------------


@dataclass
class Progress:
    expected: int
    collected: int
    refused: int
    remaining: int
    people_served: int
    stations: list
    stock: list
    offline_handouts: int = 0


# Scans that were refused: neither a collection nor a hand-out made offline (those left the hall:
# counted apart, followed up as conflicts).
NOT_REFUSED = (Scan.Outcome.COLLECTED, Scan.Outcome.OFFLINE_HANDOUT)


def progress(day: DistributionDay, *, with_stock=True) -> Progress:
    expected_ids = set(expected_households(day).values_list("pk", flat=True))
    collections = Collection.objects.filter(day=day, cancelled_at__isnull=True)
    collected_ids = set(collections.values_list("household_id", flat=True))
    people = sum(collections.values_list("household_size", flat=True))
    stations = list(Scan.objects.filter(day=day).values("station").annotate(
        scans=Count("pk"), collected=Count("pk", filter=Q(outcome=Scan.Outcome.COLLECTED)),
        refused=Count("pk", filter=~Q(outcome__in=NOT_REFUSED)),
        offline_handouts=Count("pk", filter=Q(outcome=Scan.Outcome.OFFLINE_HANDOUT)),
    ).order_by("station"))
    refused = sum(row["refused"] for row in stations)
    offline_handouts = OfflineHandout.objects.filter(day=day).count()
    stock = []
    if with_stock:
        rules = list(BasketRule.objects.filter(day=day).select_related("item"))
        items = {rule.item_id: rule.item for rule in rules}
        available = available_by_item(day.location_id, list(items))
        stock = [{"item": items[pk], "available": available[pk]} for pk in items]
    return Progress(expected=len(expected_ids), collected=len(collected_ids), refused=refused,
                    remaining=len(expected_ids - collected_ids), people_served=people, stations=stations, stock=stock,
                    offline_handouts=offline_handouts)


# --- After the day ----------------------------------------------------------------------------


def day_collections(day: DistributionDay, *, include_cancelled=False):
    qs = Collection.objects.filter(day=day).select_related("household", "card", "by", "collector", "cancelled_by")
    if not include_cancelled:
        qs = qs.filter(cancelled_at__isnull=True)
    return qs.prefetch_related(Prefetch("household__members", queryset=Person.objects.filter(is_reference=True),
                                        to_attr="reference_people")).order_by("at", "id")


def next_enrolment_start(household_id, programme_id, *, after: date):
    """The first day of the household's next enrolment in the programme that begins after `after`
    (None when there is none): the station says from when a household is enrolled."""
    return (Enrolment.objects.filter(household_id=household_id, programme_id=programme_id, start__gt=after)
            .order_by("start").values_list("start", flat=True).first())


def collection_goods(collection: Collection):
    """The goods a collection took out of stock (its ledger rows not reversed yet), with their items."""
    return (StockMovement.objects.filter(document_type=COLLECTION_DOCUMENT, document_key=collection.pk,
                                         reverses__isnull=True, reversed_by__isnull=True)
            .select_related("item").order_by("item__name_el", "id"))


def no_shows(day: DistributionDay):
    """Expected households that did not collect, with the reference person (name, phone)."""
    collected = Collection.objects.filter(day=day, cancelled_at__isnull=True).values("household_id")
    return (expected_households(day).exclude(pk__in=collected)
            .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("-is_reference", "id")),
                              Prefetch("cards", queryset=Card.objects.filter(status__in=Card.ACTIVE_STATUSES))))


def day_report(day: DistributionDay) -> dict:
    """Households and people served; quantity, kg and € per item, from the ledger (net of corrections)."""
    from inventory.models import StockMovement

    collections = Collection.objects.filter(day=day, cancelled_at__isnull=True)
    ids = list(Collection.objects.filter(day=day).values_list("pk", flat=True))
    per_item = defaultdict(lambda: {"quantity": ZERO, "kg": ZERO, "eur": ZERO})
    names = {}
    movements = (StockMovement.objects.filter(document_type=COLLECTION_DOCUMENT, document_key__in=ids)
                 .select_related("item"))
    for movement in movements:
        row = per_item[movement.item_id]
        names[movement.item_id] = movement.item
        row["quantity"] -= movement.quantity
        row["kg"] -= movement.quantity * movement.unit_weight_kg
        row["eur"] -= movement.quantity * movement.unit_value_eur
    rows = [{"item": names[pk], **figures} for pk, figures in per_item.items() if figures["quantity"]]
    rows.sort(key=lambda r: r["item"].name)
    return {
        "households": collections.count(),
        "people": sum(collections.values_list("household_size", flat=True)),
        "cancelled": Collection.objects.filter(day=day, cancelled_at__isnull=False).count(),
        "refused": Scan.objects.filter(day=day).exclude(outcome__in=NOT_REFUSED).count(),
        "offline_handouts": OfflineHandout.objects.filter(day=day).count(),
        "rows": rows,
        "kg": sum((r["kg"] for r in rows), ZERO),
        "eur": sum((r["eur"] for r in rows), ZERO),
    }



def slot_assignments(day):
    return (SlotAssignment.objects.filter(day=day).select_related("slot", "household")
            .prefetch_related(Prefetch("household__members", queryset=Person.objects.order_by("-is_reference", "id")))
            .order_by("slot__starts_at", "household_id"))


def days_for_station(today=None):
    today = today or timezone.localdate()
    return DistributionDay.objects.filter(date=today, status=DistributionDay.Status.PLANNED).select_related(
        "programme", "location")


def households_for_station_search(query: str, limit=10):
    """Fallback at the table: households by a member's name or by a card's code (typed number, or the
    card scanned into the search box; `card_for_code`), active households only."""
    from core.text import filter_by_search

    from .cards import card_for_code

    query = (query or "").strip()
    if len(query) < 2:
        return []
    card = card_for_code(query)
    ids = [card.household_id] if card is not None else []
    if not ids:
        people = filter_by_search(Person.objects.all(), query)
        ids = list(people.values_list("household_id", flat=True).distinct()[:limit])
    return list(Household.objects.filter(pk__in=ids, status=Household.Status.ACTIVE).prefetch_related(
        Prefetch("members", queryset=Person.objects.order_by("-is_reference", "id")),
        Prefetch("cards", queryset=Card.objects.filter(status__in=Card.ACTIVE_STATUSES)),
        "collectors",
    )[:limit])
