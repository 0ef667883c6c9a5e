"""Events API: published events for anyone; registrations and check-in for staff (and volunteers at the door).

`POST /checkins` is the endpoint of the shared scan-station widget: it answers with a `display`
object ({level, headline, lines}) the widget shows in big type, and HTTP 201 (admitted), 200 (a
request id seen before: the same answer again), 409 (already admitted) or 422 (other refusals).
"""

import uuid
from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from core.api import api_access
from core.api_types import Date, Id, StrictSchema
from core.audit import audit
from core.models import AuditLog

from . import selectors
from .models import Event
from .services import door

router = Router(tags=["Events"])


class Message(Schema):
    message: str


class LocationRef(Schema):
    id: int
    name: str
    address: str


class EventOut(Schema):
    id: int
    title_el: str
    title_en: str
    description_el: str
    description_en: str
    category: str
    audience: str
    min_age: int | None
    max_age: int | None
    location: LocationRef
    room: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    places_left: int
    max_places_per_registration: int
    registration_open: bool
    requires_approval: bool
    status: str
    series: int | None = Field(None, alias="series_id")

    @staticmethod
    def resolve_registration_open(obj):
        return obj.registration_is_open()


class RegistrationOut(Schema):
    id: int
    event: int = Field(..., alias="event_id")
    name: str
    phone: str
    email: str
    places: int
    status: str
    source: str
    queued_at: datetime
    household_ref: str
    answers: dict
    checked_in_at: datetime | None

    @staticmethod
    def resolve_checked_in_at(obj):
        checkin = getattr(obj, "checkin", None)
        return checkin.at if checkin else None


class CheckInDisplayOut(Schema):
    level: str = Field(..., description="ok | warn | bad")
    headline: str
    lines: list[str]
    action: str | None = Field(None, description="The word the volunteer acts on, shown first: Let in, Do not let in")


class CheckInRegistration(Schema):
    id: int
    event: int
    name: str
    places: int
    status: str
    checked_in_at: str | None


class CheckInIn(StrictSchema):
    code: str = Field(..., min_length=1, max_length=200, description="The scanned ticket code")
    event: Id = Field(..., description="The event at whose door the ticket is scanned")
    request_id: uuid.UUID = Field(..., strict=False, description="Made by the client per scan; a retry sends it again")


class CheckInOut(Schema):
    outcome: str = Field(..., description="checked_in | already_checked_in | unknown_ticket | wrong_event | "
                                          "cancelled_registration | not_confirmed | too_early")
    message: str
    registration: CheckInRegistration | None
    display: CheckInDisplayOut


@router.get("/events", response=list[EventOut], auth=None, summary="Upcoming published events (public)")
def list_events(request, category: str | None = None, location: Id | None = None, audience: str | None = None,
                date_from: Date | None = None):
    events = selectors.public_events()
    if category:
        events = events.filter(category=category)
    if location:
        events = events.filter(location_id=location)
    if audience:
        events = events.filter(audience__in=[audience, Event.Audience.EVERYONE])
    if date_from:
        events = events.filter(starts_at__date__gte=date_from)
    return list(events[:500])


@router.get("/events/{event_id}", response={200: EventOut, 404: Message}, auth=None,
            summary="One published event (public)")
def get_event(request, event_id: Id):
    event = selectors.public_event(event_id)
    if event is None:
        return Status(404, {"message": _("There is no such event.")})
    return Status(200, event)


@router.get("/events/{event_id}/registrations", response={200: list[RegistrationOut], 403: Message},
            summary="Registrations of an event (staff)")
@api_access("events.manage_events")
def list_registrations(request, event_id: Id, status: str | None = None):
    event = get_object_or_404(Event, pk=event_id)
    rows = selectors.registrations_for(event)
    if status:
        rows = rows.filter(status=status)
    audit(AuditLog.Action.VIEW, event, object_repr=f"{event} — API registrations")
    return Status(200, list(rows))


@router.post("/checkins", response={200: CheckInOut, 201: CheckInOut, 409: CheckInOut, 422: CheckInOut,
                                    403: Message, 404: Message},
             summary="Check a ticket in at an event's door (staff, volunteers; the scan station)",
             url_name="events_checkins")
@api_access("events.check_in")
def check_in(request, payload: CheckInIn):
    event = Event.objects.filter(pk=payload.event).exclude(status=Event.Status.DRAFT).first()
    if event is None:
        return Status(404, {"message": _("There is no such event.")})
    result = door.check_in_ticket(event, payload.code, request_id=payload.request_id, by=request.user)
    return Status(result.http_status, result.body)
