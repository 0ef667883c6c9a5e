"""Operations: collections, households and people per month, day and location, the goods handed out
per item, and the scans refused per reason (the distribution report and the dashboard)."""

from decimal import Decimal

from django.db.models import Count, F

from core.db.sql import bit_or as _bit_or
from core.db.sql import month_key as _month
from core.db.sql import table as _table
from inventory.models import Item

from ...models import Collection, DistributionDay
from .period import (
    Period,
    _days_where,
    _dec,
    _reporting_cursor,
    _value_from,
)


def period_collections(period: Period):
    """The period's collections (not cancelled) as a queryset, for lists and per-day/month reports."""
    qs = Collection.objects.filter(cancelled_at__isnull=True, day__date__gte=period.start, day__date__lte=period.end)
    if period.programme_id:
        qs = qs.filter(day__programme_id=period.programme_id)
    if period.location_id:
        qs = qs.filter(day__location_id=period.location_id)
    return qs


def collections_of(period: Period, household_ids, limit: int = 2000) -> list[dict]:
    """The period's collections of some households (drill-down), oldest first."""
    return list(period_collections(period).filter(household_id__in=list(household_ids))
                .order_by("day__date", "at", "id")
                .values("id", "household_id", "station", "at", "household_size", day_date=F("day__date"),
                        location=F("day__location__name"))[:limit])


def goods_by_item(period: Period) -> list[dict]:
    """The one pass over the ledger of the distribution report: net quantity, kg and € handed out per item
    in the period's collections. The database sums quantities per item and recorded unit weight/value
    (a few dozen groups); kg and € are multiplied out here, exactly."""
    params: list = []
    with_sql, from_sql = _value_from(period, params, household=False, item=False)
    sql = (f"{with_sql} SELECT m.item_id, m.unit_weight_kg, m.unit_value_eur, -SUM(m.quantity) {from_sql} "  # noqa: S608
           f"GROUP BY m.item_id, m.unit_weight_kg, m.unit_value_eur")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    zero = Decimal("0")
    per_item: dict = {}
    for item_id, unit_kg, unit_eur, quantity in rows:
        quantity = _dec(quantity)
        entry = per_item.setdefault(item_id, {"item_id": item_id, "quantity": zero, "kg": zero, "eur": zero})
        entry["quantity"] += quantity
        entry["kg"] += quantity * _dec(unit_kg)
        entry["eur"] += quantity * _dec(unit_eur)
    return list(per_item.values())


def _per_day(period: Period) -> list[dict]:
    """Per distribution day of the period with collections: collections (= households, one collection per
    household and day), people (household sizes summed) and the collections' food/goods kg and €. One
    hash aggregate over the collections, a row per day."""
    params: list = []
    days = _days_where(period, params)
    sql = (f"SELECT c.day_id, COUNT(*), SUM(c.household_size), SUM(c.food_kg), SUM(c.food_value_eur), "  # noqa: S608
           f"SUM(c.goods_kg), SUM(c.goods_value_eur) FROM {_table(Collection)} c "
           f"WHERE c.cancelled_at IS NULL AND c.day_id IN (SELECT d.id FROM {_table(DistributionDay)} d "
           f"WHERE {days}) GROUP BY c.day_id")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [{"day_id": r[0], "collections": r[1], "people": int(r[2] or 0), "food_kg": _dec(r[3]),
             "food_eur": _dec(r[4]), "goods_kg": _dec(r[5]), "goods_eur": _dec(r[6])} for r in rows]


def _distinct_households(period: Period) -> tuple[dict, dict]:
    """Households that collected per month ({"YYYY-MM": n}) and per location ({location id: n}), each
    household counted once per month / location, in one pass over the collections: per household, the
    set of months and the set of locations where it collected, as bit masks (a bit per month / location
    of the period, numbered by DENSE_RANK over the days), counted here. On PostgreSQL the masks are
    BIT_OR aggregates (hashed, in parallel; COUNT(DISTINCT ...) would sort half a million rows); SQLite has
    no BIT_OR, and SUM(DISTINCT power of two) is the same number."""
    params: list = []
    days = _days_where(period, params)
    month = _month("d.date")
    sql = (f"SELECT {_bit_or('CAST(1 AS BIGINT) << dd.month_bit')}, "  # noqa: S608
           f"{_bit_or('CAST(1 AS BIGINT) << dd.location_bit')} FROM {_table(Collection)} c "
           f"JOIN (SELECT d.id, CAST(DENSE_RANK() OVER (ORDER BY {month}) - 1 AS INTEGER) AS month_bit, "
           f"CAST(DENSE_RANK() OVER (ORDER BY d.location_id) - 1 AS INTEGER) AS location_bit "
           f"FROM {_table(DistributionDay)} d "
           f"WHERE {days}) dd ON dd.id = c.day_id WHERE c.cancelled_at IS NULL GROUP BY c.household_id")
    days_qs = DistributionDay.objects.filter(date__gte=period.start, date__lte=period.end)
    if period.programme_id:
        days_qs = days_qs.filter(programme_id=period.programme_id)
    if period.location_id:
        days_qs = days_qs.filter(location_id=period.location_id)
    dates_and_locations = list(days_qs.values_list("date", "location_id"))
    months = sorted({day.strftime("%Y-%m") for day, _location in dates_and_locations})
    locations = sorted({location for _day, location in dates_and_locations})
    if max(len(months), len(locations)) > 62:  # more than a BIGINT holds (over five years of months)
        raise ValueError("period too long for the household counts")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        masks = cursor.fetchall()
    per_month, per_location = [0] * len(months), [0] * len(locations)
    for month_mask, location_mask in masks:
        for counts, mask in ((per_month, int(month_mask)), (per_location, int(location_mask))):
            while mask:
                low = mask & -mask
                counts[low.bit_length() - 1] += 1
                mask ^= low
    return dict(zip(months, per_month, strict=True)), dict(zip(locations, per_location, strict=True))


