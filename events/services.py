"""Every write of the events app: one function per business action, in a transaction, audited.

Places: an event's row is locked (SELECT … FOR UPDATE) before any change to who holds places,
so registrations, cancellations, approvals and capacity changes for one event happen one after
the other. `Event.places_taken` moves only through relative UPDATEs in those transactions, and the
database refuses any value above the capacity (see events.models).

Messages to people go out after the transaction has committed (a failing mail server never undoes
a registration), in the language the person registered in.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from core import idempotency
from core.audit import audit, model_changes, snapshot
from core.models import AuditLog
from core.scanning import StationAnswer, display, scanned_text
from core.text import search_key

from .models import CheckIn, Event, Question, Registration, ScanRequest, new_manage_token

logger = logging.getLogger(__name__)


class EventError(Exception):
    """A business rule refused the action; `message` is for the person (already translated)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


EVENT_FIELDS = [
    "title_el", "title_en", "description_el", "description_en", "category", "audience", "min_age", "max_age",
    "location_id", "room", "starts_at", "ends_at", "capacity", "max_places_per_registration",
    "registration_opens_at", "registration_closes_at", "requires_approval",
]


def validate_event(event: Event) -> None:
    """Rules every saved event obeys (the form shows the same messages next to the fields)."""
    if event.ends_at and event.starts_at and event.ends_at <= event.starts_at:
        raise EventError(_("The event must end after it starts."))
    if event.capacity is not None and event.capacity < 1:
        raise EventError(_("An event needs at least one place."))
    if event.max_places_per_registration and event.capacity and event.max_places_per_registration > event.capacity:
        raise EventError(_("One registration cannot take more places than the event has."))
    if event.min_age is not None and event.max_age is not None and event.min_age > event.max_age:
        raise EventError(_("The minimum age is above the maximum age."))
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and opens >= closes:
        raise EventError(_("Registration must open before it closes."))
    if closes and event.ends_at and closes > event.ends_at:
        raise EventError(_("Registration cannot close after the event has ended."))


@dataclass
class Outbox:
    """Messages decided inside a transaction, sent once it has committed."""

    confirmations: list = field(default_factory=list)
    promotions: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # (registration, subject, text) — text built lazily per language

    def send(self):
        from . import notifications

        for registration in self.confirmations:
            notifications.safely(notifications.send_registration_received, registration)
        for registration in self.promotions:
            notifications.safely(notifications.send_promoted, registration)
        for registration, build in self.notices:
            notifications.safely(notifications.send_notice, registration, build)


class AlreadyRegistered(EventError):
    """The phone or e-mail is already on an active registration of the event. Staff are told so; the
    public form answers as if the registration went through and the real registrant gets a message
    (so the form does not tell strangers who is registered)."""

    def __init__(self, registration, message):
        super().__init__(message)
        self.registration = registration


def _lock_event(event_id) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _take_places(event: Event, places: int) -> None:
    Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") + places)
    event.places_taken += places


def _release_places(event: Event, places: int) -> None:
    Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") - places)
    event.places_taken -= places


def _promote_waiting(event: Event, outbox: Outbox, *, now=None) -> list[Registration]:
    """Fill free places from the waiting list: in queue order, every entry whose group fits.

    A family of four that does not fit yet keeps its place at the head of the queue while a
    person alone behind it takes the single place that came free ("the first entries that fit").
    Call only with the event row locked.
    """
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return []
    free = event.capacity - event.places_taken
    promoted = []
    if free <= 0:
        return promoted
    waiting = (Registration.objects.select_for_update()
               .filter(event=event, status=Registration.Status.WAITING).order_by("queued_at", "id"))
    for registration in waiting:
        if registration.places > free:
            continue
        registration.status = (Registration.Status.PENDING if event.requires_approval
                               else Registration.Status.CONFIRMED)
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _take_places(event, registration.places)
        free -= registration.places
        audit(AuditLog.Action.CHANGE, registration,
              changes={"status": [Registration.Status.WAITING, registration.status], "promoted": ["", str(now)]})
        promoted.append(registration)
        outbox.promotions.append(registration)
        if free == 0:
            break
    return promoted


