"""A person who received support at two centres in one period counts once in the region's people
figures and once in each centre's own; she is matched by a keyed hash of her AMKA (core.matching), and
nothing of her reaches the region. People without an AMKA are counted by each centre."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from core.matching import match_key, normalise_amka
from core.models import Centre, Location, Municipality, Oversight, Region
from core.tenancy import centre_scope
from distribution.models import DistributionDay, Household, Person, Programme
from inventory.models import Item
from tests.factories import CentreFactory, UserFactory

from .factories import KnownData, collect, make_person

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
AMKA = "01017012345"
KEY = "k" * 20 + "a-person-match-key-for-the-tests"


@pytest.fixture(autouse=True)
def _matching_key(settings):
    settings.PERSON_MATCH_KEY = KEY


def test_the_match_key_is_the_amkas_keyed_hash_and_names_no_one_without_the_key(settings):
    assert normalise_amka(" 010170-12345 ") == AMKA and normalise_amka("123") == ""
    key = match_key(AMKA)
    assert key == match_key("010170 12345") and len(key) == 64 and AMKA not in key
    assert match_key("01017012346") != key and match_key("") is None
    settings.PERSON_MATCH_KEY = "another-installation-" + "x" * 20
    assert match_key(AMKA) != key, "another installation's key gives other keys"
    settings.PERSON_MATCH_KEY = ""
    assert match_key(AMKA) is None, "no key: nobody is matched"


def _march_at(centre_code: str, people: list[dict], user) -> None:
    """In the current centre: a household of `people` that collected food on 10/03/2026."""
    location = Location.objects.create(name=f"Χώρος {centre_code}")
    programme = Programme.objects.create(code=f"food-{centre_code}", name="Τρόφιμα")
    day = DistributionDay.objects.create(date=date(2026, 3, 10), location=location, programme=programme,
                                         starts_at=time(9), ends_at=time(13))
    rice = Item.objects.create(name_el=f"Ρύζι {centre_code}", category=Item.Category.FOOD, is_food=True,
                               food_group=Item.FoodGroup.STARCH, weight_kg=Decimal("1"), unit_value_eur=Decimal("1"))
    household = Household.objects.create(categories={"homeless": "no"})
    data = KnownData(location, programme, programme, {"mar10": day}, {"rice": rice}, {"H": household})
    for fields in people:
        amka = fields.pop("amka", "")
        person = make_person(household, fields.pop("first_name"), data, **fields)
        if amka:
            Person.everyone.filter(pk=person.pk).update(amka=amka)
    collect(data, "H", "mar10", [("rice", 2, None)], user=user)


@pytest.fixture
def two_centres():
    """Ελπίδα (AMKA) and her son (no AMKA) collect at Drama; Ελπίδα, moved, collects at Kavala too."""
    region = Region.objects.create(name="Ανατολική Μακεδονία και Θράκη")
    town = Municipality.objects.create(region=region, name="Δράμα")
    drama = Centre.objects.order_by("pk").first()
    drama.municipality = town
    drama.save()
    kavala = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala", municipality=town)
    mother = {"first_name": "Ελπίδα", "sex": "F", "birth_date": date(1970, 1, 1), "amka": AMKA}
    _march_at("drama", [dict(mother), {"first_name": "Άρης", "sex": "M", "birth_date": date(2012, 5, 5)}],
              UserFactory(role="staff", username="drama-staff"))
    with centre_scope(kavala):
        _march_at("kavala", [dict(mother)], UserFactory(role="staff", username="kavala-staff", role__centre=kavala))
    regional = UserFactory(username="perifereia-test")
    Oversight.objects.create(user=regional, region=region)
    return {"drama": drama, "kavala": kavala, "regional": regional}


def _own(client, centre) -> dict:
    client.force_login(UserFactory(role="staff", role__centre=centre))
    document = client.get(reverse("reports:esf"), MARCH).context["document"]
    return {row[0]: row[2] for table in document.tables for row in table.rows
            if isinstance(row[0], str) and row[0][:1].isdigit()}


def test_a_person_at_two_centres_counts_once_in_the_region_and_once_at_each_centre(client, two_centres):
    drama, kavala = _own(client, two_centres["drama"]), _own(client, two_centres["kavala"])
    assert (drama["3"], kavala["3"]) == (2, 1), "each centre counts its own people"
    client.force_login(two_centres["regional"])
    page = client.get(reverse("reports:region_esf"), MARCH)
    once = next(table for table in page.context["document"].tables if table.title == "Άτομα μετρημένα μία φορά "
                "στην περιφέρεια")
    rows = {row[0]: row for row in once.rows}
    # No., indicator, sum of the centres, once in the region, not declared (sum, once), without AMKA
    assert rows["3"][2:4] == [3, 2] and rows["3"][6] == 1
    assert rows["3.3"][2:4] == [2, 1], "women: Ελπίδα once"
    assert rows["3.1"][2:4] == [1, 1] and rows["3.1"][6] == 1, "children: her son, without AMKA"
    text = page.content.decode()
    assert AMKA not in text and match_key(AMKA) not in text and "Ελπίδα" not in text and "Άρης" not in text


def _row(rng, person_id):
    from distribution.selectors.reporting import esf as source

    row = {"person_id": person_id, "sex": rng.choice(["F", "M", ""])}
    for support in source.SUPPORTS:
        row[f"first_{support}"] = rng.choice([None, date(2025, 3, 5)])
        row[f"age_{support}"] = rng.choice([None, 2, 16, 17, 18, 29, 30, 40, 64, 65, 80])
    for group in ("disability", "homeless", "third_country", "foreign_minority"):
        row[group] = rng.choice(["yes", "no", ""])
    return row


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_regions_tally_equals_counting_every_person_one_by_one(seed):
    """People alike share their answers, and the once-count tallies by answers: the same numbers as
    working out each person's figures and counting distinct keys per figure, as the regulation reads."""
    import random

    from reports.region_people import people_once
    from reports.submissions import answers_depend_on, answers_of_alike, figure_answers

    rng = random.Random(seed)
    keys = [f"key-{n}" for n in range(400)]
    centres = []
    for centre in range(4):
        people = []
        for n in range(500):
            row = _row(rng, centre * 1000 + n)
            answers = tuple(figure_answers(row))
            # What the figures read of her gives her figures (the region reads people so, people_alike).
            assert answers_of_alike(answers_depend_on(row)) == answers
            people.append((answers, rng.choice([None, *keys])))  # a key at several centres, or twice at one
        centres.append((centre, people))
    expected_keys, expected_unmatched = {}, {}
    for _centre, people in centres:
        for answers, key in people:
            for answer in answers:
                if key is None:
                    expected_unmatched[answer] = expected_unmatched.get(answer, 0) + 1
                else:
                    expected_keys.setdefault(answer, set()).add(key)
    counted = people_once(centres)
    assert counted.unmatched == expected_unmatched
    assert counted.once == {answer: len(expected_keys.get(answer, ())) + expected_unmatched.get(answer, 0)
                            for answer in set(expected_keys) | set(expected_unmatched)}
