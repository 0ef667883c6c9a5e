"""The two ways out: an SMS gateway (SMS_BACKEND) and Django's e-mail backend (EMAIL_URL, SMTP, or
django-anymail through EMAIL_BACKEND). Each call sends one message and returns the provider's id;
a failure raises TransientError (try again later) or PermanentError (the provider refused it).

SMS_BACKEND: "console" prints, "file" appends to var/sms.log, "locmem" keeps messages in
`core.messaging.gateways.outbox` (tests), "http" posts JSON {"to", "text", "sender", "reference"} to
SMS_GATEWAY_URL with the bearer SMS_GATEWAY_TOKEN and the message's idempotency key in the header
SMS_GATEWAY_IDEMPOTENCY_HEADER ("Idempotency-Key"; empty for a gateway that accepts none): a retry
after a lost answer carries the same key, so a gateway that honours it sends the SMS once.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.mime.image import MIMEImage
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)

outbox: list["Sms"] = []


@dataclass
class Sms:
    to: str
    text: str
    key: str = ""


class SmsError(Exception):
    """A message could not go out now; the worker tries again later."""


TransientError = SmsError


class PermanentError(SmsError):
    """The provider refused the message (a bad number, a text it will never take): no retry."""


def _gateway_url() -> str:
    url = settings.SMS_GATEWAY_URL
    parts = urlsplit(url)
    # http:// only to this machine (a local fake gateway in development and tests); production checks https.
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")):
        return url
    raise PermanentError("SMS_GATEWAY_URL must be an https:// address")


def send_sms(to: str, text: str, *, key: str = "") -> str:
    backend = getattr(settings, "SMS_BACKEND", "console")
    if backend == "locmem":
        outbox.append(Sms(to=to, text=text, key=key))
        return f"locmem-{len(outbox)}"
    if backend == "console":
        # Development only (production refuses this backend, core/checks.py): printed, never logged at INFO.
        print(f"SMS to {to}: {text}")  # noqa: T201 - the console backend's whole point
        return ""
    if backend == "file":
        path = Path(settings.BASE_DIR) / "var" / "sms.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"to": to, "text": text, "key": key}, ensure_ascii=False) + "\n")
        return ""
    if backend == "http":
        return _post(to, text, key)
    raise PermanentError(f"Unknown SMS_BACKEND {backend!r}")


def _post(to: str, text: str, key: str) -> str:
    body = json.dumps({"to": to, "text": text, "sender": settings.SMS_SENDER_NAME, "reference": key}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"}
    header = getattr(settings, "SMS_GATEWAY_IDEMPOTENCY_HEADER", "Idempotency-Key")
    if header and key:
        headers[header] = key
    request = urllib.request.Request(_gateway_url(), data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:  # noqa: S310
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        # 408, 425, 429 and 5xx: the gateway may take it later; any other 4xx: it never will.
        if exc.code in (408, 425, 429) or exc.code >= 500:
            raise TransientError(f"SMS gateway answered {exc.code}") from None
        raise PermanentError(f"SMS gateway refused the message ({exc.code})") from None
    except OSError as exc:  # refused, timed out, DNS
        raise TransientError(f"SMS gateway unreachable: {type(exc).__name__}") from None
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return ""
    if isinstance(data, dict):
        return str(data.get("id") or data.get("message_id") or "")[:120]
    return ""


def message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "kypseli.localhost"


def send_email(*, to: str, subject: str, text: str, html: str = "", attachments=(), key: str = "",
               from_email: str | None = None, reply_to=()) -> str:
    """One e-mail with its plain-text part (and HTML when given); the Message-ID is made from the
    idempotency key, so a retried e-mail is recognisably the same message. `from_email` (None:
    DEFAULT_FROM_EMAIL) and `reply_to` name the centre that wrote it (core.messaging.delivery.sender)."""
    headers = {"Message-ID": f"<{key}@{message_id_domain()}>"} if key else {}
    message = EmailMultiAlternatives(subject, text, from_email, [to], headers=headers, reply_to=list(reply_to))
    if html:
        message.attach_alternative(html, "text/html")
    for part in attachments or ():
        if part.get("qr"):
            from core.codes import qr_png

            message.mixed_subtype = "related"
            image = MIMEImage(qr_png(part["qr"]), "png")
            image.add_header("Content-ID", f"<{part.get('cid', 'qr')}>")
            image.add_header("Content-Disposition", "inline", filename=part.get("filename", "ticket.png"))
            message.attach(image)
    try:
        message.send()
    except OSError as exc:  # SMTP server down, refused, timed out
        raise TransientError(f"mail server: {type(exc).__name__}") from None
    status = getattr(message, "anymail_status", None)  # django-anymail, when configured
    return str(getattr(status, "message_id", "") or "")[:120]