# --- Events ------------------------------------------------------------------------------------

def save_event(event: Event, *, by, questions: list[dict] | None = None) -> Event:
    """Create or update an event from form data already set on `event`.

    Changing the capacity of an existing event is checked against the places already held (it may
    not drop below them) and more places promote people from the waiting list.
    """
    validate_event(event)
    outbox = Outbox()
    with transaction.atomic():
        if event.pk is None:
            event.created_by = by
            event.save()
            audit(AuditLog.Action.CREATE, event, changes=model_changes({}, snapshot(event, EVENT_FIELDS)), user=by)
        else:
            locked = _lock_event(event.pk)
            before = snapshot(locked, EVENT_FIELDS)
            if event.capacity < locked.places_taken:
                raise EventError(_(
                    "%(taken)s places are already taken: the event cannot have fewer places. "
                    "Cancel or decline registrations first.") % {"taken": locked.places_taken})
            for name in EVENT_FIELDS:
                setattr(locked, name, getattr(event, name))
            locked.save()
            audit(AuditLog.Action.CHANGE, locked, changes=model_changes(before, snapshot(locked, EVENT_FIELDS)),
                  user=by)
            _promote_waiting(locked, outbox)
            event.places_taken = Event.objects.values_list("places_taken", flat=True).get(pk=event.pk)
            event.status, event.published_at = locked.status, locked.published_at
        if questions is not None:
            _replace_questions(event, questions)
    outbox.send()
    return event


def _replace_questions(event: Event, questions: list[dict]) -> None:
    keep = []
    for position, data in enumerate(questions):
        question_id = data.get("id")
        values = {k: data[k] for k in ("label_el", "label_en", "kind", "required") if k in data}
        if question_id:
            Question.objects.filter(pk=question_id, event=event).update(position=position, **values)
            keep.append(question_id)
        else:
            keep.append(Question.objects.create(event=event, position=position, **values).pk)
    event.questions.exclude(pk__in=keep).delete()


@transaction.atomic
def publish_event(event: Event, *, by, now=None) -> Event:
    """Make a draft public. Cancelled events stay cancelled; past events cannot be published."""
    now = now or timezone.now()
    locked = _lock_event(event.pk)
    if locked.status == Event.Status.PUBLISHED:
        raise EventError(_("The event is already published."))
    if locked.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event cannot be published again. Create a new one."))
    if locked.starts_at <= now:
        raise EventError(_("The event has already started: it cannot be published."))
    if not locked.title_el.strip() or not locked.description_el.strip():
        raise EventError(_("A published event needs a Greek title and description."))
    validate_event(locked)
    locked.status = Event.Status.PUBLISHED
    locked.published_at = now
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit(AuditLog.Action.CHANGE, locked, changes={"status": [Event.Status.DRAFT, Event.Status.PUBLISHED]}, user=by)
    event.status, event.published_at = locked.status, locked.published_at
    return locked


@transaction.atomic
def unpublish_event(event: Event, *, by) -> Event:
    """Back to draft, only while nobody has registered (otherwise cancel it, which tells them)."""
    locked = _lock_event(event.pk)
    if locked.status != Event.Status.PUBLISHED:
        raise EventError(_("Only a published event can be taken back to draft."))
    if locked.registrations.exists():
        raise EventError(_("People have registered: cancel the event instead, so that they are told."))
    locked.status = Event.Status.DRAFT
    locked.published_at = None
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit(AuditLog.Action.CHANGE, locked, changes={"status": [Event.Status.PUBLISHED, Event.Status.DRAFT]}, user=by)
    return locked


