"""Events: create and edit (the capacity against the places held), publish, take back to draft,
cancel (telling everyone registered), and repeat on other dates."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit, audited_save, model_changes, snapshot
from core.models import AuditLog

from ..models import Event, Question, Registration
from . import EventError
from .places import Outbox, lock_event, promote_waiting

EVENT_FIELDS = [
    "title_el", "title_en", "description_el", "description_en", "category", "audience", "min_age", "max_age",
    "location_id", "room", "starts_at", "ends_at", "capacity", "max_places_per_registration",
    "registration_opens_at", "registration_closes_at", "requires_approval",
]


def validate_event(event: Event) -> None:
    """Rules every saved event obeys (the form shows the same messages next to the fields)."""
    if event.ends_at and event.starts_at and event.ends_at <= event.starts_at:
        raise EventError(_("The event must end after it starts."))
    if event.capacity is not None and event.capacity < 1:
        raise EventError(_("An event needs at least one place."))
    if event.max_places_per_registration and event.capacity and event.max_places_per_registration > event.capacity:
        raise EventError(_("One registration cannot take more places than the event has."))
    if event.min_age is not None and event.max_age is not None and event.min_age > event.max_age:
        raise EventError(_("The minimum age is above the maximum age."))
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and opens >= closes:
        raise EventError(_("Registration must open before it closes."))
    if closes and event.ends_at and closes > event.ends_at:
        raise EventError(_("Registration cannot close after the event has ended."))


def save_event(event: Event, *, by, questions: list[dict] | None = None) -> Event:
    """Create or update an event from form data already set on `event`.

    Changing the capacity of an existing event is checked against the places already held (it may
    not drop below them) and more places promote people from the waiting list.
    """
    validate_event(event)
    outbox = Outbox()
    with transaction.atomic():
        if event.pk is None:
            event.created_by = by
            audited_save(event, EVENT_FIELDS, by=by)
        else:
            locked = lock_event(event.pk)
            before = snapshot(locked, EVENT_FIELDS)
            if event.capacity < locked.places_taken:
                raise EventError(_(
                    "%(taken)s places are already taken: the event cannot have fewer places. "
                    "Cancel or decline registrations first.") % {"taken": locked.places_taken})
            for name in EVENT_FIELDS:
                setattr(locked, name, getattr(event, name))
            locked.save()
            audit(AuditLog.Action.CHANGE, locked, changes=model_changes(before, snapshot(locked, EVENT_FIELDS)),
                  user=by)
            promote_waiting(locked, outbox)
            event.places_taken = Event.objects.values_list("places_taken", flat=True).get(pk=event.pk)
            event.status, event.published_at = locked.status, locked.published_at
        if questions is not None:
            _replace_questions(event, questions)
        outbox.send()  # queued in the transaction: the messages commit or roll back with it
    return event


def _replace_questions(event: Event, questions: list[dict]) -> None:
    keep = []
    for position, data in enumerate(questions):
        question_id = data.get("id")
        values = {k: data[k] for k in ("label_el", "label_en", "kind", "required") if k in data}
        if question_id:
            Question.objects.filter(pk=question_id, event=event).update(position=position, **values)
            keep.append(question_id)
        else:
            keep.append(Question.objects.create(event=event, position=position, **values).pk)
    event.questions.exclude(pk__in=keep).delete()


@transaction.atomic
def publish_event(event: Event, *, by, now=None) -> Event:
    """Make a draft public. Cancelled events stay cancelled; past events cannot be published."""
    now = now or timezone.now()
    locked = lock_event(event.pk)
    if locked.status == Event.Status.PUBLISHED:
        raise EventError(_("The event is already published."))
    if locked.status == Event.Status.CANCELLED:
        raise EventError(_("A cancelled event cannot be published again. Create a new one."))
    if locked.starts_at <= now:
        raise EventError(_("The event has already started: it cannot be published."))
    if not locked.title_el.strip() or not locked.description_el.strip():
        raise EventError(_("A published event needs a Greek title and description."))
    validate_event(locked)
    locked.status = Event.Status.PUBLISHED
    locked.published_at = now
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit(AuditLog.Action.CHANGE, locked, changes={"status": [Event.Status.DRAFT, Event.Status.PUBLISHED]}, user=by)
    event.status, event.published_at = locked.status, locked.published_at
    return locked


@transaction.atomic
def unpublish_event(event: Event, *, by) -> Event:
    """Back to draft, only while nobody has registered (otherwise cancel it, which tells them)."""
    locked = lock_event(event.pk)
    if locked.status != Event.Status.PUBLISHED:
        raise EventError(_("Only a published event can be taken back to draft."))
    if locked.registrations.exists():
        raise EventError(_("People have registered: cancel the event instead, so that they are told."))
    locked.status = Event.Status.DRAFT
    locked.published_at = None
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit(AuditLog.Action.CHANGE, locked, changes={"status": [Event.Status.PUBLISHED, Event.Status.DRAFT]}, user=by)
    return locked


def cancel_event(event: Event, *, reason: str, by) -> int:
    """Cancel the event and every registration; tell everyone. Returns how many were told."""
    from ..notifications import event_cancelled_message

    outbox = Outbox(batch=f"event:{event.pk}:cancelled")
    with transaction.atomic():
        locked = lock_event(event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise EventError(_("The event is already cancelled."))
        previous = locked.status
        active = list(Registration.objects.select_for_update().filter(
            event=locked, status__in=[Registration.Status.PENDING, Registration.Status.CONFIRMED,
                                      Registration.Status.WAITING]))
        now = timezone.now()
        for registration in active:
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at"])
            outbox.notices.append((registration, event_cancelled_message(locked, reason)))
        Event.objects.filter(pk=locked.pk).update(places_taken=0)
        locked.status = Event.Status.CANCELLED
        locked.cancelled_at = now
        locked.cancel_reason = reason
        locked.places_taken = 0
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit(AuditLog.Action.CHANGE, locked, user=by, changes={
            "status": [previous, Event.Status.CANCELLED], "reason": ["", reason],
            "registrations_cancelled": ["", str(len(active))]})
        outbox.send()  # queued in the transaction: the messages commit or roll back with it
    event.status, event.places_taken = locked.status, 0
    return len(active)


def add_sessions(event: Event, starts: list, *, by) -> list[Event]:
    """Repeat an event on other dates: same texts, questions, place and length; own places each.

    The new sessions share the series of the first one and start in the same status (a published
    event's new sessions are published at once, if they start in the future).
    """
    duration = event.ends_at - event.starts_at
    first = event.series or event
    created = []
    with transaction.atomic():
        for start in starts:
            session = Event(**{name: getattr(event, name) for name in EVENT_FIELDS})
            session.starts_at, session.ends_at = start, start + duration
            shift = start - event.starts_at
            if event.registration_opens_at:
                session.registration_opens_at = event.registration_opens_at + shift
            if event.registration_closes_at:
                session.registration_closes_at = event.registration_closes_at + shift
            session.series = first
            save_event(session, by=by, questions=[
                {"label_el": q.label_el, "label_en": q.label_en, "kind": q.kind, "required": q.required}
                for q in event.questions.all()])
            if event.status == Event.Status.PUBLISHED:
                publish_event(session, by=by)
            created.append(session)
    return created
