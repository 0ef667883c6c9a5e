"""Registrations: register (places, waiting list, approval), cancel, approve, decline, link a
household, and message everyone registered."""

import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog

from ..models import Event, Registration
from . import EventError
from .places import Outbox, lock_event, promote_waiting, release_places, take_places


class AlreadyRegistered(EventError):
    """The phone or e-mail is already on an active registration of the event. Staff are told so; the
    public form answers as if the registration went through and the real registrant gets a message
    (so the form does not tell strangers who is registered)."""

    def __init__(self, registration, message):
        super().__init__(message)
        self.registration = registration


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
        locked = lock_event(event.pk)
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
            take_places(locked, places)
        audit(AuditLog.Action.CREATE, registration, user=by, changes={
            "event": ["", str(locked.pk)], "places": ["", str(places)], "status": ["", status],
            "source": ["", data.source]})
        outbox.confirmations.append(registration)
        outbox.send()  # queued in the transaction: the messages commit or roll back with it
    return registration


def _locked_registration(registration: Registration) -> tuple[Event, Registration]:
    event = lock_event(registration.event_id)
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
            release_places(event, locked.places)
        audit(AuditLog.Action.CHANGE, locked, user=by, changes={
            "status": [previous, Registration.Status.CANCELLED],
            "cancelled_by": ["", "staff" if by else "link"]})
        if by is not None:  # the centre cancelled it: the person must know
            from ..notifications import cancelled_by_centre_message

            outbox.notices.append((locked, cancelled_by_centre_message(event)))
        promote_waiting(event, outbox, now=now)
        outbox.send()  # queued in the transaction: the messages commit or roll back with it
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
        outbox.send()  # queued in the transaction: the messages commit or roll back with it
    return locked


def decline_registration(registration: Registration, *, by, reason: str = "") -> Registration:
    """Staff refuse a registration awaiting approval (or one on the waiting list); its places go on."""
    from ..notifications import declined_message

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
            release_places(event, locked.places)
        audit(AuditLog.Action.CHANGE, locked, user=by,
              changes={"status": [previous, Registration.Status.DECLINED], "reason_given": bool(reason)})
        outbox.notices.append((locked, declined_message(event, reason)))
        promote_waiting(event, outbox)
        outbox.send()  # queued in the transaction: the messages commit or roll back with it
    return locked


@transaction.atomic
def link_household(registration: Registration, household_ref: str, *, by) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    before = locked.household_ref
    locked.household_ref = normalise_household_ref(household_ref)
    locked.save(update_fields=["household_ref", "search_text"])
    audit(AuditLog.Action.CHANGE, locked, user=by, changes={"household_ref": [before, locked.household_ref]})
    return locked


@transaction.atomic
def message_registrations(event: Event, *, subject: str, text: str, statuses, by) -> int:
    """Queue one message to everyone registered with one of `statuses` (the worker sends them; the
    event's page shows their progress); returns how many."""
    recipients = list(event.registrations.filter(status__in=statuses).order_by("id"))
    audit(AuditLog.Action.CHANGE, event, user=by, changes={
        "message_sent": ["", subject], "recipients": ["", str(len(recipients))],
        "statuses": ["", ",".join(statuses)]})
    outbox = Outbox(notices=[(r, (subject, text)) for r in recipients],
                    batch=f"event:{event.pk}:{uuid.uuid4().hex[:8]}")
    outbox.send()
    return len(recipients)
