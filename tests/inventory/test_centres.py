"""Inventory belongs to a centre: a person of one centre never reaches another centre's items, barcodes,
donations, donors, stock, transfers, stock-takes or kits (each answers 404), lists and reports leave them
out, a barcode of another centre is unknown here, and nothing of the other centre changes. The ledger's
consistency check runs centre by centre, and stock moves only between one centre's locations."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from core.services import create_api_token
from core.tenancy import centre_scope
from inventory import reporting, services
from inventory.models import (
    Barcode,
    Donation,
    DonationLine,
    Item,
    KitComponent,
    Pack,
    StockLevel,
    StockMovement,
    StockTake,
    StockTakeCount,
    Transfer,
)
from inventory.selectors import available_by_item
from tests.factories import CentreFactory, LocationFactory
from tests.inventory.factories import DonorFactory, ItemFactory, NonFoodItemFactory, make_ean
from tests.inventory.helpers import stock

pytestmark = pytest.mark.django_db

EAN = make_ean(4242)  # the same product at both centres


@pytest.fixture
def elsewhere(staff_user):
    """Centre B's catalogue and stock: an item with an EAN and a pack, a kit, a donor and a received and a
    draft donation, a transfer, an open stock-take with a count, a threshold and a write-off-able level."""
    other = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")
    with centre_scope(other):
        store, branch = LocationFactory(name="Αποθήκη Καβάλας"), LocationFactory(name="Παράρτημα Καβάλας")
        rice = ItemFactory(name_el="Ρύζι Καβάλας", has_expiry=False)
        soap = NonFoodItemFactory(name_el="Σαπούνι Καβάλας")
        barcode = services.add_barcode(rice, EAN, by=staff_user)
        pack = services.add_pack(rice, name="κιβώτιο", units=12, by=staff_user)
        kit = NonFoodItemFactory(name_el="Καλάθι Καβάλας")
        services.kits.set_kit_contents(kit, [(soap, 1)], by=staff_user)
        services.set_threshold(rice, store, Decimal(500), by=staff_user)
        donor = DonorFactory(name="Δωρητής Καβάλας")
        received = services.create_donation(donor=donor, location=store, by=staff_user)
        services.add_donation_line(received, item=rice, quantity=100, by=staff_user)
        services.add_donation_line(received, item=soap, quantity=50, by=staff_user)
        services.receive_donation(received, by=staff_user)
        draft = services.create_donation(donor=donor, location=store, by=staff_user)
        line = services.add_donation_line(draft, item=rice, quantity=5, by=staff_user)
        transfer = services.transfer_stock(from_location=store, to_location=branch, lines=[(rice, 10)],
                                           by=staff_user)
        take = services.start_stocktake(location=store, by=staff_user)
        count = services.add_count(take, item=soap, quantity=49, by=staff_user)
        level = StockLevel.objects.get(item=rice, location=store)
        movement = StockMovement.objects.filter(item=rice, reason=StockMovement.Reason.RECEIVED).get()
    return {"centre": other, "store": store, "rice": rice, "soap": soap, "barcode": barcode, "pack": pack,
            "kit": kit,
            "donor": donor, "received": received, "draft": draft, "line": line, "transfer": transfer,
            "take": take, "count": count, "level": level, "movement": movement}


def _unchanged(b):
    """Nothing of centre B changed."""
    with centre_scope(b["centre"]):
        assert Item.objects.get(pk=b["rice"].pk).name_el == "Ρύζι Καβάλας"
        assert list(Barcode.objects.filter(item=b["rice"]).values_list("code", flat=True)) == [EAN]
        assert Pack.objects.filter(pk=b["pack"].pk).exists()
        assert KitComponent.objects.filter(kit=b["kit"]).count() == 1
        assert Donation.objects.get(pk=b["draft"].pk).is_draft and DonationLine.objects.filter(pk=b["line"].pk).exists()
        assert StockTake.objects.get(pk=b["take"].pk).is_open
        assert StockTakeCount.objects.filter(pk=b["count"].pk).exists()
        assert available_by_item(b["store"], [b["rice"], b["soap"]]) == {b["rice"].pk: 90, b["soap"].pk: 50}
        assert not StockMovement.objects.filter(reason=StockMovement.Reason.CORRECTION).exists()
        call_command("check_stock", centre="kavala")


def test_another_centres_inventory_pages_answer_404(staff_client, elsewhere):
    b = elsewhere
    gets = [("item", b["rice"]), ("item_edit", b["rice"]), ("donor_edit", b["donor"]), ("donation", b["received"]),
            ("donation_receipt", b["received"]), ("transfer", b["transfer"]), ("stocktake", b["take"]),
            ("stocktake_review", b["take"]), ("write_off", b["level"])]
    for name, obj in gets:
        assert staff_client.get(reverse(f"inventory:{name}", args=[obj.pk])).status_code == 404, name
    posts = [("item_edit", b["rice"]), ("barcode_add", b["rice"]), ("barcode_remove", b["barcode"]),
             ("pack_add", b["rice"]), ("pack_remove", b["pack"]), ("pack_labels", b["pack"]),
             ("kit_line_add", b["kit"]), ("kit_assemble", b["kit"]), ("movement_reverse", b["movement"]),
             ("donor_edit", b["donor"]),
             ("donation_line_add", b["draft"]), ("donation_receive", b["draft"]), ("donation_delete", b["draft"]),
             ("count_add", b["take"]), ("stocktake_post", b["take"]), ("stocktake_cancel", b["take"]),
             ("write_off", b["level"])]
    for name, obj in posts:
        response = staff_client.post(reverse(f"inventory:{name}", args=[obj.pk]),
                                     {"code": "5200000000000", "quantity": "1", "name_el": "Άλλο", "name": "Άλλο",
                                      "units": "6", "reason_text": "δοκιμή", "reason": "damaged", "count": "1"})
        assert response.status_code == 404, name
    with centre_scope(b["centre"]):
        kit_line = KitComponent.objects.get(kit=b["kit"])
    assert staff_client.post(reverse("inventory:kit_line_remove", args=[kit_line.pk])).status_code == 404
    for name, pk, inner in (("donation_line_remove", b["draft"].pk, b["line"].pk),
                            ("count_remove", b["take"].pk, b["count"].pk)):
        assert staff_client.post(reverse(f"inventory:{name}", args=[pk, inner])).status_code == 404, name
    _unchanged(b)


def test_lists_reports_and_scans_leave_another_centre_out(staff_client, staff_user, elsewhere):
    b = elsewhere
    here = LocationFactory(name="Αποθήκη Δράμας")
    mine = ItemFactory(name_el="Ρύζι Δράμας", has_expiry=False)
    stock(mine, here, 3)
    pages = ["stock", "expiring", "items", "labels", "donors", "donations", "transfers", "stocktakes", "report",
             "transfer_new", "stocktake_new", "donation_new"]
    for name in pages:
        content = staff_client.get(reverse(f"inventory:{name}")).content.decode()
        assert "Καβάλας" not in content, name
    assert "Ρύζι Δράμας" in staff_client.get(reverse("inventory:items")).content.decode()
    for name in ("core:home", "reports:stock", "reports:dashboard"):
        assert "Καβάλας" not in staff_client.get(reverse(name)).content.decode(), name
    # Centre B's EAN scanned here is unknown (the donation page offers to attach it); centre B's item by its
    # number is not found either.
    donation = services.create_donation(donor=DonorFactory(), location=here, by=staff_user)
    page = staff_client.get(reverse("inventory:donation", args=[donation.pk]), {"code": EAN}).content.decode()
    assert "Ρύζι Καβάλας" not in page and EAN in page
    page = staff_client.get(reverse("inventory:donation", args=[donation.pk]), {"item": b["rice"].pk})
    assert "Ρύζι Καβάλας" not in page.content.decode()
    attach = staff_client.post(reverse("inventory:barcode_attach"), {"code": "5201111111113", "item": b["rice"].pk})
    assert attach.status_code == 302
    # The same EAN may name this centre's own item: a barcode is unique within a centre.
    services.add_barcode(mine, EAN, by=staff_user)
    assert Barcode.objects.get(code=EAN).item == mine
    # The reports' plain SQL and the ORM's figures leave B's donations and ledger out.
    today = timezone.localdate()
    assert reporting.received_by_donor_kind(today - timedelta(days=1), today) == []
    assert [row["item"] for row in reporting.stock_value_on_hand()] == ["Ρύζι Δράμας"]
    assert reporting.key_items() == []
    assert not StockMovement.objects.exclude(item=mine).exists()
    # Items without an EAN (the labels page): an exclude() across barcodes keeps to this centre.
    assert list(Item.objects.exclude(barcodes__kind=Barcode.Kind.EAN)) == []
    _unchanged(b)


def test_another_centres_inventory_is_out_of_reach_of_the_api(client, staff_user, elsewhere):
    b = elsewhere
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(staff_user, 'σαρωτής')[1]}"}

    def send(method, path, body=None):
        return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json", **auth)

    assert send("get", f"/items/by-code/{EAN}").status_code == 404
    assert send("get", f"/items/by-code/{b['pack'].own_code}").status_code == 404
    assert send("get", "/items").json()["count"] == 0
    assert send("get", "/items", {"code": EAN}).json()["count"] == 0
    assert send("get", "/stock").json()["count"] == 0
    assert send("get", "/stock", {"item": b["rice"].pk}).json()["count"] == 0
    assert send("post", f"/items/{b['rice'].pk}/packs", {"name": "παλέτα", "units": 48}).status_code == 404
    assert send("patch", f"/packs/{b['pack'].pk}", {"units": 24}).status_code == 404
    assert send("delete", f"/packs/{b['pack'].pk}").status_code == 404
    assert send("put", f"/items/{b['kit'].pk}/kit-contents", {"lines": []}).status_code == 404
    mine = NonFoodItemFactory()
    assert send("put", f"/items/{mine.pk}/kit-contents",
                {"lines": [{"item_id": b["soap"].pk, "quantity": "1"}]}).status_code == 422
    here = LocationFactory()
    for kit, location in ((b["kit"], here), (mine, b["store"])):
        run = send("post", f"/items/{kit.pk}/kits", {"action": "assemble", "location_id": location.pk, "count": 1,
                                                     "request_id": str(uuid.uuid4())})
        assert run.status_code == 404
    _unchanged(b)


def test_stock_moves_only_between_one_centres_locations(staff_user, elsewhere):
    b = elsewhere
    here = LocationFactory(name="Αποθήκη Δράμας")
    rice = ItemFactory(has_expiry=False)
    stock(rice, here, 5)
    with pytest.raises(ValidationError, match="αυτού του κέντρου"):
        services.transfer_stock(from_location=here, to_location=b["store"], lines=[(rice, 1)], by=staff_user)
    with pytest.raises(ValidationError, match="αυτού του κέντρου"):
        services.transfer_stock(from_location=b["store"], to_location=here, lines=[(b["rice"], 1)], by=staff_user)
    assert not Transfer.objects.exists() and available_by_item(here, [rice]) == {rice.pk: 5}
    # Taking out at another centre's location finds none of its stock from here.
    with pytest.raises(services.InsufficientStock):
        services.take_out(location=b["store"], lines=[(b["rice"], 1)], by=staff_user)
    _unchanged(b)


def test_check_stock_runs_centre_by_centre(staff_user, elsewhere, capsys):
    b = elsewhere
    with centre_scope(b["centre"]):
        StockLevel.objects.filter(pk=b["level"].pk).update(quantity=Decimal(7))  # behind the ledger's back
    call_command("check_stock")  # from a test in the first centre's scope: this centre only
    assert "kavala" not in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 levels differ"), centre_scope(b["centre"]):
        call_command("check_stock", centre="kavala")
    with pytest.raises(CommandError, match="No active centre"):
        call_command("check_stock", centre="kavala")  # not in this scope
    out = capsys.readouterr().out
    assert "[kavala] Ρύζι Καβάλας @ Αποθήκη Καβάλας" in out