def cancel_event(event: Event, *, reason: str, by) -> int:
    """Cancel the event and every registration; tell everyone. Returns how many were told."""
    from .notifications import event_cancelled_message

    outbox = Outbox()
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise EventError(_("The event is already cancelled."))
        previous = locked.status
        active = list(Registration.objects.select_for_update().filter(
            event=locked, status__in=[Registration.Status.PENDING, Registration.Status.CONFIRMED,
                                      Registration.Status.WAITING]))
        now = timezone.now()
        for registration in active:
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at"])
            outbox.notices.append((registration, event_cancelled_message(locked, reason)))
        Event.objects.filter(pk=locked.pk).update(places_taken=0)
        locked.status = Event.Status.CANCELLED
        locked.cancelled_at = now
        locked.cancel_reason = reason
        locked.places_taken = 0
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit(AuditLog.Action.CHANGE, locked, user=by, changes={
            "status": [previous, Event.Status.CANCELLED], "reason": ["", reason],
            "registrations_cancelled": ["", str(len(active))]})
    event.status, event.places_taken = locked.status, 0
    outbox.send()
    return len(active)


def add_sessions(event: Event, starts: list, *, by) -> list[Event]:
    """Repeat an event on other dates: same texts, questions, place and length; own places each.

    The new sessions share the series of the first one and start in the same status (a published
    event's new sessions are published at once, if they start in the future).
    """
    duration = event.ends_at - event.starts_at
    first = event.series or event
    created = []
    with transaction.atomic():
        for start in starts:
            session = Event(**{name: getattr(event, name) for name in EVENT_FIELDS})
            session.starts_at, session.ends_at = start, start + duration
            shift = start - event.starts_at
            if event.registration_opens_at:
                session.registration_opens_at = event.registration_opens_at + shift
            if event.registration_closes_at:
                session.registration_closes_at = event.registration_closes_at + shift
            session.series = first
            save_event(session, by=by, questions=[
                {"label_el": q.label_el, "label_en": q.label_en, "kind": q.kind, "required": q.required}
                for q in event.questions.all()])
            if event.status == Event.Status.PUBLISHED:
                publish_event(session, by=by)
            created.append(session)
    return created


# --- Registrations -------------------------------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-./()]")


def normalise_phone(phone: str) -> str:
    return _PHONE_JUNK.sub("", phone or "")


def normalise_household_ref(ref: str) -> str:
    """Household cards print their number as 0000-0123: keep the digits only, so that the reports
    app can match it with the card's number. Other references are kept as typed."""
    ref = (ref or "").strip()
    digits = _PHONE_JUNK.sub("", ref)
    return digits if digits.isdigit() else ref


@dataclass
class RegistrationRequest:
    name: str
    places: int
    phone: str = ""
    email: str = ""
    answers: dict = field(default_factory=dict)
    language: str = "el"
    consent: bool = False
    source: str = Registration.Source.PUBLIC
    household_ref: str = ""
    staff_note: str = ""


def _validate_answers(event: Event, answers: dict) -> dict:
    clean = {}
    for question in event.questions.all():
        value = answers.get(str(question.pk), answers.get(question.pk))
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and question.required:
            raise EventError(_("Please answer: %(question)s") % {"question": question.label})
        if value not in (None, ""):
            clean[str(question.pk)] = value
    return clean


