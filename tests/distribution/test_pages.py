"""Pages: who may see what, the audit of every household view, and the main staff actions."""

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from distribution.identifiers import make_amka
from distribution.models import Card, Household, Person
from distribution.services import cards as card_services
from tests.distribution.factories import ProgrammeFactory, household_with_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    h = household_with_reference(first_name="Αϊσέ", last_name="Σαλή", amka=make_amka(date(1980, 5, 17), 9))
    h.address, h.notes, h.categories = "Αγίας Σοφίας 3", "ιδιαίτερη σημείωση", {"kea": "yes"}
    h.save()
    return h


def staff_pages(household):
    person = household.reference_person
    return [reverse("distribution:households"), reverse("distribution:household", args=[household.pk]),
            reverse("distribution:household_new"), reverse("distribution:household_edit", args=[household.pk]),
            reverse("distribution:member_new", args=[household.pk]),
            reverse("distribution:member_edit", args=[household.pk, person.pk]),
            reverse("distribution:household_merge", args=[household.pk]), reverse("distribution:cards"),
            reverse("distribution:cards_print_new"), reverse("distribution:programmes"),
            reverse("distribution:programme_new"), reverse("distribution:expiring"),
            reverse("distribution:import_upload"), reverse("distribution:person_export", args=[person.pk])]


def test_staff_and_coordinator_see_every_page(client, staff_user, coordinator, household):
    for user in (staff_user, coordinator):
        client.force_login(user)
        for url in staff_pages(household):
            assert client.get(url).status_code == 200, url


def test_volunteers_and_the_public_see_no_household_data(client, volunteer_user, household):
    volunteer_client = client
    client.force_login(volunteer_user)
    for url in staff_pages(household):
        response = volunteer_client.get(url)
        assert response.status_code == 403, url
        assert "Σαλή" not in response.content.decode()
    card = card_services.request_card(household, by=None)
    for name, args in [("card_print", [card.pk]), ("card_revoke", [card.pk]), ("card_request", [household.pk]),
                       ("household_anonymise", [household.pk])]:
        assert volunteer_client.post(reverse(f"distribution:{name}", args=args),
                                     {"reason": "lost", "confirmed": "yes"}).status_code == 403
    assert Card.objects.get(pk=card.pk).status == Card.Status.REQUESTED
    client.logout()
    for url in staff_pages(household):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_volunteer_menu_has_no_household_entries(client, volunteer_user, staff_user):
    client.force_login(volunteer_user)
    assert reverse("distribution:households") not in client.get("/").content.decode()
    client.force_login(staff_user)
    assert reverse("distribution:households") in client.get("/").content.decode()


def test_every_view_of_a_household_page_is_audited(staff_client, household):
    url = reverse("distribution:household", args=[household.pk])
    page = staff_client.get(url).content.decode()
    staff_client.get(url)
    for text in ("Αϊσέ", household.reference_person.amka, "Αγίας Σοφίας 3", "ιδιαίτερη σημείωση"):
        assert text in page  # staff see categories, AMKA, address and notes
    views = AuditLog.objects.filter(action="view", object_id=str(household.pk), content_type__model="household")
    assert views.count() == 2 and views.first().username == "staff1" and views.first().path == url


def test_register_warns_about_duplicates_then_registers_when_confirmed(staff_client, household):
    data = {"person-first_name": "Aise", "person-last_name": "Sali", "person-birth_date": "1980-05-17",
            "household-legal_basis": "public_task", "household-cat_kea": "yes"}
    response = staff_client.post(reverse("distribution:household_new"), data)
    assert response.status_code == 200 and 'data-testid="duplicates"' in response.content.decode()
    assert Household.objects.count() == 1
    response = staff_client.post(reverse("distribution:household_new"), {**data, "allow_duplicates": "on"})
    assert response.status_code == 302
    new = Household.objects.exclude(pk=household.pk).get()
    assert new.categories == {"kea": "yes"} and new.reference_person.first_name == "Aise"


def test_register_with_a_bad_amka_shows_the_message_and_saves_nothing(staff_client):
    response = staff_client.post(reverse("distribution:household_new"), {
        "person-first_name": "Α", "person-last_name": "Β", "person-birth_date": "1980-05-17",
        "person-amka": "17058000000", "household-legal_basis": "public_task"})
    assert response.status_code == 200 and Household.objects.count() == 0
    assert "ψηφίο ελέγχου" in response.content.decode()


