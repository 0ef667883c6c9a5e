"""A generated history, checked against a count written independently here.

Months of collections (2026), built through the services: households registered, babies born, people
joining and leaving, corrections of birth dates and sex, duplicate registrations that share a person,
merged at the end with the shared person confirmed, and anonymisation at the end of retention. Every
ESF+ people figure of every month, of the half-year and of the year is compared with a count over the
base facts kept by the test itself (not the app's queries), before and after anonymisation.
Collections are written as the scan service writes them (tests/reports/factories.collect): the scan
service itself only records today's collections."""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from core.models import Location
from distribution.models import DistributionDay, Household, Person, Programme
from distribution.selectors.reporting import (
    GROUPS,
    SUPPORTS,
    Period,
    esf_figures,
    households_counted,
    people_alike,
    people_facts,
)
from distribution.services import households as services
from distribution.services import retention as retention_services
from inventory.models import Item
from reports.region_people import centre_people, counts_of
from reports.submissions import answers_depend_on
from tests.factories import UserFactory

from .factories import KnownData, collect

D = Decimal
NATIONALITIES = {"Ελληνική": "GR", "Ρουμάνα": "EU", "Γερμανίδα": "EU", "Αλβανός": "TC", "Συρία": "TC",
                 "Ανιθαγενής": "TC", "": ""}
MINORITY = ("roma", "migrant", "repatriate", "protection", "asylum")


@dataclass
class Member:
    """What the test itself knows about a person."""

    key: str
    household: str
    birth: date | None
    sex: str
    nationality_group: str
    categories: dict
    joined: date | None = None
    left: date | None = None
    same_as: str | None = None  # merged into this member (registered twice)
    pk: int | None = None


@dataclass
class History:
    world: KnownData
    rng: random.Random
    members: dict = field(default_factory=dict)
    homeless: dict = field(default_factory=dict)  # household key -> "yes" / "no" / ""
    merged_into: dict = field(default_factory=dict)  # household key -> household key
    collections: list = field(default_factory=list)  # (household key, day, food?, goods?)
    counter: int = 0

    def new_member(self, household, **facts) -> Member:
        self.counter += 1
        return Member(key=f"p{self.counter}", household=household, **facts)


def random_person(rng, history, household, born=None) -> Member:
    categories = {}
    for code in ("disability", *MINORITY):
        answer = rng.choice(["yes", "no", "no", "no", None])
        if answer:
            categories[code] = answer
    text = rng.choice(list(NATIONALITIES))
    birth = born or (None if rng.random() < 0.05 else date(rng.randint(1940, 2020), rng.randint(1, 12),
                                                            rng.randint(1, 28)))
    member = history.new_member(household, birth=birth,
                                sex=rng.choice(["F", "M", ""]), nationality_group=NATIONALITIES[text],
                                categories=categories)
    member.text = text
    return member


def _person(member: Member, first_name: str) -> Person:
    return Person(first_name=first_name, last_name=f"Ιστορία {member.key}", birth_date=member.birth, sex=member.sex,
                  nationality=member.text, categories=dict(member.categories), joined_on=member.joined)


def register(history: History, key: str, people: list[Member], homeless: str):
    reference, *others = [_person(m, m.key) for m in people]
    household = services.register_household(
        Household(categories={"homeless": homeless} if homeless else {}), reference, others,
        by=history.world.user, allow_duplicates=True)
    history.world.households[key] = household
    history.homeless[key] = homeless
    for member, person in zip(people, [reference, *others], strict=True):
        member.pk = person.pk
        history.members[member.key] = member
    return household


# ---- the independent count ------------------------------------------------------------------------


def age_on(birth: date, day: date) -> int:
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def root_household(history, key):
    while key in history.merged_into:
        key = history.merged_into[key]
    return key


