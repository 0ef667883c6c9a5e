"""Aggregated reads of shifts and assignments for the reports app (which no app imports).

Shifts count by their start; cancelled shifts are left out. Hours are the approved hours only.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from .models import Assignment, Shift

ZERO = Decimal("0")


def _shifts(start, end, location_id=None):
    qs = Shift.objects.filter(cancelled_at__isnull=True, starts_at__date__gte=start, starts_at__date__lte=end)
    if location_id:
        qs = qs.filter(location_id=location_id)
    return qs


def hours_by_month_and_site(start, end, location_id=None) -> list[dict]:
    """Approved hours, shifts served and volunteers per month and location."""
    qs = Assignment.objects.filter(hours_approved_at__isnull=False, shift__in=_shifts(start, end, location_id))
    rows = (qs.annotate(month=TruncMonth("starts_at")).values("month", "shift__location__name")
            .annotate(hours=Coalesce(Sum("hours"), ZERO), assignments=Count("id"),
                      volunteers=Count("volunteer_id", distinct=True))
            .order_by("month", "shift__location__name"))
    return [{"month": r["month"].strftime("%Y-%m"), "location": r["shift__location__name"], "hours": r["hours"],
             "assignments": r["assignments"], "volunteers": r["volunteers"]} for r in rows]


def shifts_by_month(start, end, location_id=None) -> list[dict]:
    """Per month: shifts, places offered, places filled (assigned or confirmed), fill rate (%), shifts below
    their minimum, people present and no-shows (attendance recorded)."""
    active = Q(assignments__status__in=Assignment.ACTIVE)
    shifts = (_shifts(start, end, location_id).annotate(filled=Count("assignments", filter=active))
              .annotate(month=TruncMonth("starts_at")).values("month", "max_people", "min_people", "filled"))
    months: dict = {}
    for shift in shifts.iterator():
        entry = months.setdefault(shift["month"].strftime("%Y-%m"),
                                  {"shifts": 0, "places": 0, "filled": 0, "understaffed": 0})
        entry["shifts"] += 1
        entry["places"] += shift["max_people"]
        entry["filled"] += min(shift["filled"], shift["max_people"])
        entry["understaffed"] += shift["filled"] < shift["min_people"]
    attendance = (Assignment.objects.filter(shift__in=_shifts(start, end, location_id))
                  .annotate(month=TruncMonth("starts_at")).values("month")
                  .annotate(present=Count("id", filter=Q(attendance=Assignment.Attendance.PRESENT)),
                            no_show=Count("id", filter=Q(attendance=Assignment.Attendance.NO_SHOW))))
    for row in attendance:
        entry = months.setdefault(row["month"].strftime("%Y-%m"),
                                  {"shifts": 0, "places": 0, "filled": 0, "understaffed": 0})
        entry.update(present=row["present"], no_show=row["no_show"])
    result = []
    for month, entry in sorted(months.items()):
        places = entry["places"]
        result.append({"month": month, **{"present": 0, "no_show": 0}, **entry,
                       "fill_rate": (Decimal(entry["filled"] * 100) / places).quantize(Decimal("0.1"))
                       if places else None})
    return result
