"""Read queries of the events app (views, API, feeds, and the reports app)."""

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import CheckIn, Event, OfflineCheckIn, Registration

# The server's answer to a ticket let in offline, as the organiser reads it.
OFFLINE_REASONS = {
    "already_checked_in": _("Already checked in"),
    "cancelled_registration": pgettext_lazy("registration", "Cancelled"),
    "not_confirmed": _("Not confirmed"),
    "too_early": _("Too early"),
}


def public_events():
    """Events the public may see in lists and feeds: published, not yet over."""
    return (Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gt=timezone.now())
            .select_related("location").order_by("starts_at", "id"))


def public_event(pk: int) -> Event | None:
    """One event's public page: published, or cancelled after having been published (so that
    people holding its link learn that it is off). Drafts are never public."""
    return (Event.objects.select_related("location")
            .filter(pk=pk, published_at__isnull=False,
                    status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]).first())


def other_sessions(event: Event):
    first_id = event.series_id or event.pk
    return (public_events().filter(Q(pk=first_id) | Q(series_id=first_id)).exclude(pk=event.pk))


def registration_by_link(token: str) -> Registration | None:
    if not token or len(token) < 20:
        return None
    return (Registration.objects.select_related("event", "event__location")
            .filter(manage_token=token).first())


def waiting_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, status=Registration.Status.WAITING).filter(
        Q(queued_at__lt=registration.queued_at) | Q(queued_at=registration.queued_at, pk__lt=registration.pk))
    return ahead.count() + 1


def registrations_for(event: Event):
    return (Registration.objects.filter(event=event).select_related("checkin", "created_by")
            .order_by("queued_at", "id"))


def door_list(event: Event):
    """Who may come in: confirmed registrations, by name."""
    return (Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
            .select_related("checkin").order_by("name", "id"))


def event_counts(event: Event) -> dict:
    rows = Registration.objects.filter(event=event)
    totals = rows.aggregate(
        confirmed=Coalesce(Sum("places", filter=Q(status=Registration.Status.CONFIRMED)), 0),
        pending=Coalesce(Sum("places", filter=Q(status=Registration.Status.PENDING)), 0),
        waiting=Coalesce(Sum("places", filter=Q(status=Registration.Status.WAITING)), 0),
        waiting_entries=Count("id", filter=Q(status=Registration.Status.WAITING)),
        checked_in=Coalesce(Sum("places", filter=Q(checkin__isnull=False)), 0),
        checked_in_entries=Count("id", filter=Q(checkin__isnull=False)),
    )
    totals["capacity"] = event.capacity
    totals["places_left"] = event.places_left
    return totals


def todays_events(now=None):
    """Events at the door today (for volunteers' check-in)."""
    today = timezone.localtime(now or timezone.now()).date()
    return (Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__date__lte=today,
                                 ends_at__date__gte=today).select_related("location").order_by("starts_at"))


# The door lists events that ended up to this long ago (late-comers, a list to finish) ...
DOOR_AFTER_END = timedelta(hours=6)
# ... and those starting within this time (a door prepared the evening before, or for the weekend).
DOOR_AHEAD = timedelta(days=7)


def door_events(now=None):
    """Published events a door may be opened for: running now (also past midnight), starting within
    DOOR_AHEAD, or ended within DOOR_AFTER_END; soonest first."""
    now = now or timezone.now()
    return (Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gte=now - DOOR_AFTER_END,
                                 starts_at__lte=now + DOOR_AHEAD)
            .select_related("location").order_by("starts_at", "pk"))


def attendance_by_event(start, end):
    """Per event in [start, end] (dates): places offered, confirmed, attended (people checked in)."""
    return (Event.objects.filter(starts_at__date__gte=start, starts_at__date__lte=end)
            .exclude(status=Event.Status.DRAFT).select_related("location")
            .annotate(
                confirmed_places=Coalesce(Sum("registrations__places",
                                              filter=Q(registrations__status=Registration.Status.CONFIRMED)), 0),
                attended_places=Coalesce(Sum("registrations__places",
                                             filter=Q(registrations__checkin__isnull=False)), 0),
                registrations_count=Count("registrations", filter=Q(
                    registrations__status=Registration.Status.CONFIRMED)),
                households_reached=Count("registrations__household_ref", distinct=True, filter=Q(
                    registrations__checkin__isnull=False) & ~Q(registrations__household_ref="")),
            ).order_by("starts_at"))


def attendance_by_category(start, end) -> list[dict]:
    """Per category in [start, end]: events held, places offered, confirmed and attended."""
    rows = {}
    for event in attendance_by_event(start, end):
        row = rows.setdefault(event.category, {
            "category": event.category, "label": event.get_category_display(), "events": 0, "cancelled": 0,
            "capacity": 0, "confirmed_places": 0, "attended_places": 0})
        if event.status == Event.Status.CANCELLED:
            row["cancelled"] += 1
            continue
        row["events"] += 1
        row["capacity"] += event.capacity
        row["confirmed_places"] += event.confirmed_places
        row["attended_places"] += event.attended_places
    return sorted(rows.values(), key=lambda r: str(r["label"]))


def checkins_count(event: Event) -> int:
    return CheckIn.objects.filter(registration__event=event).count()


def offline_checkins(event: Event) -> list[dict]:
    """Tickets a door let in offline that the server would have refused, oldest first: the registration
    (name, places), the server's reason, the offline admission (door, volunteer, time) and, for a double
    check-in, the check-in that stands (door, volunteer, time)."""
    def who(user) -> str:
        return (user.get_full_name() or user.get_username()) if user is not None else "—"

    found = (OfflineCheckIn.objects.filter(event=event)
             .select_related("registration", "by", "checkin__by").order_by("at", "id"))
    return [{
        "id": row.pk, "name": row.registration.name, "places": row.registration.places, "reason": row.reason,
        "reason_label": OFFLINE_REASONS.get(row.reason, row.reason),
        "offline": {"door": row.door, "by": who(row.by), "at": row.at, "recorded_at": row.recorded_at},
        "standing": ({"door": row.checkin.door, "by": who(row.checkin.by), "at": row.checkin.at,
                      "method": row.checkin.get_method_display()} if row.checkin is not None else None),
    } for row in found]
