"""Reads for distribution days: the day's plan, the card as the scan station needs it, expected
households, the stock check, the live figures and the after-day lists."""

# _card_and_day builds SQL text from table names (Model._meta) and fixed fragments only; every
# value goes in as a query parameter.
# ruff: noqa: S608

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
)
from django.utils import timezone

from core.db import rows
from core.db.sql import as_date
from core.db.ttl_cache import TTLCache
from core.models import Location
from inventory.models import Item, StockMovement
from inventory.selectors import available_by_item
from inventory.units import unit_word

from ..identifiers import hash_token, parse_code
from ..models import (
    BasketRule,
    Card,
    Collection,
    DistributionDay,
    Enrolment,
    Household,
    Person,
    Programme,
    Scan,
    SlotAssignment,
)

ZERO = Decimal("0")
COLLECTION_DOCUMENT = "distribution.collection"  # document_type of its stock movements


# --- The day's plan ---------------------------------------------------------------------------


def day_plan(day_id) -> tuple[DistributionDay | None, list[BasketRule]]:
    """The day (with programme and location) and its basket rules (with items), in one plain SQL
    query (every scan reads it; the ORM's select_related over five tables cost more CPU than the query)."""
    try:
        day_id = int(day_id)
    except (TypeError, ValueError):
        return None, []
    quote = connection.ops.quote_name
    table = {model: quote(model._meta.db_table) for model in (DistributionDay, Programme, Location, BasketRule, Item)}
    sql = (f"SELECT {rows.select_list(DistributionDay, 'd')}, {rows.select_list(Programme, 'p')}, "
           f"{rows.select_list(Location, 'l')}, {rows.select_list(BasketRule, 'r')}, {rows.select_list(Item, 'i')} "
           f"FROM {table[DistributionDay]} d JOIN {table[Programme]} p ON p.id = d.programme_id "
           f"JOIN {table[Location]} l ON l.id = d.location_id "
           f"LEFT JOIN {table[BasketRule]} r ON r.day_id = d.id LEFT JOIN {table[Item]} i ON i.id = r.item_id "
           f"WHERE d.id = %s ORDER BY r.id")
    found = rows.fetch_joined((DistributionDay, Programme, Location, BasketRule, Item), sql, [day_id])
    if not found:
        return None, []
    day, programme, location = found[0][:3]
    day.programme, day.location = programme, location
    rules = []
    for _day, _programme, _location, rule, item in found:
        if rule is not None:
            rule.day, rule.item = day, item
            rules.append(rule)
    return day, rules


@dataclass
class BasketLine:
    item: object
    quantity: Decimal

    def as_json(self):
        return {"item": self.item.name, "quantity": _plain(self.quantity),
                "unit": unit_word(self.item.unit, self.quantity)}

    def text(self):
        return f"{self.item.name} × {_plain(self.quantity)}"


def _plain(quantity) -> str:
    quantity = Decimal(quantity)
    return str(quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize())


def member_rule_key(rule) -> str:
    return f"members_for_rule_{rule.pk}"


def basket_for(rules, size: int, member_counts: dict[int, int]) -> list[BasketLine]:
    """The basket of a household of `size` people; `member_counts[rule.pk]` = members matching a
    per-member rule. Lines of the same item are added up."""
    totals: dict[int, BasketLine] = {}
    for rule in rules:
        if rule.basis == BasketRule.Basis.HOUSEHOLD:
            quantity = rule.quantity if rule.applies_to_size(size) else ZERO
        else:
            quantity = rule.quantity * member_counts.get(rule.pk, 0) if rule.applies_to_size(size) else ZERO
        if quantity > 0:
            line = totals.setdefault(rule.item_id, BasketLine(rule.item, ZERO))
            line.quantity += quantity
    return list(totals.values())


def basket_totals(lines) -> dict:
    """The Collection's totals of a basket (lines with `.item` and `.quantity`): whether food / other
    goods were handed over and their kg and €, at the items' weight and value per unit now (what the
    stock ledger records for them). Pass them to Collection.objects.create(**basket_totals(lines))."""
    totals = {"has_food": False, "has_goods": False, "food_kg": ZERO, "food_value_eur": ZERO, "goods_kg": ZERO,
              "goods_value_eur": ZERO}
    for line in lines:
        kind = "food" if line.item.is_food else "goods"
        totals[f"has_{kind}"] = True
        totals[f"{kind}_kg"] += line.quantity * line.item.weight_kg
        totals[f"{kind}_value_eur"] += line.quantity * line.item.unit_value_eur
    return totals


