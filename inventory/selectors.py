"""Read queries of the inventory app, used by its views and API and by other apps (reports).

Contract for other apps: `available_by_item`, `movement_totals`, `distributed_totals`.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import counting
from .codes import normalize_code
from .models import ZERO, Barcode, Item, KitComponent, LowStockThreshold, StockLevel, StockMovement, StockTake

# Goods expiring within this many days are shown on the staff home page.
EXPIRY_WARNING_DAYS = 30
QTY = DecimalField(max_digits=12, decimal_places=3)
MONEY = DecimalField(max_digits=16, decimal_places=3)


def _ids(objs):
    return [getattr(o, "pk", o) for o in objs]


def available_by_item(location, items) -> dict[int, Decimal]:
    """Stock on hand per item id at a location (all lots together); 0 for items with none. One query."""
    ids = _ids(items)
    result = dict.fromkeys(ids, ZERO)
    rows = (StockLevel.objects.filter(location_id=getattr(location, "pk", location), item_id__in=ids)
            .values("item_id").annotate(total=Sum("quantity")).values_list("item_id", "total"))
    for item_id, total in rows:
        result[item_id] = Decimal(total or 0)
    return result


def find_item_by_code(code: str) -> Item | None:
    """The item a scanned code belongs to (in any keyboard layout), or None. A pack's code finds its item."""
    return find_item_and_pack(code)[0]


def find_item_and_pack(code: str):
    """(item, pack) for a scanned code: pack is None for the item's own codes; (None, None) when unknown."""
    code = normalize_code(code)
    if not code:
        return None, None
    barcode = Barcode.objects.select_related("item", "pack").filter(code=code).first()
    return (barcode.item, barcode.pack) if barcode else (None, None)


def active_items():
    return Item.objects.filter(is_active=True).order_by("name_el")


def _threshold_subquery():
    return Subquery(LowStockThreshold.objects.filter(item_id=OuterRef("item_id"), location_id=OuterRef("location_id"))
                    .values("quantity")[:1], output_field=QTY)


def stock_on_hand(*, expiring_within_days: int | None = None):
    """Stock per item and location (lots summed): rows of dicts, for lists and exports.

    With `expiring_within_days`, only lots that expire by then (or already have) are counted.
    """
    levels = StockLevel.objects.all()
    if expiring_within_days is not None:
        levels = levels.filter(quantity__gt=0,
                               expiry_date__lte=timezone.localdate() + timedelta(days=expiring_within_days))
    return (
        levels.values("item_id", "location_id")
        .annotate(
            item_name=F("item__name_el"), item_name_en=F("item__name_en"), category=F("item__category"),
            food_group=F("item__food_group"), unit=F("item__unit"), location_name=F("location__name"),
            # These refer to the level's own quantity, so they come before `quantity` is redefined as the sum.
            next_expiry=Min("expiry_date", filter=Q(quantity__gt=0)),
            lots=Count("id", filter=Q(quantity__gt=0)),
            weight_kg=Coalesce(Sum(F("quantity") * F("item__weight_kg"), output_field=MONEY), Value(ZERO),
                               output_field=MONEY),
            quantity=Coalesce(Sum("quantity"), Value(ZERO), output_field=QTY),
            threshold=_threshold_subquery(),
        )
        .order_by("item_name", "location_name")
    )


def low_stock(location=None):
    """Items below their threshold at a location: list of dicts (item, location, quantity, threshold)."""
    rows = stock_on_hand().filter(threshold__isnull=False, quantity__lt=F("threshold"))
    if location is not None:
        rows = rows.filter(location_id=location.pk)
    return list(rows)


def expiring_soon(days: int = 30, location=None):
    """Lots with goods that expire within `days` (or already expired), soonest first."""
    qs = StockLevel.objects.filter(quantity__gt=0, expiry_date__lte=timezone.localdate() + timedelta(days=days))
    if location is not None:
        qs = qs.filter(location=location)
    return qs.select_related("item", "location").order_by("expiry_date", "item__name_el")


def item_levels(item):
    return StockLevel.objects.filter(item=item, quantity__gt=0).select_related("location").order_by(
        "location__name", F("expiry_date").asc(nulls_last=True), "lot")


def item_history(item):
    return StockMovement.objects.filter(item=item).select_related("location", "by").order_by("-at", "-id")


def _in_period(qs, start, end, location):
    qs = qs.filter(at__date__gte=start, at__date__lte=end)
    if location is not None:
        qs = qs.filter(location_id=getattr(location, "pk", location))
    return qs


KG = ExpressionWrapper(F("quantity") * F("unit_weight_kg"), output_field=MONEY)
EUR = ExpressionWrapper(F("quantity") * F("unit_value_eur"), output_field=MONEY)
# A correction counts under the reason of the movement it reverses (a returned basket lowers "distributed").
EFFECTIVE_REASON = Coalesce("reverses__reason", "reason")


