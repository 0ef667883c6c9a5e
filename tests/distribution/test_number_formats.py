"""Numbers as Greek writes them, with the thousands dot and the decimal comma, wherever people read
them: quantities (pages, scan answers, the signature list for the funder's file) and the day report's
money and weight; English pages keep the English format."""

import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from distribution.day_documents import _basket_text, _name
from distribution.selectors.baskets import BasketLine
from distribution.services.scans import record_scan
from inventory.models import Item
from inventory.services.stock import format_quantity
from tests.distribution.days_helpers import day_with_basket, household

pytestmark = pytest.mark.django_db


def test_quantities_have_the_thousands_dot_and_the_decimal_comma():
    with translation.override("el"):
        assert [format_quantity(Decimal(v)) for v in ("5", "2.500", "1500", "12345.25")] == \
            ["5", "2,5", "1.500", "12.345,25"]
        assert BasketLine(item=SimpleNamespace(name="Ρύζι"), quantity=Decimal("2.5")).text() == "Ρύζι × 2,5"
    with translation.override("en"):
        assert format_quantity(Decimal("1500.5")) == "1,500.5"


def test_signature_list_writes_greek_numbers_and_the_collector_on_a_label():
    collection = SimpleNamespace(basket=[{"name": "Ρύζι", "quantity": "2.500"}, {"name": "Νερό", "quantity": "1500"},
                                         {"name": "Παλιό", "quantity": "?"}])
    with translation.override("el"):
        assert _basket_text(collection) == "Ρύζι × 2,5, Νερό × 1.500, Παλιό × ?"
        who = SimpleNamespace(household=SimpleNamespace(reference_people=[SimpleNamespace(full_name="Φατμέ Χασάν")]),
                              collector_id=1, collector=SimpleNamespace(name="Κατερίνα Ιωαννίδου"))
        assert _name(who) == "Φατμέ Χασάν (Εξουσιοδοτημένο πρόσωπο: Κατερίνα Ιωαννίδου)"


def test_day_report_money_has_the_thousands_dot(staff_client, volunteer_user):
    day, items = day_with_basket()
    Item.objects.filter(pk=items["rice"].pk).update(unit_value_eur=Decimal("784.98"))
    _hh, _card, code = household(day.programme, size=3)
    record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer_user)
    page = staff_client.get(reverse("distribution:day_report", args=[day.pk])).content.decode()
    assert "1.569,96" in page and "1569,96" not in page
