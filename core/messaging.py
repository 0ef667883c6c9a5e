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
        logger.info("SMS to %s: %s", to, text)
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


def notify(*, email: str = "", phone: str = "", subject: str, text: str) -> list[str]:
    """Send a text by e-mail and/or SMS, whichever the person has; returns the channels used."""
    used = []
    if email:
        send_mail(subject, text, None, [email])
        used.append("email")
    if phone:
        send_sms(phone, text)
        used.append("sms")
    return used
