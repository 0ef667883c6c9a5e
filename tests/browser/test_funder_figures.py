"""Staff merge a duplicate registration confirming the person it shares, and mark the ESF+ report of a
period as submitted; the page then shows the files' checksums and what differs later."""

from datetime import date

import pytest

from distribution.models import Household, Person
from distribution.services import households as services
from reports.models import SubmittedReport
from tests.factories import UserFactory
from tests.reports.factories import known_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merge_with_a_shared_person_then_mark_the_report_as_submitted(page, login_as, axe_check):
    data = known_data()
    staff = UserFactory(username="staff-funder", role="staff")
    keep = data.households["H2"]
    twin = register_twin(keep, staff)
    login_as(staff)
    page.goto(f"/distribution/households/{keep.pk}/merge/")
    page.locator("#id_other").fill(str(twin.pk))
    page.locator("#id_confirm").check()
    page.get_by_role("button").filter(has_text="Αποθήκευση").click()
    pairs = page.get_by_test_id("same-people")
    pairs.wait_for()
    assert pairs.get_by_role("checkbox").is_checked()
    axe_check(page)
    page.get_by_role("button", name="Συγχώνευση").click()
    page.wait_for_url(f"**/distribution/households/{keep.pk}/")
    merged = Person.everyone.get(household=twin, first_name="SALIS")
    assert merged.merged_into.first_name == "Σαλής"

    page.goto(f"/reports/esf/?start=2026-03-01&end=2026-03-31&programme={data.programme.pk}")
    page.locator("#id_note").fill("ΟΠΣ 5000")
    page.get_by_role("button", name="Σήμανση ως υποβληθείσα").click()
    page.get_by_test_id("no-differences").wait_for()
    submitted = SubmittedReport.objects.get()
    assert page.get_by_text(submitted.pdf_sha256).is_visible()
    axe_check(page)


def register_twin(keep, staff):
    """The household registered again: its reference person in Latin letters, and someone new."""
    salis = keep.members.get(first_name="Σαλής")
    return services.register_household(
        Household(categories={"homeless": "no"}),
        Person(first_name="SALIS", last_name="DOKIMI", birth_date=salis.birth_date, sex="M"),
        [Person(first_name="Νέο", last_name="Μέλος", birth_date=date(2010, 1, 1))], by=staff, allow_duplicates=True)
