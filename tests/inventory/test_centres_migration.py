"""A single-centre database's inventory moves into the first centre with nothing lost (inventory 0014):
the catalogue, donors and donations, stock levels and the ledger (append-only: its trigger lets only
this migration give its rows their centre), transfers, stock-takes, kits and thresholds."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from core.tenancy import scopes_disabled
from tests.migrating import before, latest, migrate

MODELS = ["Item", "Barcode", "Pack", "KitComponent", "KitRequest", "KitHandedOut", "LowStockThreshold", "Donor",
          "Donation", "DonationLine", "StockLevel", "StockMovement", "Transfer", "StockTake", "StockTakeCount"]


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_a_single_centre_databases_inventory_moves_into_the_first_centre():
    old = migrate(before("inventory", "0013_kit_handed_out"))
    try:
        Centre, Location, User = (old.get_model("core", name) for name in ("Centre", "Location", "User"))
        m = {name: old.get_model("inventory", name) for name in MODELS}
        first = Centre.objects.order_by("pk").first()
        store = Location.objects.create(name="Αποθήκη", kind="store", centre_id=first.pk)
        branch = Location.objects.create(name="Παράρτημα", kind="site", centre_id=first.pk)
        maria = User.objects.create(username="maria")
        rice = m["Item"].objects.create(name_el="Ρύζι", category="food", is_food=True, food_group="starch")
        basket = m["Item"].objects.create(name_el="Καλάθι", category="food", is_food=True, food_group="other")
        pack = m["Pack"].objects.create(item=rice, name="κιβώτιο", units=12)
        m["Barcode"].objects.create(item=rice, code="5201234567890", kind="ean")
        m["Barcode"].objects.create(item=rice, pack=pack, code="KYP-P000001", kind="own")
        m["KitComponent"].objects.create(kit=basket, component=rice, quantity=2)
        m["KitRequest"].objects.create(request_id=uuid.uuid4(), answer={"ok": True}, by=maria)
        m["KitHandedOut"].objects.create(document_type="distribution.collection", document_key=7, kit=basket,
                                         component=rice, quantity=2, unit_weight_kg=1, unit_value_eur=1)
        m["LowStockThreshold"].objects.create(item=rice, location=store, quantity=5)
        donor = m["Donor"].objects.create(name="Σούπερ Μάρκετ")
        donation = m["Donation"].objects.create(donor=donor, location=store, status="received",
                                                received_at=timezone.now())
        m["DonationLine"].objects.create(donation=donation, item=rice, quantity=10)
        m["StockLevel"].objects.create(item=rice, location=store, quantity=Decimal(10))
        movement = m["StockMovement"].objects.create(reason="received", item=rice, location=store,
                                                     quantity=Decimal(10), by=maria,
                                                     document_type="inventory.donation", document_id=str(donation.pk))
        m["Transfer"].objects.create(from_location=store, to_location=branch, by=maria)
        take = m["StockTake"].objects.create(location=store, started_by=maria)
        m["StockTakeCount"].objects.create(stocktake=take, item=rice, quantity=10, counted_by=maria)
    finally:
        migrate(latest())

    from inventory import models as inventory

    with scopes_disabled():
        for name in MODELS:
            model = getattr(inventory, name)
            assert set(model.objects.values_list("centre_id", flat=True)) == {first.pk}, name
        kept = inventory.StockMovement.objects.get()
        assert (kept.pk, kept.quantity, kept.document_key, kept.item.name_el) == (movement.pk, 10, donation.pk, "Ρύζι")
        assert inventory.Barcode.objects.get(code="5201234567890").item.name_el == "Ρύζι"
