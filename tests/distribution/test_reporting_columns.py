"""The columns kept for the reports: a collection's food/goods totals, written with it by the
scan service, and the ESF+ category answers of people and households, kept in sync with their JSON.
Each is also back-filled by migration 0003 from the ledger / the JSON; the database refuses bad values."""

import importlib
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.state import ProjectState

from distribution.models import Collection, Household, Person
from distribution.selectors.baskets import BasketLine, basket_totals
from distribution.services.days import cancel_collection
from distribution.services.scans import record_scan
from inventory.models import StockMovement
from tests.distribution.days_helpers import day_with_basket, household
from tests.inventory.factories import ItemFactory, NonFoodItemFactory

pytestmark = pytest.mark.django_db
D = Decimal
BACKFILL = importlib.import_module("distribution.migrations.0003_reporting_columns")
TOTALS = ["has_food", "has_goods", "food_kg", "food_value_eur", "goods_kg", "goods_value_eur"]


def totals_of(collection) -> dict:
    collection.refresh_from_db()
    return {key: getattr(collection, key) for key in TOTALS}


def ledger_totals(collection) -> dict:
    """The totals worked out from the collection's own ledger rows (what the reports used to join)."""
    totals = {"has_food": False, "has_goods": False, "food_kg": D(0), "food_value_eur": D(0), "goods_kg": D(0),
              "goods_value_eur": D(0)}
    for m in StockMovement.objects.filter(document_type="distribution.collection", document_id=str(collection.pk),
                                          reverses__isnull=True).select_related("item"):
        kind = "food" if m.item.is_food else "goods"
        totals[f"has_{kind}"] |= m.reason == StockMovement.Reason.DISTRIBUTED
        totals[f"{kind}_kg"] -= m.quantity * m.unit_weight_kg
        totals[f"{kind}_value_eur"] -= m.quantity * m.unit_value_eur
    return totals


def test_basket_totals_split_food_and_other_goods():
    rice = ItemFactory.build(is_food=True, weight_kg=D("1.000"), unit_value_eur=D("1.25"))
    soap = NonFoodItemFactory.build(weight_kg=D("0.100"), unit_value_eur=D("1.10"))
    totals = basket_totals([BasketLine(rice, D("2.5")), BasketLine(soap, D(3))])
    assert totals == {"has_food": True, "has_goods": True, "food_kg": D("2.5"), "food_value_eur": D("3.125"),
                      "goods_kg": D("0.3"), "goods_value_eur": D("3.30")}
    assert basket_totals([]) == {"has_food": False, "has_goods": False, "food_kg": 0, "food_value_eur": 0,
                                 "goods_kg": 0, "goods_value_eur": 0}


def test_the_scan_records_the_totals_the_ledger_holds(volunteer_user):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme, size=4, children_under_3=1)
    answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                         by=volunteer_user)
    collection = Collection.objects.get(pk=answer.body["collection"]["id"])
    recorded = totals_of(collection)
    assert recorded == ledger_totals(collection)
    assert recorded["has_food"] and recorded["has_goods"] and recorded["food_value_eur"] > 0
    # Cancelling leaves them (the reports leave cancelled collections out).
    cancel_collection(collection, reason="Λάθος κάρτα", by=volunteer_user)
    assert totals_of(collection) == recorded


def test_the_back_fill_recomputes_the_totals_and_the_answers_from_ledger_and_json(volunteer_user):
    day, _items = day_with_basket()
    collections = []
    for size in (2, 5):
        _hh, _card, code = household(day.programme, size=size)
        answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                             by=volunteer_user)
        collections.append(Collection.objects.get(pk=answer.body["collection"]["id"]))
    expected = [ledger_totals(c) for c in collections]
    home = Household.objects.create(categories={"homeless": "yes"})
    person = Person.objects.create(household=home, is_reference=True, first_name="Α",
                                   categories={"disability": "no", "roma": "no", "migrant": "no", "repatriate": "no",
                                               "protection": "no", "asylum": "no"})
    # As before the migration: nothing in the new columns.
    Collection.objects.update(has_food=False, has_goods=False, food_kg=0, food_value_eur=0, goods_kg=0,
                              goods_value_eur=0)
    Household.objects.update(homeless="")
    Person.objects.update(disability="", minority="")
    # The back-fill needs only the editor's connection (a real schema editor cannot open inside a test's
    # transaction on SQLite).
    BACKFILL.backfill(ProjectState().apps, SimpleNamespace(connection=connection))
    assert [totals_of(c) for c in collections] == expected
    home.refresh_from_db()
    person.refresh_from_db()
    assert (home.homeless, person.disability, person.minority) == ("yes", "no", "no")


@pytest.mark.parametrize(("categories", "disability", "minority"), [
    ({}, "", ""),
    ({"disability": "yes", "roma": "no"}, "yes", ""),  # other minority answers missing: not declared
    ({"roma": "no", "migrant": "no", "repatriate": "no", "protection": "no", "asylum": "no"}, "", "no"),
    ({"asylum": "yes"}, "", "yes"),  # one yes is enough, whatever else is missing
    ({"disability": "no", "kea": "yes"}, "no", ""),
])
def test_person_answers_follow_the_json(categories, disability, minority):
    home = Household.objects.create()
    person = Person.objects.create(household=home, is_reference=True, first_name="Α", categories=categories)
    person.refresh_from_db()
    assert (person.disability, person.minority) == (disability, minority)


def test_answers_stay_in_sync_when_the_json_changes_even_with_update_fields():
    home = Household.objects.create(categories={"homeless": "no"})
    person = Person.objects.create(household=home, is_reference=True, first_name="Α", categories={})
    home.categories["homeless"] = "yes"
    home.save(update_fields=["categories", "updated_at"])  # as the list import does
    person.categories = {"disability": "yes", "migrant": "yes"}
    person.save(update_fields=["categories"])
    home.refresh_from_db()
    person.refresh_from_db()
    assert (home.homeless, person.disability, person.minority) == ("yes", "yes", "yes")
    home.categories = {}
    home.save()
    home.refresh_from_db()
    assert home.homeless == ""


@pytest.mark.parametrize(("model", "values"), [
    (Household, {"homeless": "ja"}),
    (Person, {"disability": "x"}),
    (Person, {"minority": "YES"}),
])
def test_the_database_refuses_an_answer_other_than_yes_no_or_empty(model, values):
    home = Household.objects.create()
    Person.objects.create(household=home, is_reference=True, first_name="Α")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**values)


@pytest.mark.parametrize("column", ["food_kg", "food_value_eur", "goods_kg", "goods_value_eur"])
def test_the_database_refuses_negative_totals(column, volunteer_user):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Collection.objects.update(**{column: D("-0.01")})
