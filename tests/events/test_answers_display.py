"""A yes/no answer reads "Ναι"/"Όχι" (or "Yes"/"No") in the registrations list, its export and the
registration's page, never the stored code "yes"."""

import pytest
from django.urls import reverse

from events.models import Question

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def test_yes_no_answers_are_translated(staff_client, sign_up):
    event = EventFactory()
    question = Question.objects.create(event=event, label_el="Χρειάζεστε μεταφορά;", kind=Question.Kind.YES_NO)
    registration = sign_up(event, "Αϊσέ Μεμέτ", answers={str(question.pk): "yes"})
    listing = staff_client.get(reverse("events:registrations", args=[event.pk])).content.decode()
    assert "Χρειάζεστε μεταφορά;: Ναι" in listing and ": yes" not in listing
    export = staff_client.get(reverse("events:registrations", args=[event.pk]), {"_export": "csv"}).content.decode()
    assert "Ναι" in export and ": yes" not in export
    detail = staff_client.get(reverse("events:staff_registration", args=[registration.pk])).content.decode()
    assert "<dd>Ναι</dd>" in detail


def test_the_door_warns_and_admits_nobody_weeks_before_the_event(sign_up, volunteer_user):
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from events.models import CheckIn
    from events.services import door

    event = EventFactory(starts_at=timezone.now() + timedelta(days=21, hours=3),
                         ends_at=timezone.now() + timedelta(days=21, hours=5),
                         registration_closes_at=timezone.now() + timedelta(days=20))
    registration = sign_up(event)
    result = door.check_in_ticket(event, registration.ticket_code, request_id=uuid.uuid4(), by=volunteer_user)
    assert result.outcome == "too_early" and result.http_status == 422
    assert result.body["display"]["level"] == "warn" and "σε 21 ημέρες" in result.body["message"]
    assert not CheckIn.objects.exists()
    soon = EventFactory(starts_at=timezone.now() + timedelta(hours=20), ends_at=timezone.now() + timedelta(hours=22))
    ticket = sign_up(soon)
    assert door.check_in_ticket(soon, ticket.ticket_code, request_id=uuid.uuid4(),
                                by=volunteer_user).outcome == "checked_in"
