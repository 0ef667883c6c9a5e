"""Set-based read queries of the stock ledger for the reports app (which no app imports), of the current
centre (the ORM's queries through the models' managers; the plain SQL says so itself).

Every figure comes from the append-only ledger, valued at the unit value and weight recorded on each
movement (the item's when the goods moved). Corrections count under the reason of the movement they
reverse (as in inventory.selectors.movement_totals).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, connections, router
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.db.sql import as_decimal as _dec
from core.db.sql import day_start as _day_start
from core.tenancy import current_centre_id

from .models import Donation, Donor, Item, StockLevel, StockMovement
from .selectors import EFFECTIVE_REASON, WRITE_OFF_REASONS

MONEY = DecimalField(max_digits=16, decimal_places=3)
KG = ExpressionWrapper(F("quantity") * F("unit_weight_kg"), output_field=MONEY)
EUR = ExpressionWrapper(F("quantity") * F("unit_value_eur"), output_field=MONEY)
DONATION_DOCUMENT = "inventory.donation"


def _period(qs, start, end, location_id=None):
    """Movements of the local days start..end, as a range of `at` (the index can serve it; `at__date`
    would convert every row's time zone)."""
    qs = qs.filter(at__gte=_day_start(start), at__lt=_day_start(end + timedelta(days=1)))
    if location_id:
        qs = qs.filter(location_id=location_id)
    return qs


def received_by_donor_kind(start, end, location_id=None) -> list[dict]:
    """Goods received from donations in the period, per kind of donor: donations, quantity, kg, €."""
    quote = connection.ops.quote_name
    params: list = [current_centre_id(), DONATION_DOCUMENT, start, end]
    where = "m.centre_id = %s AND m.document_type = %s AND don.date >= %s AND don.date <= %s"
    if location_id:
        where += " AND m.location_id = %s"
        params.append(location_id)
    # Only table names are interpolated; every value is a parameter.
    sql = (f"SELECT dr.kind, COUNT(DISTINCT don.id), SUM(m.quantity), SUM(m.quantity * m.unit_weight_kg), "  # noqa: S608
           f"SUM(m.quantity * m.unit_value_eur) "
           f"FROM {quote(StockMovement._meta.db_table)} m "
           f"JOIN {quote(Donation._meta.db_table)} don ON m.document_key = don.id "
           f"JOIN {quote(Donor._meta.db_table)} dr ON dr.id = don.donor_id "
           f"WHERE {where} GROUP BY dr.kind ORDER BY dr.kind")
    with connections[router.db_for_read(StockMovement)].cursor() as cursor:  # the replica in a report
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    labels = dict(Donor.Kind.choices)
    return [{"kind": r[0], "label": labels.get(r[0], r[0]), "donations": r[1], "quantity": _dec(r[2]),
             "kg": _dec(r[3]), "eur": _dec(r[4])} for r in rows]


def written_off(start, end, location_id=None) -> list[dict]:
    """Goods written off in the period (expired, damaged, other), per reason and item, as positive figures."""
    # Write-offs and the corrections that reverse one: found through the partial index of the rare
    # reasons (movement_rare_reason_at), not by the effective reason of every row of the period.
    candidates = Q(reason__in=WRITE_OFF_REASONS) | Q(reason=StockMovement.Reason.CORRECTION,
                                                     reverses__reason__in=WRITE_OFF_REASONS)
    rows = (_period(StockMovement.objects.filter(candidates), start, end, location_id)
            .annotate(effective=EFFECTIVE_REASON).filter(effective__in=WRITE_OFF_REASONS)
            .values("effective", "item_id", "item__name_el", "item__unit")
            .annotate(q=Sum("quantity"), kg=Sum(KG), eur=Sum(EUR)).order_by("effective", "item__name_el"))
    labels = dict(StockMovement.Reason.choices)
    return [{"reason": r["effective"], "label": labels.get(r["effective"], r["effective"]),
             "item": r["item__name_el"], "unit": r["item__unit"], "quantity": -_dec(r["q"]), "kg": -_dec(r["kg"]),
             "eur": -_dec(r["eur"])} for r in rows if r["q"]]


def stock_value_on_hand(location_id=None) -> list[dict]:
    """Stock on hand per item (all lots and, unless given, all locations), with kg and € at today's item values."""
    qs = StockLevel.objects.filter(quantity__gt=0)
    if location_id:
        qs = qs.filter(location_id=location_id)
    rows = (qs.values("item_id", "item__name_el", "item__unit", "item__is_food")
            .annotate(q=Sum("quantity"), kg=Sum(F("quantity") * F("item__weight_kg"), output_field=MONEY),
                      eur=Sum(F("quantity") * F("item__unit_value_eur"), output_field=MONEY),
                      locations=Count("location_id", distinct=True))
            .order_by("item__name_el"))
    return [{"item_id": r["item_id"], "item": r["item__name_el"], "unit": r["item__unit"],
             "is_food": r["item__is_food"], "quantity": _dec(r["q"]), "kg": _dec(r["kg"]), "eur": _dec(r["eur"]),
             "locations": r["locations"]} for r in rows]


def stock_over_time(item_ids, start, end, location_id=None) -> dict:
    """Month-end stock of some items: {item_id: [(month, quantity at the end of it)]} for the months
    start..end, from the ledger (opening balance + monthly net movements). Two statements."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    base = StockMovement.objects.filter(item_id__in=list(item_ids))
    if location_id:
        base = base.filter(location_id=location_id)
    opening = dict(base.filter(at__lt=_day_start(start)).values("item_id").annotate(q=Sum("quantity"))
                   .values_list("item_id", "q"))
    monthly = (_period(base, start, end).annotate(month=TruncMonth("at"))
               .values("item_id", "month").annotate(q=Coalesce(Sum("quantity"), Decimal("0"), output_field=MONEY)))
    changes = {(r["item_id"], r["month"].year, r["month"].month): _dec(r["q"]) for r in monthly}
    result = {}
    for item_id in item_ids:
        level = _dec(opening.get(item_id))
        series = []
        for year, month in months:
            level += changes.get((item_id, year, month), Decimal("0"))
            series.append(((year, month), level))
        result[item_id] = series
    return result


def key_items(limit: int = 4, until: date | None = None) -> list[Item]:
    """The items handed out most (by number of movements over the year up to `until`, default today),
    for the dashboard: one year of the ledger, whatever the history kept."""
    until = until or timezone.localdate()
    year_before = until.replace(year=until.year - 1) if (until.month, until.day) != (2, 29) else \
        until.replace(year=until.year - 1, day=28)
    ids = (StockMovement.objects.filter(reason=StockMovement.Reason.DISTRIBUTED, at__gte=_day_start(year_before),
                                        at__lt=_day_start(until + timedelta(days=1))).values("item_id")
           .annotate(n=Count("id")).order_by("-n").values_list("item_id", flat=True)[:limit])
    items = Item.objects.in_bulk(list(ids))
    return [items[i] for i in ids if i in items]
