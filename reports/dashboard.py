"""The coordinator's dashboard: collections per month, stock of key items over time, volunteer hours and
event attendance, as server-side SVG charts with their data tables (see reports/charts.py)."""

from django.utils.translation import gettext as _

from distribution.selectors import reporting as distribution_reporting
from events import reporting as events_reporting
from inventory import reporting as inventory_reporting
from volunteers import reporting as volunteers_reporting

from .charts import Chart, Series


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{number}/{year[2:]}"


def dashboard_charts(period) -> list[Chart]:
    months = distribution_reporting.collections_by(period, "month")
    charts = [Chart(
        "collections", _("Collections per month"), [_month_label(r["month"]) for r in months],
        [Series(_("Collections"), [r["collections"] for r in months]),
         Series(_("Households"), [r["households"] for r in months])],
    )]
    items = inventory_reporting.key_items(until=period.end)
    levels = inventory_reporting.stock_over_time([i.pk for i in items], period.start, period.end, period.location_id)
    labels = [f"{month:02d}/{str(year)[2:]}" for (year, month), _level in (levels[items[0].pk] if items else [])]
    charts.append(Chart(
        "stock", _("Stock of key items at the end of each month"), labels,
        [Series(item.name, [level for _month, level in levels[item.pk]]) for item in items], kind="line",
    ))
    hours: dict = {}
    for row in volunteers_reporting.hours_by_month_and_site(period.start, period.end, period.location_id):
        hours.setdefault(row["month"], {})[row["location"]] = row["hours"]
    sites = sorted({site for per_site in hours.values() for site in per_site})
    charts.append(Chart(
        "hours", _("Volunteer hours per month"), [_month_label(m) for m in sorted(hours)],
        [Series(site, [hours[m].get(site, 0) for m in sorted(hours)]) for site in sites], decimals=1,
    ))
    attendance = events_reporting.attendance_by_month(period.start, period.end, period.location_id)
    charts.append(Chart(
        "events", _("Event places registered and attended"), [_month_label(r["month"]) for r in attendance],
        [Series(_("Registered"), [r["places"] for r in attendance]),
         Series(_("Attended"), [r["attended"] for r in attendance])],
    ))
    return charts
