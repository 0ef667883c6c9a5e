"""Membership in time, merges and retention: who counts for a collection is who was a member of the
collecting household on its day, and closed periods keep their figures."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Location
from distribution.models import DistributionDay, Household, MembershipHistory, Person, Programme
from distribution.selectors.reporting import Period, esf_figures, recipient_rows
from distribution.services import households as services
from distribution.services import retention as retention_services
from inventory.models import Item
from tests.factories import UserFactory

from .factories import KnownData, collect

D = Decimal
H1 = (date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def world(db):
    location = Location.objects.create(name="Κέντρο")
    programme = Programme.objects.create(code="food", name="Τρόφιμα")
    rice = Item.objects.create(name_el="Ρύζι", category=Item.Category.FOOD, is_food=True,
                               food_group=Item.FoodGroup.STARCH, weight_kg=D("1"), unit_value_eur=D("1.20"))
    days = {}
    for month in range(1, 13):
        when = date(2026, month, 15)
        days[when] = DistributionDay.objects.create(date=when, location=location, programme=programme,
                                                    starts_at=time(9), ends_at=time(13))
    data = KnownData(location, programme, programme, days, {"rice": rice}, {})
    data.user = UserFactory(role="staff", username="membership")
    return data


def household(world, key, *people, **categories):
    """Register a household through the service; people are dicts of Person fields (first is reference)."""
    reference, *others = [Person(**{"last_name": "Δοκιμή", **p}) for p in people]
    h = services.register_household(Household(categories=categories or {"homeless": "no"}), reference, others,
                                    by=world.user, allow_duplicates=True)
    world.households[key] = h
    return h


def collect_on(world, key, month):
    return collect(world, key, date(2026, month, 15), [("rice", 1, None)], user=world.user)


def counts(period=H1):
    return esf_figures(Period(*period))["counts"]


def people_counted(period=H1):
    return sorted((r["person_id"], r["first"]) for r in recipient_rows(Period(*period), support="food"))


def test_a_baby_counts_from_birth_at_the_age_on_that_day(world):
    h = household(world, "A", {"first_name": "Μαρία", "sex": "F", "birth_date": date(1990, 5, 5)})
    for month in (1, 3, 5, 7, 9):
        collect_on(world, "A", month)
    baby = services.save_member(Person(household=h, first_name="Νίκος", birth_date=date(2026, 7, 4), sex="M"),
                                by=world.user)
    assert counts()["food"]["total"] == 1  # January–June: the baby was not born yet
    second_half = (date(2026, 7, 1), date(2026, 12, 31))
    assert counts(second_half)["food"]["total"] == 2
    assert (baby.pk, date(2026, 7, 15)) in people_counted(second_half)  # counted from the July collection, aged 0
    rows = {r["person_id"]: r for r in recipient_rows(Period(*second_half), support="food", group="children")}
    assert rows[baby.pk]["age"] == 0


def test_a_member_counts_from_joining_and_until_leaving(world):
    h = household(world, "A", {"first_name": "Ελένη", "sex": "F", "birth_date": date(1960, 1, 1)},
                  {"first_name": "Γιάννης", "sex": "M", "birth_date": date(1985, 2, 2)})
    son = h.members.get(first_name="Γιάννης")
    for month in (1, 2, 3, 4, 5, 6):
        collect_on(world, "A", month)
    cousin = services.save_member(Person(household=h, first_name="Άννα", birth_date=date(2000, 1, 1), sex="F",
                                         joined_on=date(2026, 4, 1)), by=world.user)
    services.remove_member(son, by=world.user, left_on=date(2026, 2, 20))
    assert counts()["food"]["total"] == 3
    # Only March: the son had left, the cousin had not come yet.
    march = (date(2026, 3, 1), date(2026, 3, 31))
    assert [p for p, _first in people_counted(march)] == [h.members.get(is_reference=True).pk]
    assert (cousin.pk, date(2026, 4, 15)) in people_counted()
    assert (son.pk, date(2026, 1, 15)) in people_counted()
    assert list(h.members.all()) == [h.members.get(is_reference=True), cousin]  # today's members
    son.refresh_from_db()
    assert son.left_on == date(2026, 2, 20)


def test_removing_a_member_changes_no_figure_of_a_closed_period(world):
    h = household(world, "A", {"first_name": "Ελένη", "sex": "F", "birth_date": date(1960, 1, 1)},
                  {"first_name": "Παιδί", "sex": "M", "birth_date": date(2015, 2, 2)})
    collect_on(world, "A", 2)
    before = counts()
    services.remove_member(h.members.get(first_name="Παιδί"), by=world.user)
    assert counts() == before
    assert before["food"]["children"]["yes"] == 1


def test_the_left_date_cannot_precede_joining_nor_be_in_the_future(world):
    h = household(world, "A", {"first_name": "Ελένη"})
    member = services.save_member(Person(household=h, first_name="Νέα", joined_on=date(2026, 3, 1)), by=world.user)
    with pytest.raises(services.DistributionError):
        services.remove_member(member, by=world.user, left_on=date(2026, 2, 1))
    with pytest.raises(services.DistributionError):
        services.remove_member(member, by=world.user, left_on=timezone.localdate().replace(year=2099))
    with pytest.raises(services.DistributionError):
        services.remove_member(h.members.get(is_reference=True), by=world.user)


def test_the_database_refuses_a_leaving_before_joining(world):
    from django.db import IntegrityError, transaction

    h = household(world, "A", {"first_name": "Ελένη"}, {"first_name": "Άλλη"})
    other = h.members.get(first_name="Άλλη")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.everyone.filter(pk=other.pk).update(joined_on=date(2026, 3, 1), left_on=date(2026, 2, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.everyone.filter(is_reference=True, household=h).update(left_on=date(2026, 2, 1))


def test_a_merge_keeps_both_histories_and_counts_one_household_and_one_person(world):
    keep = household(world, "K", {"first_name": "Μαρία", "last_name": "Παπαδοπούλου", "sex": "F",
                                  "birth_date": date(1980, 4, 4)})
    keep_maria = keep.members.get()
    other = household(world, "O", {"first_name": "MARIA", "last_name": "PAPADOPOULOU", "sex": "F",
                                   "birth_date": date(1980, 4, 4)},
                      {"first_name": "Κώστας", "sex": "M", "birth_date": date(2012, 1, 1)})
    other_maria, kostas = other.members.get(is_reference=True), other.members.get(first_name="Κώστας")
    collect_on(world, "K", 1)
    collect_on(world, "O", 2)  # the duplicate registration collected too
    before = counts()
    assert before["households"] == 2 and before["food"]["total"] == 3  # Maria twice before the merge
    pairs = services.same_people(keep, other)
    assert [(p.kept, p.merged, p.reason) for p in pairs] == [(keep_maria, other_maria, "name_birth_date")]
    services.merge_households(keep, other, by=world.user, same=[(p.kept, p.merged) for p in pairs])
    after = counts()
    assert after["households"] == 1  # the merged duplicates are one household
    assert after["food"]["total"] == 2  # Maria once, and Κώστας for the merged-away household's collection
    assert after["food"]["children"]["yes"] == 1
    assert {p for p, _first in people_counted()} == {keep_maria.pk, kostas.pk}
    assert MembershipHistory.objects.filter(person=kostas, household=other).exists()
    other_maria.refresh_from_db()
    assert other_maria.merged_into == keep_maria and other_maria.left_on is not None
    assert list(keep.members.order_by("pk")) == [keep_maria, kostas]


def test_a_merge_without_confirmed_pairs_keeps_two_people(world):
    keep = household(world, "K", {"first_name": "Μαρία", "birth_date": date(1980, 4, 4), "amka": ""})
    other = household(world, "O", {"first_name": "Μαρία", "birth_date": date(1980, 4, 4)})
    collect_on(world, "K", 1)
    collect_on(world, "O", 1)
    services.merge_households(keep, other, by=world.user)
    assert counts()["food"]["total"] == 2 and counts()["households"] == 1


def test_a_household_merged_into_one_merged_later_counts_as_the_last(world):
    a = household(world, "A", {"first_name": "Α"})
    b = household(world, "B", {"first_name": "Β"})
    c = household(world, "C", {"first_name": "Γ"})
    for key in "ABC":
        collect_on(world, key, 3)
    services.merge_households(b, a, by=world.user)
    services.merge_households(c, b, by=world.user)
    a.refresh_from_db()
    assert a.merged_into == c
    assert counts()["households"] == 1 and counts()["food"]["total"] == 3


def test_the_merge_screen_lists_the_same_people_for_staff_to_confirm(world, client):
    keep = household(world, "K", {"first_name": "Σοφία", "birth_date": date(1970, 7, 7), "amka": ""})
    other = household(world, "O", {"first_name": "Sofia", "birth_date": date(1970, 7, 7)})
    client.force_login(world.user)
    url = reverse("distribution:household_merge", args=[keep.pk])
    page = client.post(url, {"other": other.pk, "confirm": "on"})
    assert page.status_code == 200
    assert 'data-testid="same-people"' in page.content.decode()
    other.refresh_from_db()
    assert other.status == Household.Status.ACTIVE  # nothing merged before the pairs are confirmed
    pair = services.same_people(keep, other)[0]
    response = client.post(url, {"other": other.pk, "confirm": "on", "pairs_seen": "1", "same": [pair.value]})
    assert response.status_code == 302
    pair.merged.refresh_from_db()
    assert pair.merged.merged_into_id == pair.kept.pk


def test_anonymisation_changes_no_figure_of_a_closed_period(world):
    # A boy who turns 18 between two collections, a baby born in the period, a third-country national.
    h = household(world, "A", {"first_name": "Ardita", "sex": "F", "birth_date": date(1961, 3, 20),
                               "nationality": "Αλβανίδα", "categories": {"migrant": "yes", "disability": "no"}},
                  {"first_name": "Erion", "sex": "M", "birth_date": date(2008, 3, 20)},
                  {"first_name": "Μωρό", "sex": "F", "birth_date": date(2026, 2, 10)})
    for month in (1, 2, 3, 4, 5, 6):
        collect_on(world, "A", month)
    periods = [H1, *[(date(2026, m, 1), date(2026, m, 28)) for m in range(1, 7)]]
    before = {p: counts(p) for p in periods}
    assert before[H1]["food"]["third_country"]["yes"] == 1 and before[H1]["food"]["children"]["yes"] == 2
    drill_before = {p: people_counted(p) for p in periods}
    retention_services.anonymise_household(h, by=world.user)
    assert not Person.everyone.filter(household=h).exclude(first_name="").exists()
    assert not Person.everyone.filter(household=h).exclude(nationality="").exists()
    assert not Person.everyone.filter(household=h, birth_date__isnull=False).exists()
    after = {p: counts(p) for p in periods}
    assert [(p, before[p], after[p]) for p in periods if after[p] != before[p]] == []
    assert {p: people_counted(p) for p in periods} == drill_before
    stand_ins = sorted(Person.everyone.filter(household=h).values_list("reporting_birth_date", flat=True))
    assert date(1961, 3, 20) not in stand_ins  # the mother's age group never changes: 1 July stands in


def test_stand_in_birth_date_keeps_the_age_group_on_every_day():
    days = [date(2026, m, 15) for m in range(1, 13)]
    for born in (date(2008, 3, 20), date(1961, 3, 20), date(1997, 12, 31), date(2008, 3, 15)):
        stand_in = retention_services.stand_in_birth_date(born, days)
        assert all(retention_services._age_group(stand_in, d) == retention_services._age_group(born, d) for d in days)
    assert retention_services.stand_in_birth_date(date(1970, 3, 20), days) == date(1970, 7, 1)
    assert retention_services.stand_in_birth_date(date(2008, 3, 20), days) == date(2008, 4, 1)


def test_a_former_member_is_listed_apart_and_keeps_the_right_of_access(world, client):
    h = household(world, "A", {"first_name": "Ελένη"}, {"first_name": "Φοίβος"})
    son = h.members.get(first_name="Φοίβος")
    client.force_login(world.user)
    response = client.post(reverse("distribution:member_remove", args=[h.pk, son.pk]), {"left_on": "2026-02-20"})
    assert response.status_code == 302
    page = client.get(reverse("distribution:household", args=[h.pk])).content.decode()
    assert 'data-testid="former-members"' in page and "20/02/2026" in page
    export = client.get(reverse("distribution:person_export", args=[son.pk]))
    assert export.status_code == 200 and b"2026-02-20" in export.content
    bad = client.post(reverse("distribution:member_remove", args=[h.pk, h.members.get().pk]), {"left_on": "x"})
    assert bad.status_code == 302 and h.members.count() == 1