def expected_counts(history: History, start: date, end: date) -> dict:
    firsts: dict = {}  # person key -> {"any"/"food"/"material": first day}
    homeless_rank: dict = {}
    households = set()
    for household, day, food, goods in history.collections:
        if not start <= day <= end:
            continue
        households.add(root_household(history, household))
        for member in history.members.values():
            if member.household != household:
                continue
            begins = max(d for d in (member.joined, member.birth, date.min) if d)
            if begins > day or (member.left is not None and member.left < day):
                continue
            person = member.same_as or member.key
            entry = firsts.setdefault(person, {})
            for support, given in (("any", True), ("food", food), ("material", goods)):
                if given and (support not in entry or day < entry[support]):
                    entry[support] = day
            answer = history.homeless[root_household(history, household)]
            rank = {"yes": 2, "": 1, "no": 0}[answer]
            homeless_rank[person] = max(homeless_rank.get(person, 0), rank)
    counts = {support: {"total": 0, **{g: {"yes": 0, "not_declared": 0} for g in GROUPS}} for support in SUPPORTS}
    for person, entry in firsts.items():
        member = history.members[person]
        minority_answers = [member.categories.get(code, "") for code in MINORITY]
        minority = "yes" if "yes" in minority_answers else "" if "" in minority_answers else "no"
        facts = {
            "women": "yes" if member.sex == "F" else "not_declared" if member.sex == "" else None,
            "disability": {"yes": "yes", None: "not_declared"}.get(member.categories.get("disability")),
            "third_country": {"TC": "yes", "": "not_declared"}.get(member.nationality_group),
            "foreign_minority": "yes" if minority == "yes" or member.nationality_group in ("EU", "TC") else
            "not_declared" if minority == "" else None,
            "homeless": {2: "yes", 1: "not_declared", 0: None}[homeless_rank[person]],
        }
        for support, first in entry.items():
            counts[support]["total"] += 1
            age = age_on(member.birth, first) if member.birth else None
            ages = {"children": age is not None and age < 18, "young": age is not None and 18 <= age <= 29,
                    "senior": age is not None and age >= 65}
            for group in GROUPS:
                if group in ages:
                    answer = "not_declared" if age is None else "yes" if ages[group] else None
                else:
                    answer = facts[group]
                if answer:
                    counts[support][group][answer] += 1
    counts["households"] = len(households)
    return counts


# ---- the history ------------------------------------------------------------------------------------


@pytest.fixture
def history(db):
    location = Location.objects.create(name="Κέντρο")
    programme = Programme.objects.create(code="food", name="Τρόφιμα")
    items = {
        "rice": Item.objects.create(name_el="Ρύζι", category=Item.Category.FOOD, is_food=True,
                                    food_group=Item.FoodGroup.STARCH, weight_kg=D("1"), unit_value_eur=D("1.20")),
        "soap": Item.objects.create(name_el="Σαπούνι", category=Item.Category.HYGIENE, weight_kg=D("0.1"),
                                    unit_value_eur=D("1.10")),
    }
    days = {}
    for month in range(1, 12):
        for day_of_month in (5, 20):
            when = date(2026, month, day_of_month)
            days[when] = DistributionDay.objects.create(date=when, location=location, programme=programme,
                                                        starts_at=time(9), ends_at=time(13))
    world = KnownData(location, programme, programme, days, items, {})
    world.user = UserFactory(role="staff", username="history")
    return History(world, random.Random(2026))


PERIODS = [(date(2026, m, 1), (date(2026, m + 1, 1) - timedelta(days=1))) for m in range(1, 12)] + [
    (date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 1, 1), date(2026, 12, 31))]