# --- The scan's reads: the day's plan (kept a few seconds) and the card (every scan) ----------------

# Every scan needs the day's plan: its programme, location, basket rules and their items. A process
# keeps it for PLAN_SECONDS instead of reading it for every card (it was one statement and ten model
# instances per scan). What must be exact is read fresh with the card in the same statement: the
# day's row (status, date, programme, location, updated_at): a closed or moved day is refused at the
# very next scan, and a plan whose day row changed (set_basket touches it) is read again at once.
# Edits of an item, the programme or the location reach the process that made them at once (the
# signals below) and the other processes within PLAN_SECONDS.
PLAN_SECONDS = 5.0
_plans = TTLCache(PLAN_SECONDS, most=100)  # day id -> (day, rules)
forget_scan_plans = _plans.forget


@dataclass
class ScanRead:
    """What one scan read: the day (fresh row, with the plan's programme and location), the basket
    rules, and the card (None when no card matches the code)."""

    day: DistributionDay
    rules: list[BasketRule]
    card: Card | None


def read_for_scan(day_id, code: str) -> ScanRead | None:
    """The day's plan and the card that `code` names; None when there is no such day."""
    try:
        day_id = int(day_id)
    except (TypeError, ValueError):
        return None
    for _attempt in range(2):
        plan = _plans.get(day_id)
        if plan is None:
            plan = day_plan(day_id)
            if plan[0] is None:
                return None
            _plans.keep(day_id, plan)
        planned, rules = plan
        fresh, card = _card_and_day(code, planned, rules)
        if fresh is None:  # the day was deleted
            _plans.drop(day_id)
            return None
        if (fresh.updated_at, fresh.date, fresh.programme_id, fresh.location_id) == (
                planned.updated_at, planned.date, planned.programme_id, planned.location_id):
            fresh.programme, fresh.location = planned.programme, planned.location
            return ScanRead(fresh, rules, card)
        _plans.drop(day_id)  # the plan changed since it was read: read it again
    fresh.programme, fresh.location = planned.programme, planned.location  # changing as we read: rare
    return ScanRead(fresh, rules, card)