@dataclass
class Totals:
    quantity: Decimal = ZERO
    kg: Decimal = ZERO
    eur: Decimal = ZERO
    movements: int = 0


def movement_totals(start, end, location=None) -> dict[str, Totals]:
    """For a period (dates inclusive) and optionally one location: per reason, the net quantity, kg and €.

    Signs are those of the ledger (goods out are negative). Corrections are folded into the reason
    of the movement they reverse; other corrections stay under "correction".
    """
    rows = (_in_period(StockMovement.objects.all(), start, end, location)
            .annotate(effective=EFFECTIVE_REASON).values("effective")
            .annotate(q=Sum("quantity"), kg=Sum(KG), eur=Sum(EUR), n=Count("id")))
    return {row["effective"]: Totals(Decimal(row["q"] or 0), Decimal(row["kg"] or 0), Decimal(row["eur"] or 0),
                                     row["n"]) for row in rows}


def distributed_totals(start, end, location=None) -> dict:
    """Goods handed out in a period, as positive figures: {"food": Totals, "non_food": Totals,
    "food_groups": {group: Totals}} — the EU funder's tonnes of food and € of food / of basic goods."""
    rows = (_in_period(StockMovement.objects.all(), start, end, location)
            .annotate(effective=EFFECTIVE_REASON).filter(effective=StockMovement.Reason.DISTRIBUTED)
            .values("item__is_food", "item__food_group")
            .annotate(q=Sum("quantity"), kg=Sum(KG), eur=Sum(EUR), n=Count("id")))
    result = {"food": Totals(), "non_food": Totals(), "food_groups": defaultdict(Totals)}
    for row in rows:
        figures = (-Decimal(row["q"] or 0), -Decimal(row["kg"] or 0), -Decimal(row["eur"] or 0), row["n"])
        buckets = [result["food"], result["food_groups"][row["item__food_group"]]] if row["item__is_food"] \
            else [result["non_food"]]
        for bucket in buckets:
            bucket.quantity += figures[0]
            bucket.kg += figures[1]
            bucket.eur += figures[2]
            bucket.movements += figures[3]
    result["food_groups"] = dict(result["food_groups"])
    return result


IN_REASONS = [StockMovement.Reason.RECEIVED, StockMovement.Reason.TRANSFERRED_IN]
OUT_REASONS = [StockMovement.Reason.DISTRIBUTED, StockMovement.Reason.TRANSFERRED_OUT]
WRITE_OFF_REASONS = [StockMovement.Reason.EXPIRED, StockMovement.Reason.DAMAGED, StockMovement.Reason.WRITTEN_OFF]


def movement_report(start, end, location=None) -> dict:
    """In/out per item for a period, with kg and € — the movement report page and its export.

    Columns: received, transferred in, distributed, transferred out, written off, counted (net
    stock-take adjustments), kits (net: assembled or taken apart), corrections folded into their reasons; then net,
    kg and € in/out
    (in: received and, for one location, transferred in; out: distributed, written off and, for
    one location, transferred out).
    """
    qs = _in_period(StockMovement.objects.all(), start, end, location).annotate(effective=EFFECTIVE_REASON)

    def total(expr, reasons, sign=1, output=QTY):
        value = Sum(Case(When(effective__in=reasons, then=expr), default=Value(ZERO), output_field=output))
        return Coalesce(value * sign if sign != 1 else value, Value(ZERO), output_field=output)

    # For one location, goods moved in from (out to) another location are its in (out); across all
    # locations a transfer is internal and counts neither way.
    ins = IN_REASONS if location is not None else [StockMovement.Reason.RECEIVED]
    outs = (OUT_REASONS if location is not None else [StockMovement.Reason.DISTRIBUTED]) + WRITE_OFF_REASONS
    rows = list(
        qs.values("item_id", "item__name_el", "item__name_en", "item__unit", "item__is_food")
        .annotate(
            received=total(F("quantity"), [StockMovement.Reason.RECEIVED]),
            transferred_in=total(F("quantity"), [StockMovement.Reason.TRANSFERRED_IN]),
            distributed=total(F("quantity"), [StockMovement.Reason.DISTRIBUTED], -1),
            transferred_out=total(F("quantity"), [StockMovement.Reason.TRANSFERRED_OUT], -1),
            written_off=total(F("quantity"), WRITE_OFF_REASONS, -1),
            counted=total(F("quantity"), [StockMovement.Reason.COUNTED, StockMovement.Reason.CORRECTION]),
            kits=total(F("quantity"), [StockMovement.Reason.KIT_IN, StockMovement.Reason.KIT_OUT]),
            net=Coalesce(Sum("quantity"), Value(ZERO), output_field=QTY),
            kg_in=total(KG, ins, output=MONEY),
            kg_out=total(KG, outs, -1, output=MONEY),
            eur_in=total(EUR, ins, output=MONEY),
            eur_out=total(EUR, outs, -1, output=MONEY),
        )
        .order_by("item__name_el")
    )
    keys = ["received", "transferred_in", "distributed", "transferred_out", "written_off", "counted", "kits",
            "net", "kg_in", "kg_out", "eur_in", "eur_out"]
    for row in rows:
        row["unit_label"] = Item.Unit(row["item__unit"]).label
        for key in keys:
            row[key] = Decimal(row[key] or 0)
    totals = {key: sum((row[key] for row in rows), ZERO) for key in ["kg_in", "kg_out", "eur_in", "eur_out"]}
    return {"rows": rows, "totals": totals}