def build(history: History):
    rng, world = history.rng, history.world
    for n in range(24):
        people = [random_person(rng, history, f"H{n}") for _ in range(rng.randint(1, 4))]
        people[0].categories.setdefault("disability", "no")
        register(history, f"H{n}", people, rng.choice(["yes", "no", "no", ""]))
    duplicates = []
    for day in sorted(world.days):
        # Births, joins and leaves of the month, recorded through the services with their dates.
        if day.day == 5:
            for key in rng.sample(sorted(k for k in world.households if k not in history.merged_into), 3):
                event = rng.choice(["birth", "join", "leave"])
                household = world.households[key]
                if event == "birth":
                    baby = random_person(rng, history, key, born=day + timedelta(days=rng.randint(0, 20)))
                    baby.birth = min(baby.birth, date(2026, 11, 30))
                    person = _person(baby, "Μωρό")
                    person.household = household
                    person = services.save_member(person, by=world.user, allow_duplicates=True)
                    baby.pk = person.pk
                    history.members[baby.key] = baby
                elif event == "join":
                    newcomer = random_person(rng, history, key)
                    newcomer.joined = day + timedelta(days=rng.randint(-3, 20))
                    if newcomer.birth and newcomer.birth > newcomer.joined:
                        newcomer.birth = newcomer.joined
                    person = _person(newcomer, "Νέος")
                    person.household = household
                    person = services.save_member(person, by=world.user, allow_duplicates=True)
                    newcomer.pk = person.pk
                    history.members[newcomer.key] = newcomer
                else:
                    leaving = [m for m in history.members.values() if m.household == key and m.left is None
                               and not Person.everyone.get(pk=m.pk).is_reference
                               and (m.joined or date.min) <= day]
                    if leaving:
                        member = rng.choice(leaving)
                        member.left = day + timedelta(days=rng.randint(0, 20))
                        services.remove_member(Person.objects.get(pk=member.pk), by=world.user, left_on=member.left)
        # A duplicate registration of an existing household in March, May and July: the reference person
        # again (name in Latin letters, same birth date) and someone new.
        if day.day == 5 and day.month in (3, 5, 7):
            used = {d[0] for d in duplicates}
            shared = next(m for m in history.members.values() if m.household.startswith("H") and m.birth
                          and m.household not in used and Person.everyone.get(pk=m.pk).is_reference)
            original = shared.household
            twin = history.new_member(f"D{day.month}", birth=shared.birth, sex=shared.sex,
                                      nationality_group=shared.nationality_group, categories=dict(shared.categories))
            twin.text = shared.text
            other = random_person(rng, history, f"D{day.month}")
            key = f"D{day.month}"
            household = services.register_household(
                Household(categories={"homeless": history.homeless[original]} if history.homeless[original] else {}),
                Person(first_name=f"SAME {shared.key}", last_name=f"ISTORIA {shared.key}", birth_date=shared.birth,
                       sex=shared.sex, nationality=twin.text, categories=dict(twin.categories)),
                [_person(other, other.key)], by=world.user, allow_duplicates=True)
            world.households[key] = household
            history.homeless[key] = history.homeless[original]
            twin.pk = household.members.get(is_reference=True).pk
            other.pk = household.members.get(first_name=other.key).pk
            history.members[twin.key], history.members[other.key] = twin, other
            spelling = Person.objects.get(pk=shared.pk)  # the name as staff first wrote it, corrected
            spelling.first_name, spelling.last_name = f"Same {shared.key}", f"Istoria {shared.key}"
            services.save_member(spelling, by=world.user, allow_duplicates=True)
            duplicates.append((original, key, shared, twin))
        # The day's collections.
        for key in sorted(world.households):
            if rng.random() < 0.55:
                food, goods = rng.random() < 0.8, rng.random() < 0.4
                lines = [("rice", 2, None)] * food + [("soap", 1, None)] * goods
                cancelled = rng.random() < 0.05
                collect(world, key, day, lines, user=world.user, cancelled=cancelled)
                if not cancelled:
                    history.collections.append((key, day, food, goods))
    # Corrections: a birth date and a sex recorded wrongly.
    shared_keys = {d[2].key for d in duplicates}  # those stay recognisable as the same person
    for member in rng.sample([m for m in history.members.values() if m.birth and m.left is None
                              and m.key not in shared_keys], 4):
        person = Person.objects.get(pk=member.pk)
        member.birth = member.birth - timedelta(days=400)
        member.sex = "F" if member.sex != "F" else "M"
        person.birth_date, person.sex = member.birth, member.sex
        services.save_member(person, by=world.user, allow_duplicates=True)
    return duplicates


def merge_duplicates(history: History, duplicates):
    today = date.today()
    for original, key, shared, twin in duplicates:
        keep, other = history.world.households[original], history.world.households[key]
        pairs = services.same_people(keep, other)
        assert [(p.kept.pk, p.merged.pk) for p in pairs] == [(shared.pk, twin.pk)]
        services.merge_households(keep, other, by=history.world.user, same=[(p.kept, p.merged) for p in pairs])
        history.merged_into[key] = original
        twin.same_as, twin.left = shared.key, today
        # The others of the merged-away household stay its members for its collections, and join the kept
        # one today (no collections after today).


def figures(period):
    counts = esf_figures(Period(*period))["counts"]
    # The region tallies the same figures from the centre's people (one reading for these and the match
    # keys): the same numbers, every period, before and after merges and anonymisation.
    households, people = centre_people(Period(*period))
    assert counts_of(people, households) == counts, period
    assert people_alike(Period(*period))[0] == len(households_counted(Period(*period)))
    # ... and what the SQL tells of each person is what the Python twin reads of her row.
    assert (Counter(tuple(alike) for _key, *alike in people_alike(Period(*period))[1])
            == Counter(answers_depend_on(row) for row in people_facts(Period(*period)))), period
    return counts


def test_every_figure_follows_the_independent_count_through_merges_and_anonymisation(history):
    duplicates = build(history)
    members = list(history.members.values())
    # The history holds every kind of event the count must follow.
    assert sum(m.left is not None for m in members) >= 3 and sum(m.joined is not None for m in members) >= 3
    assert sum(m.birth is not None and m.birth.year == 2026 for m in members) >= 3 and len(duplicates) == 3
    for period in PERIODS:
        assert figures(period) == expected_counts(history, *period), period
    merge_duplicates(history, duplicates)
    expected = {period: expected_counts(history, *period) for period in PERIODS}
    for period in PERIODS:
        assert figures(period) == expected[period], period
    assert expected[PERIODS[-1]]["households"] == len(history.world.households) - len(duplicates)
    # Retention: anonymising a third of the households (those merged into them with them) changes nothing.
    for key in sorted(history.world.households)[::3]:
        if key not in history.merged_into:
            retention_services.anonymise_household(history.world.households[key], by=history.world.user)
    for period in PERIODS:
        assert figures(period) == expected[period], period
