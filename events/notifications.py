"""Messages to the people who registered: in their own language, by e-mail and/or SMS, queued in
the outbox inside the transaction that decided them (core.messaging; the worker sends them).

The confirmation e-mail carries the ticket's QR code as an inline image (made when it is sent, from
the ticket code the outbox keeps); the SMS carries the private link.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.messaging import first_phone, fit_sms, notify, queue_message
from core.models import Centre
from core.throttle import allow

from .models import Event, Registration

logger = logging.getLogger(__name__)


def safely(function, *args) -> bool:
    """Send, but never let a mail server or SMS gateway failure undo what was already saved."""
    try:
        function(*args)
    except Exception:  # noqa: BLE001 - the registration stands; the failure is logged for staff
        first = args[0] if args else None  # its id only: a registration's text holds a name
        logger.exception("Could not send %s for %s %s", function.__name__, type(first).__name__,
                         getattr(first, "pk", ""))
        return False
    return True


def private_link(registration: Registration) -> str:
    return absolute_url(reverse("events:manage", args=[registration.manage_token]))


def _when(event: Event) -> str:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"
    return f"{start:%d/%m/%Y %H:%M} – {end:%d/%m/%Y %H:%M}"


def _place(event: Event) -> str:
    parts = [event.location.name, event.room, event.location.address]
    return ", ".join(p for p in parts if p)


def _short(event: Event, link: str) -> dict:
    """The values of an SMS: the title and place shrink to fit (core.messaging.fit_sms); the date,
    time, link and the centre's phone never do."""
    start = timezone.localtime(event.starts_at)
    return {"title": event.title, "date": formats.date_format(start.date(), "D d/m"), "time": f"{start:%H:%M}",
            "place": event.location.name, "link": link,
            "phone": first_phone(Centre.current().phones)}


def registration_sms(registration: Registration) -> str:
    values = _short(registration.event, private_link(registration))
    shrink = ("title", "place")
    if registration.status == Registration.Status.CONFIRMED:
        return fit_sms(_("Registration confirmed: %(title)s, %(date)s %(time)s, %(place)s. Ticket: %(link)s"),
                       values, shrink=shrink)
    if registration.status == Registration.Status.WAITING:
        return fit_sms(_("Waiting list: %(title)s, %(date)s %(time)s. We will tell you if a place frees up: "
                         "%(link)s"), values, shrink=shrink)
    return fit_sms(_("Registration received: %(title)s, %(date)s %(time)s. Details: %(link)s"), values, shrink=shrink)


def _context(registration: Registration) -> dict:
    event = registration.event
    return {"registration": registration, "event": event, "when": _when(event), "place": _place(event),
            "link": private_link(registration), "centre": Centre.current()}


def send_registration_received(registration: Registration) -> None:
    """After registering (or approval): the ticket when confirmed, else what happens next."""
    registration = Registration.objects.select_related("event", "event__location").get(pk=registration.pk)
    with translation.override(registration.language):
        context = _context(registration)
        if registration.status == Registration.Status.CONFIRMED:
            subject = _("Your ticket: %(title)s") % {"title": registration.event.title}
        elif registration.status == Registration.Status.WAITING:
            subject = _("You are on the waiting list: %(title)s") % {"title": registration.event.title}
        else:
            subject = _("We received your registration: %(title)s") % {"title": registration.event.title}
        email_ok, phone_ok = _allowance(registration)
        common = {"about": registration, "language": registration.language, "kind": "event_registration"}
        if registration.email and email_ok:
            text = render_to_string("events/email/registration.txt", context)
            html = render_to_string("events/email/registration.html", context)
            qr = ([{"qr": registration.ticket_code, "cid": "ticket-qr", "filename": "ticket.png"}]
                  if registration.status == Registration.Status.CONFIRMED else [])
            queue_message(channel="email", to=registration.email, subject=subject, text=text, html=html,
                          attachments=qr, **common)
        if registration.phone and phone_ok:
            queue_message(channel="sms", to=registration.phone, subject=subject, text=registration_sms(registration),
                          **common)


