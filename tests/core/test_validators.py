"""Plausible dates by meaning and clean text, declared once (core.validators) and held by forms,
services (full_clean: the API and the import) alike."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core import validators as plausible
from core.forms import LocationForm
from distribution.models import Household, Person
from distribution.services import households as services
from inventory.models import StockLevel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("check", "bad", "good"), [
    (plausible.birth_date, [date(1899, 12, 31), date(1, 1, 1), "tomorrow"], [date(1900, 1, 1), "today"]),
    (plausible.activity_date, [date(1, 1, 1), date(9999, 12, 31)], ["today", date(2024, 1, 1)]),
    (plausible.expiry_date, [date(1, 1, 1), date(1999, 12, 31)], [date(2000, 1, 1), date(2035, 1, 1)]),
    (plausible.consent_date, ["tomorrow", date(9999, 12, 31)], ["today", date(2020, 1, 1)]),
    (plausible.retention_date, ["yesterday", date(1, 1, 1)], ["today", date(2099, 1, 1)]),
])
def test_each_kind_of_date_has_its_window(check, bad, good):
    today = timezone.localdate()
    named = {"today": today, "tomorrow": today + timedelta(days=1), "yesterday": today - timedelta(days=1)}
    for value in bad:
        with pytest.raises(ValidationError):
            check(named.get(value, value))
    for value in good:
        check(named.get(value, value))


def test_every_date_field_of_a_kind_names_its_validator():
    from distribution.models import DistributionDay
    from events.models import Event
    from volunteers.models import Certificate, Shift, Volunteer

    assert plausible.birth_date in Person._meta.get_field("birth_date").validators
    assert plausible.birth_year in Volunteer._meta.get_field("birth_year").validators
    assert plausible.retention_date in Household._meta.get_field("retention_until").validators
    assert plausible.consent_date in Household._meta.get_field("consent_date").validators
    assert plausible.expiry_date in StockLevel._meta.get_field("expiry_date").validators
    assert plausible.expiry_date in Certificate._meta.get_field("expires_on").validators
    for model, name in [(DistributionDay, "date"), (Event, "starts_at"), (Shift, "starts_at")]:
        assert plausible.activity_date in model._meta.get_field(name).validators


@pytest.mark.parametrize("text", ["Νίκος\x00", "Νίκος\x07", "\x1b[31mΝίκος", "Νί\u0085κος"])
def test_a_form_refuses_control_characters_with_a_greek_message(text):
    with translation.override("el"):
        form = LocationForm(data={"name": text, "kind": "site", "address": "", "phone": "", "opening_hours": "",
                                  "is_active": "on"})
        assert not form.is_valid()
        assert "name" in form.errors
        assert any("χαρακτήρ" in message for message in form.errors["name"]), form.errors["name"]


def test_single_line_fields_refuse_line_breaks_multi_line_ones_take_them(staff_user):
    reference = Person(first_name="Μαρία\nΓιώργος", last_name="Παπαδοπούλου", birth_date=date(1980, 5, 17))
    with pytest.raises(ValidationError) as refused:
        services.register_household(Household(notes="πρώτη γραμμή\n\tδεύτερη"), reference, [], by=staff_user)
    assert "first_name" in refused.value.message_dict
    reference.first_name = "Μαρία"
    household = services.register_household(Household(notes="πρώτη γραμμή\n\tδεύτερη"), reference, [], by=staff_user)
    assert household.notes == "πρώτη γραμμή\n\tδεύτερη"


def test_the_service_refuses_nul_and_escape_that_the_api_and_import_would_pass_on(staff_user):
    for bad in ["Σαλή\x00", "Σαλή\x1b"]:
        reference = Person(first_name="Αϊσέ", last_name=bad, birth_date=date(1980, 5, 17))
        with pytest.raises(ValidationError) as refused:
            services.register_household(Household(), reference, [], by=staff_user)
        assert "last_name" in refused.value.message_dict
    assert not Household.objects.exists()


def test_a_form_refuses_years_outside_the_calendar_before_its_own_checks(staff_client):
    from tests.factories import LocationFactory

    location = LocationFactory()
    for year in ("0001", "9999"):
        response = staff_client.post("/distribution/days/new/", {
            "date": f"{year}-12-31", "location": location.pk, "starts_at": "09:00", "ends_at": "12:00",
        }, HTTP_ACCEPT_LANGUAGE="el")
        assert response.status_code == 200
        assert "Δώστε ημερομηνία" in response.content.decode()
    from distribution.models import DistributionDay

    assert not DistributionDay.objects.exists()


@pytest.mark.parametrize("born", [date(1899, 12, 31), date(1, 1, 1), "tomorrow"])
def test_an_implausible_birth_date_gets_one_message_not_two(born):
    from distribution.forms import PersonForm

    born = timezone.localdate() + timedelta(days=1) if born == "tomorrow" else born
    person = Person(first_name="Μαρία", last_name="Παπαδοπούλου", birth_date=born)
    with pytest.raises(ValidationError) as refused:
        person.full_clean(exclude=["household"])
    assert len(refused.value.message_dict["birth_date"]) == 1, refused.value.message_dict["birth_date"]
    with translation.override("el"):
        form = PersonForm(data={"first_name": "Μαρία", "last_name": "Παπαδοπούλου", "birth_date": born.isoformat(),
                                "relation": "other"})
        assert not form.is_valid()
        assert len(form.errors["birth_date"]) == 1, form.errors["birth_date"]