def _card_and_day(code: str, day: DistributionDay, rules) -> tuple[DistributionDay | None, Card | None]:
    """The day's row, fresh, and the card a scanner read or a person typed, with everything the scan
    needs, in ONE query: the household's status and size, the first name, eligibility in the day's
    programme on the day's date, the collection of this day (if any), collections this month,
    members per per-member rule (the rules and the date as planned: `read_for_scan` compares them).

    Written as one plain SQL statement (standard SQL: PostgreSQL and SQLite): building the same
    query with the ORM's Subquery/Exists expressions cost more CPU than running it. The rules it
    repeats come from their one home, in SQL form: enrolment (`Enrolment.current_on_sql`,
    `effective_end_sql`) and the members a per-member rule counts (`BasketRule.members_sql`); the
    parity tests (tests/distribution/test_rule_parity.py) hold the answers to the ORM and Python forms.
    Parsing is the households part's (`distribution.identifiers.parse_code`): QR text, barcode or a
    typed card number. `card.matched_by` is "token" or "number".
    """
    parsed = parse_code(code)
    quote = connection.ops.quote_name
    card_t, household_t, person_t = Card._meta.db_table, Household._meta.db_table, Person._meta.db_table
    enrolment_t, collection_t = Enrolment._meta.db_table, Collection._meta.db_table
    day_t = DistributionDay._meta.db_table
    on = day.date
    enrolled_now, enrolled_params = Enrolment.current_on_sql("e", on)
    columns = [
        f"(SELECT COUNT(*) FROM {person_t} p WHERE p.household_id = c.household_id AND p.left_on IS NULL) "
        f"AS member_count",
        f"(SELECT p.first_name FROM {person_t} p WHERE p.household_id = c.household_id AND p.is_reference = %s "
        f"ORDER BY p.id LIMIT 1) AS reference_first_name",
        f"(SELECT COUNT(*) FROM {enrolment_t} e WHERE e.household_id = c.household_id AND e.programme_id = %s "
        f"AND {enrolled_now}) AS enrolled_now",
        f"(SELECT MAX({Enrolment.effective_end_sql('e')}) FROM {enrolment_t} e "
        f"WHERE e.household_id = c.household_id AND e.programme_id = %s AND e.start <= %s) AS eligible_until",
        f"(SELECT co.id FROM {collection_t} co WHERE co.household_id = c.household_id AND co.day_id = %s "
        f"AND co.cancelled_at IS NULL LIMIT 1) AS collected_today_id",
    ]
    params = [True, day.programme_id, *enrolled_params, day.programme_id, on, day.pk]
    limit = day.programme.max_collections_per_month
    if limit:
        month_start = on.replace(day=1)
        next_month = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
        columns.append(
            f"(SELECT COUNT(*) FROM {collection_t} co JOIN {day_t} d ON d.id = co.day_id "
            f"WHERE co.household_id = c.household_id AND co.cancelled_at IS NULL AND d.programme_id = %s "
            f"AND d.date >= %s AND d.date < %s AND co.day_id <> %s) AS collections_this_month")
        params += [day.programme_id, month_start, next_month, day.pk]
    for rule in rules:
        if rule.basis != BasketRule.Basis.MEMBER:
            continue
        conditions, condition_params = rule.members_sql("p", on)
        params += condition_params
        columns.append(f"(SELECT COUNT(*) FROM {person_t} p WHERE p.household_id = c.household_id "
                       f"AND p.left_on IS NULL{conditions}) "
                       f"AS {member_rule_key(rule)}")
    if parsed is None:
        lookup = "c.id IS NULL"  # not a card code: the day's row only
    else:
        kind, value = parsed
        lookup = "c.token_hash = %s" if kind == "token" else "c.number = %s"
        params.append(hash_token(value) if kind == "token" else value)
    params.append(day.pk)
    sql = (f"SELECT {rows.select_list(DistributionDay, 'dd')}, {rows.select_list(Card, 'c')}, "
           f"h.status AS household_status, {', '.join(columns)} "
           f"FROM {quote(day_t)} dd LEFT JOIN {card_t} c ON {lookup} "
           f"LEFT JOIN {household_t} h ON h.id = c.household_id WHERE dd.id = %s")
    extra = ["household_status"] + [column.rsplit(" AS ", 1)[1] for column in columns]
    found = rows.fetch_joined((DistributionDay, Card), sql, params, extra=extra, extra_on=1)
    if not found:
        return None, None
    fresh, card = found[0]
    if card is not None:
        card.matched_by = parsed[0]
        card.enrolled_now = bool(card.enrolled_now)
        card.eligible_until = as_date(card.eligible_until)  # SQLite returns dates of an expression as text
    return fresh, card


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


def member_counts_for(household, rules, on: date) -> dict[int, int]:
    """Per-member rule counts from the household's prefetched current members (planning; the scan
    counts in SQL with `BasketRule.members_sql`)."""
    members = list(household.members.all())
    return {rule.pk: sum(1 for person in members if rule.counts_member(person, on))
            for rule in rules if rule.basis == BasketRule.Basis.MEMBER}


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
    for household in households:
        members = list(household.members.all())
        check.expected += 1
        check.people += len(members)
        for line in basket_for(rules, len(members), member_counts_for(household, rules, day.date)):
            needs[line.item.pk].needed += line.quantity
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


def progress(day: DistributionDay, *, with_stock=True) -> Progress:
    expected_ids = set(expected_households(day).values_list("pk", flat=True))
    collections = Collection.objects.filter(day=day, cancelled_at__isnull=True)
    collected_ids = set(collections.values_list("household_id", flat=True))
    people = sum(collections.values_list("household_size", flat=True))
    refused = Scan.objects.filter(day=day).exclude(outcome=Scan.Outcome.COLLECTED).count()
    stations = list(Scan.objects.filter(day=day).values("station").annotate(
        scans=Count("pk"), collected=Count("pk", filter=Q(outcome=Scan.Outcome.COLLECTED)),
        refused=Count("pk", filter=~Q(outcome=Scan.Outcome.COLLECTED)),
    ).order_by("station"))
    stock = []
    if with_stock:
        rules = list(BasketRule.objects.filter(day=day).select_related("item"))
        items = {rule.item_id: rule.item for rule in rules}
        available = available_by_item(day.location_id, list(items))
        stock = [{"item": items[pk], "available": available[pk]} for pk in items]
    return Progress(expected=len(expected_ids), collected=len(collected_ids), refused=refused,
                    remaining=len(expected_ids - collected_ids), people_served=people, stations=stations, stock=stock)


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
        "refused": Scan.objects.filter(day=day).exclude(outcome=Scan.Outcome.COLLECTED).count(),
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
