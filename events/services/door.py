"""Check-in at the door: a scanned ticket (answered once per request id, as the card scan is) and
the door list's ticks."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from core import idempotency
from core.audit import audit
from core.models import AuditLog
from core.scanning import StationAnswer, display, scanned_text

from ..models import CheckIn, Event, Registration, ScanRequest
from . import EventError

CHECKED_IN = "checked_in"
ALREADY_CHECKED_IN = "already_checked_in"
UNKNOWN_TICKET = "unknown_ticket"
WRONG_EVENT = "wrong_event"
CANCELLED_REGISTRATION = "cancelled_registration"
NOT_CONFIRMED = "not_confirmed"
TOO_EARLY = "too_early"
# A ticket scanned more than this before its event starts is not admitted: the door page was opened
# for an event weeks ahead (preparing it), and admitting would use the ticket up. Within the week
# before, a scan admits as always (a door may be tested the day before).
EARLY_ADMISSION = timedelta(days=7)


def normalise_code(code: str) -> str:
    """What scanners send: stray spaces/newlines, a ticket link's last part, any letter case, or the
    keys typed while the keyboard was set to Greek (`core.scanning.scanned_text`)."""
    code = (code or "").strip()
    if "/" in code:
        code = code.rstrip("/").rsplit("/", 1)[-1]
    return scanned_text(code)


def _registration_summary(registration: Registration | None) -> dict | None:
    if registration is None:
        return None
    checkin = getattr(registration, "checkin", None)
    return {
        "id": registration.pk, "event": registration.event_id, "name": registration.name,
        "places": registration.places, "status": registration.status,
        "checked_in_at": checkin.at.isoformat() if checkin else None,
    }


def _result(outcome, status, registration, message, level, headline, lines) -> StationAnswer:
    # The word the volunteer acts on: let in, or not; a second scan of a ticket already used is for the
    # volunteer to judge (the same person coming back in), so it gets none.
    action = None if outcome == ALREADY_CHECKED_IN else LET_IN if level == "ok" else DO_NOT_LET_IN
    return StationAnswer(status, {
        "outcome": outcome, "message": message, "registration": _registration_summary(registration),
        "display": display(level, headline, [x for x in lines if x], action=action),
    })


LET_IN = pgettext_lazy("event door", "Let in")
DO_NOT_LET_IN = pgettext_lazy("event door", "Do not let in")


def places_line(registration: Registration) -> str:
    return _("%(n)s places") % {"n": registration.places} if registration.places > 1 else _("1 place")


def door_refusal(event: Event, registration: Registration, existing: CheckIn | None, now=None) -> StationAnswer | None:
    """What the door answers for a ticket of `event` that will not be let in (cancelled, not confirmed,
    already checked in, too early), or None: let in. `now` None: the time is not judged (the door's
    manifest gives the moment doors admit from). One home for the online scan, the ticket manifest
    and the check-ins synchronised after the network dropped."""
    places = places_line(registration)
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        message = _("This registration was cancelled.")
        return _result(CANCELLED_REGISTRATION, 422, registration, message, "bad", pgettext("registration", "Cancelled"),
                       [registration.name, message])
    if registration.status != Registration.Status.CONFIRMED:
        message = (_("This registration is on the waiting list, not confirmed.")
                   if registration.status == Registration.Status.WAITING
                   else _("This registration is still awaiting approval."))
        return _result(NOT_CONFIRMED, 422, registration, message, "warn", _("Not confirmed"),
                       [registration.name, places, message])
    if existing is not None:
        when = timezone.localtime(existing.at).strftime("%H:%M")
        message = (_("Already checked in at %(when)s, %(door)s.") % {"when": when, "door": existing.door}
                   if existing.door else _("Already checked in at %(when)s.") % {"when": when})
        return _result(ALREADY_CHECKED_IN, 409, registration, message, "warn", _("Already checked in"),
                       [registration.name, places, message])
    early = event.starts_at - now if now is not None else None
    if early is not None and early > EARLY_ADMISSION:
        when = timezone.localtime(event.starts_at).strftime("%d/%m/%Y %H:%M")
        message = ngettext("Too early: this event starts on %(when)s, in %(days)s day. Not checked in.",
                           "Too early: this event starts on %(when)s, in %(days)s days. Not checked in.",
                           early.days) % {"when": when, "days": early.days}
        return _result(TOO_EARLY, 422, registration, message, "warn", _("Too early"),
                       [registration.name, places, message])
    return None


def touch(registration_id, now=None) -> None:
    """The registration changed (its check-in): the door's manifest sends it in the next delta."""
    Registration.objects.filter(pk=registration_id).update(updated_at=now or timezone.now())


