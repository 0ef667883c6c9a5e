"""Distribution and stock reports on the hand-built data set (tests/reports/factories.py)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from distribution.models import Scan
from distribution.selectors import reporting as distribution_reporting
from distribution.selectors.reporting import Period
from inventory import reporting as inventory_reporting
from inventory.models import Donation, Donor, StockLevel, StockMovement

from .factories import aware, known_data

D = Decimal
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def data(db):
    data = known_data()
    user = data.collections["H1@mar02"].by
    for n, outcome in enumerate(["already_collected", "already_collected", "revoked_card", "collected"]):
        Scan.objects.create(request_id=f"r{n}", day=data.days["mar02"], station="Τραπέζι 1", at=aware(date(2026, 3, 2)),
                            by=user, outcome=outcome, http_status=200)
    donor = Donor.objects.create(name="Σούπερ Μάρκετ Δράμας", kind=Donor.Kind.BUSINESS)
    donation = Donation.objects.create(donor=donor, date=date(2026, 3, 5), location=data.location,
                                       status=Donation.Status.RECEIVED, received_at=aware(date(2026, 3, 5)))
    rice = data.items["rice"]
    StockMovement.objects.create(at=aware(date(2026, 3, 5)), reason=StockMovement.Reason.RECEIVED, item=rice,
                                 location=data.location, quantity=D(10), unit_weight_kg=rice.weight_kg,
                                 unit_value_eur=D("1.20"), document_type="inventory.donation",
                                 document_id=str(donation.pk))
    StockMovement.objects.create(at=aware(date(2026, 3, 20)), reason=StockMovement.Reason.EXPIRED, item=rice,
                                 location=data.location, quantity=D(-2), unit_weight_kg=rice.weight_kg,
                                 unit_value_eur=D("1.20"))
    StockLevel.objects.create(item=rice, location=data.location, lot="L1", quantity=D(8),
                              expiry_date=timezone.localdate() + timedelta(days=10))
    return data


def test_distribution_per_month_day_and_location(data):
    period = Period(*MARCH, programme_id=data.programme.pk)
    [march] = distribution_reporting.distribution_by(period, "month")
    assert march["month"] == "2026-03"
    assert (march["days"], march["collections"], march["households"], march["people"]) == (2, 5, 4, 8)
    assert march["food_kg"] == D("7.09") and march["food_eur"] == D("7.75")
    assert march["goods_kg"] == D("1.1") and march["goods_eur"] == D("11.80")
    days = {row["date"]: row for row in distribution_reporting.distribution_by(period, "day")}
    assert (days[date(2026, 3, 2)]["collections"], days[date(2026, 3, 2)]["people"]) == (3, 4)
    assert days[date(2026, 3, 2)]["goods_eur"] == D("10.70")
    [location] = distribution_reporting.distribution_by(period, "location")
    assert location["collections"] == 5
    everything = distribution_reporting.distribution_by(Period(date(2026, 2, 1), date(2026, 4, 30)), "month")
    assert [(r["month"], r["collections"]) for r in everything] == [("2026-02", 1), ("2026-03", 6), ("2026-04", 1)]


def test_by_item_and_refusals(data):
    period = Period(*MARCH, programme_id=data.programme.pk)
    items = {row["name"]: row for row in distribution_reporting.distributed_by_item(period)}
    assert (items["Ρύζι 1 kg"]["quantity"], items["Ρύζι 1 kg"]["eur"]) == (D(4), D("4.90"))
    assert (items["Γάλα 1 l"]["quantity"], items["Γάλα 1 l"]["kg"]) == (D(3), D("3.09"))
    assert items["Σαπούνι"]["eur"] == D("3.30")
    refusals = distribution_reporting.refusals_by_reason(period)
    assert [(r["outcome"], r["scans"]) for r in refusals] == [("already_collected", 2), ("revoked_card", 1)]


def test_stock_figures(data):
    [business] = inventory_reporting.received_by_donor_kind(*MARCH)
    assert (business["kind"], business["donations"], business["quantity"], business["eur"]) == \
        ("business", 1, D(10), D("12.00"))
    [expired] = inventory_reporting.written_off(*MARCH)
    assert (expired["reason"], expired["quantity"], expired["eur"]) == ("expired", D(2), D("2.40"))
    [on_hand] = inventory_reporting.stock_value_on_hand()
    assert on_hand["quantity"] == D(8) and on_hand["eur"] == D("9.60")
    series = inventory_reporting.stock_over_time([data.items["rice"].pk], date(2026, 2, 1), date(2026, 3, 31))
    # February: 1 out; March: +10 received, 2+2+5 out, 5 back (cancelled), 2 expired, 10 on another programme
    assert series[data.items["rice"].pk] == [((2026, 2), D(-1)), ((2026, 3), D(-7))]


def test_pages_and_exports(staff_client, data):
    query = f"start=2026-03-01&end=2026-03-31&programme={data.programme.pk}"
    page = staff_client.get(f"/reports/distribution/?{query}")
    assert page.status_code == 200 and "7,75" in page.content.decode()
    workbook = load_workbook(io.BytesIO(staff_client.get(f"/reports/distribution/?{query}&format=xlsx").content))
    values = [row for row in workbook.active.iter_rows(values_only=True) if row[0] == "2026-03"]
    assert values[0][1:5] == (2, 5, 4, 8)
    stock = staff_client.get("/reports/stock/?start=2026-03-01&end=2026-03-31")
    assert stock.status_code == 200 and "12,00" in stock.content.decode()
    pdf = staff_client.get("/reports/stock/?start=2026-03-01&end=2026-03-31&format=pdf")
    assert pdf.content.startswith(b"%PDF")
    assert staff_client.get("/reports/").status_code == 200