def _allowance(registration: Registration) -> tuple[bool, bool]:
    """Whether a message that a public sign-up triggered may still go to this e-mail and this phone:
    at most EVENTS_MESSAGES_PER_CONTACT_PER_DAY a day to one address or number, so that nobody can
    use the form (register, cancel, register again) to flood someone else's phone. Messages staff
    send are not counted."""
    if registration.source != Registration.Source.PUBLIC:
        return True, True
    limit = getattr(settings, "EVENTS_MESSAGES_PER_CONTACT_PER_DAY", 3)
    email_ok = bool(registration.email) and allow("events:message", registration.email.lower(), limit=limit,
                                                  seconds=24 * 3600)
    phone_ok = bool(registration.phone) and allow("events:message", registration.phone, limit=limit,
                                                  seconds=24 * 3600)
    if not (email_ok or not registration.email) or not (phone_ok or not registration.phone):
        logger.warning("A message for registration %s was not sent: over the day's allowance", registration.pk)
    return email_ok, phone_ok


def send_already_registered(registration: Registration) -> None:
    """Someone used this person's phone or e-mail to sign up again: the person is told (within the
    same daily allowance), and the public form answered as if a new registration was made."""
    registration = Registration.objects.select_related("event", "event__location").get(pk=registration.pk)
    email_ok, phone_ok = _allowance(registration)
    with translation.override(registration.language):
        subject = _("You are already registered: %(title)s") % {"title": registration.event.title}
        text = _("Someone tried to register again for “%(title)s” with your phone number or e-mail. Your "
                 "registration stands; see or change it here: %(link)s") % {
            "title": registration.event.title, "link": private_link(registration)}
        notify(email=registration.email if email_ok else "", phone=registration.phone if phone_ok else "",
               subject=subject, text=text, about=registration, language=registration.language,
               kind="event_already_registered")


def send_promoted(registration: Registration) -> None:
    """A place came free: the person moves up from the waiting list (and gets the ticket)."""
    send_registration_received(registration)


def send_notice(registration: Registration, build, batch: str = "") -> None:
    """A plain notice: `build` is (subject, text[, sms]) or a callable giving them in the current
    language. Without its own SMS text (a message staff wrote), the SMS is the subject and the text,
    shortened to fit two parts, and the link."""
    registration = Registration.objects.select_related("event", "event__location").get(pk=registration.pk)
    with translation.override(registration.language):
        built = build() if callable(build) else build
        subject, text = built[0], built[1]
        link = private_link(registration)
        footer = "\n\n" + _("Your registration: %(link)s") % {"link": link}
        values = {**_short(registration.event, link), "subject": str(subject), "text": " ".join(str(text).split())}
        sms = built[2] if len(built) > 2 else "%(subject)s: %(text)s %(link)s"
        notify(email=registration.email, phone=registration.phone, subject=str(subject), text=str(text) + footer,
               sms=fit_sms(str(sms), values, shrink=("text", "subject", "title", "place")), about=registration,
               language=registration.language, kind="event_notice", batch=batch)


def send_reminder(registration: Registration) -> None:
    with translation.override(registration.language):
        context = _context(registration)
        subject = _("Reminder: %(title)s tomorrow") % {"title": registration.event.title}
        text = render_to_string("events/email/reminder.txt", context)
        sms = fit_sms(_("Tomorrow: %(title)s, %(date)s %(time)s, %(place)s. Ticket or cancel: %(link)s"),
                      _short(registration.event, context["link"]), shrink=("title", "place"))
        notify(email=registration.email, phone=registration.phone, subject=subject, text=text.strip(), sms=sms,
               about=registration, language=registration.language, kind="event_reminder")


def event_cancelled_message(event: Event, reason: str):
    def build():
        subject = _("Cancelled: %(title)s") % {"title": event.title}
        text = _("We are sorry: the event “%(title)s” on %(when)s has been cancelled.") % {
            "title": event.title, "when": _when(event)}
        if reason:
            text += "\n" + reason
        return subject, text, _("Cancelled: %(title)s, %(date)s %(time)s. We are sorry. Tel. %(phone)s")

    return build


def declined_message(event: Event, reason: str):
    def build():
        subject = _("Registration not accepted: %(title)s") % {"title": event.title}
        text = _("We are sorry: your registration for “%(title)s” on %(when)s could not be accepted.") % {
            "title": event.title, "when": _when(event)}
        if reason:
            text += "\n" + reason
        return subject, text, _("Registration not accepted: %(title)s, %(date)s %(time)s. Tel. %(phone)s")

    return build


def cancelled_by_centre_message(event: Event):
    def build():
        subject = _("Registration cancelled: %(title)s") % {"title": event.title}
        text = _("The centre has cancelled your registration for “%(title)s” on %(when)s. "
                 "Call us if you think this is a mistake.") % {"title": event.title, "when": _when(event)}
        return subject, text, _("Your registration for %(title)s, %(date)s %(time)s, was cancelled. A mistake? "
                                "Tel. %(phone)s")

    return build
