"""Pre-packed kits: assembling and taking apart go through the ledger (check_stock stays clean), a short
stock refuses the whole, a kit expires with its earliest content, and handing a kit out takes the kit."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from inventory.models import KitComponent, StockLevel, StockMovement
from inventory.services import InsufficientStock, take_out
from inventory.services.kits import assemble_kits, disassemble_kits, set_kit_contents
from tests.factories import LocationFactory

from .factories import ItemFactory, NonFoodItemFactory
from .helpers import d, day, stock

pytestmark = pytest.mark.django_db


def _on_hand(item, location):
    return sum(StockLevel.objects.filter(item=item, location=location).values_list("quantity", flat=True), d(0))


@pytest.fixture
def world(staff_user):
    store = LocationFactory(name="Αποθήκη")
    rice, soap = ItemFactory(name_el="Ρύζι"), NonFoodItemFactory(name_el="Σαπούνι")
    kit = NonFoodItemFactory(name_el="Καλάθι 1–2 ατόμων", has_expiry=True)
    set_kit_contents(kit, [(rice, 2), (soap, 1)], by=staff_user)
    stock(rice, store, 3, lot="A", expiry=day("2027-05-01"))
    stock(rice, store, 10, lot="B", expiry=day("2027-02-01"))
    stock(soap, store, 10)
    return store, rice, soap, kit


def test_assembling_moves_contents_out_and_kits_in_earliest_expiry_first(world, staff_user):
    store, rice, soap, kit = world
    assemble_kits(kit, location=store, count=6, by=staff_user)
    assert _on_hand(rice, store) == d(1) and _on_hand(soap, store) == d(4) and _on_hand(kit, store) == d(6)
    # Lot B (earliest) went first, then 2 of lot A: the kits expire with the earliest of them.
    assert StockLevel.objects.get(item=rice, location=store, lot="B").quantity == 0
    assert StockLevel.objects.get(item=kit, location=store).expiry_date == day("2027-02-01")
    call_command("check_stock")
    from django.utils import timezone

    from inventory.selectors import movement_report

    today = timezone.localdate()
    rows = {row["item_id"]: row for row in movement_report(today, today, store)["rows"]}
    assert rows[rice.pk]["kits"] == d(-12) and rows[kit.pk]["kits"] == d(6) and rows[kit.pk]["net"] == d(6)


def test_short_stock_refuses_the_whole_assembly(world, staff_user):
    store, rice, soap, kit = world
    before = StockMovement.objects.count()
    with pytest.raises(InsufficientStock):
        assemble_kits(kit, location=store, count=7, by=staff_user)  # 14 rice wanted, 13 there
    assert StockMovement.objects.count() == before and _on_hand(kit, store) == 0 and _on_hand(rice, store) == 13
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValidationError):
            assemble_kits(kit, location=store, count=bad, by=staff_user)


def test_taking_kits_apart_reverses_and_check_stock_stays_clean(world, staff_user):
    store, rice, soap, kit = world
    assemble_kits(kit, location=store, count=5, by=staff_user)
    disassemble_kits(kit, location=store, count=3, by=staff_user)
    assert _on_hand(kit, store) == d(2) and _on_hand(rice, store) == d(9) and _on_hand(soap, store) == d(8)
    # Contents come back no later-dated than the kit they were in; soap has no expiry.
    assert StockLevel.objects.get(item=rice, location=store, lot="KIT").expiry_date == day("2027-02-01")
    assert StockLevel.objects.get(item=soap, location=store, lot="KIT").expiry_date is None
    with pytest.raises(InsufficientStock):
        disassemble_kits(kit, location=store, count=3, by=staff_user)
    call_command("check_stock")


def test_a_kit_handed_out_takes_the_kit_not_its_contents(world, staff_user):
    store, rice, soap, kit = world
    assemble_kits(kit, location=store, count=2, by=staff_user)
    take_out(location=store, lines=[(kit, Decimal(1))], by=staff_user, document_type="test", document_id="1")
    assert _on_hand(kit, store) == d(1) and _on_hand(rice, store) == d(9) and _on_hand(soap, store) == d(8)
    call_command("check_stock")


def test_bill_rules_in_the_service_and_the_database(world, staff_user):
    store, rice, soap, kit = world
    with pytest.raises(ValidationError):
        set_kit_contents(kit, [(kit, 1)], by=staff_user)
    with pytest.raises(ValidationError):
        set_kit_contents(kit, [(rice, 0)], by=staff_user)
    with pytest.raises(ValidationError):
        set_kit_contents(kit, [(rice, 1), (rice, 2)], by=staff_user)
    with pytest.raises(ValidationError):  # a kit inside a kit
        set_kit_contents(ItemFactory(), [(kit, 1)], by=staff_user)
    with pytest.raises(ValidationError):  # an item with no bill is no kit
        assemble_kits(rice, location=store, count=1, by=staff_user)
    for quantity, component in ((Decimal(0), soap), (Decimal(1), kit)):
        with pytest.raises(IntegrityError), transaction.atomic():
            KitComponent.objects.create(kit=kit, component=component, quantity=quantity)
    assert list(kit.kit_components.values_list("component__name_el", "quantity")) == [("Ρύζι", d(2)),
                                                                                        ("Σαπούνι", d(1))]


def test_kit_pages_keep_the_bill_assemble_and_show_contents_on_the_stock_page(client, world, staff_user,
                                                                                volunteer_user):
    from django.urls import reverse

    store, rice, soap, kit = world
    other = NonFoodItemFactory(name_el="Κιτ υγιεινής")
    client.force_login(volunteer_user)
    assert client.post(reverse("inventory:kit_line_add", args=[other.pk]),
                       {"component": soap.pk, "quantity": "2"}).status_code == 403
    client.force_login(staff_user)
    client.post(reverse("inventory:kit_line_add", args=[other.pk]), {"component": soap.pk, "quantity": "2"})
    assert list(other.kit_components.values_list("component", "quantity")) == [(soap.pk, d(2))]
    page = client.post(reverse("inventory:kit_line_add", args=[other.pk]), {"component": other.pk, "quantity": "1"},
                       follow=True).content.decode()
    assert other.kit_components.count() == 1 and "τον εαυτό του" in page
    response = client.post(reverse("inventory:kit_assemble", args=[kit.pk]),
                           {"location": store.pk, "count": "2", "action": "assemble"}, follow=True)
    assert response.status_code == 200 and _on_hand(kit, store) == d(2)
    response = client.post(reverse("inventory:kit_assemble", args=[kit.pk]),
                           {"location": store.pk, "count": "50", "action": "assemble"}, follow=True)
    assert response.status_code == 200 and _on_hand(kit, store) == d(2)  # refused: short, nothing changed
    client.post(reverse("inventory:kit_assemble", args=[kit.pk]),
                {"location": store.pk, "count": "1", "action": "disassemble"})
    assert _on_hand(kit, store) == d(1)
    page = client.get(reverse("inventory:stock")).content.decode()
    assert "Ρύζι × 2, Σαπούνι × 1" in page
    page = client.get(reverse("inventory:item", args=[kit.pk])).content.decode()
    assert 'data-testid="kit-contents"' in page and "Ρύζι" in page
    line = kit.kit_components.get(component=soap)
    client.post(reverse("inventory:kit_line_remove", args=[line.pk]))
    assert list(kit.kit_components.values_list("component", flat=True)) == [rice.pk]
    call_command("check_stock")
