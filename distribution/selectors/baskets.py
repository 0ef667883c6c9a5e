"""Basket arithmetic: a household's basket from the day's rules, the per-member counts it needs, and
the totals (kg, €) a collection records."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from inventory.services.stock import format_quantity
from inventory.units import unit_word

from ..models import BasketRule, HouseholdNeed

ZERO = Decimal("0")


@dataclass
class BasketLine:
    item: object
    quantity: Decimal

    def as_json(self):
        return {"item": self.item.name, "quantity": _plain(self.quantity),
                "unit": unit_word(self.item.unit, self.quantity)}

    def text(self):  # "Ρύζι × 2,5": the number as the page's language writes it
        return f"{self.item.name} × {format_quantity(self.quantity)}"


def _plain(quantity) -> str:
    quantity = Decimal(quantity)
    return str(quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize())


def member_rule_key(rule) -> str:
    return f"members_for_rule_{rule.pk}"


class Basket(list):
    """The day's basket rules (a list), with the substitutions for needs (`substitutions`) and the day's
    date (`on`: the age limits of per-member rules). A plain list of rules is a basket without them."""

    def __init__(self, rules=(), substitutions=(), on: date | None = None):
        super().__init__(rules)
        self.substitutions = list(substitutions)
        self.on = on


@dataclass(frozen=True)
class NeedFacts:
    """What the basket needs to know of a household's needs, and nothing more: the ids of the needs
    recorded for the household, and for each current member with a recorded need, their birth date
    (for the age limits of per-member lines) and the ids of their needs. Never shown to anyone."""

    household: frozenset = frozenset()
    members: tuple = ()  # ((birth date or None, frozenset of need ids), ...)

    def has(self, need_id) -> bool:
        """The household has the need: recorded for it, or for any current member."""
        return need_id in self.household or any(need_id in own for _born, own in self.members)

    def members_with(self, need_id) -> int:
        return sum(1 for _born, own in self.members if need_id in own)


NO_NEEDS = NeedFacts()
NEEDS_COLUMN = "household_needs"  # the scan's column with a household's needs (selectors.scan.card_columns)


@dataclass(frozen=True)
class _Member:
    birth_date: date | None


def needs_from_text(text) -> NeedFacts:
    """NeedFacts from the scan's column: "need:person:birth date" per recorded need, comma-separated
    (person and birth date empty for a need of the household)."""
    if not text:
        return NO_NEEDS
    household, members = set(), {}
    for part in str(text).split(","):
        need, person, born = (part.split(":") + ["", ""])[:3]
        if not need:
            continue
        if not person:
            household.add(int(need))
        else:
            members.setdefault(person, [date.fromisoformat(born[:10]) if born else None, set()])[1].add(int(need))
    return NeedFacts(frozenset(household), tuple((born, frozenset(own)) for born, own in members.values()))


def needs_from_records(records) -> NeedFacts:
    """NeedFacts from HouseholdNeed rows of one household (with `person` loaded; rows of members who
    left are skipped)."""
    household, members = set(), {}
    for record in records:
        if record.person_id is None:
            household.add(record.need_id)
        elif record.person.left_on is None:
            members.setdefault(record.person_id, [record.person.birth_date, set()])[1].add(record.need_id)
    return NeedFacts(frozenset(household), tuple((born, frozenset(own)) for born, own in members.values()))


STEP = Decimal("0.001")  # quantities are kept to three decimals


def basket_for(rules, size: int, member_counts: dict[int, int], needs: NeedFacts = NO_NEEDS,
               on: date | None = None) -> list[BasketLine]:
    """The basket of a household of `size` people; `member_counts[rule.pk]` = members matching a
    per-member rule; `needs`: its needs, adapting the basket by the substitutions of `rules` (a
    Basket). The one place a household's basket is worked out (scan, manifest, stock check, desk).

    * Replace A by B for need N: a per-household line of A becomes B (× the ratio) when the household
      has N (recorded for it or for any member); on a per-member line of A, the share of each counted
      member who has N (or whose household has N) becomes B, the rest stays A. Where several needs
      replace the same item, the first substitution (in the day's order) that applies wins.
    * Add C for need N: per member who has N (every member, when N is recorded for the household), or
      once per household that has N.
    Lines of the same item are added up."""
    substitutions = getattr(rules, "substitutions", ())
    on = on or getattr(rules, "on", None)
    totals: dict[int, BasketLine] = {}

    def give(item, quantity):
        if quantity > 0:
            line = totals.setdefault(item.pk, BasketLine(item, ZERO))
            line.quantity += quantity

    replacements: dict[int, list] = {}
    for sub in substitutions:
        if sub.kind == "replace" and needs.has(sub.need_id):
            replacements.setdefault(sub.from_item_id, []).append(sub)
    for rule in rules:
        if not rule.applies_to_size(size):
            continue
        options = replacements.get(rule.item_id, ())
        if rule.basis == BasketRule.Basis.HOUSEHOLD:
            sub = options[0] if options else None
            if sub is not None:
                give(sub.item, (rule.quantity * sub.quantity).quantize(STEP))
            else:
                give(rule.item, rule.quantity)
            continue
        count = member_counts.get(rule.pk, 0)
        for _born, own in (needs.members if options and count else ()):
            if count and rule.counts_member(_Member(_born), on):
                sub = next((s for s in options if s.need_id in own or s.need_id in needs.household), None)
                if sub is not None:
                    give(sub.item, (rule.quantity * sub.quantity).quantize(STEP))
                    count -= 1
        whole = next((s for s in options if s.need_id in needs.household), None)
        if whole is not None:
            give(whole.item, (rule.quantity * whole.quantity * count).quantize(STEP))
        else:
            give(rule.item, rule.quantity * count)
    for sub in substitutions:
        if sub.kind != "add" or not needs.has(sub.need_id):
            continue
        if sub.basis == "member":
            times = size if sub.need_id in needs.household else needs.members_with(sub.need_id)
        else:
            times = 1
        give(sub.item, sub.quantity * times)
    return list(totals.values())


def basket_totals(lines) -> dict:
    """The Collection's totals of a basket (lines with `.item` and `.quantity`): whether food / other
    goods were handed over and their kg and €, at the items' weight and value per unit now (what the
    stock ledger records for them). Pass them to Collection.objects.create(**basket_totals(lines)).

    A kit counts what it holds: an item with its bill loaded (`kit_bill`, [(component, quantity per
    kit)]: `inventory.selectors.with_kit_bills`, the scan's plan) counts as its contents."""
    totals = {"has_food": False, "has_goods": False, "food_kg": ZERO, "food_value_eur": ZERO, "goods_kg": ZERO,
              "goods_value_eur": ZERO}
    for line in lines:
        bill = getattr(line.item, "kit_bill", None) or [(line.item, 1)]
        for item, per_unit in bill:
            quantity = line.quantity * per_unit
            kind = "food" if item.is_food else "goods"
            totals[f"has_{kind}"] = True
            totals[f"{kind}_kg"] += quantity * item.weight_kg
            totals[f"{kind}_value_eur"] += quantity * item.unit_value_eur
    return totals


def member_counts_for(household, rules, on: date) -> dict[int, int]:
    """Per-member rule counts from the household's prefetched current members (planning; the scan
    counts in SQL with `BasketRule.members_sql`)."""
    members = list(household.members.all())
    return {rule.pk: sum(1 for person in members if rule.counts_member(person, on))
            for rule in rules if rule.basis == BasketRule.Basis.MEMBER}


def needs_by_household(household_ids, rules) -> dict[int, NeedFacts]:
    """The NeedFacts of each household (those without a need the substitutions of `rules` name are left
    out: NO_NEEDS), in one query (planning and the desk; the scan reads them with the card)."""
    need_ids = {sub.need_id for sub in getattr(rules, "substitutions", ())}
    if not need_ids:
        return {}
    records: dict[int, list] = {}
    for record in (HouseholdNeed.objects.filter(household_id__in=list(household_ids), need_id__in=need_ids)
                   .select_related("person").only("household_id", "person_id", "need_id", "person__left_on",
                                                  "person__birth_date")):
        records.setdefault(record.household_id, []).append(record)
    return {household_id: needs_from_records(rows) for household_id, rows in records.items()}


def basket_of_day(day) -> Basket:
    """The day's rules (with items) and substitutions (with the items given), through the ORM."""
    return Basket(day.basket_rules.select_related("item").order_by("id"),
                  day.substitutions.select_related("item").order_by("id"), on=day.date)
