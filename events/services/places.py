"""Places and the waiting list: the event row's lock, places taken and released, promotions, and
the messages decided inside a transaction, queued in the outbox before it commits (core.messaging)."""

from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone

from core.audit import audit
from core.models import AuditLog

from ..models import Event, Registration


@dataclass
class Outbox:
    """Messages decided inside a transaction; `send` queues them in the outbox, in that transaction
    (call it before the transaction ends: the messages commit or roll back with the action)."""

    confirmations: list = field(default_factory=list)
    promotions: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # (registration, subject, text) — text built lazily per language
    batch: str = ""  # messages to many at once show their progress under this name

    def send(self):
        from .. import notifications

        for registration in self.confirmations:
            notifications.send_registration_received(registration)
        for registration in self.promotions:
            notifications.send_promoted(registration)
        for registration, build in self.notices:
            notifications.send_notice(registration, build, self.batch)


def lock_event(event_id) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def take_places(event: Event, places: int) -> None:
    Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") + places)
    event.places_taken += places


def release_places(event: Event, places: int) -> None:
    Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") - places)
    event.places_taken -= places


def promote_waiting(event: Event, outbox: Outbox, *, now=None) -> list[Registration]:
    """Fill free places from the waiting list: in queue order, every entry whose group fits.

    A family of four that does not fit yet keeps its place at the head of the queue while a
    person alone behind it takes the single place that came free ("the first entries that fit").
    Call only with the event row locked.
    """
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED or event.starts_at <= now:
        return []
    free = event.capacity - event.places_taken
    promoted = []
    if free <= 0:
        return promoted
    waiting = (Registration.objects.select_for_update()
               .filter(event=event, status=Registration.Status.WAITING).order_by("queued_at", "id"))
    for registration in waiting:
        if registration.places > free:
            continue
        registration.status = (Registration.Status.PENDING if event.requires_approval
                               else Registration.Status.CONFIRMED)
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        take_places(event, registration.places)
        free -= registration.places
        audit(AuditLog.Action.CHANGE, registration,
              changes={"status": [Registration.Status.WAITING, registration.status], "promoted": ["", str(now)]})
        promoted.append(registration)
        outbox.promotions.append(registration)
        if free == 0:
            break
    return promoted
