"""A volunteer signs in by e-mailed link on a phone and takes a shift; the coordinator assigns a
volunteer from the candidate list and sees the board change. axe-core on the main pages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core import messaging
from tests.factories import UserFactory
from tests.volunteers.factories import ShiftFactory, VolunteerFactory, available_always
from volunteers.models import Assignment, VolunteerLanguage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quiet_sms(settings):
    settings.SMS_BACKEND = "locmem"
    messaging.outbox.clear()


def test_volunteer_signs_in_by_link_and_takes_a_shift(phone_context, axe_check, mailoutbox):
    volunteer = VolunteerFactory(first_name="Ελένη", last_name="Σαλή", email="eleni@example.org")
    shift = ShiftFactory(max_people=2, description="Διανομή τροφίμων στο Παράρτημα")
    page = phone_context.new_page()
    page.goto("/volunteers/sign-in/")
    axe_check(page)
    page.get_by_label("Η διεύθυνση e-mail σας").fill("eleni@example.org")
    page.get_by_role("button", name="Στείλτε μου σύνδεσμο").click()
    page.get_by_text("Αν η διεύθυνση ανήκει σε ενεργό εθελοντή").wait_for()
    link = re.search(r"https?://\S+/volunteers/sign-in/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link.split("/volunteers/", 1)[1].join(["/volunteers/", ""]))
    axe_check(page)
    page.get_by_role("button", name="Σύνδεση στις βάρδιές μου").click()
    page.wait_for_url("**/volunteers/me/")
    axe_check(page)
    card = page.get_by_test_id("open-shift").filter(has_text="Διανομή τροφίμων στο Παράρτημα")
    button = card.get_by_role("button", name="Αναλαμβάνω τη βάρδια")
    assert button.bounding_box()["height"] >= 44
    button.click()
    page.get_by_text("Αναλάβατε τη βάρδια").wait_for()
    assert page.get_by_test_id("my-shift").filter(has_text="Επιβεβαιώθηκε").count() == 1
    assignment = Assignment.objects.get(shift=shift, volunteer=volunteer)
    assert assignment.status == "confirmed"
    # the link is spent: using it again fails with a clear message
    page.goto(link.split("/volunteers/", 1)[1].join(["/volunteers/", ""]))
    page.get_by_role("button", name="Σύνδεση στις βάρδιές μου").click()
    assert "ήδη χρησιμοποιηθεί" in page.get_by_role("alert").inner_text()


def test_coordinator_assigns_from_candidates_and_the_board_changes(page, login_as, axe_check):
    login_as(UserFactory(role="coordinator", username="coord"))
    shift = ShiftFactory(min_people=1, max_people=2, languages_needed=["rom"],
                         starts_at=(timezone.now() + timedelta(days=1)).replace(hour=8, minute=0))
    speaker = available_always(VolunteerFactory(first_name="Αϊσέ", last_name="Μουσταφά"))
    VolunteerLanguage.objects.create(volunteer=speaker, language="rom", level="native")
    available_always(VolunteerFactory(first_name="Νίκος", last_name="Παπαδόπουλος"))

    page.goto("/volunteers/")
    axe_check(page)
    fill = page.get_by_test_id(f"fill-{shift.pk}")
    assert fill.inner_text() == "0 / 1–2" and "badge-bad" in fill.get_attribute("class")
    assert "1 βάρδια με έλλειψη ατόμων" in page.get_by_test_id("short-count").inner_text()
    page.get_by_role("link", name="λείπει 1: ανάθεση").click()
    page.wait_for_url(f"**/volunteers/shifts/{shift.pk}/assign/")
    axe_check(page)
    candidates = page.get_by_role("table")
    assert "Αϊσέ Μουσταφά" in candidates.inner_text()
    assert "Νίκος Παπαδόπουλος" not in candidates.inner_text(), "does not bring the missing Romani"
    page.get_by_role("button", name="Ανάθεση σε Αϊσέ Μουσταφά").click()
    page.get_by_text("ορίστηκε στη βάρδια").wait_for()
    page.get_by_role("link", name="Πίσω στον πίνακα").click()
    page.wait_for_url("**/volunteers/")
    fill = page.get_by_test_id(f"fill-{shift.pk}")
    assert fill.inner_text() == "1 / 1–2" and "badge-warn" in fill.get_attribute("class")
    row = page.locator(f"tr[data-shift='{shift.pk}']")
    assert "Αϊσέ Μουσταφά" in row.inner_text() and "1 χωρίς επιβεβαίωση" in row.inner_text()
    assert "χρειάζεται Ρομανί" not in row.inner_text()
    assert "0 βάρδιες με έλλειψη ατόμων" in page.get_by_test_id("short-count").inner_text()

    # the other main pages (the volunteer's own pages are checked in the tests above)
    for url in (f"/volunteers/shifts/{shift.pk}/", "/volunteers/roster/", "/volunteers/shifts/",
                "/volunteers/hours/", f"/volunteers/roster/{speaker.pk}/", f"/volunteers/roster/{speaker.pk}/edit/",
                "/volunteers/apply/"):
        assert page.goto(url).status == 200, url
        axe_check(page)


def test_qr_at_the_site_decodes_to_the_check_in_page_and_checks_the_volunteer_in(
        page, phone_context, login_as, axe_check, tmp_path, settings):
    import zxingcpp
    from PIL import Image

    settings.SITE_URL = "https://kypseli.example.org"
    login_as(UserFactory(role="coordinator", username="coord"))
    now = timezone.now()
    shift = ShiftFactory(starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=3))
    volunteer = VolunteerFactory(first_name="Μεχμέτ", last_name="Χασάν")
    from volunteers.services import signups

    signups.take_shift(volunteer, shift)
    page.goto(f"/volunteers/shifts/{shift.pk}/qr/")
    axe_check(page)
    shot = tmp_path / "qr.png"
    page.locator(".checkin-qr svg").screenshot(path=str(shot))
    decoded = zxingcpp.read_barcodes(Image.open(shot))
    assert len(decoded) == 1
    url = decoded[0].text
    origin = page.evaluate("location.origin")  # links made while answering a request use its address
    assert url == f"{origin}/volunteers/checkin/{shift.checkin_token}/"
    assert volunteer.last_name not in url  # nothing personal in the code

    phone = phone_context.new_page()
    login_as(volunteer.user, ctx=phone_context)
    phone.goto(url.replace(origin, ""))
    axe_check(phone)
    phone.get_by_role("button", name="Είμαι εδώ").click()
    phone.get_by_text("Η παρουσία σας καταγράφηκε").wait_for()
    assignment = Assignment.objects.get(shift=shift, volunteer=volunteer)
    assert assignment.attendance == "present" and assignment.checked_in_at is not None


def test_a_new_email_address_is_confirmed_from_its_link_in_a_browser(phone_context, mailoutbox):
    """The confirmation page posts its button from the browser (a no-referrer policy there made
    Chromium send "Origin: null", which the CSRF check refused)."""
    from volunteers.services import contacts

    volunteer = VolunteerFactory(email="old@example.org")
    assert contacts.request_change(volunteer, "email", "new@example.org", by=None)
    body = [m for m in mailoutbox if m.to == ["new@example.org"]][-1].body
    link = re.search(r"https?://\S+/volunteers/confirm/\S+/", body).group(0)
    page = phone_context.new_page()
    page.goto("/volunteers/" + link.split("/volunteers/", 1)[1])
    page.get_by_role("button", name="Επιβεβαίωση").click()
    page.get_by_role("status").wait_for()
    volunteer.refresh_from_db()
    assert volunteer.email == "new@example.org"
