"""Pack sizes: a pack holds a whole number (≥ 2) of units, its codes find the item and the pack, goods are
received and counted in packs while the ledger holds units, and labels print per pack."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import AuditLog
from inventory import selectors, services
from inventory.models import Barcode, Donation, Pack, StockLevel, StockMovement
from tests.factories import LocationFactory

from .factories import BarcodeFactory, DonorFactory, ItemFactory, NonFoodItemFactory, make_ean
from .helpers import d, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return LocationFactory(name="Αποθήκη Κέντρου")


@pytest.fixture
def milk(staff_user):
    item = ItemFactory(name_el="Γάλα 1 λίτρο", has_expiry=False)
    BarcodeFactory(item=item, code=make_ean(1))
    return item


def test_pack_counts_convert_exactly(milk, staff_user):
    case = services.add_pack(milk, name="κιβώτιο", units=12, by=staff_user)
    assert services.pack_units(case, 3) == Decimal(36)
    assert services.pack_units(case, Decimal("7.000")) == Decimal(84)
    assert services.pack_units(case, "0", allow_zero=True) == 0
    for bad in ("2.5", Decimal("0.001"), "-1", "1e400", "NaN", "x", None, 0):
        with pytest.raises(ValidationError):
            services.pack_units(case, bad)
    with pytest.raises(ValidationError):
        services.pack_units(case, 10**9)  # more units than a level can hold


def test_a_pack_holds_two_units_or_more_in_the_service_and_the_database(milk, staff_user):
    for units in (0, 1, -12, 2.5, True, "12"):
        with pytest.raises(ValidationError):
            services.add_pack(milk, name="κιβώτιο", units=units, by=staff_user)
    with pytest.raises(ValidationError):
        services.add_pack(milk, name="  ", units=12, by=staff_user)
    for units in (1, 0):
        with pytest.raises(IntegrityError), transaction.atomic():
            Pack.objects.create(item=milk, name="κιβώτιο", units=units)
    services.add_pack(milk, name="κιβώτιο", units=12, by=staff_user)
    with pytest.raises(ValidationError, match="ήδη"):
        services.add_pack(milk, name="χαρτόκουτο", units=12, by=staff_user)
    assert Pack.objects.count() == 1


def test_a_pack_code_finds_the_item_and_the_pack_and_codes_stay_unique(milk, staff_user):
    case = services.add_pack(milk, name="κιβώτιο", units=12, code=make_ean(2), by=staff_user)
    assert selectors.find_item_and_pack(make_ean(2)) == (milk, case)
    assert selectors.find_item_and_pack(make_ean(1)) == (milk, None)
    assert selectors.find_item_by_code(make_ean(2)) == milk
    # The item's own code, another item's code or a bad EAN cannot become the pack's code.
    other = NonFoodItemFactory()
    BarcodeFactory(item=other, code=make_ean(3))
    tray = services.add_pack(milk, name="παλέτα", units=480, by=staff_user)
    for code in (make_ean(1), make_ean(3), make_ean(2), "5201234567890"):
        with pytest.raises(ValidationError):
            services.add_barcode(milk, code, by=staff_user, pack=tray)
    with pytest.raises(ValidationError):  # a pack of another item
        services.add_barcode(other, make_ean(4), by=staff_user, pack=tray)
    with pytest.raises(ValidationError):  # another pack's own label
        services.add_barcode(milk, Pack.own_code_for(case.pk), by=staff_user, pack=tray)
    with pytest.raises(ValidationError):  # a pack's code set up by the failing add_pack is not left behind
        services.add_pack(milk, name="εξάδα", units=6, code=make_ean(3), by=staff_user)
    assert not Pack.objects.filter(units=6).exists()
    own = services.own_pack_barcode(tray)
    assert own.code == f"KYP-P{tray.pk:06d}" and own.pack == tray and own.item == milk
    assert selectors.find_item_and_pack("ΚΥΠ-Π" + own.code[5:]) == (milk, tray)  # Greek keyboard layout


def test_donation_in_packs_puts_units_into_the_ledger(milk, store, staff_user):
    case = services.add_pack(milk, name="κιβώτιο", units=12, by=staff_user)
    donation = services.create_donation(donor=DonorFactory(), location=store, by=staff_user)
    services.add_donation_line(donation, item=milk, quantity=Decimal(3), pack=case, by=staff_user)
    services.add_donation_line(donation, item=milk, quantity=Decimal(5), by=staff_user)
    with pytest.raises(ValidationError):
        services.add_donation_line(donation, item=milk, quantity=Decimal("1.5"), pack=case, by=staff_user)
    with pytest.raises(ValidationError):  # a pack of another item
        services.add_donation_line(donation, item=NonFoodItemFactory(), quantity=Decimal(1), pack=case,
                                   by=staff_user)
    assert sorted(donation.lines.values_list("quantity", flat=True)) == [d(5), d(36)]
    services.receive_donation(donation, by=staff_user)
    assert StockLevel.objects.get(item=milk, location=store).quantity == d(41)
    assert sorted(StockMovement.objects.filter(item=milk).values_list("quantity", flat=True)) == [d(5), d(36)]
    call_command("check_stock")
    assert any("κιβώτιο × 12" in str(entry.changes) for entry in AuditLog.objects.filter(object_id=donation.pk))


def test_stocktake_counted_in_packs_and_units(milk, store, staff_user):
    case = services.add_pack(milk, name="κιβώτιο", units=12, by=staff_user)
    stock(milk, store, 30)
    stocktake = services.start_stocktake(location=store, by=staff_user)
    services.add_count(stocktake, item=milk, quantity=Decimal(2), pack=case, by=staff_user)
    services.add_count(stocktake, item=milk, quantity=Decimal(3), shelf="Β", by=staff_user)
    services.add_count(stocktake, item=milk, quantity=Decimal(0), pack=case, shelf="Γ", by=staff_user)
    with pytest.raises(ValidationError):
        services.add_count(stocktake, item=milk, quantity=Decimal("0.5"), pack=case, by=staff_user)
    services.post_stocktake(stocktake, by=staff_user)
    assert StockLevel.objects.get(item=milk, location=store).quantity == d(27)
    call_command("check_stock")


def test_removing_a_pack_removes_its_codes_not_the_stock(milk, store, staff_user):
    case = services.add_pack(milk, name="κιβώτιο", units=12, code=make_ean(2), by=staff_user)
    stock(milk, store, 24)
    services.remove_pack(case, by=staff_user)
    assert not Barcode.objects.filter(code=make_ean(2)).exists()
    assert Barcode.objects.filter(code=make_ean(1)).exists()
    assert StockLevel.objects.get(item=milk, location=store).quantity == d(24)
    assert AuditLog.objects.filter(action=AuditLog.Action.DELETE, object_repr__contains="κιβώτιο").exists()


def test_pack_pages_add_scan_count_in_packs_and_print_labels(client, milk, store, staff_user, volunteer_user):
    url = reverse("inventory:pack_add", args=[milk.pk])
    client.force_login(volunteer_user)
    assert client.post(url, {"name": "κιβώτιο", "units": "12"}).status_code == 403
    client.force_login(staff_user)
    page = client.post(url, {"name": "κιβώτιο", "units": "1"}, follow=True).content.decode()
    assert not Pack.objects.exists() and "2" in page
    client.post(url, {"name": "κιβώτιο", "units": "12", "code": make_ean(2)})
    case = Pack.objects.get()
    page = client.get(reverse("inventory:item", args=[milk.pk])).content.decode()
    assert "κιβώτιο" in page and make_ean(2) in page
    # Scanning the pack's code on a donation counts in packs.
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    page = client.get(reverse("inventory:donation", args=[donation.pk]), {"code": make_ean(2)}).content.decode()
    assert f'<option value="{case.pk}" selected>' in page
    client.post(reverse("inventory:donation_line_add", args=[donation.pk]),
                {"item": milk.pk, "quantity": "2", "pack": case.pk})
    assert donation.lines.get().quantity == d(24)
    response = client.post(reverse("inventory:donation_line_add", args=[donation.pk]),
                           {"item": milk.pk, "quantity": "2,5", "pack": case.pk})
    assert response.status_code == 200 and donation.lines.count() == 1
    # An item without packs shows no "counted in" choice.
    soap = NonFoodItemFactory()
    page = client.get(reverse("inventory:donation", args=[donation.pk]), {"item": soap.pk}).content.decode()
    assert 'name="quantity"' in page and 'name="pack"' not in page
    # Labels per pack.
    response = client.post(reverse("inventory:pack_labels", args=[case.pk]), {"copies": "4"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert Barcode.objects.filter(pack=case, code=case.own_code).exists()
    assert client.post(reverse("inventory:pack_labels", args=[case.pk]), {"copies": "0"}).status_code == 302
    client.post(reverse("inventory:pack_remove", args=[case.pk]))
    assert not Pack.objects.exists()


def test_api_answers_a_pack_code_with_the_item_and_the_pack(staff_client, milk, staff_user):
    case = services.add_pack(milk, name="κιβώτιο", units=12, code=make_ean(2), by=staff_user)
    body = staff_client.get(f"/api/v1/items/by-code/{make_ean(2)}").json()
    assert body["id"] == milk.pk and body["pack"] == {"id": case.pk, "name": "κιβώτιο", "units": 12,
                                                      "barcodes": [make_ean(2)]}
    assert body["barcodes"] == [make_ean(1)]
    assert staff_client.get(f"/api/v1/items/by-code/{make_ean(1)}").json()["pack"] is None
    listed = staff_client.get("/api/v1/items", {"code": make_ean(2)}).json()["items"]
    assert [i["id"] for i in listed] == [milk.pk] and listed[0]["packs"][0]["units"] == 12
