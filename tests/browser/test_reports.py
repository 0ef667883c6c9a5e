"""The coordinator opens the dashboard and the ESF+ indicators, drills down to a figure, and prints;
axe-core finds no serious or critical problem."""

import pytest

from tests.factories import UserFactory
from tests.reports.factories import known_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_dashboard_and_esf_indicators(page, login_as, axe_check):
    data = known_data()
    login_as(UserFactory(username="coord", role="coordinator"))
    page.goto("/")
    page.get_by_role("navigation", name="Κύριο μενού").get_by_role("link", name="Πίνακας ελέγχου").click()
    page.locator("#id_start").fill("2026-01-01")
    page.locator("#id_end").fill("2026-04-30")
    page.get_by_role("button", name="Εμφάνιση").click()
    page.wait_for_load_state()
    # Collections and stock have data; volunteer hours and events have none in this data set.
    assert page.locator("svg[role=img]").count() == 2
    assert page.get_by_text("Δεν υπάρχουν στοιχεία για αυτή την περίοδο.").count() == 2
    assert page.get_by_role("heading", name="Παραλαβές ανά μήνα").is_visible()
    page.get_by_text("Οι αριθμοί (πίνακας)").first.click()
    assert page.get_by_role("table").first.is_visible()
    axe_check(page)

    page.goto(f"/reports/esf/?start=2026-03-01&end=2026-03-31&programme={data.programme.pk}")
    axe_check(page)
    row = page.get_by_role("row").filter(has_text="Παιδιά κάτω των 18 ετών").first
    assert "1" in row.inner_text()
    row.get_by_role("link").first.click()
    page.wait_for_url("**/reports/esf/drill/**")
    assert page.get_by_role("cell", name="Erion").is_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.goto("/reports/")
        page.get_by_role("link", name="Δείκτες ΕΚΤ+: υλική στέρηση").click()
        page.get_by_role("link", name="Λήψη XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_staff_reports_pages_are_accessible(page, login_as, axe_check):
    known_data()
    login_as(UserFactory(username="staff2", role="staff"))
    for url in ["/reports/", "/reports/distribution/?start=2026-03-01&end=2026-03-31",
                "/reports/stock/?start=2026-03-01&end=2026-03-31",
                "/reports/volunteers-events/?start=2026-03-01&end=2026-03-31"]:
        assert page.goto(url).status == 200, url
        axe_check(page)
