"""Staff register a household in the browser, meet the duplicate warning, import a list with its
progress, and the pages pass axe-core; a volunteer cannot open them."""

from datetime import date

import pytest
from playwright.sync_api import expect

from distribution.identifiers import make_amka
from distribution.models import Card, Household
from tests.distribution.factories import household_with_reference
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_household_with_duplicate_warning_and_request_a_card(page, login_as, axe_check):
    household_with_reference(first_name="Αϊσέ", last_name="Σαλή", birth_date=date(1980, 5, 17),
                             amka=make_amka(date(1980, 5, 17), 1))
    login_as(UserFactory(username="maria", role="staff"))
    page.goto("/distribution/households/")
    axe_check(page)
    page.get_by_role("link", name="Νέο νοικοκυριό").first.click()
    axe_check(page)
    page.get_by_label("Όνομα:", exact=True).fill("Aise")
    page.get_by_label("Επώνυμο:", exact=True).fill("Sali")
    page.get_by_label("Ημερομηνία γέννησης:").fill("1980-05-17")
    page.get_by_label("Δικαιούχοι ΚΕΑ:").select_option("yes")
    page.get_by_role("button", name="Καταχώριση").click()
    warning = page.get_by_test_id("duplicates")
    assert "ήδη καταχωρισμένο" in warning.inner_text()
    assert Household.objects.count() == 1
    page.get_by_label("Έλεγξα τις πιθανές διπλοεγγραφές").check()
    page.get_by_role("button", name="Καταχώριση").click()
    page.wait_for_url("**/distribution/households/*/")
    assert "Το νοικοκυριό καταχωρίστηκε." in page.get_by_role("status").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Αίτημα κάρτας").click()
    assert page.get_by_role("cell", name="Ζητήθηκε", exact=True).count() == 1
    household = Household.objects.exclude(members__first_name="Αϊσέ").get()
    assert Card.objects.get(household=household).status == Card.Status.REQUESTED
    with page.expect_download() as download:
        page.get_by_role("button", name="Εκτύπωση (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Card.objects.get(household=household).status == Card.Status.PRINTED


def test_import_page_preview_and_progress(page, login_as, axe_check, tmp_path):
    login_as(UserFactory(username="maria", role="staff"))
    rows = ["household,last_name,first_name,birth_date"] + [f"H-{i},Σαλή,Αϊσέ{i},01/01/1980" for i in range(5)]
    rows.append("H-bad,,Χωρίς επώνυμο,01/01/1980")
    path = tmp_path / "list.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    page.goto("/distribution/import/")
    axe_check(page)
    page.get_by_label("Αρχείο CSV ή XLSX:").set_input_files(str(path))
    page.get_by_role("button", name="Έλεγχος αρχείου").click()
    assert "6 γραμμές" in page.get_by_test_id("check-summary").inner_text()
    outcomes = page.get_by_test_id("import-outcomes")  # the dry run, row by row, started by the upload
    outcomes.wait_for()
    assert "Νέο νοικοκυριό." in outcomes.inner_text() and "υποχρεωτικά" in outcomes.inner_text()
    assert "01/01/1980" in outcomes.inner_text() and Household.objects.count() == 0
    axe_check(page)
    page.get_by_role("button", name="Οριστική εισαγωγή").click()
    page.get_by_text("Εισαγωγή: Ολοκληρώθηκε").wait_for()
    assert Household.objects.count() == 5
    assert "λάθος" in page.get_by_test_id("import-report").inner_text()
    axe_check(page)


def test_volunteer_cannot_open_household_pages(page, login_as):
    household = household_with_reference()
    login_as(UserFactory(username="vol", role="volunteer"))
    for url in ["/distribution/households/", f"/distribution/households/{household.pk}/", "/distribution/cards/"]:
        assert page.goto(url).status == 403


def test_the_household_list_follows_the_search_as_it_is_typed(page, login_as, axe_check):
    household_with_reference(first_name="Αϊσέ", last_name="Σαλή", birth_date=date(1980, 5, 17))
    household_with_reference(first_name="Γιώργος", last_name="Παπαδόπουλος", birth_date=date(1975, 1, 2))
    login_as(UserFactory(username="eleni", role="staff"))
    page.goto("/distribution/households/")
    rows = page.locator("#list-results tbody tr")
    assert rows.count() == 2
    page.get_by_label("Όνομα, αριθμός κάρτας, ΑΜΚΑ ή τηλέφωνο").press_sequentially("Σαλή", delay=40)
    # No button pressed: the list follows the typing; the search stays out of the address and history.
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Σαλή")
    assert "q=" not in page.url
    assert "Σαλή" not in (page.evaluate("JSON.stringify(window.localStorage)") or "")
    axe_check(page)
