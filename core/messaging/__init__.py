"""E-mail and SMS: every message goes into the outbox (queue_message / notify) inside the action's
transaction and is sent by the worker (delivery, core.tasks); see the README, "Messages and the worker"."""

from .gateways import PermanentError, Sms, SmsError, TransientError, outbox, send_sms
from .queueing import build, queue_message, queue_messages, wake_worker
from .sms_text import SMS_MAX_SEGMENTS, first_phone, fit_sms, sms_capacity, sms_segments, sms_units

__all__ = [
    "SMS_MAX_SEGMENTS", "PermanentError", "Sms", "SmsError", "TransientError", "build", "first_phone", "fit_sms",
    "notify", "outbox", "queue_message", "queue_messages", "send_sms", "sms_capacity", "sms_segments", "sms_units",
    "wake_worker",
]


def notify(*, email: str = "", phone: str = "", subject: str, text: str, sms: str = "", **fields) -> list[str]:
    """Queue a text by e-mail and/or SMS, whichever the person has; returns the channels queued.
    `sms` is the short form for the phone (see fit_sms); without it the SMS carries `text`. Other
    fields (about, kind, key, language, batch, by, html) go to queue_message."""
    used = []
    if email and queue_message(channel="email", to=email, subject=subject, text=text, **fields):
        used.append("email")
    fields.pop("html", None)
    if phone and queue_message(channel="sms", to=phone, subject=subject, text=sms or text, **fields):
        used.append("sms")
    return used
