"""The inventory pages through Django's test client: roles, the scan-driven donation entry,
transfers, write-offs, stock list filters and exports, the movement report."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.once import new_token
from inventory.models import Barcode, Donation, Item, LowStockThreshold, StockLevel, StockMovement, Transfer
from tests.factories import LocationFactory

from .factories import BarcodeFactory, DonorFactory, ItemFactory, NonFoodItemFactory, make_ean
from .helpers import d, day, stock

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["inventory:stock", "inventory:expiring", "inventory:report", "inventory:items", "inventory:item_new",
               "inventory:labels", "inventory:donors", "inventory:donor_new", "inventory:donations",
               "inventory:donation_new", "inventory:transfers", "inventory:transfer_new", "inventory:stocktake_new"]


@pytest.fixture
def store():
    return LocationFactory(name="Αποθήκη Κέντρου")


@pytest.mark.parametrize("url_name", STAFF_PAGES)
def test_staff_pages_are_for_staff_only(client, coordinator, staff_user, volunteer_user, url_name):
    url = reverse(url_name)
    assert client.get(url).status_code == 302
    for user, expected in ((coordinator, 200), (staff_user, 200), (volunteer_user, 403)):
        client.force_login(user)
        assert client.get(url).status_code == expected, (user.username, url)


def test_donation_entry_finds_a_scanned_ean_and_focuses_the_quantity(staff_client, store):
    milk = ItemFactory(name_el="Γάλα εβαπορέ 410 γρ.")
    BarcodeFactory(item=milk, code="5201004021234")
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    url = reverse("inventory:donation", args=[donation.pk])
    page = staff_client.get(url, {"code": " 5201004021234 "}).content.decode()
    assert "Γάλα εβαπορέ 410 γρ." in page
    assert 'name="quantity"' in page and "autofocus" in page.split('name="quantity"')[1].split(">")[0] + \
        page.split('name="quantity"')[0].rsplit("<", 1)[1]
    response = staff_client.post(reverse("inventory:donation_line_add", args=[donation.pk]), {
        "item": milk.pk, "quantity": "24", "expiry_date": "2027-03-31", "lot": "L123"})
    assert response.status_code == 302
    line = donation.lines.get()
    assert (line.quantity, line.expiry_date, line.lot) == (d(24), day("2027-03-31"), "L123")
    page = staff_client.get(response.url).content.decode()
    assert "Προστέθηκε: Γάλα εβαπορέ 410 γρ. × 24" in page
    assert 'name="code"' in page, "back to the scan field for the next box"


def test_a_greek_decimal_comma_is_accepted(staff_client, store):
    flour = NonFoodItemFactory(name_el="Αλεύρι χύμα", unit=Item.Unit.KG)
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    staff_client.post(reverse("inventory:donation_line_add", args=[donation.pk]),
                      {"item": flour.pk, "quantity": "2,5"})
    assert donation.lines.get().quantity == d("2.5")


def test_missing_expiry_and_bad_quantity_get_greek_messages_and_nothing_is_saved(staff_client, store):
    milk = ItemFactory(name_el="Γάλα")
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    url = reverse("inventory:donation_line_add", args=[donation.pk])
    page = staff_client.post(url, {"item": milk.pk, "quantity": "5"}).content.decode()
    assert "ημερομηνία λήξης" in page
    page = staff_client.post(url, {"item": milk.pk, "quantity": "-3", "expiry_date": "2027-01-01"}).content.decode()
    assert "Βεβαιωθείτε" in page or "μεγαλύτερη" in page
    assert not donation.lines.exists()


def test_an_unknown_code_offers_to_create_or_attach(staff_client, store):
    rice = ItemFactory(name_el="Ρύζι Καρολίνα 500 γρ.")
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    url = reverse("inventory:donation", args=[donation.pk])
    unknown = make_ean(4242)
    page = staff_client.get(url, {"code": unknown}).content.decode()
    assert f"Κανένα είδος δεν έχει τον κωδικό {unknown}" in page
    assert f"{reverse('inventory:item_new')}?barcode={unknown}" in page
    response = staff_client.post(reverse("inventory:barcode_attach"), {"code": unknown, "item": rice.pk,
                                                                       "next": url})
    assert response.status_code == 302 and f"item={rice.pk}" in response.url
    assert Barcode.objects.get(code=unknown).item == rice
    assert "Ρύζι Καρολίνα 500 γρ." in staff_client.get(response.url).content.decode()
    assert staff_client.get(url, {"code": unknown}).context["item"] == rice


def test_creating_an_item_from_an_unknown_code_comes_back_to_the_donation(staff_client, store):
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    back = reverse("inventory:donation", args=[donation.pk])
    code = make_ean(777)
    form_page = staff_client.get(reverse("inventory:item_new"), {"barcode": code, "next": back})
    assert code in form_page.content.decode()
    response = staff_client.post(reverse("inventory:item_new"), {
        "name_el": "Φακές ψιλές 500 γρ.", "name_en": "Lentils 500 g", "category": "food", "unit": "pack",
        "weight_kg": "0,5", "unit_value_eur": "1,10", "is_food": "on", "food_group": "other", "has_expiry": "on",
        "is_active": "on", "barcode": code, "next": back, f"threshold_{store.pk}": "20"})
    item = Item.objects.get(name_el="Φακές ψιλές 500 γρ.")
    assert response.status_code == 302 and response.url == f"{back}?item={item.pk}"
    assert item.weight_kg == d("0.5") and item.barcodes.get().code == code
    assert LowStockThreshold.objects.get(item=item, location=store).quantity == d(20)
    assert AuditLog.objects.filter(action="create", object_id=str(item.pk)).exists()


def test_item_form_refuses_food_without_group_and_a_bad_ean(staff_client):
    data = {"name_el": "Λάδι", "category": "food", "unit": "litre", "weight_kg": "0.92", "unit_value_eur": "5",
            "is_food": "on", "is_active": "on"}
    page = staff_client.post(reverse("inventory:item_new"), data).content.decode()
    assert "ομάδα τροφίμων" in page and not Item.objects.exists()
    page = staff_client.post(reverse("inventory:item_new"), {**data, "food_group": "fats",
                                                             "barcode": "5201234567890"}).content.decode()
    assert "ψηφίο ελέγχου" in page


def test_an_item_without_ean_gets_our_own_code(staff_client):
    staff_client.post(reverse("inventory:item_new"), {
        "name_el": "Κουβέρτα μάλλινη", "category": "household", "unit": "piece", "weight_kg": "1.2",
        "unit_value_eur": "15", "is_active": "on"})
    item = Item.objects.get()
    assert [(b.code, b.kind) for b in item.barcodes.all()] == [(f"KYP-{item.pk:06d}", Barcode.Kind.OWN)]


def test_receive_then_receipt_then_no_more_changes(staff_client, store, staff_user):
    oil = ItemFactory(name_el="Ελαιόλαδο 1 λ.", unit=Item.Unit.LITRE, weight_kg=d("0.92"))
    donation = Donation.objects.create(donor=DonorFactory(name="Αρτοποιείο Παπαδόπουλος"), location=store)
    line_url = reverse("inventory:donation_line_add", args=[donation.pk])
    staff_client.post(line_url, {"item": oil.pk, "quantity": "10", "expiry_date": "2027-09-30"})
    response = staff_client.post(reverse("inventory:donation_receive", args=[donation.pk]), {"confirmed": "yes"},
                                 follow=True)
    assert "Η δωρεά παραλήφθηκε" in response.content.decode()
    assert StockLevel.objects.get(item=oil, location=store).quantity == d(10)
    assert StockMovement.objects.get(item=oil).document_type == "inventory.donation"
    again = staff_client.post(reverse("inventory:donation_receive", args=[donation.pk]), {"confirmed": "yes"},
                              follow=True)
    assert "έχει ήδη παραληφθεί" in again.content.decode()
    assert StockLevel.objects.get(item=oil, location=store).quantity == d(10)
    late = staff_client.post(line_url, {"item": oil.pk, "quantity": "1", "expiry_date": "2027-09-30"})
    assert late.status_code == 200 and donation.lines.count() == 1
    receipt = staff_client.get(reverse("inventory:donation_receipt", args=[donation.pk]))
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")


def test_empty_donation_cannot_be_received(staff_client, store):
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    response = staff_client.post(reverse("inventory:donation_receive", args=[donation.pk]), follow=True)
    assert "τουλάχιστον μία γραμμή" in response.content.decode()
    assert Donation.objects.get().is_draft


def test_transfer_form_moves_stock_or_explains_the_shortage(staff_client, store):
    branch = LocationFactory(name="Παράρτημα Ρομά")
    rice = ItemFactory(name_el="Ρύζι")
    stock(rice, store, 10, expiry=day("2027-01-01"))
    data = {"from_location": store.pk, "to_location": branch.pk, "note": "", "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0", "lines-0-item": rice.pk, "lines-0-quantity": "12", "lines-1-item": "",
            "lines-1-quantity": "", "form_token": new_token()}
    page = staff_client.post(reverse("inventory:transfer_new"), data).content.decode()
    assert "Δεν υπάρχει αρκετό απόθεμα" in page and "ζητήθηκαν 12" in page
    assert not Transfer.objects.exists()
    response = staff_client.post(reverse("inventory:transfer_new"), {**data, "lines-0-quantity": "4"})
    assert response.status_code == 302
    assert StockLevel.objects.get(item=rice, location=branch).quantity == d(4)


def test_write_off_page(staff_client, store):
    milk = ItemFactory(name_el="Γάλα")
    stock(milk, store, 6, lot="A", expiry=timezone.localdate() - timedelta(days=2))
    level = StockLevel.objects.get(item=milk)
    page = staff_client.get(reverse("inventory:write_off", args=[level.pk])).content.decode()
    assert 'value="expired" selected' in page or 'value="expired"selected' in page or "selected" in page
    response = staff_client.post(reverse("inventory:write_off", args=[level.pk]),
                                 {"quantity": "7", "reason": "expired", "reason_text": "", "form_token": "t1"})
    assert "Δεν υπάρχει αρκετό απόθεμα" in response.content.decode()
    response = staff_client.post(reverse("inventory:write_off", args=[level.pk]),
                                 {"quantity": "6", "reason": "expired", "reason_text": "", "form_token": "t1"})
    assert response.status_code == 302
    assert StockLevel.objects.get(pk=level.pk).quantity == 0


def test_stock_list_filters_and_exports(staff_client, store):
    rice, soap = ItemFactory(name_el="Ρύζι Καρολίνα"), NonFoodItemFactory(name_el="Σαπούνι πράσινο")
    stock(rice, store, 3, expiry=timezone.localdate() + timedelta(days=5))
    stock(rice, store, 30, expiry=timezone.localdate() + timedelta(days=200))
    stock(soap, store, 40)
    LowStockThreshold.objects.create(item=soap, location=store, quantity=d(50))
    url = reverse("inventory:stock")
    rows = lambda response: [(r["item_name"], r["quantity"]) for r in response.context["table"].data]  # noqa: E731
    assert rows(staff_client.get(url)) == [("Ρύζι Καρολίνα", d(33)), ("Σαπούνι πράσινο", d(40))]
    assert rows(staff_client.get(url, {"low": "on"})) == [("Σαπούνι πράσινο", d(40))]
    assert rows(staff_client.get(url, {"expiring_days": "30"})) == [("Ρύζι Καρολίνα", d(3))]
    assert rows(staff_client.get(url, {"category": "hygiene"})) == [("Σαπούνι πράσινο", d(40))]
    assert rows(staff_client.get(url, {"q": "RIZI"})) == [("Ρύζι Καρολίνα", d(33))]
    csv = staff_client.get(url, {"_export": "csv"}).content.decode()
    assert "Σαπούνι πράσινο" in csv and "40" in csv
    xlsx = openpyxl.load_workbook(io.BytesIO(staff_client.get(url, {"_export": "xlsx", "low": "on"}).content))
    values = [cell.value for row in xlsx.active.iter_rows() for cell in row]
    assert "Σαπούνι πράσινο" in values and "Ρύζι Καρολίνα" not in values
    assert AuditLog.objects.filter(action="export").count() == 2


def test_movement_report_page_and_export(staff_client, store, staff_user):
    from inventory.services import take_out

    rice = ItemFactory(name_el="Ρύζι", weight_kg=d("0.5"), unit_value_eur=d("1.20"))
    stock(rice, store, 10)
    take_out(location=store, lines=[(rice, 4)], by=staff_user)
    today = timezone.localdate().isoformat()
    response = staff_client.get(reverse("inventory:report"), {"start": today, "end": today, "location": store.pk})
    assert response.context["report"]["totals"]["kg_out"] == d(2)
    assert "4,80" in response.content.decode()
    csv = staff_client.get(reverse("inventory:report"), {"start": today, "end": today, "export": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "Ρύζι" in csv.content.decode()
    bad = staff_client.get(reverse("inventory:report"), {"start": today, "end": "2000-01-01"})
    assert bad.status_code == 200 and bad.context["report"] is None


def test_item_page_shows_levels_history_and_reverses_a_movement(staff_client, store, staff_user):
    from inventory.services import take_out

    rice = ItemFactory(name_el="Ρύζι")
    stock(rice, store, 5, lot="A1", expiry=day("2027-01-01"))
    (taken,) = take_out(location=store, lines=[(rice, 2)], by=staff_user)
    page = staff_client.get(reverse("inventory:item", args=[rice.pk])).content.decode()
    assert "A1" in page and "Διανεμήθηκε" in page
    response = staff_client.post(reverse("inventory:movement_reverse", args=[taken.pk]),
                                 {"reason_text": "λάθος καταχώριση"})
    assert response.status_code == 302
    assert StockLevel.objects.get(item=rice).quantity == d(5)


def test_home_panel_shows_low_stock_and_expiring_goods(client, staff_user, volunteer_user, store):
    soap = NonFoodItemFactory(name_el="Σαμπουάν")
    milk = ItemFactory(name_el="Γάλα φρέσκο")
    stock(soap, store, 2)
    stock(milk, store, 5, expiry=timezone.localdate() + timedelta(days=3))
    LowStockThreshold.objects.create(item=soap, location=store, quantity=d(10))
    client.force_login(staff_user)
    page = client.get("/").content.decode()
    assert "Σαμπουάν" in page and "Γάλα φρέσκο" in page
    client.force_login(volunteer_user)
    assert "Σαμπουάν" not in client.get("/").content.decode()
