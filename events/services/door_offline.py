"""The door when the network drops: the event's ticket manifest, and the check-ins a door made offline,
recorded when the network is back (the same machinery as the distribution table: core.offline).

* Manifest (`door_manifest`): for every registration of the event, an entry with its id (`i`, the
  identity deltas merge on), a keyed hash of its ticket code (`k`, never the code), what the door
  page shows (the name, the places), the status, the refusal the door would give now (`r`, `m`:
  cancelled, not confirmed, already checked in, with where and when in `x`) and nothing more (no
  contact, no answer). The moment from which tickets are let in (`admit_from`) is the manifest's: a
  door judges "too early" by its clock. Keyed per event (`Event.door_salt`), versioned with deltas
  (`since`; a registration or its check-in changing moves `Registration.updated_at`). The first
  whole manifest a user takes is audited (the names leave the server).
* Sync (`record_offline_checkin`): each queued check-in with its original request id (answered once
  per user and id, with the online scan's fingerprint: a request the server answered before the
  door gave up waiting gets that answer back; a replayed batch records nothing new), the time it was
  made (`made_at`) and what the door answered (`answered`).
  - Let in offline, and the server agrees: a normal check-in at `made_at` (method "offline").
  - Let in offline where the server would refuse (another door, also offline, let the ticket in
    first; a registration cancelled after the manifest was taken): the person is inside all the
    same. The ticket still counts once (the one check-in); an `OfflineCheckIn` records the second
    admission with the server's reason and the check-in that stands, and the organiser follows it up
    on the door and event pages (`selectors.offline_checkins`).
  - Refused offline: nobody was let in; recorded with the server's refusal (or the door's, when the
    server would have let in: its manifest was behind).
  - The request id was answered online with a refusal (a check-in the server could not make at that
    moment) and the door, not hearing back, let the person in offline: the stored answer becomes the
    offline admission, so it is not lost.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import idempotency, offline
from core.audit import audit
from core.models import AuditLog
from core.refusals import Refusal
from core.scanning import StationAnswer

from ..models import CheckIn, Event, OfflineCheckIn, Registration, ScanRequest
from . import door
from .door import ALREADY_CHECKED_IN, CHECKED_IN, EARLY_ADMISSION, LET_IN, _result, answers

OFFLINE_CHECKIN = "offline_checkin"
OUTCOMES = {door.CHECKED_IN, door.ALREADY_CHECKED_IN, door.UNKNOWN_TICKET, door.WRONG_EVENT,
            door.CANCELLED_REGISTRATION, door.NOT_CONFIRMED, door.TOO_EARLY}
# Doors are set up before the doors open; a check-in made this long before the event starts is refused.
EARLIEST = EARLY_ADMISSION


class DoorRequestError(Refusal):
    code = "unprocessable"
    status = 422


def door_event(event_id) -> Event:
    event = Event.objects.filter(pk=event_id).exclude(status=Event.Status.DRAFT).first()
    if event is None:
        raise DoorRequestError(_("There is no such event."), status=404, code="event_not_found")
    return event


def door_key(event: Event) -> bytes:
    if not event.door_salt:
        event.door_salt = offline.draw_salt(Event, event.pk, "door_salt")
    return offline.manifest_key("door", event.pk, event.door_salt)


def ticket_hash(key: bytes, ticket_code: str) -> str:
    """An entry's `k`: the station normalises what it read (door.normalise_code), hashes it with
    SHA-256 (hex) and then with the event's key."""
    return offline.keyed_hash(key, offline.sha256_hex(ticket_code))


def _entry(event, key, registration, checkin) -> dict:
    entry = {"i": registration.pk, "k": ticket_hash(key, registration.ticket_code), "n": registration.name,
             "p": registration.places, "s": registration.status}
    refusal = door.door_refusal(event, registration, checkin)
    if refusal is not None:
        entry.update({"r": refusal.outcome, "m": refusal.body["message"]})
        if checkin is not None and refusal.outcome == ALREADY_CHECKED_IN:
            entry["x"] = {"at": checkin.at.isoformat(), "door": checkin.door}
    return entry


def door_manifest(*, event_id, since=None, by=None) -> dict:
    """The event's ticket manifest (or its changes after the version `since`). Raises DoorRequestError (404)."""
    now = timezone.now()
    event = door_event(event_id)
    window = offline.window(since, owner_changed_at=event.updated_at, now=now)
    registrations = Registration.objects.filter(event=event).select_related("checkin").order_by("pk")
    if not window.full:
        registrations = registrations.filter(updated_at__gte=window.after)
    key = door_key(event)
    entries = [_entry(event, key, registration, getattr(registration, "checkin", None))
               for registration in registrations.only("pk", "name", "places", "status", "ticket_code", "event_id",
                                                      "checkin__at", "checkin__door")]
    if window.full:  # the names leave the server; deltas (every few seconds) are not audited one by one
        audit(AuditLog.Action.EXPORT, event, user=by, changes={"door_manifest_entries": len(entries)})
    return {"event": event.pk, "status": event.status, "starts_at": event.starts_at, "ends_at": event.ends_at,
            "admit_from": event.starts_at - EARLY_ADMISSION, "version": window.version, "since": since,
            "full": window.full, "key": offline.key_text(key), "entries": entries, "removed": []}


