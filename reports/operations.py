"""Distribution and stock reports: per day, month and location; by item and food group; refusals;
goods received by donor type; write-offs; stock on hand and expiring. Each returns a Document."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from distribution.selectors import reporting as distribution_reporting
from inventory import reporting as inventory_reporting
from inventory import selectors as inventory_selectors
from inventory.models import Item

from .documents import Column, Document, Table

ZERO = Decimal("0")


def _distribution_columns(first: list[Column]) -> list[Column]:
    return first + [
        Column(_("Distribution days"), "int"), Column(_("Collections"), "int"), Column(_("Households"), "int"),
        Column(_("People"), "int"), Column(_("Food (kg)"), "dec"), Column(_("Food (€)"), "eur"),
        Column(_("Other goods (kg)"), "dec"), Column(_("Other goods (€)"), "eur"),
    ]


def _figures(row) -> list:
    return [row["days"], row["collections"], row["households"], row["people"], row["food_kg"], row["food_eur"],
            row["goods_kg"], row["goods_eur"]]


def _totals_row(label, rows, columns_before=1) -> list:
    keys = ["days", "collections", "households", "people", "food_kg", "food_eur", "goods_kg", "goods_eur"]
    totals = [sum((r[k] for r in rows), ZERO if "_" in k else 0) for k in keys]
    totals[2] = None  # households are not additive across months or days (one household, many visits)
    return [label] + [""] * (columns_before - 1) + totals


def distribution_document(period, subtitle: str) -> Document:
    overview = distribution_reporting.distribution_overview(period)
    months, days, locations, items = overview["month"], overview["day"], overview["location"], overview["items"]
    refusals = distribution_reporting.refusals_by_reason(period)
    food_groups: dict = {}
    labels = dict(Item.FoodGroup.choices)
    for item in items:
        if item["is_food"]:
            entry = food_groups.setdefault(item["food_group"], [ZERO, ZERO])
            entry[0] += item["kg"]
            entry[1] += item["eur"]
    units = dict(Item.Unit.choices)
    tables = [
        Table(_("Per month"), _distribution_columns([Column(_("Month"))]),
              [[r["month"]] + _figures(r) for r in months] + ([_totals_row(_("Total"), months)] if months else []),
              note=_("People: members of the households when they collected, counted at each collection.")),
        Table(_("Per location"), _distribution_columns([Column(_("Location"), width=2)]),
              [[r["location"]] + _figures(r) for r in locations]),
        Table(_("Per distribution day"),
              _distribution_columns([Column(_("Date")), Column(_("Location"), width=1.5),
                                     Column(_("Programme"), width=1.5)]),
              [[r["date"], r["location"], r["programme"]] + _figures(r) for r in days]),
        Table(_("By item"), [Column(_("Item"), width=3), Column(_("Unit")), Column(_("Food group"), width=2),
                             Column(_("Quantity"), "dec"), Column(_("kg"), "dec"), Column(_("€"), "eur")],
              [[r["name"], str(units.get(r["unit"], r["unit"])),
                str(labels.get(r["food_group"], "")) if r["is_food"] else _("Non-food"),
                r["quantity"], r["kg"], r["eur"]] for r in items]),
        Table(_("Food by food group"), [Column(_("Food group"), width=3), Column(_("kg"), "dec"),
                                        Column(_("€"), "eur")],
              [[str(labels.get(code, code)), kg, eur] for code, (kg, eur) in sorted(food_groups.items())]),
        Table(_("Refused scans by reason"), [Column(_("Reason"), width=3), Column(_("Scans"), "int")],
              [[str(r["label"]), r["scans"]] for r in refusals]),
        Table(_("Hand-outs outside distribution days"),
              [Column(_("Month")), Column(_("Kind"), width=1.5), Column(_("Hand-outs"), "int"),
               Column(_("To households"), "int"), Column(_("Anonymous"), "int"), Column(_("People"), "int"),
               Column(_("Food (kg)"), "dec"), Column(_("Food (€)"), "eur"), Column(_("Other goods (kg)"), "dec"),
               Column(_("Other goods (€)"), "eur")],
              [[r["month"], str(r["kind_label"]), r["handouts"], r["households"], r["anonymous"], r["people"],
                r["food_kg"], r["food_eur"], r["goods_kg"], r["goods_eur"]]
               for r in distribution_reporting.handouts_by_month(period)],
              note=_("Goods given at the centre or taken home between distribution days; the tables above count "
                     "distribution days only.")),
    ]
    return Document(title=_("Distribution"), subtitle=subtitle, tables=tables, filename="distribution",
                    footnotes=[_("Cancelled collections are left out; goods brought back are deducted. kg and € "
                                 "use the weight and value per unit recorded when the goods left the stock.")])


def stock_document(start, end, location_id, subtitle: str, *, expiring_days: int = 30) -> Document:
    received = inventory_reporting.received_by_donor_kind(start, end, location_id)
    written = inventory_reporting.written_off(start, end, location_id)
    on_hand = inventory_reporting.stock_value_on_hand(location_id)
    expiring = inventory_selectors.expiring_soon(expiring_days)
    if location_id:
        expiring = expiring.filter(location_id=location_id)
    today = timezone.localdate()
    units = dict(Item.Unit.choices)
    tables = [
        Table(_("Goods received by donor type"),
              [Column(_("Donor type"), width=2), Column(_("Donations"), "int"), Column(_("Quantity"), "dec"),
               Column(_("kg"), "dec"), Column(_("€"), "eur")],
              [[str(r["label"]), r["donations"], r["quantity"], r["kg"], r["eur"]] for r in received]),
        Table(_("Goods written off"),
              [Column(_("Reason"), width=2), Column(_("Item"), width=3), Column(_("Quantity"), "dec"),
               Column(_("kg"), "dec"), Column(_("€"), "eur")],
              [[str(r["label"]), r["item"], r["quantity"], r["kg"], r["eur"]] for r in written]),
        Table(_("Stock on hand today"),
              [Column(_("Item"), width=3), Column(_("Unit")), Column(_("Quantity"), "dec"), Column(_("kg"), "dec"),
               Column(_("€"), "eur")],
              [[r["item"], str(units.get(r["unit"], r["unit"])), r["quantity"], r["kg"], r["eur"]] for r in on_hand],
              note=_("Valued at today's value per unit of each item.")),
        Table(_("Expiring within %(days)s days (or expired)") % {"days": expiring_days},
              [Column(_("Expiry date")), Column(_("Item"), width=3), Column(_("Location"), width=2),
               Column(_("Lot")), Column(_("Quantity"), "dec")],
              [[level.expiry_date, level.item.name_el, level.location.name, level.lot, level.quantity]
               for level in expiring[:500]],
              note=_("Until %(date)s.") % {"date": (today + timedelta(days=expiring_days)).strftime("%d/%m/%Y")}),
    ]
    return Document(title=_("Stock"), subtitle=subtitle, tables=tables, filename="stock",
                    footnotes=[_("Received and written off: in the period. Stock on hand and expiring: today.")])
