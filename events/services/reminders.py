"""The day-before reminder."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Event, Registration


def send_reminders(*, now=None) -> int:
    """Remind everyone confirmed for an event that starts tomorrow (local time). Idempotent.

    Each registration is claimed by a conditional UPDATE before its message goes out, so two runs
    at once (or a rerun) never remind anyone twice.
    """
    from ..notifications import send_reminder

    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    due = Registration.objects.filter(
        event__status=Event.Status.PUBLISHED, event__starts_at__date=tomorrow,
        status=Registration.Status.CONFIRMED, reminder_sent_at__isnull=True,
    ).select_related("event", "event__location")
    sent = 0
    for registration in due:
        with transaction.atomic():  # the mark and the queued message together, or neither
            claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now)
            if claimed:
                send_reminder(registration)
                sent += 1
    return sent
