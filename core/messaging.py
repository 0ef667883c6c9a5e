"""Sending e-mail and SMS through one pluggable sender.

E-mail goes through Django's EMAIL_URL backend (console by default). SMS goes through
SMS_BACKEND: "console" prints, "file" appends to var/sms.log, "locmem" keeps messages in
`core.messaging.outbox` (tests), "http" posts JSON {"to", "text", "sender"} to SMS_GATEWAY_URL
with the bearer SMS_GATEWAY_TOKEN (most Greek SMS gateways accept such a call or a thin proxy).
"""

import json
import logging
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

outbox: list["Sms"] = []


@dataclass
class Sms:
    to: str
    text: str


class SmsError(Exception):
    pass


def send_sms(to: str, text: str) -> None:
    backend = getattr(settings, "SMS_BACKEND", "console")
    message = Sms(to=to, text=text)
    if backend == "locmem":
        outbox.append(message)
    elif backend == "console":
        # Development only (production refuses this backend, core/checks.py): the text is printed, and
        # logged at DEBUG, never at INFO, since it holds a phone number and often a private link.
        logger.debug("SMS to %s: %s", to, text)
        print(f"SMS to {to}: {text}")  # noqa: T201 - the console backend's whole point
    elif backend == "file":
        path = Path(settings.BASE_DIR) / "var" / "sms.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")
    elif backend == "http":
        if not settings.SMS_GATEWAY_URL.startswith("https://"):
            raise SmsError("SMS_GATEWAY_URL must be an https:// address")
        body = json.dumps({"to": to, "text": text, "sender": settings.SMS_SENDER_NAME}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            settings.SMS_GATEWAY_URL, data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status >= 300:
                    raise SmsError(f"SMS gateway answered {response.status}")
        except OSError as exc:
            raise SmsError(str(exc)) from exc
    else:
        raise SmsError(f"Unknown SMS_BACKEND {backend!r}")


def notify(*, email: str = "", phone: str = "", subject: str, text: str, sms: str = "") -> list[str]:
    """Send a text by e-mail and/or SMS, whichever the person has; returns the channels used.
    `sms` is the short form for the phone (see fit_sms); without it the SMS carries `text`."""
    used = []
    if email:
        send_mail(subject, text, None, [email])
        used.append("email")
    if phone:
        send_sms(phone, sms or text)
        used.append("sms")
    return used


# --- SMS length --------------------------------------------------------------------------------
# An SMS is sent in GSM-7 when every character is in the GSM 03.38 alphabet (160 characters, 153
# per part when split), else in UCS-2 (70, 67 per part): any Greek lower-case letter means UCS-2.
# Each SMS of Kypseli fits in SMS_MAX_SEGMENTS parts: cheaper, and it arrives whole on old phones.

SMS_MAX_SEGMENTS = 2
_GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


def sms_units(text: str) -> tuple[bool, int]:
    """(is GSM-7, length in that encoding's units): an extended GSM character counts twice, a
    character outside the Basic Multilingual Plane counts twice in UCS-2 (UTF-16)."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in text):
        return True, sum(2 if c in _GSM7_EXTENDED else 1 for c in text)
    return False, len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    gsm, units = sms_units(text)
    single, part = (160, 153) if gsm else (70, 67)
    return 1 if units <= single else -(-units // part)


def sms_capacity(text: str, segments: int = SMS_MAX_SEGMENTS) -> int:
    gsm, _units = sms_units(text)
    single, part = (160, 153) if gsm else (70, 67)
    return single if segments == 1 else part * segments


def fit_sms(template: str, values: dict, *, shrink=()) -> str:
    """`template % values`, within SMS_MAX_SEGMENTS parts: when too long, the values named in
    `shrink` (free texts such as a place or a title; the longest loses a character at a time) are cut
    and end in "…"; what
    the person needs to act (date, time, phone, link) is never in `shrink`. As a last resort the
    text itself is cut, so that no SMS ever goes out longer."""
    values = {key: str(value) for key, value in values.items()}
    text = template % values
    cut = {key: values[key] for key in shrink if f"%({key})s" in template}  # each without its "…"
    while sms_segments(text) > SMS_MAX_SEGMENTS:
        candidates = [key for key in cut if len(cut[key]) > 1]  # each pass makes one strictly shorter
        if not candidates:
            return text[:sms_capacity(text) - 1] + "…"
        key = max(candidates, key=lambda k: len(cut[k]))  # the longest loses a character: fair to both
        cut[key] = cut[key][:-1].rstrip(" ,.·") or cut[key][:1]
        values[key] = cut[key] + "…"
        text = template % values
    return text


def first_phone(phones: str) -> str:
    """The first of the centre's phone numbers ("25210 23456, 25210 34567" → "25210 23456")."""
    for separator in (",", ";", "/", " - "):
        phones = phones.split(separator)[0]
    return phones.strip()
