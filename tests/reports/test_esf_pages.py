"""The ESF+ page, its drill-down (staff only, audited) and its XLSX and PDF exports."""

import io
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import AuditLog
from distribution.selectors.reporting import Period
from reports import esf

from .factories import known_data

MARCH = "start=2026-03-01&end=2026-03-31"


@pytest.fixture
def data(db):
    return known_data()


def url(data, extra=""):
    return f"/reports/esf/?{MARCH}&programme={data.programme.pk}{extra}"


def test_staff_sees_the_indicators_with_links_to_what_is_behind(staff_client, data):
    response = staff_client.get(url(data))
    assert response.status_code == 200
    html = response.content.decode()
    assert "19,55" in html and "11,80" in html  # Greek decimal comma
    assert "/reports/esf/drill/?" in html and "support=food&amp;group=children" in html


def test_volunteers_and_the_public_cannot_open_reports(volunteer_client, data):
    assert volunteer_client.get(url(data)).status_code == 403
    assert volunteer_client.get("/reports/esf/drill/?" + MARCH + "&support=food").status_code == 403
    assert Client().get(url(data)).status_code == 302


def test_a_backwards_period_is_refused_with_a_message(staff_client, data):
    response = staff_client.get("/reports/esf/?start=2026-03-31&end=2026-03-01")
    assert response.status_code == 200
    assert "δεν μπορεί" in response.content.decode() or "must not be before" in response.content.decode()
    response = staff_client.get("/reports/esf/?start=nonsense&end=2026-03-01&format=pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_drill_down_lists_people_and_is_audited(staff_client, data):
    response = staff_client.get(f"/reports/esf/drill/?{MARCH}&programme={data.programme.pk}&support=food"
                                "&group=children")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erion" in html and "Ardita" not in html
    assert f"/distribution/households/{data.households['H1'].pk}/" in html
    entry = AuditLog.objects.filter(action=AuditLog.Action.VIEW).latest("id")
    assert entry.changes["households"] == 1


def test_drill_down_of_a_value_lists_collections(staff_client, data):
    response = staff_client.get(f"/reports/esf/drill/?{MARCH}&programme={data.programme.pk}&value=goods_children")
    assert response.status_code == 200
    assert "8,50" in response.content.decode()


def test_drill_down_of_an_unknown_figure_says_so(staff_client, data):
    response = staff_client.get(f"/reports/esf/drill/?{MARCH}&support=food&group=martians")
    assert response.status_code == 400
    response = staff_client.get(f"/reports/esf/drill/?{MARCH}&value=gold")
    assert response.status_code == 400


def test_xlsx_holds_the_same_numbers(staff_client, data):
    response = staff_client.get(url(data, "&format=xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="esf-plus-indicators')
    sheet = load_workbook(io.BytesIO(response.content)).active
    by_number = {}
    for row in sheet.iter_rows(values_only=True):
        if row and isinstance(row[0], str) and row[0][:1].isdigit() and len(row) > 2 and row[2] is not None:
            by_number[row[0]] = row[2:4]
    report = esf.esf_report(Period(date(2026, 3, 1), date(2026, 3, 31), programme_id=data.programme.pk))
    for figure in report.figures:
        value, not_declared = by_number[figure.number]
        assert Decimal(str(value)) == figure.value, figure.key
        if figure.not_declared is not None:
            assert not_declared == figure.not_declared, figure.key
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == 1


def test_pdf_renders_in_greek_with_the_numbers(staff_client, data, tmp_path):
    response = staff_client.get(url(data, "&format=pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Δείκτες ΕΚΤ+" in text
    assert "19,55" in text and "0,007090" in text
    pdf = tmp_path / "esf.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    assert list(tmp_path.glob("page*.png"))