def find_ticket(event: Event, code: str) -> tuple[Registration | None, StationAnswer | None]:
    """The registration of a scanned ticket, locked, or the refusal: unknown ticket, another event."""
    registration = (Registration.objects.select_for_update().select_related("event")
                    .filter(ticket_code=normalise_code(code)).first())
    if registration is None:
        message = _("Unknown ticket. Check the code, or find the name on the list.")
        return None, _result(UNKNOWN_TICKET, 422, None, message, "bad", _("Unknown ticket"), [message])
    if registration.event_id != event.pk:
        other = registration.event
        message = _("This ticket is for another event: %(title)s, %(when)s.") % {
            "title": other.title, "when": timezone.localtime(other.starts_at).strftime("%d/%m/%Y %H:%M")}
        return registration, _result(WRONG_EVENT, 422, registration, message, "bad", _("Wrong event"), [message])
    return registration, None


def admitted(registration: Registration, by, *, method=CheckIn.Method.SCAN, at=None, door="") -> StationAnswer:
    """Check the (locked) registration in; raises IntegrityError when another door did a moment ago."""
    with transaction.atomic():
        checkin = CheckIn.objects.create(registration=registration, by=by, method=method, door=door[:60],
                                         **({"at": at} if at is not None else {}))
    touch(registration.pk)
    registration = Registration.objects.select_related("checkin").get(pk=registration.pk)
    audit(AuditLog.Action.CREATE, checkin, user=by, changes={"method": ["", method]})
    places = places_line(registration)
    message = _("Welcome! Registration: %(name)s, %(places)s.") % {"name": registration.name, "places": places}
    return _result(CHECKED_IN, 201, registration, message, "ok", _("Checked in"), [registration.name, places])


def _decide_checkin(event: Event, code: str, by, method, door_name="") -> StationAnswer:
    registration, refused = find_ticket(event, code)
    if refused is not None:
        return refused
    existing = CheckIn.objects.filter(registration=registration).first()
    refusal = door_refusal(event, registration, existing, timezone.now())
    if refusal is not None:
        return refusal
    try:
        return admitted(registration, by, method=method, door=door_name)
    except IntegrityError:  # another door admitted this ticket a moment ago
        existing = CheckIn.objects.get(registration=registration)
        return door_refusal(event, registration, existing)


def _reused() -> StationAnswer:
    message = str(idempotency.REUSED_MESSAGE)
    return _result(idempotency.REUSED_CODE, 422, None, message, "bad", str(idempotency.REUSED_HEADLINE), [message])


# A ScanRequest row only holds the answer to a request id: forgotten, it is deleted.
answers = idempotency.RequestAnswers(ScanRequest, "body", _reused)
purge_request_ids = answers.purge


def check_in_ticket(event: Event, code: str, *, request_id, by, door_name="") -> StationAnswer:
    """Admit a scanned ticket at the door of `event`. Idempotent per request id of the user `by`.

    A repeated request id (the scanner's network retried) with the same event and code gets the
    first answer again with HTTP 200; with another event or code, 422 `request_id_reused` and nothing
    done (core.idempotency.RequestAnswers, shared with the card scan). A ticket counts once: the
    registration row is locked, and the one-to-one check-in row makes a second admission impossible
    in the database as well.
    """
    fingerprint = idempotency.fingerprint(event.pk, code)

    def act() -> StationAnswer:
        with transaction.atomic():
            result = _decide_checkin(event, code, by, CheckIn.Method.SCAN, door_name)
            ScanRequest.objects.create(request_id=request_id, request_fingerprint=fingerprint, event=event,
                                       code=code[:200], outcome=result.outcome, http_status=result.status,
                                       body=result.body, by=by)
        return result

    return answers.answer_once(act, request_id=request_id, by=by, fingerprint=fingerprint, look_first=True)


def set_checked_in(registration: Registration, checked: bool, *, by) -> Registration:
    """Tick (or untick, to correct a mistake) a registration on the door list."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        existing = CheckIn.objects.filter(registration=locked).first()
        if checked and existing is None:
            if locked.status != Registration.Status.CONFIRMED:
                raise EventError(_("Only confirmed registrations can be checked in."))
            try:
                with transaction.atomic():
                    checkin = CheckIn.objects.create(registration=locked, by=by, method=CheckIn.Method.LIST)
            except IntegrityError:
                pass
            else:
                touch(locked.pk)
                audit(AuditLog.Action.CREATE, checkin, user=by, changes={"method": ["", CheckIn.Method.LIST]})
        elif not checked and existing is not None:
            audit(AuditLog.Action.DELETE, existing, user=by, changes={"at": [str(existing.at), ""]})
            existing.delete()
            touch(locked.pk)
    return Registration.objects.get(pk=registration.pk)
