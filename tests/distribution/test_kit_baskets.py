"""A basket rule may hand out a pre-packed kit: the scan takes the kit, not its contents, out of stock."""

import uuid

import pytest
from django.core.management import call_command

from distribution.models import BasketRule
from distribution.services.scans import record_scan
from inventory.selectors import available_by_item
from inventory.services.kits import assemble_kits, set_kit_contents
from tests.distribution.days_helpers import d, day_with_basket, household
from tests.inventory.factories import NonFoodItemFactory

pytestmark = pytest.mark.django_db


def test_a_kit_handed_out_at_a_table_takes_the_kit_not_its_contents(volunteer_user, staff_user):
    day, items = day_with_basket()
    kit = NonFoodItemFactory(name_el="Καλάθι 1–2 ατόμων")
    set_kit_contents(kit, [(items["rice"], 2), (items["soap"], 1)], by=staff_user)
    assemble_kits(kit, location=day.location, count=5, by=staff_user)
    BasketRule.objects.create(day=day, item=kit, basis="household", quantity=1)
    _hh, _card, code = household(day.programme, size=2)
    answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                         by=volunteer_user)
    assert answer.outcome == "collected"
    assert {line["item"]: line["quantity"] for line in answer.body["basket"]}["Καλάθι 1–2 ατόμων"] == "1"
    on_hand = available_by_item(day.location, [kit, items["rice"], items["soap"]])
    # 100 rice − 10 into kits − 2 by the rice rule; 100 soap − 5 into kits − 2 (one per member); 5 − 1 kits.
    assert on_hand == {kit.pk: d(4), items["rice"].pk: d(88), items["soap"].pk: d(93)}
    call_command("check_stock")