def register(event: Event, data: RegistrationRequest, *, by=None, now=None) -> Registration:
    """Register people for an event: confirmed (or pending approval) when the places fit, else waiting.

    Staff registering someone who phoned may do so while registration is closed to the public,
    and their registrations need no approval (the staff member is the approval).
    """
    now = now or timezone.now()
    by_staff = data.source == Registration.Source.STAFF
    name = (data.name or "").strip()
    phone = normalise_phone(data.phone)
    email = (data.email or "").strip().lower()
    if not name:
        raise EventError(_("Please give your name."))
    if not phone and not email:
        raise EventError(_("Please give a phone number or an e-mail address, so that we can reach you."))
    if not by_staff and not data.consent:
        raise EventError(_("Please agree to how we use your details, or we cannot register you."))
    places = data.places
    if not isinstance(places, int) or places < 1:
        raise EventError(_("Please ask for at least one place."))
    outbox = Outbox()
    with transaction.atomic():
        locked = _lock_event(event.pk)
        if locked.status != Event.Status.PUBLISHED:
            raise EventError(_("This event is not open for registration."))
        if by_staff:
            if locked.ends_at <= now:
                raise EventError(_("The event is over."))
        elif not locked.registration_is_open(now):
            opens, _closes = locked.registration_window()
            if opens and now < opens:
                raise EventError(_("Registration has not opened yet. It opens on %(when)s.") % {
                    "when": timezone.localtime(opens).strftime("%d/%m/%Y %H:%M")})
            raise EventError(_("Registration for this event has closed."))
        if places > locked.max_places_per_registration:
            raise EventError(_("One registration may take at most %(n)s places.") % {
                "n": locked.max_places_per_registration})
        answers = _validate_answers(locked, data.answers or {})
        duplicate = Registration.objects.filter(
            event=locked, status__in=[Registration.Status.PENDING, Registration.Status.CONFIRMED,
                                      Registration.Status.WAITING])
        existing = ((email and duplicate.filter(email=email).first())
                    or (phone and duplicate.filter(phone=phone).first()))
        if existing:
            raise AlreadyRegistered(existing, _(
                "Someone with this phone number or e-mail is already registered for this event. "
                "Use the link in your confirmation to see or change it."))
        if locked.places_left >= places:
            status = (Registration.Status.PENDING if locked.requires_approval and not by_staff
                      else Registration.Status.CONFIRMED)
        else:
            status = Registration.Status.WAITING
        registration = Registration.objects.create(
            event=locked, name=name, phone=phone, email=email, places=places, answers=answers,
            language=data.language if data.language in ("el", "en") else "el", status=status, source=data.source,
            consent_at=now if data.consent else None, queued_at=now,
            household_ref=normalise_household_ref(data.household_ref),
            staff_note=data.staff_note, created_by=by if by_staff else None,
        )
        if registration.holds_places:
            _take_places(locked, places)
        audit(AuditLog.Action.CREATE, registration, user=by, changes={
            "event": ["", str(locked.pk)], "places": ["", str(places)], "status": ["", status],
            "source": ["", data.source]})
        outbox.confirmations.append(registration)
    outbox.send()
    return registration


def _locked_registration(registration: Registration) -> tuple[Event, Registration]:
    event = _lock_event(registration.event_id)
    return event, Registration.objects.select_for_update().get(pk=registration.pk)


def cancel_registration(registration: Registration, *, by=None, now=None) -> Registration:
    """Cancel a registration (from the private link or by staff) or leave the waiting list.

    Places it held go to the waiting list at once.
    """
    now = now or timezone.now()
    outbox = Outbox()
    with transaction.atomic():
        event, locked = _locked_registration(registration)
        if not locked.is_active:
            raise EventError(_("This registration is already cancelled."))
        if by is None and event.starts_at <= now:
            raise EventError(_("The event has started: the registration can no longer be cancelled here."))
        if hasattr(locked, "checkin"):
            raise EventError(_("This person has already been checked in."))
        previous = locked.status
        held = locked.holds_places
        locked.status = Registration.Status.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        if held:
            _release_places(event, locked.places)
        audit(AuditLog.Action.CHANGE, locked, user=by, changes={
            "status": [previous, Registration.Status.CANCELLED],
            "cancelled_by": ["", "staff" if by else "link"]})
        if by is not None:  # the centre cancelled it: the person must know
            from .notifications import cancelled_by_centre_message

            outbox.notices.append((locked, cancelled_by_centre_message(event)))
        _promote_waiting(event, outbox, now=now)
    outbox.send()
    return locked


def approve_registration(registration: Registration, *, by) -> Registration:
    outbox = Outbox()
    with transaction.atomic():
        _event, locked = _locked_registration(registration)
        if locked.status != Registration.Status.PENDING:
            raise EventError(_("Only a registration awaiting approval can be approved."))
        locked.status = Registration.Status.CONFIRMED
        locked.save(update_fields=["status"])
        audit(AuditLog.Action.CHANGE, locked, user=by,
              changes={"status": [Registration.Status.PENDING, Registration.Status.CONFIRMED]})
        outbox.confirmations.append(locked)
    outbox.send()
    return locked


