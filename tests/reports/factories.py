"""A small data set built by hand, whose every ESF+ figure is worked out in tests/reports/test_esf.py.

Period: March 2026, programme "kea-basic" at the centre. Collections (day, household, goods):

    H1 homeless        02/03 rice 2 × 1.20 €, nappies 1 × 8.50 €;  16/03 rice 2 × 1.25 €, soap 1 × 1.10 €
    H2 not homeless    27/02 (before the period) rice 1;  16/03 milk 4 × 0.95 € of which 1 returned
    H3 undeclared      02/03 soap 2 × 1.10 €;  01/04 (after the period) rice 3
    H4                 02/03 rice 5, cancelled (goods reversed)
    H5                 10/03 rice 10 × 1.20 € on another programme's day
    H6                 02/03 nothing handed over (empty basket)
"""

import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from core.models import Location
from distribution.models import Collection, DistributionDay, Household, Person, Programme
from distribution.selectors.baskets import BasketLine, basket_totals
from distribution.selectors.days import COLLECTION_DOCUMENT
from inventory.models import Item, StockMovement
from tests.factories import UserFactory

D = Decimal


def aware(day: date, hour=10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class KnownData:
    location: Location
    programme: Programme
    other_programme: Programme
    days: dict
    items: dict
    households: dict
    people: dict = field(default_factory=dict)
    collections: dict = field(default_factory=dict)


def make_person(household, key, data: KnownData, **fields):
    fields.setdefault("is_reference", not household.members.exists())
    person = Person.objects.create(household=household, first_name=key, last_name="Δοκιμή", **fields)
    data.people[key] = person
    return person


def _valued(item, value):
    """The item as it was when its unit value was `value` (None: as it is)."""
    if value is None:
        return item
    item = copy.copy(item)
    item.unit_value_eur = D(value)
    return item


def collect(data: KnownData, household_key: str, day_key: str, lines, *, user, cancelled=False, returned=()):
    """A collection with its ledger rows: lines are (item key, quantity, unit value or None)."""
    day = data.days[day_key]
    household = data.households[household_key]
    # The totals the scan service records (at the unit value of the day), less what was brought back.
    totals = basket_totals([BasketLine(_valued(data.items[key], value), D(quantity)) for key, quantity, value in lines])
    back = basket_totals([BasketLine(data.items[key], D(quantity)) for key, quantity in returned])
    for key in ("food_kg", "food_value_eur", "goods_kg", "goods_value_eur"):
        totals[key] -= back[key]
    collection = Collection.objects.create(
        day=day, household=household, station="Τραπέζι 1", at=aware(day.date), by=user,
        household_size=household.members.count(), **totals,
    )
    moves = []
    for item_key, quantity, value in lines:
        item = data.items[item_key]
        moves.append(StockMovement.objects.create(
            at=aware(day.date), reason=StockMovement.Reason.DISTRIBUTED, item=item, location=day.location,
            quantity=-D(quantity), unit_weight_kg=item.weight_kg,
            unit_value_eur=D(value) if value is not None else item.unit_value_eur,
            document_type=COLLECTION_DOCUMENT, document_id=str(collection.pk), by=user,
        ))
    for item_key, quantity in returned:  # part of the basket brought back the same day
        item = data.items[item_key]
        StockMovement.objects.create(
            at=aware(day.date, 11), reason=StockMovement.Reason.CORRECTION, item=item, location=day.location,
            quantity=D(quantity), unit_weight_kg=item.weight_kg, unit_value_eur=item.unit_value_eur,
            document_type=COLLECTION_DOCUMENT, document_id=str(collection.pk), by=user,
        )
    if cancelled:
        for move in moves:
            StockMovement.objects.create(
                at=aware(day.date, 12), reason=StockMovement.Reason.CORRECTION, item=move.item, location=move.location,
                quantity=-move.quantity, unit_weight_kg=move.unit_weight_kg, unit_value_eur=move.unit_value_eur,
                document_type=COLLECTION_DOCUMENT, document_id=str(collection.pk), reverses=move, by=user,
            )
        collection.cancelled_at = aware(day.date, 12)
        collection.cancelled_by = user
        collection.cancel_reason = "Λάθος κάρτα"
        collection.save()
    data.collections[f"{household_key}@{day_key}"] = collection
    return collection


def known_data() -> KnownData:
    user = UserFactory(role="staff", username="esf-maker")
    location = Location.objects.create(name="Κέντρο Κοινότητας Δράμας")
    programme = Programme.objects.create(code="kea-basic", name="Βασικά αγαθά ΚΕΑ")
    other = Programme.objects.create(code="school", name="Σχολικά είδη")

    def day(when, prog=programme):
        return DistributionDay.objects.create(date=when, location=location, programme=prog,
                                              starts_at=time(9), ends_at=time(13))

    days = {"feb27": day(date(2026, 2, 27)), "mar02": day(date(2026, 3, 2)), "mar16": day(date(2026, 3, 16)),
            "apr01": day(date(2026, 4, 1)), "mar10_other": day(date(2026, 3, 10), other)}
    items = {
        "rice": Item.objects.create(name_el="Ρύζι 1 kg", category=Item.Category.FOOD, is_food=True,
                                    food_group=Item.FoodGroup.STARCH, weight_kg=D("1.000"), unit_value_eur=D("1.20")),
        "milk": Item.objects.create(name_el="Γάλα 1 l", category=Item.Category.FOOD, is_food=True,
                                    food_group=Item.FoodGroup.MILK, weight_kg=D("1.030"), unit_value_eur=D("0.95")),
        "nappies": Item.objects.create(name_el="Πάνες Νο 4", category=Item.Category.BABY, weight_kg=D("0.800"),
                                       unit_value_eur=D("8.50")),
        "soap": Item.objects.create(name_el="Σαπούνι", category=Item.Category.HYGIENE, weight_kg=D("0.100"),
                                    unit_value_eur=D("1.10")),
    }
    households = {
        "H1": Household.objects.create(categories={"homeless": "yes", "kea": "yes"}),
        "H2": Household.objects.create(categories={"homeless": "no", "kea": "yes"}),
        "H3": Household.objects.create(categories={}),
        "H4": Household.objects.create(categories={"homeless": "no"}),
        "H5": Household.objects.create(categories={"homeless": "no"}),
        "H6": Household.objects.create(categories={"homeless": "no"}),
    }
    data = KnownData(location, programme, other, days, items, households)
    everything_no = {"disability": "no", "roma": "no", "migrant": "no", "repatriate": "no", "protection": "no",
                     "asylum": "no"}
    # H1: a woman from Albania (migrant, disability) and her son, who turns 18 on 10/03/2026.
    make_person(households["H1"], "Ardita", data, sex="F", birth_date=date(1990, 3, 10), nationality="Αλβανία",
                categories={**everything_no, "disability": "yes", "migrant": "yes"})
    make_person(households["H1"], "Erion", data, sex="M", birth_date=date(2008, 3, 10), nationality="Ελληνική",
                categories={})
    # H2: a Roma couple: he is 65 on his first collection (16/03), she is 28.
    make_person(households["H2"], "Σαλής", data, sex="M", birth_date=date(1961, 3, 16), nationality="Ελληνική",
                categories={**everything_no, "roma": "yes"})
    make_person(households["H2"], "Αϊσέ", data, sex="F", birth_date=date(1997, 6, 1), nationality="ελληνικη",
                categories={**everything_no, "roma": "yes"})
    # H3: one person who declared nothing.
    make_person(households["H3"], "Άγνωστος", data, sex="", birth_date=None, nationality="", categories={})
    make_person(households["H4"], "Ελένη", data, sex="F", birth_date=date(1950, 1, 1), nationality="Ελληνική",
                categories=everything_no)
    make_person(households["H5"], "Nour", data, sex="F", birth_date=date(2020, 5, 5), nationality="Συρία",
                categories={**everything_no, "protection": "yes"})
    make_person(households["H6"], "Γιώργος", data, sex="M", birth_date=date(1985, 1, 1), nationality="Greek",
                categories=everything_no)

    collect(data, "H1", "mar02", [("rice", 2, None), ("nappies", 1, None)], user=user)
    collect(data, "H1", "mar16", [("rice", 2, "1.25"), ("soap", 1, None)], user=user)
    collect(data, "H2", "feb27", [("rice", 1, None)], user=user)
    collect(data, "H2", "mar16", [("milk", 4, None)], user=user, returned=[("milk", 1)])
    collect(data, "H3", "mar02", [("soap", 2, None)], user=user)
    collect(data, "H3", "apr01", [("rice", 3, None)], user=user)
    collect(data, "H4", "mar02", [("rice", 5, None)], user=user, cancelled=True)
    collect(data, "H5", "mar10_other", [("rice", 10, None)], user=user)
    collect(data, "H6", "mar02", [], user=user)
    return data
