"""Every database constraint speaks for itself: its own message, in Greek on Greek pages, never
Django's "Constraint “…” is violated." (the raw name of a database rule)."""

import pytest
from django.apps import apps
from django.db.models import BaseConstraint
from django.utils import translation

from distribution.forms import ProgrammeForm
from events.forms import EventForm
from tests.factories import LocationFactory

DEFAULT = BaseConstraint.default_violation_error_message


def _constraints():
    for model in apps.get_models():
        if model._meta.app_label not in {"core", "inventory", "distribution", "volunteers", "events", "reports"}:
            continue
        for constraint in model._meta.constraints:
            yield model, constraint


def test_every_constraint_has_a_message_of_its_own_translated_to_greek():
    found = list(_constraints())
    assert len(found) >= 39
    for model, constraint in found:
        message = constraint.violation_error_message
        assert message and str(message) != str(DEFAULT), f"{model._meta.label}.{constraint.name} has no message"
        with translation.override("en"):
            english = str(message)
        with translation.override("el"):
            greek = str(message)
        assert english != greek, f"{model._meta.label}.{constraint.name}: no Greek translation for {english!r}"
        assert constraint.name not in greek


@pytest.mark.django_db
def test_a_form_refuses_a_constraint_breach_with_the_greek_message_before_saving():
    with translation.override("el"):
        form = ProgrammeForm(data={"code": "TEST", "name": "Δοκιμή", "max_collections_per_month": "0",
                                   "is_active": "on"})
        assert not form.is_valid()
        text = " ".join(str(e) for errors in form.errors.values() for e in errors)
        assert "Το μηνιαίο όριο πρέπει να είναι τουλάχιστον 1" in text
        assert "Constraint" not in text and "programme_monthly_limit_positive" not in text


@pytest.mark.django_db
def test_the_event_page_shows_the_greek_message_for_capacity_zero_and_min_age_above_max_age(staff_client):
    from events.models import Event

    location = LocationFactory(name="Κέντρο Κοινότητας")
    data = {
        "title_el": "Εργαστήρι", "title_en": "Workshop", "description_el": "", "description_en": "",
        "category": Event.Category.CHILDREN, "audience": Event.Audience.CHILDREN, "min_age": "12", "max_age": "6",
        "location": location.pk, "room": "", "starts_at": "2030-05-01T10:00", "ends_at": "2030-05-01T12:00",
        "capacity": "0", "max_places_per_registration": "1", "registration_opens_at": "",
        "registration_closes_at": "", "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0",
    }
    response = staff_client.post("/events/staff/new/", data, HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Constraint" not in html and "event_capacity_positive" not in html
    assert not Event.objects.exists()
    with translation.override("el"):
        form = EventForm(data=data)
        assert not form.is_valid()
        messages = [str(e) for errors in form.errors.values() for e in errors]
    assert any("τουλάχιστον μία θέση" in m for m in messages), messages
