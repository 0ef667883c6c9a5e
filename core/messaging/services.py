"""What staff and gateways do to messages: resend a failed one, report a delivery, follow a batch,
and forget the people in old messages."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.audit import audit
from core.message_models import OutboundMessage
from core.models import AuditLog
from core.refusals import Refusal

from .queueing import wake_worker

Status = OutboundMessage.Status
# What gateways call a message that did not reach the phone.
UNDELIVERED = {"failed", "undelivered", "rejected", "expired", "undeliverable", "error"}
DELIVERED = {"delivered", "ok", "success", "read"}


class MessageError(Refusal):
    code = "message_refused"


@transaction.atomic
def resend(message: OutboundMessage, *, by) -> OutboundMessage:
    """A failed or given-up message again, as a new message (a new idempotency key: the gateway may have
    seen the first one), linked to the first; once."""
    from django.utils.translation import gettext as _

    message = OutboundMessage.every_centre.select_for_update().get(pk=message.pk)  # chosen by the caller
    if message.status not in OutboundMessage.NEEDS_ATTENTION:
        raise MessageError(_("Only a failed message can be sent again."))
    if message.anonymised_at is not None or not message.recipient:
        raise MessageError(_("This message is too old: its recipient is no longer kept."))
    if OutboundMessage.every_centre.filter(resent_from=message).exists():
        raise MessageError(_("This message was already sent again."))
    copy = OutboundMessage.objects.create(
        centre_id=message.centre_id, channel=message.channel, recipient=message.recipient,
        language=message.language, subject=message.subject,
        text=message.text, html=message.html, attachments=message.attachments, kind=message.kind,
        about_type=message.about_type, about_id=message.about_id, batch=message.batch, created_by=by,
        resent_from=message)
    audit(AuditLog.Action.CREATE, copy, user=by, changes={"resent_from": message.pk})
    wake_worker([copy.pk])
    return copy


def apply_delivery_report(*, provider_id: str = "", reference: str = "", status: str, error: str = "") -> bool:
    """A gateway says what became of a message (found by the provider's id or our idempotency key)."""
    rows = OutboundMessage.every_centre.filter(channel=OutboundMessage.Channel.SMS)  # whichever centre's
    if provider_id:
        rows = rows.filter(provider_id=provider_id[:120])
    elif reference:
        rows = rows.filter(idempotency_key=reference[:120])
    else:
        return False
    status = (status or "").strip().lower()
    now = timezone.now()
    if status in DELIVERED:
        return bool(rows.update(status=Status.SENT, delivered_at=now, sent_at=Coalesce(F("sent_at"), now),
                                lease_until=None, updated_at=now))
    if status in UNDELIVERED:
        return bool(rows.update(status=Status.FAILED, last_error=("delivery report: " + (error or status))[:500],
                                lease_until=None, updated_at=now))
    return rows.exists()  # "accepted", "queued", "sent" at the gateway: nothing new for us


def batch_progress(batch: str) -> dict:
    """Counts of a batch's messages (or of every batch whose name starts with `batch`)."""
    counts = {}
    if batch:
        counts = dict(OutboundMessage.objects.filter(batch__startswith=batch).order_by().values("status")
                      .annotate(n=Count("pk")).values_list("status", "n"))
    total = sum(counts.values())
    done = counts.get(Status.SENT, 0) + counts.get(Status.FAILED, 0) + counts.get(Status.GAVE_UP, 0)
    return {"total": total, "sent": counts.get(Status.SENT, 0), "waiting": total - done,
            "failed": counts.get(Status.FAILED, 0) + counts.get(Status.GAVE_UP, 0),
            "percent": round(100 * done / total) if total else 100}


def purge_messages(*, older_than_days: int, now=None) -> int:
    """Forget the recipient and the text of messages finished more than `older_than_days` ago; the
    row (channel, kind, status, dates) stays for the statistics."""
    now = now or timezone.now()
    return OutboundMessage.every_centre.filter(  # the installation's retention, every centre's messages
        created_at__lt=now - timedelta(days=older_than_days), anonymised_at__isnull=True,
        status__in=[Status.SENT, Status.FAILED, Status.GAVE_UP],
    ).update(recipient="", subject="", text="", html="", attachments=[], anonymised_at=now, updated_at=now)


def forget_messages_about(*records, now=None) -> int:
    """The record's people are anonymised: its messages forget recipient and text at once, and those
    not sent yet never go (gave up). Call in the anonymising transaction."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    now = now or timezone.now()
    about = Q(pk__in=[])
    per_type: dict = {}
    for record in records:
        per_type.setdefault(ContentType.objects.get_for_model(type(record)), []).append(str(record.pk))
    for content_type, ids in per_type.items():
        about |= Q(about_type=content_type, about_id__in=ids)
    rows = OutboundMessage.every_centre.filter(about, anonymised_at__isnull=True)  # wherever they were written
    rows.filter(status=Status.QUEUED).update(status=Status.GAVE_UP, last_error="anonymised before it was sent")
    return rows.exclude(status=Status.SENDING).update(recipient="", subject="", text="", html="", attachments=[],
                                                      anonymised_at=now, updated_at=now)
