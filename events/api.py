"""Events API: published events for anyone; registrations and check-in for staff (and volunteers at the door).

`POST /checkins` is the endpoint of the shared scan-station widget: it answers with a `display`
object ({level, headline, lines}) the widget shows in big type, and HTTP 201 (admitted), 200 (a
request id seen before: the same answer again), 409 (already admitted) or 422 (other refusals).
"""

import uuid
from datetime import datetime

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from core import offline
from core.api import api_access
from core.api_types import Date, DateTime, Id, StrictSchema
from core.audit import audit
from core.models import AuditLog

from . import selectors
from .models import Event
from .services import door, door_offline

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
    door: str = Field("", max_length=60, description="The door's name, e.g. Κεντρική είσοδος (optional; shown "
                                                 "as where a ticket was let in)")


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
    result = door.check_in_ticket(event, payload.code, request_id=payload.request_id, by=request.user,
                                  door_name=payload.door)
    return Status(result.http_status, result.body)


class DoorCheckedInOut(Schema):
    at: datetime
    door: str = Field(..., description="The door that let the ticket in (may be empty)")


class DoorEntryOut(Schema):
    i: int = Field(..., description="Registration id, the entry's identity for merging deltas")
    k: str = Field(..., description="Keyed hash of the ticket code: base64url of the first 16 bytes of "
                                    "HMAC-SHA256(key, hex SHA-256 of the normalised code: upper case, a link's "
                                    "last part)")
    n: str = Field(..., description="The registrant's name, as the door list shows it")
    p: int = Field(..., description="Places (the party's size)")
    s: str = Field(..., description="Registration status: confirmed, pending, waiting, cancelled, declined")
    r: str | None = Field(None, description="The refusal the door would give (cancelled_registration, "
                                            "not_confirmed, already_checked_in); absent: let in (from admit_from)")
    m: str | None = Field(None, description="The refusal's message, as the online check-in gives it")
    x: DoorCheckedInOut | None = Field(None, description="Already checked in: when, at which door")


class DoorManifestQuery(Schema):
    since: int | None = Field(None, ge=0, le=2**53, description="A `version` received before")


class DoorManifestOut(Schema):
    event: int
    status: str = Field(..., description="published, cancelled: a door forgets a cancelled event's manifest")
    starts_at: datetime
    ends_at: datetime
    admit_from: datetime = Field(..., description="Before this moment a ticket is refused as too_early")
    version: int = Field(..., description="Send it back as `since` to get only what changed after it")
    since: int | None
    full: bool = Field(..., description="true: the whole manifest (replace what you hold); false: changes only")
    key: str = Field(..., description="The event's key (base64url) for the entries' keyed hashes")
    entries: list[DoorEntryOut]
    removed: list[int] = Field(..., description="Registration ids to drop (none so far: registrations stay)")


@router.get("/events/{event_id}/door-manifest", response={200: DoorManifestOut, 403: Message, 404: Message},
            url_name="door_manifest", summary="What a door needs to check tickets in offline",
            description="Every registration of the event with its ticket's keyed hash (the key changes per "
                        "event; no ticket code), the name and places the door shows, its status and the "
                        "refusal the door would give (already checked in: when, at which door). `since` (a "
                        "`version` received before) answers only the registrations changed after it "
                        "(`full: false`). Gzip when asked.")
@api_access("events.check_in", token_now=True)
def door_manifest(request, event_id: Id, params: Query[DoorManifestQuery]):
    # Rendered directly (absent members stay absent); tests/events/test_door_offline.py validates it.
    return offline.json_response(request, door_offline.door_manifest(event_id=event_id, since=params.since,
                                                                     by=request.user))


class OfflineCheckInIn(CheckInIn):
    made_at: DateTime = Field(..., description="When the door scanned the ticket (RFC 3339 with the offset): "
                                                "around the event, not in the future")
    offline: bool = Field(True, description="Decided by the door alone (always true for a queued check-in)")
    answered: str = Field("checked_in", max_length=30,
                          description="What the door answered: checked_in (it let in), or the refusal it gave")


class CheckInBatchIn(StrictSchema):
    checkins: list[OfflineCheckInIn] = Field(..., min_length=1, max_length=offline.BATCH_MOST,
                                             description="The door's queue, oldest first")


class CheckInBatchResultOut(Schema):
    request_id: str
    status: int = Field(..., description="What POST /checkins would have answered for it (201, 200 replay, 409, "
                                         "422, 404)")
    answer: dict = Field(..., description="The check-in's answer (CheckInOut); outcome offline_checkin: let in "
                                          "offline where the server would have refused (an offline double "
                                          "check-in), flagged for the organiser")


class CheckInBatchOut(Schema):
    results: list[CheckInBatchResultOut]


@router.post("/checkins/batch", response={200: CheckInBatchOut, 403: Message}, url_name="checkin_batch",
             summary="Record the check-ins a door made offline, in order",
             description="Each check-in is recorded as POST /checkins would, once per (user, request_id) with "
                         "the same fingerprint (a replayed batch records nothing), at `made_at`. A ticket counts "
                         "once: one let in offline that the server would refuse (another door let it in first…) "
                         "is recorded as an offline check-in and listed for the organiser. One result per "
                         "check-in, in order; one refusal does not stop the others.")
@api_access("events.check_in", token_now=True)
def checkin_batch(request, payload: CheckInBatchIn):
    def record(item):
        if item.offline:
            return door_offline.record_offline_checkin(
                event_id=item.event, code=item.code, request_id=item.request_id, by=request.user,
                made_at=item.made_at, answered=item.answered, door_name=item.door)
        event = door_offline.door_event(item.event)
        return door.check_in_ticket(event, item.code, request_id=item.request_id, by=request.user,
                                    door_name=item.door)

    return JsonResponse({"results": offline.batch_results(payload.checkins, record)})
