"""Writing messages into the outbox (core.message_models.OutboundMessage).

`queue_message` writes the row inside the caller's transaction (a rolled-back action leaves no
message) and, once that transaction commits, wakes the worker (core.tasks.deliver_messages); if the
wake-up is lost, the worker's sweep (send_due_messages, every few seconds) finds the row anyway.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from core.message_models import OutboundMessage

logger = logging.getLogger(__name__)
Channel = OutboundMessage.Channel


def _key(key: str | None, channel: str) -> str | None:
    if not key:
        return None
    full = f"{key}:{channel}"
    return full if len(full) <= 120 else hashlib.sha256(full.encode()).hexdigest()


def _about(about) -> dict:
    if about is None:
        return {}
    return {"about_type": ContentType.objects.get_for_model(type(about)), "about_id": str(about.pk)}


def writer_centre_id(about=None):
    """The centre a message belongs to: the one in scope (the centre that writes it), else, in a job over
    several centres, the record it is about when that carries its centre; None: the installation's."""
    from core.tenancy import current_centre_id

    centre_id = current_centre_id(required=False)
    if centre_id is None and about is not None:
        centre_id = getattr(about, "__dict__", {}).get("centre_id")
    return centre_id


def _centre(centre_id):
    from core.models import Centre
    from core.tenancy import current_centre, current_centre_id

    if centre_id is None:
        return None
    if centre_id == current_centre_id(required=False):
        return current_centre()  # read once per scope
    return Centre.objects.filter(pk=centre_id).first()


def email_html(text: str, *, subject: str, language: str, centre=None) -> str:
    """The HTML part of a plain e-mail: the text in its centre's layout (none for the installation's
    own messages), in the recipient's language."""
    with translation.override(language):
        return render_to_string("email/message.html", {"subject": subject, "text": text, "centre": centre})


def build(*, channel: str, to: str, text: str, subject: str = "", html: str = "", language: str | None = None,
          about=None, kind: str = "", key: str | None = None, batch: str = "", by=None,
          attachments=()) -> OutboundMessage:
    """An unsaved outbox row (queue_messages saves many at once), of the centre that writes it."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    centre_id = writer_centre_id(about)
    if channel == Channel.EMAIL and not html:
        html = email_html(text, subject=subject, language=language, centre=_centre(centre_id))
    message = OutboundMessage(centre_id=centre_id, channel=channel, recipient=to.strip(), text=text,
                              subject=str(subject)[:300],
                              html=html if channel == Channel.EMAIL else "", language=language[:8], kind=kind[:60],
                              batch=batch[:80], created_by=by if getattr(by, "pk", None) else None,
                              attachments=list(attachments), **_about(about))
    if key := _key(key, channel):
        message.idempotency_key = key
    return message


def queue_message(**fields) -> OutboundMessage | None:
    """Queue one message (see `build` for the fields); None when there is no recipient. A message
    with the `key` of one already queued is not queued twice: the first is returned."""
    if not (fields.get("to") or "").strip():
        return None
    message = build(**fields)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Keys are unique in the installation: the first may be another centre's (an account's message).
        existing = OutboundMessage.every_centre.filter(idempotency_key=message.idempotency_key).first()
        if existing is None:
            raise
        return existing
    wake_worker([message.pk])
    return message


def queue_messages(messages: list[OutboundMessage]) -> int:
    """Save many built messages in one statement (those whose key is already queued are skipped) and
    wake the worker in chunks once committed; returns how many rows were written."""
    messages = [m for m in messages if m.recipient]
    if not messages:
        return 0
    OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=500)
    batches = {m.batch for m in messages}
    if len(batches) == 1 and "" not in batches:  # a bulk send: its rows by their batch (no IN list of keys)
        rows = OutboundMessage.objects.filter(batch=batches.pop())
    else:
        rows = OutboundMessage.objects.filter(idempotency_key__in=[m.idempotency_key for m in messages])
    ids = list(rows.filter(status=OutboundMessage.Status.QUEUED, attempts=0).values_list("pk", flat=True))
    wake_worker(ids)
    return len(ids)


def wake_worker(ids: list[int]) -> None:
    """After the commit: one task per chunk of messages (the sweep is the safety net)."""
    if not ids:
        return
    chunk = int(getattr(settings, "MESSAGES_TASK_CHUNK", 50))

    def enqueue():
        from core.tasks import deliver_messages

        task = deliver_messages.using(queue_name=settings.MESSAGES_TASK_QUEUE)
        for start in range(0, len(ids), chunk):
            try:
                task.enqueue(ids[start:start + chunk])
            except Exception:  # noqa: BLE001 - the queue is down: the worker's sweep sends them anyway
                logger.warning("Could not enqueue the delivery of %s messages; the sweep will send them",
                               len(ids[start:start + chunk]), exc_info=True)

    transaction.on_commit(enqueue)
