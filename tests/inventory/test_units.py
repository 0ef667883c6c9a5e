"""A quantity and its unit agree in pages, the scan answer and the donor's receipt ("60 λίτρα",
"50 συσκευασίες", "2,5 κιλά"); the receipt's headers are whole words; a business donor can have
the goods' € value on the receipt."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from inventory import services
from inventory.models import Donation, Item
from inventory.units import with_unit
from tests.factories import LocationFactory
from tests.inventory.factories import DonorFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("quantity", "unit", "greek", "english"), [
    (1, "litre", "1 λίτρο", "1 litre"), (60, "litre", "60 λίτρα", "60 litres"),
    (50, "pack", "50 συσκευασίες", "50 packs"), (1, "pack", "1 συσκευασία", "1 pack"),
    (Decimal("2.5"), "kg", "2,5 κιλά", "2.5 kilos"), (1, "kg", "1 κιλό", "1 kilo"),
    (Decimal("1.000"), "piece", "1 τεμάχιο", "1 piece"), (12, "piece", "12 τεμάχια", "12 pieces"),
])
def test_units_agree_with_their_numbers(quantity, unit, greek, english):
    with translation.override("el"):
        assert with_unit(quantity, unit) == greek
    with translation.override("en"):
        assert with_unit(quantity, unit) == english


def _received_donation(staff_user):
    store = LocationFactory(name="Αποθήκη Κέντρου")
    oil = ItemFactory(name_el="Ηλιέλαιο", unit=Item.Unit.LITRE, unit_value_eur=Decimal("2.40"))
    milk = ItemFactory(name_el="Γάλα εβαπορέ", unit=Item.Unit.PACK, unit_value_eur=Decimal("1.10"))
    donation = Donation.objects.create(donor=DonorFactory(name="Σούπερ Μάρκετ Δράμας", kind="business"),
                                       location=store)
    donation.lines.create(item=oil, quantity=Decimal(60), expiry_date=timezone.localdate().replace(year=2030))
    donation.lines.create(item=milk, quantity=Decimal(50))
    services.receive_donation(donation, by=staff_user)
    return donation


def _pdf_text(content, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_donation_page_and_receipt_use_the_plural(staff_client, staff_user, tmp_path):
    donation = _received_donation(staff_user)
    page = staff_client.get(reverse("inventory:donation", args=[donation.pk])).content.decode()
    assert "60 λίτρα" in page and "50 συσκευασίες" in page
    text = _pdf_text(staff_client.get(reverse("inventory:donation_receipt", args=[donation.pk])).content, tmp_path)
    assert "60 λίτρα" in text and "50 συσκευασίες" in text
    header = next(line for line in text.splitlines() if "Παρτίδα" in line)
    assert "Ποσότητα" in header.split(), f"the header breaks a word: {header}"
    assert "€" not in text, "no value unless asked for"


def test_a_business_donor_receipt_can_show_the_value(staff_client, staff_user, tmp_path):
    donation = _received_donation(staff_user)
    page = staff_client.get(reverse("inventory:donation", args=[donation.pk])).content.decode()
    assert 'data-testid="receipt-value"' in page
    response = staff_client.get(reverse("inventory:donation_receipt", args=[donation.pk]), {"value": "1"})
    text = _pdf_text(response.content, tmp_path)
    assert "Αξία (€)" in text and "144,00" in text and "55,00" in text  # 60 × 2,40 and 50 × 1,10
    assert "Εκτιμώμενη συνολική αξία: 199,00 €." in text


def test_receipt_values_have_the_thousands_dot(staff_client, staff_user, tmp_path):
    donation = _received_donation(staff_user)
    Item.objects.filter(name_el="Ηλιέλαιο").update(unit_value_eur=Decimal("240.00"))
    response = staff_client.get(reverse("inventory:donation_receipt", args=[donation.pk]), {"value": "1"})
    text = _pdf_text(response.content, tmp_path)
    assert "14.400,00" in text and "Εκτιμώμενη συνολική αξία: 14.455,00 €." in text
    page = staff_client.get(reverse("inventory:donation", args=[donation.pk])).content.decode()
    assert "60 λίτρα" in page
    with translation.override("el"):
        assert with_unit(Decimal(1500), "piece") == "1.500 τεμάχια"


def test_a_donation_received_in_packs_shows_packs_and_units_on_the_receipt(staff_client, staff_user):
    """The receipt, read back with pypdf: the line counted in packs says how many packs of what and the
    units they make; a line counted in units stays as it was. A later change of the pack changes nothing."""
    from io import BytesIO

    from pypdf import PdfReader

    from inventory.services.packs import add_pack

    water = ItemFactory(name_el="Νερό 1,5 l", unit=Item.Unit.PIECE, has_expiry=False)
    rice = ItemFactory(name_el="Ρύζι 1 kg", unit=Item.Unit.PACK, has_expiry=False)
    case = add_pack(water, name="κιβώτιο", units=12, by=staff_user)
    donation = Donation.objects.create(donor=DonorFactory(name="Φούρνος Δράμας"), location=LocationFactory())
    services.add_donation_line(donation, item=water, quantity=2, pack=case, by=staff_user)
    services.add_donation_line(donation, item=rice, quantity=5, by=staff_user)
    services.receive_donation(donation, by=staff_user)
    line = donation.lines.get(item=water)
    assert (line.quantity, line.pack_name, line.pack_units, line.packs) == (24, "κιβώτιο", 12, 2)
    case.name = "παλέτα"
    case.save()

    for value in ({}, {"value": "1"}):
        response = staff_client.get(reverse("inventory:donation_receipt", args=[donation.pk]), value)
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages).split())
        assert "2 × κιβώτιο × 12 = 24 τεμάχια" in text, text
        assert "5 συσκευασίες" in text and "× 5" not in text
        assert "παλέτα" not in text
