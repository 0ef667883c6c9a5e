"""Submitted ESF+ reports belong to the centre that closed the period: a person of another centre gets
404 for their files, and the same period is still open at her own centre."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tenancy import centre_scope
from reports.models import SubmittedReport
from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db

QUARTER = {"start": "2026-01-01", "end": "2026-03-31"}


def _submitted(by) -> SubmittedReport:
    return SubmittedReport.objects.create(
        start=date(2026, 1, 1), end=date(2026, 3, 31), description="Α' τρίμηνο", figures=[], households={},
        xlsx=b"x", pdf=b"p", xlsx_sha256="0" * 64, pdf_sha256="0" * 64, submitted_at=timezone.now(), submitted_by=by)


@pytest.fixture
def elsewhere():
    """Centre B's closed first quarter, submitted by B's staff."""
    other = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")
    with centre_scope(other):
        submitted = _submitted(UserFactory(role="staff", role__centre=other))
        assert submitted.centre == other
    return submitted


def test_another_centres_submitted_report_answers_404(staff_client, elsewhere):
    for export_format in ("xlsx", "pdf"):
        url = reverse("reports:esf_submitted_file", args=[elsewhere.pk, export_format])
        assert staff_client.get(url).status_code == 404
    assert not SubmittedReport.objects.exists()


def test_a_period_closed_at_another_centre_is_still_open_here(staff_client, staff_user, elsewhere):
    page = staff_client.get(reverse("reports:esf"), QUARTER)
    assert page.context["submitted"] is None and "submit_form" in page.context
    mine = _submitted(staff_user)
    page = staff_client.get(reverse("reports:esf"), QUARTER)
    assert page.context["submitted"] == mine
    with centre_scope(elsewhere.centre):
        assert list(SubmittedReport.objects.all()) == [elsewhere]
