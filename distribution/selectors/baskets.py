"""Basket arithmetic: a household's basket from the day's rules, the per-member counts it needs, and
the totals (kg, €) a collection records."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from inventory.services.stock import format_quantity
from inventory.units import unit_word

from ..models import BasketRule

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