def decline_registration(registration: Registration, *, by, reason: str = "") -> Registration:
    """Staff refuse a registration awaiting approval (or one on the waiting list); its places go on."""
    from .notifications import declined_message

    outbox = Outbox()
    with transaction.atomic():
        event, locked = _locked_registration(registration)
        if locked.status not in (Registration.Status.PENDING, Registration.Status.WAITING):
            raise EventError(_("Only a registration awaiting approval or waiting can be declined."))
        previous, held = locked.status, locked.holds_places
        locked.status = Registration.Status.DECLINED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        if held:
            _release_places(event, locked.places)
        audit(AuditLog.Action.CHANGE, locked, user=by,
              changes={"status": [previous, Registration.Status.DECLINED], "reason_given": bool(reason)})
        outbox.notices.append((locked, declined_message(event, reason)))
        _promote_waiting(event, outbox)
    outbox.send()
    return locked


@transaction.atomic
def link_household(registration: Registration, household_ref: str, *, by) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    before = locked.household_ref
    locked.household_ref = normalise_household_ref(household_ref)
    locked.save(update_fields=["household_ref", "search_text"])
    audit(AuditLog.Action.CHANGE, locked, user=by, changes={"household_ref": [before, locked.household_ref]})
    return locked


def message_registrations(event: Event, *, subject: str, text: str, statuses, by) -> int:
    """Send one message to everyone registered with one of `statuses`; returns how many."""
    recipients = list(event.registrations.filter(status__in=statuses).order_by("id"))
    audit(AuditLog.Action.CHANGE, event, user=by, changes={
        "message_sent": ["", subject], "recipients": ["", str(len(recipients))],
        "statuses": ["", ",".join(statuses)]})
    outbox = Outbox(notices=[(r, (subject, text)) for r in recipients])
    outbox.send()
    return len(recipients)


# --- Reminders -------------------------------------------------------------------------------------

def send_reminders(*, now=None) -> int:
    """Remind everyone confirmed for an event that starts tomorrow (local time). Idempotent.

    Each registration is claimed by a conditional UPDATE before its message goes out, so two runs
    at once (or a rerun) never remind anyone twice.
    """
    from .notifications import safely, send_reminder

    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    due = Registration.objects.filter(
        event__status=Event.Status.PUBLISHED, event__starts_at__date=tomorrow,
        status=Registration.Status.CONFIRMED, reminder_sent_at__isnull=True,
    ).select_related("event", "event__location")
    sent = 0
    for registration in due:
        claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now)
        if claimed and safely(send_reminder, registration):
            sent += 1
    return sent


# --- After the event -----------------------------------------------------------------------------

# What anonymising leaves: the event, places, status, language, source, times, the check-in and the
# household reference (a card number, no name: "households reached" counts it; the household's own
# retention removes the people behind it), so attendance figures do not change. What goes: the name,
# contacts, answers, the staff note and the private link.
ANONYMISED_FIELDS = ("name", "phone", "email", "answers", "staff_note", "search_text", "manage_token",
                     "anonymised_at")


