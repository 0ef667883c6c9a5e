"""Demo data, label sheets decoded back by zxing-cpp, the Greek donor receipt, the API."""

import subprocess
from decimal import Decimal

import pytest
import zxingcpp
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from inventory import selectors, services
from inventory.codes import is_valid_ean, normalize_code
from inventory.models import Barcode, Donation, Item, LowStockThreshold, StockLevel, StockMovement
from tests.factories import LocationFactory, centre_details

from .factories import BarcodeFactory, DonorFactory, ItemFactory, NonFoodItemFactory
from .helpers import d, day, stock

pytestmark = pytest.mark.django_db


def pdf_to_images(pdf_bytes, tmp_path, dpi=200):
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / "page")], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob("page*.png"))]


def pdf_text(pdf_bytes, tmp_path):
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf_bytes)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_demo_loads_once_with_consistent_stock(capsys):
    call_command("load_demo")
    counts = (Item.objects.count(), Barcode.objects.count(), Donation.objects.count(), StockMovement.objects.count())
    assert counts[0] >= 20 and counts[2] >= 5
    names = set(Item.objects.values_list("name_en", flat=True))
    for wanted in ("Rice 1 kg", "Spaghetti 500 g", "UHT milk 1 l", "Olive oil 1 l", "Plain flour 1 kg",
                   "White sugar 1 kg", "Lentils 500 g", "White beans 500 g", "Tomato paste 410 g",
                   "Sardines in oil 100 g", "Nappies size 4 (40)", "Bar soap 125 g", "Shampoo 400 ml",
                   "Toothpaste 75 ml"):
        assert wanted in names
    assert all(is_valid_ean(b.code) for b in Barcode.objects.filter(kind=Barcode.Kind.EAN))
    assert StockLevel.objects.filter(quantity__gt=0).values("location").distinct().count() == 3
    assert selectors.stock_differences() == []
    assert selectors.low_stock() and selectors.expiring_soon(30).exists()
    call_command("load_demo")
    assert counts == (Item.objects.count(), Barcode.objects.count(), Donation.objects.count(),
                      StockMovement.objects.count())


def test_label_sheet_is_read_back_by_an_independent_decoder(staff_client, tmp_path):
    toothbrush = NonFoodItemFactory(name_el="Οδοντόβουρτσα μαλακή")
    notebook = NonFoodItemFactory(name_el="Τετράδιο σπιράλ Α4 με πολύ μεγάλο όνομα που δεν χωράει στην ετικέτα")
    response = staff_client.post(reverse("inventory:labels"), {"items": [toothbrush.pk, notebook.pk], "copies": "2"})
    assert response["Content-Type"] == "application/pdf"
    (page,) = pdf_to_images(response.content, tmp_path)
    decoded = sorted(r.text for r in zxingcpp.read_barcodes(page) if r.format == zxingcpp.BarcodeFormat.Code128)
    expected = sorted([f"KYP-{toothbrush.pk:06d}"] * 2 + [f"KYP-{notebook.pk:06d}"] * 2)
    assert decoded == expected
    assert Barcode.objects.get(code=f"KYP-{toothbrush.pk:06d}").item == toothbrush
    # what the scanner types finds the item, even in the Greek keyboard layout
    assert selectors.find_item_by_code(f"ΚΥΠ-{toothbrush.pk:06d}") == toothbrush


def test_labels_fill_more_than_one_sheet(staff_client, tmp_path):
    soap = NonFoodItemFactory()
    response = staff_client.post(reverse("inventory:labels"), {"items": [soap.pk], "copies": "30"})
    pages = pdf_to_images(response.content, tmp_path, dpi=100)
    assert len(pages) == 2


