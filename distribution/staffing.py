"""The volunteers a distribution day needs, per time slot, for the planner (core.staffing).

Households given a slot are expected in it; a day without slots expects the households enrolled in
its programme, spread over its hours. One table per STAFFING_HOUSEHOLDS_PER_TABLE_HOUR households an
hour; at least one volunteer per table, STAFFING_VOLUNTEERS_PER_TABLE wanted; a Romani speaker at a
branch (the Roma branch) when STAFFING_ROMANI_AT_BRANCH."""

from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Location
from core.staffing import Need, setting, tables_for


def _at(day, clock):
    return timezone.make_aware(datetime.combine(day, clock))


def _need(key, day, start, end, households, location, source) -> Need | None:
    hours = (datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() / 3600
    tables = tables_for(households, hours)
    if not tables:
        return None
    per_table = max(int(setting("STAFFING_VOLUNTEERS_PER_TABLE", 2)), 1)
    languages = ("rom",) if location.kind == Location.Kind.BRANCH and setting("STAFFING_ROMANI_AT_BRANCH", True) else ()
    return Need(key=key, location_id=location.pk, starts_at=_at(day, start), ends_at=_at(day, end),
                role="distribution", minimum=tables, target=tables * per_table, languages=languages, source=source,
                detail=_("%(n)s households in %(h)s h: %(t)s table(s)") % {"n": households, "h": round(hours, 1),
                                                                          "t": tables})


def day_needs(start, end) -> list[Need]:
    from .models import DistributionDay, Enrolment

    days = (DistributionDay.objects.filter(status=DistributionDay.Status.PLANNED,
                                           date__gte=timezone.localtime(start).date(),
                                           date__lte=timezone.localtime(end).date())
            .select_related("location", "programme")
            .prefetch_related("slots"))
    result = []
    for day in days:
        source = _("Distribution day %(day)s") % {"day": day}
        slots = list(day.slots.annotate(households=Count("assignments")))
        if slots:
            for slot in slots:
                need = _need(f"distribution.slot:{slot.pk}", day.date, slot.starts_at, slot.ends_at,
                             slot.households, day.location, source)
                if need:
                    result.append(need)
            continue
        households = Enrolment.objects.current_on(day.date).filter(programme=day.programme).values(
            "household").distinct().count()
        need = _need(f"distribution.day:{day.pk}", day.date, day.starts_at, day.ends_at, households, day.location,
                     source)
        if need:
            result.append(need)
    return [n for n in result if start <= n.starts_at < end]