@dataclass
class Difference:
    item_id: int
    location_id: int
    lot: str
    expiry_date: object
    level: Decimal
    ledger: Decimal


def stock_differences() -> list[Difference]:
    """Every lot whose running level differs from the sum of its ledger rows (should be none)."""
    ledger = {
        (r["item_id"], r["location_id"], r["lot"], r["expiry_date"]): Decimal(r["total"] or 0)
        for r in StockMovement.objects.values("item_id", "location_id", "lot", "expiry_date")
        .annotate(total=Sum("quantity")).order_by()
    }
    levels = {
        (r["item_id"], r["location_id"], r["lot"], r["expiry_date"]): Decimal(r["quantity"])
        for r in StockLevel.objects.values("item_id", "location_id", "lot", "expiry_date", "quantity")
    }
    differences = []
    for key in sorted(set(ledger) | set(levels), key=lambda k: (k[0], k[1], k[2], str(k[3]))):
        level, booked = levels.get(key, ZERO), ledger.get(key, ZERO)
        if level != booked:
            differences.append(Difference(*key, level=level, ledger=booked))
    return differences


def open_stocktake_at(location):
    return StockTake.objects.filter(location=location, status=StockTake.Status.OPEN).first()


@dataclass
class ReviewRow:
    item: Item
    expected: Decimal
    counted: Decimal
    lots: list

    @property
    def difference(self):
        return self.counted - self.expected


def stocktake_review(stocktake) -> dict:
    """What posting would change: per counted item, recorded vs counted; and items with stock nobody counted."""
    counts = list(stocktake.counts.all())
    item_ids = {c.item_id for c in counts}
    levels = list(StockLevel.objects.filter(location_id=stocktake.location_id, item_id__in=item_ids))
    items = Item.objects.in_bulk(item_ids)
    lots_by_item = defaultdict(list)
    for target in counting.plan(counts, levels):
        lots_by_item[target.item_id].append(target)
    rows = []
    for item_id, lots in lots_by_item.items():
        rows.append(ReviewRow(items[item_id], sum((t.current for t in lots), ZERO),
                              sum((t.target for t in lots), ZERO), lots))
    rows.sort(key=lambda r: (r.difference == 0, r.item.name_el))
    uncounted = (StockLevel.objects.filter(location_id=stocktake.location_id, quantity__gt=0)
                 .exclude(item_id__in=item_ids).values("item_id", "item__name_el", "item__unit")
                 .annotate(quantity=Sum("quantity")).order_by("item__name_el"))
    return {"rows": rows, "uncounted": list(uncounted)}


def kit_contents_text() -> dict[int, str]:
    """{kit item id: "Ρύζι × 2, Σαπούνι × 1"} for every kit."""
    from .services.stock import format_quantity

    texts = defaultdict(list)
    for line in KitComponent.objects.select_related("component").order_by("kit_id", "id"):
        texts[line.kit_id].append(f"{line.component.name} × {format_quantity(line.quantity)}")
    return {kit_id: ", ".join(parts) for kit_id, parts in texts.items()}


def with_kit_bills(items):
    """`items` with `kit_bill` set on each: [(component item, quantity per kit)], empty for a plain item
    (one query). What a kit counts as in the figures: `distribution.selectors.baskets.basket_totals`."""
    items = list(items)
    bills = kit_bills_of(item.pk for item in items)
    for item in items:
        item.kit_bill = bills.get(item.pk, [])
    return items


def kit_bills_of(item_ids) -> dict[int, list]:
    """{kit id: [(component item, quantity per kit)]} of the kits among `item_ids` (one query)."""
    bills = defaultdict(list)
    for line in KitComponent.objects.filter(kit_id__in=set(item_ids)).select_related("component").order_by("id"):
        bills[line.kit_id].append((line.component, line.quantity))
    return dict(bills)
