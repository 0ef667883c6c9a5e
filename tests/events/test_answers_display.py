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