def test_card_actions_from_the_household_page(staff_client, household):
    response = staff_client.post(reverse("distribution:card_request", args=[household.pk]), {"print_now": "1"})
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    card = Card.objects.get(household=household)
    assert card.status == Card.Status.PRINTED
    staff_client.post(reverse("distribution:card_hand_over", args=[card.pk]), {"to": "Αϊσέ"})
    staff_client.post(reverse("distribution:card_revoke", args=[card.pk]),
                      {"reason": "lost", "reissue": "1", "confirmed": "yes"})
    card.refresh_from_db()
    assert card.status == Card.Status.REVOKED and card.replaced_by.status == Card.Status.REQUESTED
    page = staff_client.get(reverse("distribution:cards_print_new"))
    assert "1" in page.content.decode()
    response = staff_client.post(reverse("distribution:cards_print_new"))
    assert response["Content-Type"] == "application/pdf"
    assert not Card.objects.filter(status=Card.Status.REQUESTED).exists()


def test_enrolment_collectors_and_expiring_list(staff_client, household):
    programme = ProgrammeFactory()
    today = timezone.localdate()
    staff_client.post(reverse("distribution:enrolment_add", args=[household.pk]), {
        "programme": programme.pk, "start": today.replace(day=1).isoformat(),
        "end": date.fromordinal(today.toordinal() + 10).isoformat(), "decision_reference": "55/2026"})
    assert household.enrolments.count() == 1
    response = staff_client.post(reverse("distribution:enrolment_add", args=[household.pk]), {
        "programme": programme.pk, "start": today.isoformat(), "end": today.isoformat()}, follow=True)
    assert household.enrolments.count() == 1  # overlapping period refused with a message
    assert "ήδη" in response.content.decode()
    assert "Σαλή" in staff_client.get(reverse("distribution:expiring")).content.decode()
    staff_client.post(reverse("distribution:collector_add", args=[household.pk]),
                      {"name": "Ελένη Καρα", "id_number": "ΑΚ 1", "relation": "γειτόνισσα"})
    assert household.collectors.get().name == "Ελένη Καρα"


def test_right_of_access_download(staff_client, household):
    person = household.reference_person
    response = staff_client.get(reverse("distribution:person_export", args=[person.pk]))
    data = json.loads(response.content)
    assert data["person"]["amka"] == person.amka and data["household"]["notes"] == "ιδιαίτερη σημείωση"


def test_merge_page(staff_client, household):
    other = household_with_reference(first_name="Ραμαδάν")
    response = staff_client.post(reverse("distribution:household_merge", args=[household.pk]),
                                 {"other": other.pk, "confirm": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(household=household).count() == 2
    response = staff_client.post(reverse("distribution:household_merge", args=[household.pk]),
                                 {"other": 999999, "confirm": "on"})
    assert response.status_code == 200


def test_print_a_ticked_selection_of_new_cards(staff_client):
    cards = [card_services.request_card(household_with_reference(), by=None) for _ in range(3)]
    page = staff_client.get(reverse("distribution:cards")).content.decode()
    assert f'value="{cards[0].pk}"' in page
    response = staff_client.post(reverse("distribution:cards_print_new"), {"card": [cards[0].pk, cards[2].pk]})
    assert response["Content-Type"] == "application/pdf"
    statuses = [Card.objects.get(pk=c.pk).status for c in cards]
    assert statuses == [Card.Status.PRINTED, Card.Status.REQUESTED, Card.Status.PRINTED]


def test_anonymise_from_the_page(staff_client, household):
    response = staff_client.post(reverse("distribution:household_anonymise", args=[household.pk]))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == Household.Status.ANONYMISED
    assert "Αϊσέ" not in staff_client.get(reverse("distribution:household", args=[household.pk])).content.decode()


def test_adding_a_member_known_elsewhere_needs_confirmation(staff_client, household):
    other = household_with_reference(first_name="Γιώργος")
    url = reverse("distribution:member_new", args=[other.pk])
    data = {"first_name": "Aise", "last_name": "Sali", "birth_date": "1980-05-17", "relation": "other",
            "amka": household.reference_person.amka}
    response = staff_client.post(url, data)
    assert 'data-testid="duplicates"' in response.content.decode() and other.members.count() == 1
    assert staff_client.post(url, {**data, "allow_duplicates": "on"}).status_code == 302
    assert other.members.count() == 2 and other.members.filter(is_reference=True).count() == 1
