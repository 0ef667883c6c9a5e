"""A single-centre database's submitted ESF+ reports move into the first centre with nothing lost, and
stay unchangeable (reports 0003)."""

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from core.tenancy import scopes_disabled
from tests.migrating import before, latest, migrate


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_a_single_centre_databases_submitted_reports_move_into_the_first_centre():
    old = migrate(before("reports", "0002_sqlite_flush"))
    try:
        Centre, User = (old.get_model("core", name) for name in ("Centre", "User"))
        SubmittedReport = old.get_model("reports", "SubmittedReport")
        first = Centre.objects.order_by("pk").first()
        maria = User.objects.create(username="maria")
        kept = SubmittedReport.objects.create(
            start="2026-01-01", end="2026-03-31", description="Α' τρίμηνο", note="ΑΠ 123",
            figures=[{"key": "households", "value": "2"}], households={"households": {"yes": {"7": 1}}},
            xlsx=b"xlsx bytes", pdf=b"pdf bytes", xlsx_sha256="a" * 64, pdf_sha256="b" * 64,
            submitted_at=timezone.now(), submitted_by=maria)
    finally:
        migrate(latest())

    from reports.models import SubmittedReport

    with scopes_disabled():
        moved = SubmittedReport.objects.get()
        assert (moved.pk, moved.centre_id, moved.note, bytes(moved.xlsx), bytes(moved.pdf), moved.figures,
                moved.households, moved.submitted_by.username) == (
            kept.pk, first.pk, "ΑΠ 123", b"xlsx bytes", b"pdf bytes", [{"key": "households", "value": "2"}],
            {"households": {"yes": {"7": 1}}}, "maria")
        # The database still refuses to change a submitted report.
        with pytest.raises(DatabaseError), transaction.atomic():
            SubmittedReport.objects.filter(pk=moved.pk).update(note="άλλο")
        assert SubmittedReport.objects.get().note == "ΑΠ 123"