def anonymise_past_registrations(*, older_than_days: int, now=None, by=None) -> int:
    """Remove the people from the registrations of events that ended more than `older_than_days`
    days ago (the consent form promises it once the event's records are closed). The private link
    stops working (a new random secret nobody knows). Idempotent; one audit entry per event.
    Returns how many registrations were anonymised."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(Registration.objects.select_for_update().filter(
            event__ends_at__lt=now - timedelta(days=older_than_days), anonymised_at__isnull=True,
        ).order_by("event_id", "pk"))
        per_event: dict[int, int] = {}
        for registration in due:
            registration.name = registration.phone = registration.email = registration.staff_note = ""
            registration.search_text = search_key(registration.household_ref)
            registration.answers = {}
            registration.manage_token = new_manage_token()
            registration.anonymised_at = now
            per_event[registration.event_id] = per_event.get(registration.event_id, 0) + 1
        # bulk_update skips Registration.save(), which would rebuild search_text from the old values.
        Registration.objects.bulk_update(due, ANONYMISED_FIELDS, batch_size=500)
        for event in Event.objects.filter(pk__in=per_event):
            audit(AuditLog.Action.CHANGE, event, user=by,
                  changes={"registrations anonymised": [None, per_event[event.pk]]})
    return len(due)


# --- Check-in ------------------------------------------------------------------------------------


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


def _decide_checkin(event: Event, code: str, by, method) -> StationAnswer:
    registration = (Registration.objects.select_for_update().select_related("event")
                    .filter(ticket_code=normalise_code(code)).first())
    if registration is None:
        message = _("Unknown ticket. Check the code, or find the name on the list.")
        return _result(UNKNOWN_TICKET, 422, None, message, "bad", _("Unknown ticket"), [message])
    places_line = _("%(n)s places") % {"n": registration.places} if registration.places > 1 else _("1 place")
    if registration.event_id != event.pk:
        other = registration.event
        message = _("This ticket is for another event: %(title)s, %(when)s.") % {
            "title": other.title, "when": timezone.localtime(other.starts_at).strftime("%d/%m/%Y %H:%M")}
        return _result(WRONG_EVENT, 422, registration, message, "bad", _("Wrong event"), [message])
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        message = _("This registration was cancelled.")
        return _result(CANCELLED_REGISTRATION, 422, registration, message, "bad", pgettext("registration", "Cancelled"),
                       [registration.name, message])
    if registration.status != Registration.Status.CONFIRMED:
        message = (_("This registration is on the waiting list, not confirmed.")
                   if registration.status == Registration.Status.WAITING
                   else _("This registration is still awaiting approval."))
        return _result(NOT_CONFIRMED, 422, registration, message, "warn", _("Not confirmed"),
                       [registration.name, places_line, message])
    existing = CheckIn.objects.filter(registration=registration).select_related("by").first()
    early = registration.event.starts_at - timezone.now()
    if existing is None and early > EARLY_ADMISSION:
        when = timezone.localtime(registration.event.starts_at).strftime("%d/%m/%Y %H:%M")
        message = ngettext("Too early: this event starts on %(when)s, in %(days)s day. Not checked in.",
                           "Too early: this event starts on %(when)s, in %(days)s days. Not checked in.",
                           early.days) % {"when": when, "days": early.days}
        return _result(TOO_EARLY, 422, registration, message, "warn", _("Too early"),
                       [registration.name, places_line, message])
    if existing is None:
        try:
            with transaction.atomic():
                CheckIn.objects.create(registration=registration, by=by, method=method)
        except IntegrityError:  # another door admitted this ticket a moment ago
            existing = CheckIn.objects.select_related("by").get(registration=registration)
        else:
            registration = Registration.objects.select_related("checkin").get(pk=registration.pk)
            audit(AuditLog.Action.CREATE, registration.checkin, user=by, changes={"method": ["", method]})
            message = _("Welcome! Registration: %(name)s, %(places)s.") % {"name": registration.name,
                                                                           "places": places_line}
            return _result(CHECKED_IN, 201, registration, message, "ok", _("Checked in"),
                           [registration.name, places_line])
    when = timezone.localtime(existing.at).strftime("%H:%M")
    message = _("Already checked in at %(when)s.") % {"when": when}
    return _result(ALREADY_CHECKED_IN, 409, registration, message, "warn", _("Already checked in"),
                   [registration.name, places_line, message])


def _reused() -> StationAnswer:
    message = str(idempotency.REUSED_MESSAGE)
    return _result(idempotency.REUSED_CODE, 422, None, message, "bad", str(idempotency.REUSED_HEADLINE), [message])


# A ScanRequest row only holds the answer to a request id: forgotten, it is deleted.
answers = idempotency.RequestAnswers(ScanRequest, "body", _reused)
purge_request_ids = answers.purge


def check_in_ticket(event: Event, code: str, *, request_id, by) -> StationAnswer:
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
            result = _decide_checkin(event, code, by, CheckIn.Method.SCAN)
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
                audit(AuditLog.Action.CREATE, checkin, user=by, changes={"method": ["", CheckIn.Method.LIST]})
        elif not checked and existing is not None:
            audit(AuditLog.Action.DELETE, existing, user=by, changes={"at": [str(existing.at), ""]})
            existing.delete()
    return Registration.objects.get(pk=registration.pk)


def activate_language(code):
    """Context manager for messages to one person."""
    return translation.override(code if code in ("el", "en") else "el")