def collections_by(period: Period, by: str, *, with_goods: bool = False, per_day=None,
                   households=None) -> list[dict]:
    """Distribution days, collections, distinct households and people (members when they collected) per
    "month", "day" or "location", in that order; `with_goods`: also food and other goods kg and € (the
    collections' own totals). No ledger involved: one aggregate per day (`per_day`, computed unless given),
    rolled up here, and one count of distinct households per month and location (`households`: the
    result of _distinct_households, computed unless given)."""
    per_day = {row["day_id"]: row for row in (per_day if per_day is not None else _per_day(period))}
    days = (DistributionDay.objects.filter(pk__in=list(per_day))
            .values("id", "date", "location_id", "location__name", "programme__name"))
    if by == "day":
        households = {}
    else:
        households = (households or _distinct_households(period))[0 if by == "month" else 1]
    figures = ["collections", "people", "food_kg", "food_eur", "goods_kg", "goods_eur"]
    zero = Decimal("0")
    groups: dict = {}
    for day in days:
        if by == "day":
            key = (day["date"], day["location__name"], day["programme__name"], day["id"])
            head = {"date": day["date"], "location": day["location__name"], "programme": day["programme__name"],
                    "day_id": day["id"]}
        elif by == "month":
            key = (day["date"].strftime("%Y-%m"),)
            head = {"month": key[0]}
        else:
            key = (day["location__name"], day["location_id"])
            head = {"location": key[0], "location_id": key[1]}
        entry = groups.setdefault(key, {**head, "days": 0, **{f: zero if "_" in f else 0 for f in figures}})
        entry["days"] += 1
        for figure in figures:
            entry[figure] += per_day[day["id"]][figure]
    result = []
    for key in sorted(groups):
        entry = groups[key]
        entry["households"] = (entry["collections"] if by == "day" else
                               households.get(entry["month"] if by == "month" else entry["location_id"], 0))
        if not with_goods:
            for figure in figures[2:]:
                del entry[figure]
        result.append(entry)
    return result


def distribution_overview(period: Period) -> dict:
    """Everything the distribution report shows: {"month", "day", "location": rows of `collections_by` with
    food_kg, food_eur, goods_kg, goods_eur; "items": per item (one pass over the ledger)}."""
    per_day, households = _per_day(period), _distinct_households(period)
    result = {by: collections_by(period, by, with_goods=True, per_day=per_day, households=households)
              for by in ("month", "day", "location")}
    goods = goods_by_item(period)
    items = {i["id"]: i for i in Item.objects.filter(id__in={g["item_id"] for g in goods})
             .values("id", "name_el", "unit", "is_food", "food_group")}
    result["items"] = sorted(({**line, "name": items[line["item_id"]]["name_el"],
                               **{k: items[line["item_id"]][k] for k in ("unit", "is_food", "food_group")}}
                              for line in goods), key=lambda r: r["name"])
    return result


def distribution_by(period: Period, by: str) -> list[dict]:
    """Rows of `distribution_overview` for one breakdown ("month", "day" or "location")."""
    return distribution_overview(period)[by]


def distributed_by_item(period: Period) -> list[dict]:
    """Net quantity, kg and € per item handed out in the period's collections."""
    return distribution_overview(period)["items"]


def refusals_by_reason(period: Period) -> list[dict]:
    """Scans refused at the tables in the period, per outcome (reason), most frequent first (not the
    hand-outs made offline: those left the hall, counted and followed up apart)."""
    from ...models import Scan
    from ..days import NOT_REFUSED

    qs = Scan.objects.exclude(outcome__in=NOT_REFUSED).filter(day__date__gte=period.start,
                                                                      day__date__lte=period.end)
    if period.programme_id:
        qs = qs.filter(day__programme_id=period.programme_id)
    if period.location_id:
        qs = qs.filter(day__location_id=period.location_id)
    labels = dict(Scan.Outcome.choices)
    return [{"outcome": row["outcome"], "label": labels.get(row["outcome"], row["outcome"]), "scans": row["n"]}
            for row in qs.values("outcome").annotate(n=Count("id")).order_by("-n", "outcome")]