def test_donor_receipt_is_greek_with_the_centre_and_every_line(staff_client, staff_user, tmp_path):
    centre_details(name="Κέντρο Κοινότητας Δήμου Δράμας", address="Πλατεία Ελευθερίας, Δράμα", phones="2521057206",
           funding_notice="Συγχρηματοδότηση ΕΚΤ+")
    store = LocationFactory(name="Αποθήκη Κέντρου")
    donor = DonorFactory(name="Αρτοποιείο Παπαδόπουλος", tax_number="099887766")
    rice, soap = ItemFactory(name_el="Ρύζι γλασέ 1 κιλό"), NonFoodItemFactory(name_el="Σαπούνι πλάκα")
    donation = services.create_donation(donor=donor, location=store, date=day("2026-11-20"), by=staff_user)
    services.add_donation_line(donation, item=rice, quantity=Decimal("12.5"), lot="R-77",
                               expiry_date=day("2027-05-31"), by=staff_user)
    services.add_donation_line(donation, item=soap, quantity=30, by=staff_user)
    services.receive_donation(donation, by=staff_user)
    staff_client.cookies.load({"django_language": "en"})
    text = pdf_text(staff_client.get(reverse("inventory:donation_receipt", args=[donation.pk])).content, tmp_path)
    for expected in ("Βεβαίωση παραλαβής δωρεάς", "Κέντρο Κοινότητας Δήμου Δράμας", "2521057206",
                     "Αρτοποιείο Παπαδόπουλος", "099887766", "Ρύζι γλασέ 1 κιλό", "12,5", "R-77", "31/05/2027",
                     "Σαπούνι πλάκα", "30", "20/11/2026", "Συγχρηματοδότηση ΕΚΤ+", donation.number):
        assert expected in text, expected


def test_codes_are_normalised_as_scanners_send_them():
    assert normalize_code(" 520 1234 ") == "5201234"
    assert normalize_code("ΚΥΠ-000123") == "KYP-000123"
    assert normalize_code("κυπ-000123") == "KYP-000123"
    assert normalize_code("036000291452") == "0036000291452", "UPC-A is stored as EAN-13"
    assert is_valid_ean("4006381333931") and not is_valid_ean("4006381333932")


def test_barcode_rules(staff_user):
    rice, soap = ItemFactory(), NonFoodItemFactory()
    services.add_barcode(rice, "036000291452", by=staff_user)
    assert Barcode.objects.get(item=rice).code == "0036000291452"
    assert services.add_barcode(rice, "0036000291452", by=staff_user).item == rice, "adding again is harmless"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ανήκει ήδη"):
        services.add_barcode(soap, "036000291452", by=staff_user)
    with pytest.raises(ValidationError, match="ψηφίο ελέγχου"):
        services.add_barcode(soap, "4006381333932", by=staff_user)
    with pytest.raises(ValidationError):
        services.add_barcode(soap, f"KYP-{rice.pk:06d}", by=staff_user)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Barcode.objects.create(item=soap, code="0036000291452")


def test_api_items_and_stock_are_in_the_openapi_document(staff_client, client, volunteer_user, staff_user):
    store = LocationFactory(name="Αποθήκη")
    rice = ItemFactory(name_el="Ρύζι Καρολίνα")
    BarcodeFactory(item=rice, code="4006381333931")
    stock(rice, store, 8, expiry=day("2027-01-01"))
    LowStockThreshold.objects.create(item=rice, location=store, quantity=d(10))
    document = staff_client.get("/api/v1/openapi.json").json()
    assert "/api/v1/items" in document["paths"] and "/api/v1/stock" in document["paths"]
    items = staff_client.get("/api/v1/items", {"q": "karolina"}).json()
    assert items["count"] == 1 and items["items"][0]["barcodes"] == ["4006381333931"]
    assert staff_client.get("/api/v1/items", {"code": "4006381333931"}).json()["items"][0]["id"] == rice.pk
    (row,) = staff_client.get("/api/v1/stock", {"location": store.pk}).json()["items"]
    assert Decimal(row.pop("quantity")) == 8 and Decimal(row.pop("threshold")) == 10
    assert row == {"item_id": rice.pk, "item_name": "Ρύζι Καρολίνα", "location_id": store.pk,
                   "location_name": "Αποθήκη", "unit": "pack", "next_expiry": "2027-01-01", "lots": 1, "low": True}
    assert staff_client.get("/api/v1/items/by-code/4006381333931").json()["name_el"] == "Ρύζι Καρολίνα"
    assert staff_client.get("/api/v1/items/by-code/123").status_code == 404
    assert staff_client.get("/api/v1/stock", {"location": "abc"}).status_code == 400
    client.logout()
    assert client.get("/api/v1/stock").status_code == 401
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="norole"))
    response = client.get("/api/v1/stock")
    assert response.status_code == 403 and response.json()["message"]
