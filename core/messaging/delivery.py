"""Sending what the outbox holds: claim, send, record. Run by the worker (core.tasks).

The worker sends every centre's messages (OutboundMessage.every_centre), each e-mail in its own
centre's name (`sender`).

Claiming is one conditional UPDATE per batch (on PostgreSQL after `SELECT … FOR UPDATE SKIP LOCKED`,
so two workers take different rows without waiting): a row goes from queued (due) to sending with
a lease and a claim id, and only the worker that holds that claim may record the outcome. A worker
killed mid-send leaves a `sending` row whose lease runs out; the next sweep claims it again and
sends it with the same idempotency key, which the SMS gateway (and the e-mail's Message-ID) uses to
recognise a repeat. Nothing personal is logged: message ids, attempts and error kinds only.
"""

import logging
import random
import uuid
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.message_models import OutboundMessage

from . import gateways

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status


def lease() -> timedelta:
    return timedelta(seconds=settings.MESSAGES_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """Exponential: base, 2×base, 4×base … up to MESSAGES_RETRY_MAX_SECONDS, ±20 % so that a batch
    that failed together does not retry all at the same second."""
    seconds = min(settings.MESSAGES_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.MESSAGES_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret


def due(now) -> Q:
    return Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(status=Status.SENDING, lease_until__lt=now)


def claim(*, ids=None, limit: int | None = None, now=None) -> list[OutboundMessage]:
    """Take up to `limit` (MESSAGES_CLAIM_BATCH) due messages for this worker (only one worker can win each row)."""
    now = now or timezone.now()
    limit = limit or settings.MESSAGES_CLAIM_BATCH
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = OutboundMessage.every_centre.filter(due(now))
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        picked = list(rows.order_by("next_attempt_at", "pk").select_for_update(skip_locked=True)
                      .values_list("pk", flat=True)[:limit])
        if not picked:
            return []
        OutboundMessage.every_centre.filter(due(now), pk__in=picked).update(
            status=Status.SENDING, lease_until=now + lease(), claimed_by=token, attempts=F("attempts") + 1,
            updated_at=now)
    return list(OutboundMessage.every_centre.filter(pk__in=picked, status=Status.SENDING, claimed_by=token)
                .select_related("centre").order_by("pk"))


def _record(message: OutboundMessage, **fields) -> bool:
    fields["updated_at"] = timezone.now()
    done = OutboundMessage.every_centre.filter(pk=message.pk, status=Status.SENDING,
                                          claimed_by=message.claimed_by).update(**fields)
    if not done:
        logger.warning("Message %s: outcome not recorded, another worker holds it now", message.pk)
    return bool(done)


def sender(centre) -> dict:
    """An e-mail goes out in its centre's name, from the installation's address (DEFAULT_FROM_EMAIL: the
    one the mail server may send from), and answers go to the centre's own address when it has one.
    An SMS's sender is the installation's (SMS_SENDER_NAME: registered once with the gateway); its text
    names the centre (its phone) as each message's writer puts it."""
    if centre is None:
        return {}
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = "".join(c for c in centre.name if c not in '"\\<>\r\n')  # Django encodes the rest as the header needs
    return {"from_email": f'"{name}" <{address}>' if address else None,
            "reply_to": [centre.email] if centre.email else []}


def send_one(message: OutboundMessage) -> str:
    """Send one claimed message and record the outcome; returns its new status."""
    try:
        if message.channel == OutboundMessage.Channel.SMS:
            provider_id = gateways.send_sms(message.recipient, message.text, key=message.idempotency_key)
        else:
            provider_id = gateways.send_email(to=message.recipient, subject=message.subject, text=message.text,
                                              html=message.html, attachments=message.attachments,
                                              key=message.idempotency_key, **sender(message.centre))
    except gateways.PermanentError as exc:
        logger.warning("Message %s refused on attempt %s: %s", message.pk, message.attempts, exc)
        _record(message, status=Status.FAILED, last_error=str(exc)[:500], lease_until=None)
        return Status.FAILED
    except Exception as exc:  # noqa: BLE001 - any other failure is worth another try
        error = str(exc) if isinstance(exc, gateways.TransientError) else type(exc).__name__
        if message.attempts >= settings.MESSAGES_MAX_ATTEMPTS:
            logger.warning("Message %s: gave up after %s attempts (%s)", message.pk, message.attempts, error)
            _record(message, status=Status.GAVE_UP, last_error=error[:500], lease_until=None)
            return Status.GAVE_UP
        logger.info("Message %s: attempt %s failed (%s), retrying later", message.pk, message.attempts, error)
        _record(message, status=Status.QUEUED, last_error=error[:500], lease_until=None,
                next_attempt_at=timezone.now() + backoff(message.attempts))
        return Status.QUEUED
    _record(message, status=Status.SENT, provider_id=provider_id or "", sent_at=timezone.now(), lease_until=None)
    return Status.SENT


def deliver(*, ids=None, limit: int | None = None, max_batches: int | None = None) -> dict:
    """Claim and send due messages (only `ids` when given) until none is left; returns the outcomes."""
    counts: dict[str, int] = {}
    batches = 0
    while max_batches is None or batches < max_batches:
        messages = claim(ids=ids, limit=limit)
        if not messages:
            break
        batches += 1
        for message in messages:
            status = send_one(message)
            counts[status] = counts.get(status, 0) + 1
    return counts
