"""The duplicate check matches names as search does (ELOT 743 and Greeklish), and warns more softly on
the same name without a birth date when the phone, the address or a family member also matches."""

from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from core.text import search_key
from distribution.models import Household, Person
from distribution.selectors.households import households_matching
from distribution.services.households import DuplicatesFound, find_duplicates, register_household, save_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def registered(first, last, *, birth=None, phone="", address="", members=()):
    household = Household.objects.create(address=address)
    Person.objects.create(household=household, is_reference=True, first_name=first, last_name=last,
                          birth_date=birth, phone=phone)
    for member_first, member_last in members:
        Person.objects.create(household=household, first_name=member_first, last_name=member_last)
    return household


@pytest.mark.parametrize("first, last", [("Georgios", "Xatzidakis"), ("Georgios", "Chatzidakis"),
                                         ("GEORGIOS", "HATZIDAKIS"), ("Γεωργιος", "Χατζηδακης")])
def test_greeklish_and_elot_spellings_are_the_same_person_on_the_same_birth_day(first, last):
    existing = registered("Γεώργιος", "Χατζηδάκης", birth=date(1980, 3, 1))
    found = find_duplicates([Person(first_name=first, last_name=last, birth_date=date(1980, 3, 1))])
    assert [(d.existing.household_id, d.reason, d.soft) for d in found] == [(existing.pk, "name_birth_date", False)]
    assert find_duplicates([Person(first_name=first, last_name=last, birth_date=date(1980, 3, 2))]) == []
    # and search finds the household typed the same way: one matching for both
    assert [h.pk for h in households_matching(f"{first} {last}")] == [existing.pk]


def test_other_letters_that_elot_and_greeklish_write_two_ways():
    assert search_key("Αλέξανδρος") == search_key("Alexandros") == search_key("Aleksandros")
    assert search_key("Ευθύμιος") == search_key("Efthymios") == search_key("Evthimios")
    assert search_key("Παπαδόπουλος") != search_key("Παπαγεωργίου")


def test_same_name_without_a_birth_date_is_no_warning_on_its_own():
    registered("Μαρία", "Καραγιάννη", phone="6971111111", address="Αγίας Σοφίας 3")
    assert find_duplicates([Person(first_name="Μαρία", last_name="Καραγιάννη", phone="6972222222")]) == []


@pytest.mark.parametrize("new, also", [
    ({"phone": "+30 697 111 1111"}, ("phone",)),
    ({"address": "ΑΓΙΑΣ ΣΟΦΙΑΣ 3"}, ("address",)),
    ({"member": ("Νίκος", "Καραγιάννης")}, ("member",)),
])
def test_same_name_without_a_birth_date_and_a_contact_in_common_is_a_soft_warning(new, also):
    existing = registered("Μαρία", "Καραγιάννη", phone="6971111111", address="Αγίας Σοφίας 3",
                          members=[("Nikos", "Karagiannis")])
    person = Person(first_name="Maria", last_name="Karagianni", phone=new.get("phone", ""),
                    address=new.get("address", ""))
    people = [person] + ([Person(first_name=new["member"][0], last_name=new["member"][1])] if "member" in new else [])
    found = [d for d in find_duplicates(people) if d.person is person]
    assert [(d.existing.household_id, d.reason, d.also, d.soft) for d in found] == [
        (existing.pk, "name_and_contact", also, True)]
    assert "may already be registered" in found[0].message


def test_a_soft_warning_also_when_the_existing_person_has_the_birth_date_and_the_new_one_not():
    registered("Μαρία", "Καραγιάννη", birth=date(1970, 1, 1), phone="6971111111")
    found = find_duplicates([Person(first_name="Μαρία", last_name="Καραγιάννη", phone="6971111111")])
    assert [d.reason for d in found] == ["name_and_contact"]
    # both dates known and different: not the same person, however much else matches
    assert find_duplicates([Person(first_name="Μαρία", last_name="Καραγιάννη", phone="6971111111",
                                   birth_date=date(1971, 1, 1))]) == []


def test_registering_the_second_maria_needs_a_confirmation(staff_user):
    registered("Μαρία", "Καραγιάννη", phone="6971111111")
    with pytest.raises(DuplicatesFound) as caught:
        register_household(Household(), Person(first_name="Μαρία", last_name="Καραγιάννη", phone="6971111111"),
                           by=staff_user)
    assert [d.reason for d in caught.value.duplicates] == ["name_and_contact"]
    register_household(Household(), Person(first_name="Μαρία", last_name="Καραγιάννη", phone="6971111111"),
                       by=staff_user, allow_duplicates=True)
    assert Household.objects.count() == 2


def test_adding_a_member_compares_the_household_members_too(staff_user):
    registered("Ελένη", "Σαλή", members=[("Ραμαδάν", "Σαλής")])
    mine = registered("Ραμαδάν", "Σαλής")
    with pytest.raises(DuplicatesFound) as caught:
        save_member(Person(household=mine, first_name="Eleni", last_name="Sali"), by=staff_user)
    assert [(d.reason, d.also) for d in caught.value.duplicates] == [("name_and_contact", ("member",))]


def test_the_form_shows_the_soft_warning_apart(staff_client):
    registered("Μαρία", "Καραγιάννη", phone="6971111111")
    data = {"person-first_name": "Maria", "person-last_name": "Karagianni", "person-phone": "6971111111",
            "household-legal_basis": "public_task"}
    page = staff_client.post(reverse("distribution:household_new"), data).content.decode()
    assert 'data-testid="duplicates-soft"' in page and "Ίσως το ίδιο πρόσωπο" in page
    assert "Πιθανές διπλοεγγραφές" not in page and Household.objects.count() == 1


def test_the_migration_recomputes_the_stored_keys():
    from importlib import import_module

    person = registered("Γεώργιος", "Χατζηδάκης", birth=date(1980, 3, 1)).members.get()
    Person.objects.filter(pk=person.pk).update(search_text="old", identity_key="old")
    migration = import_module("distribution.migrations.0011_greeklish_search_keys")
    operation = migration.Migration.operations[0]
    operation._app_label = "distribution"
    operation._forwards(apps, None)
    person.refresh_from_db()
    assert person.identity_key == "georgios hatzidakis|1980-03-01"
    assert person.search_text == search_key("Γεώργιος Χατζηδάκης")
