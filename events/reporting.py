"""Aggregated reads of events and registrations for the reports app (which no app imports).

Events count by their start; cancelled events are counted apart. Attendance is the places of the
registrations checked in at the door.
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from .models import Event, Registration

CONFIRMED = Q(registrations__status=Registration.Status.CONFIRMED)
WAITING = Q(registrations__status=Registration.Status.WAITING)
ATTENDED = Q(registrations__checkin__isnull=False)


def _events(start, end, location_id=None):
    qs = Event.objects.filter(starts_at__date__gte=start, starts_at__date__lte=end).exclude(status=Event.Status.DRAFT)
    if location_id:
        qs = qs.filter(location_id=location_id)
    return qs


def _figures(qs):
    return qs.annotate(
        events=Count("id", distinct=True),
        cancelled=Count("id", filter=Q(status=Event.Status.CANCELLED), distinct=True),
        capacity=Coalesce(Sum("capacity", filter=~Q(status=Event.Status.CANCELLED)), 0),
    )


def _registrations(start, end, location_id, by):
    qs = Registration.objects.filter(event__in=_events(start, end, location_id))
    if by == "month":
        qs = qs.annotate(month=TruncMonth("event__starts_at"))
    return {row[by]: row for row in qs.values(by).annotate(
        registrations=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
        confirmed_places=Coalesce(Sum("places", filter=Q(status=Registration.Status.CONFIRMED)), 0),
        waiting=Count("id", filter=Q(status=Registration.Status.WAITING)),
        waiting_places=Coalesce(Sum("places", filter=Q(status=Registration.Status.WAITING)), 0),
        attended=Coalesce(Sum("places", filter=Q(checkin__isnull=False)), 0),
        no_show=Count("id", filter=Q(status=Registration.Status.CONFIRMED, checkin__isnull=True)),
    )}


def by_category(start, end, location_id=None) -> list[dict]:
    """Per category: events (cancelled apart), places offered, confirmed registrations and places, people on
    the waiting list, attendance (places checked in) and registrations that did not come."""
    labels = dict(Event.Category.choices)
    events = _figures(_events(start, end, location_id).values("category")).order_by("category")
    registrations = _registrations(start, end, location_id, "event__category")
    empty = {"registrations": 0, "confirmed_places": 0, "waiting": 0, "waiting_places": 0, "attended": 0, "no_show": 0}
    result = [{"category": row["category"], "label": labels.get(row["category"], row["category"]),
             "events": row["events"], "cancelled": row["cancelled"], "capacity": row["capacity"],
             **{k: registrations.get(row["category"], empty)[k] for k in empty}} for row in events]
    for row in result:
        row["places"] = row.pop("confirmed_places")
    return result


def attendance_by_month(start, end, location_id=None) -> list[dict]:
    """Per month: events held, places registered (confirmed) and attendance."""
    months = (_events(start, end, location_id).exclude(status=Event.Status.CANCELLED)
              .annotate(month=TruncMonth("starts_at")).values("month").annotate(events=Count("id"))
              .order_by("month"))
    registrations = _registrations(start, end, location_id, "month")
    result = []
    for row in months:
        figures = registrations.get(row["month"], {})
        result.append({"month": row["month"].strftime("%Y-%m"), "events": row["events"],
                       "places": figures.get("confirmed_places", 0), "attended": figures.get("attended", 0)})
    return result