def _let_in_offline(event, registration, refusal, *, by, made_at, door_name, request) -> StationAnswer:
    existing = CheckIn.objects.filter(registration=registration).select_related("by").first() \
        if refusal.outcome == ALREADY_CHECKED_IN else None
    if existing is not None:
        message = _("Let in offline, but the ticket had already been checked in at %(when)s%(door)s: recorded as "
                    "an offline double check-in for the organiser.") % {
            "when": timezone.localtime(existing.at).strftime("%H:%M"),
            "door": f", {existing.door}" if existing.door else ""}
    else:
        message = _("Let in offline, but the server refuses it: %(reason)s Recorded for the organiser.") % {
            "reason": refusal.body["message"]}
    answer = _result(OFFLINE_CHECKIN, 201, registration, message, "warn", _("Let in offline: to follow up"),
                     [registration.name, door.places_line(registration), message])
    answer.body["display"]["action"] = str(LET_IN)
    found = OfflineCheckIn.objects.create(event=event, registration=registration, reason=refusal.outcome,
                                          checkin=existing, door=door_name[:60], at=made_at, by=by, request=request)
    door.touch(registration.pk)
    audit(AuditLog.Action.CREATE, found, user=by, changes={"reason": refusal.outcome, "door": door_name,
                                                            "checkin": existing.pk if existing else None})
    return answer


def _answer(event, code, *, by, made_at, answered, door_name):
    """The answer to one queued check-in, and a function that records the OfflineCheckIn (if any) once the
    ScanRequest holding the answer exists."""
    registration, refused = door.find_ticket(event, code)
    if refused is not None:
        return refused, None
    existing = CheckIn.objects.filter(registration=registration).first()
    refusal = door.door_refusal(event, registration, existing, made_at)
    if answered != CHECKED_IN:
        if refusal is not None:
            return refusal, None
        # The server would have let in, the door did not (its manifest was behind): nobody came in.
        outcome = answered if answered in OUTCOMES else door.NOT_CONFIRMED
        message = _("Refused at the door while offline.")
        return _result(outcome, 409 if outcome == ALREADY_CHECKED_IN else 422, registration, message, "bad",
                       _("Refused offline"), [registration.name, message]), None
    if refusal is None:
        return door.admitted(registration, by, method=CheckIn.Method.OFFLINE, at=made_at, door=door_name), None
    return None, lambda request: _let_in_offline(event, registration, refusal, by=by, made_at=made_at,
                                                  door_name=door_name, request=request)


def _check_made_at(event, made_at, now):
    if not offline.made_at_in_range(made_at, earliest=event.starts_at - EARLIEST, now=now):
        raise DoorRequestError(
            _("The time the ticket was scanned (%(at)s) is not around this event or is in the future: check the "
              "door's clock.") % {"at": timezone.localtime(made_at).strftime("%d/%m/%Y %H:%M")},
            code="made_at_out_of_range")


def _convert_stored_refusal(event, code, *, request_id, by, fingerprint, made_at, door_name):
    """The request id was answered online with a refusal the door never heard; the door let the person
    in offline. The stored answer becomes that admission (once: it is then an offline check-in or a
    check-in, and a replay gets it). None when there is nothing to convert."""
    with transaction.atomic():
        stored = (ScanRequest.objects.select_for_update().filter(by=by, request_id=request_id,
                                                                 request_fingerprint=fingerprint)
                  .exclude(outcome__in=[CHECKED_IN, OFFLINE_CHECKIN]).first())
        if stored is None or stored.http_status < 400 or stored.outcome in (door.UNKNOWN_TICKET, door.WRONG_EVENT) \
                or idempotency.expired(stored.at):
            return None
        answer, later = _answer(event, code, by=by, made_at=made_at, answered=CHECKED_IN, door_name=door_name)
        if later is not None:
            answer = later(stored)
        stored.outcome, stored.http_status, stored.body = answer.outcome, answer.status, answer.body
        stored.save(update_fields=["outcome", "http_status", "body"])
    return StationAnswer(answer.status, answer.body)


def record_offline_checkin(*, event_id, code, request_id, by, made_at, answered=CHECKED_IN,
                           door_name="") -> StationAnswer:
    """Record one check-in a door decided offline (see the module docstring). Raises DoorRequestError."""
    event = door_event(event_id)
    _check_made_at(event, made_at, timezone.now())
    fingerprint = idempotency.fingerprint(event.pk, code)  # the online scan's: the same request either way
    if answered == CHECKED_IN:
        converted = _convert_stored_refusal(event, code, request_id=request_id, by=by, fingerprint=fingerprint,
                                            made_at=made_at, door_name=door_name)
        if converted is not None:
            return converted

    def act() -> StationAnswer:
        with transaction.atomic():
            answer, later = _answer(event, code, by=by, made_at=made_at, answered=answered, door_name=door_name)
            request = ScanRequest(request_id=request_id, request_fingerprint=fingerprint, event=event,
                                  code=code[:200], outcome="", http_status=0, body={}, at=timezone.now(), by=by)
            request.save()
            if later is not None:
                answer = later(request)
            request.outcome, request.http_status, request.body = answer.outcome, answer.status, answer.body
            request.save(update_fields=["outcome", "http_status", "body"])
        return answer

    return answers.answer_once(act, request_id=request_id, by=by, fingerprint=fingerprint, look_first=True)
