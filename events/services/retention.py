"""After the event: the people leave the registrations of past events."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.messaging.services import forget_messages_about
from core.models import AuditLog
from core.text import search_key

from ..models import Event, Registration, new_manage_token

# What anonymising leaves: the event, places, status, language, source, times, the check-in and the
# household reference (a card number, no name: "households reached" counts it; the household's own
# retention removes the people behind it), so attendance figures do not change. What goes: the name,
# contacts, answers, the staff note and the private link.
ANONYMISED_FIELDS = ("name", "phone", "email", "answers", "staff_note", "search_text", "manage_token",
                     "anonymised_at")


def anonymise_past_registrations(*, older_than_days: int, now=None, by=None) -> int:
    """Remove the people from the registrations of events that ended more than `older_than_days`
    days ago (the consent form promises it once the event's records are closed). The private link
    stops working (a new random secret nobody knows). Idempotent; one audit entry per event.
    Returns how many registrations were anonymised."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(Registration.objects.select_for_update().filter(
            event__ends_at__lt=now - timedelta(days=older_than_days), anonymised_at__isnull=True,
        ).order_by("event_id", "pk"))
        per_event: dict[int, int] = {}
        for registration in due:
            registration.name = registration.phone = registration.email = registration.staff_note = ""
            registration.search_text = search_key(registration.household_ref)
            registration.answers = {}
            registration.manage_token = new_manage_token()
            registration.anonymised_at = now
            per_event[registration.event_id] = per_event.get(registration.event_id, 0) + 1
        # bulk_update skips Registration.save(), which would rebuild search_text from the old values.
        Registration.objects.bulk_update(due, ANONYMISED_FIELDS, batch_size=500)
        for start in range(0, len(due), 500):  # their messages (tickets, reminders) forget them too
            forget_messages_about(*due[start:start + 500], now=now)
        for event in Event.objects.filter(pk__in=per_event):
            audit(AuditLog.Action.CHANGE, event, user=by,
                  changes={"registrations anonymised": [None, per_event[event.pk]]})
    return len(due)
