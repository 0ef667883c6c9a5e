"""The forms on the household page come back with their errors and what was typed, not a redirect that
drops the input."""

from datetime import date

import pytest
from django.urls import reverse

from distribution.models import AuthorisedCollector, Enrolment, Household, Person
from tests.distribution.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    household = Household.objects.create(address="Αγίας Σοφίας 3")
    Person.objects.create(household=household, is_reference=True, first_name="Αϊσέ", last_name="Σαλή",
                          birth_date=date(1980, 5, 17))
    return household


def test_a_collector_name_too_long_comes_back_with_the_message_and_the_typed_values(staff_client, household):
    name = "Μ" * 10_000
    response = staff_client.post(reverse("distribution:collector_add", args=[household.pk]),
                                 {"name": name, "id_number": "ΑΒ123456", "relation": "γείτονας"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "160" in page and "ΑΒ123456" in page and "γείτονας" in page  # the length limit, the other fields
    assert "Δεν αποθηκεύτηκε" in page
    assert not AuthorisedCollector.objects.exists()


def test_an_enrolment_that_ends_before_it_starts_keeps_the_typed_decision(staff_client, household):
    programme = ProgrammeFactory()
    response = staff_client.post(reverse("distribution:enrolment_add", args=[household.pk]), {
        "programme": programme.pk, "start": "2026-06-01", "end": "2026-01-01", "decision_reference": "123/2026"})
    page = response.content.decode()
    assert response.status_code == 200 and "123/2026" in page and 'value="2026-06-01"' in page
    assert not Enrolment.objects.exists()


def test_an_overlapping_enrolment_refused_by_the_service_keeps_the_form(staff_client, household):
    programme = ProgrammeFactory()
    data = {"programme": programme.pk, "start": "2026-01-01", "end": "2026-12-31", "decision_reference": "1/2026"}
    assert staff_client.post(reverse("distribution:enrolment_add", args=[household.pk]), data).status_code == 302
    again = staff_client.post(reverse("distribution:enrolment_add", args=[household.pk]),
                              {**data, "start": "2026-03-01", "decision_reference": "2/2026"})
    assert again.status_code == 200 and "2/2026" in again.content.decode()
    assert Enrolment.objects.count() == 1


def test_a_good_collector_is_added_and_the_page_redirects(staff_client, household):
    response = staff_client.post(reverse("distribution:collector_add", args=[household.pk]), {"name": "Ελένη Σαλή"})
    assert response.status_code == 302 and AuthorisedCollector.objects.get().name == "Ελένη Σαλή"
