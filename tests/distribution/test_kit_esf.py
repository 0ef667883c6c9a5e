"""A kit handed out counts in the ESF+ figures as what it holds (its bill of items), never by its own
weight, value, category or food group: at a table and at the desk, in the values, the food groups, the
children's goods, the kinds of support the people count under, and the drill-downs."""

import dataclasses
import importlib
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from distribution.models import BasketRule, Collection, Handout
from distribution.selectors.reporting import Period, esf_figures, value_collections
from distribution.services.handouts import record_handout
from distribution.services.scans import record_scan
from inventory.models import Item
from inventory.services.kits import assemble_kits, set_kit_contents
from reports.esf import esf_report
from tests.distribution.days_helpers import day_with_basket, household, programme
from tests.inventory.factories import ItemFactory, NonFoodItemFactory
from tests.inventory.helpers import stock

pytestmark = pytest.mark.django_db
D = Decimal


def _period():
    today = timezone.localdate()
    return Period(today - timedelta(days=1), today + timedelta(days=1))


@pytest.fixture
def kit_day(staff_user):
    """A day whose only rule gives one kit per household. The kit is filed as a non-food item of 5 kg
    and 20 €; it holds 2 rice (1 kg, 1.50 €, starch), 1 milk (1 kg, 1.20 €), 1 soap (0.1 kg, 0.80 €) and
    1 pack of nappies (baby goods, 0.5 kg, 4 €): per kit 3 kg and 4.20 € of food, 0.6 kg and 4.80 € of
    other goods, 4 € of them children's goods."""
    prog = programme()
    day, _items = day_with_basket(prog=prog, stock_per_item=0)
    BasketRule.objects.filter(day=day).delete()
    kit = NonFoodItemFactory(name_el="Καλάθι 1–2 ατόμων", weight_kg=D("5"), unit_value_eur=D("20"))
    rice = ItemFactory(name_el="Ρύζι", weight_kg=D("1"), unit_value_eur=D("1.50"))
    milk = ItemFactory(name_el="Γάλα", weight_kg=D("1"), unit_value_eur=D("1.20"), food_group=Item.FoodGroup.MILK)
    soap = NonFoodItemFactory(name_el="Σαπούνι", weight_kg=D("0.1"), unit_value_eur=D("0.80"))
    nappies = NonFoodItemFactory(name_el="Πάνες", category=Item.Category.BABY, weight_kg=D("0.5"),
                                 unit_value_eur=D("4"))
    set_kit_contents(kit, [(rice, 2), (milk, 1), (soap, 1), (nappies, 1)], by=staff_user)
    for item in (rice, milk, soap, nappies):
        stock(item, day.location, 20, expiry=timezone.localdate() + timedelta(days=200) if item.has_expiry else None)
    assemble_kits(kit, location=day.location, count=5, by=staff_user)
    BasketRule.objects.create(day=day, item=kit, basis="household", quantity=1)
    return day, kit


def test_a_kit_counts_as_what_it_holds_in_the_esf_figures(kit_day, volunteer_user, staff_user):
    day, kit = kit_day
    _hh, _card, code = household(day.programme, size=2)
    other, _card2, _code2 = household(day.programme, size=3)
    answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                         by=volunteer_user)
    assert answer.status == 201
    handout = record_handout(by=staff_user, location=day.location, kind=Handout.Kind.WALK_IN, household=other,
                             programme=day.programme, lines=[(kit, 2)])

    # What the collection and the hand-out recorded: the contents' food and goods, not a 5 kg non-food item.
    collection = Collection.objects.get()
    assert (collection.has_food, collection.has_goods) == (True, True)
    assert (collection.food_kg, collection.food_value_eur) == (D("3"), D("4.2"))
    assert (collection.goods_kg, collection.goods_value_eur) == (D("0.6"), D("4.8"))
    handout.refresh_from_db()
    assert (handout.has_food, handout.food_kg, handout.goods_value_eur) == (True, D("6"), D("9.6"))

    figures = esf_figures(_period())
    counts = figures["counts"]
    assert counts["food"]["total"] == 5 and counts["material"]["total"] == 5  # both households' members
    (values,) = figures["values"]  # neither household answered about homelessness
    assert values["food_kg"] == D("9") and values["food_eur"] == D("12.6")  # 3 kits
    assert values["goods_kg"] == D("1.8") and values["goods_eur"] == D("14.4")
    assert values["children_eur"] == D("12")
    assert {code: (group["kg"], group["eur"]) for code, group in values["food_groups"].items()} == {
        "starch": (D("6"), D("9")), "milk": (D("3"), D("3.6"))}

    report = esf_report(_period())
    assert report.figure("value.total").value == D("27.00")  # 3 × 9 €, not 3 × 20 €
    assert {group["code"]: group["eur"] for group in report.food_groups} == {"starch": D("9.00"), "milk": D("3.60")}

    food = value_collections(_period(), is_food=True)
    assert [(row["kg"], row["eur"]) for row in food] == [(D("3"), D("4.2")), (D("6"), D("8.4"))]
    children = value_collections(_period(), is_food=False, categories=[Item.Category.BABY])
    assert [(row["quantity"], row["eur"]) for row in children] == [(D("1"), D("4")), (D("2"), D("8"))]


def test_editing_a_kit_later_does_not_move_a_past_periods_figures(kit_day, volunteer_user, staff_user):
    """A kit counts by what it held when handed out: changing its contents, or the weight, value and
    category of what it held, moves no figure of the period (as for a plain item)."""
    day, kit = kit_day
    _hh, _card, code = household(day.programme, size=2)
    other, _card2, _code2 = household(day.programme, size=3)
    assert record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                       by=volunteer_user).status == 201
    record_handout(by=staff_user, location=day.location, kind=Handout.Kind.WALK_IN, household=other,
                   programme=day.programme, lines=[(kit, 2)])
    before = esf_figures(_period())
    drill = value_collections(_period(), is_food=True)
    report = esf_report(_period())

    contents = {line.component.name_el: line.component for line in kit.kit_components.select_related("component")}
    rice, soap = contents["Ρύζι"], contents["Σαπούνι"]
    set_kit_contents(kit, [(rice, 5), (soap, 3)], by=staff_user)
    Item.objects.filter(pk=rice.pk).update(weight_kg=D("2"), unit_value_eur=D("9"))

    assert esf_figures(_period()) == before
    assert value_collections(_period(), is_food=True) == drill
    assert dataclasses.replace(esf_report(_period()), generated_at=report.generated_at) == report


def test_the_migration_keeps_the_contents_of_kits_handed_out_before(kit_day, staff_user):
    """Kits handed out before the contents were kept at the time get what they hold now (inventory 0013)."""
    from django.apps import apps

    from inventory.models import KitHandedOut

    keep = importlib.import_module("inventory.migrations.0013_kit_handed_out").keep_contents_of_past_kits
    day, kit = kit_day
    handout = record_handout(by=staff_user, location=day.location, kind=Handout.Kind.WALK_IN, people=1,
                             reason="έξωση", lines=[(kit, 2)])
    kept = set(KitHandedOut.objects.values_list("document_key", "kit_id", "component_id", "quantity",
                                                "unit_weight_kg", "unit_value_eur"))
    assert len(kept) == 4 and {row[0] for row in kept} == {handout.pk}
    figures = esf_figures(_period())
    KitHandedOut.objects.all().delete()
    keep(apps, None)
    assert set(KitHandedOut.objects.values_list("document_key", "kit_id", "component_id", "quantity",
                                                "unit_weight_kg", "unit_value_eur")) == kept
    assert esf_figures(_period()) == figures
