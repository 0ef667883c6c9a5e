"""Messages to the people who registered: in their own language, by e-mail and/or SMS.

The confirmation e-mail carries the ticket's QR code as an inline image (and as an attachment,
for mail programs that hide inline images); the SMS carries the private link.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.codes import qr_png
from core.messaging import notify, send_sms
from core.models import Centre

from .models import Event, Registration

logger = logging.getLogger(__name__)


def safely(function, *args) -> bool:
    """Send, but never let a mail server or SMS gateway failure undo what was already saved."""
    try:
        function(*args)
    except Exception:  # noqa: BLE001 - the registration stands; the failure is logged for staff
        logger.exception("Could not send %s for %s", function.__name__, args[:1])
        return False
    return True


def private_link(registration: Registration) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("events:manage", args=[registration.manage_token])


def _when(event: Event) -> str:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"
    return f"{start:%d/%m/%Y %H:%M} – {end:%d/%m/%Y %H:%M}"


def _place(event: Event) -> str:
    parts = [event.location.name, event.room, event.location.address]
    return ", ".join(p for p in parts if p)


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
        if registration.email:
            text = render_to_string("events/email/registration.txt", context)
            html = render_to_string("events/email/registration.html", context)
            message = EmailMultiAlternatives(subject, text, None, [registration.email])
            message.attach_alternative(html, "text/html")
            if registration.status == Registration.Status.CONFIRMED:
                message.mixed_subtype = "related"
                png = qr_png(registration.ticket_code)
                from email.mime.image import MIMEImage

                image = MIMEImage(png, "png")
                image.add_header("Content-ID", "<ticket-qr>")
                image.add_header("Content-Disposition", "inline", filename="ticket.png")
                message.attach(image)
            message.send()
        if registration.phone:
            send_sms(registration.phone, render_to_string("events/email/registration_sms.txt", context).strip())


def send_promoted(registration: Registration) -> None:
    """A place came free: the person moves up from the waiting list (and gets the ticket)."""
    send_registration_received(registration)


def send_notice(registration: Registration, build) -> None:
    """A plain notice: `build` is (subject, text) or a callable giving them in the current language."""
    registration = Registration.objects.select_related("event", "event__location").get(pk=registration.pk)
    with translation.override(registration.language):
        subject, text = build() if callable(build) else build
        footer = "\n\n" + _("Your registration: %(link)s") % {"link": private_link(registration)}
        notify(email=registration.email, phone=registration.phone, subject=str(subject), text=str(text) + footer)


def send_reminder(registration: Registration) -> None:
    with translation.override(registration.language):
        context = _context(registration)
        subject = _("Reminder: %(title)s tomorrow") % {"title": registration.event.title}
        text = render_to_string("events/email/reminder.txt", context)
        notify(email=registration.email, phone=registration.phone, subject=subject, text=text.strip())


def event_cancelled_message(event: Event, reason: str):
    def build():
        subject = _("Cancelled: %(title)s") % {"title": event.title}
        text = _("We are sorry: the event “%(title)s” on %(when)s has been cancelled.") % {
            "title": event.title, "when": _when(event)}
        if reason:
            text += "\n" + reason
        return subject, text

    return build


def declined_message(event: Event, reason: str):
    def build():
        subject = _("Registration not accepted: %(title)s") % {"title": event.title}
        text = _("We are sorry: your registration for “%(title)s” on %(when)s could not be accepted.") % {
            "title": event.title, "when": _when(event)}
        if reason:
            text += "\n" + reason
        return subject, text

    return build


def cancelled_by_centre_message(event: Event):
    def build():
        subject = _("Registration cancelled: %(title)s") % {"title": event.title}
        text = _("The centre has cancelled your registration for “%(title)s” on %(when)s. "
                 "Call us if you think this is a mistake.") % {"title": event.title, "when": _when(event)}
        return subject, text

    return build
