"""Events in a real browser: a member of the public signs up on a phone and gets a ticket; staff
check the ticket in at the door by scanning it (a USB scanner types the code and Enter); a second
scan is refused. axe-core finds no serious problem on the public pages."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from core.models import Location
from events.models import CheckIn, Question, Registration
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quiet_messages(settings):
    settings.SMS_BACKEND = "locmem"
    cache.clear()


def test_public_signs_up_on_a_phone_and_gets_a_ticket(phone_context, axe_check, mailoutbox):
    site = Location.objects.create(name="Παράρτημα Ρομά", kind=Location.Kind.BRANCH, address="Δράμα")
    event = EventFactory(title_el="Εργαστήρι κουκλοθέατρου", location=site, capacity=8)
    question = Question.objects.create(event=event, label_el="Ηλικίες παιδιών", required=True)
    page = phone_context.new_page()
    page.goto("/events/")
    axe_check(page)
    page.get_by_role("link", name="Εργαστήρι κουκλοθέατρου").click()
    page.wait_for_url(f"**/events/{event.pk}/")
    assert "8 θέσεις ελεύθερες" in page.get_by_test_id("places-left").inner_text()
    axe_check(page)
    page.get_by_label("Ονοματεπώνυμο").fill("Αϊσέ Μεμέτ")
    page.get_by_label("Κινητό τηλέφωνο").fill("6971234567")
    page.get_by_label("E-mail").fill("aise@example.org")
    page.get_by_label("Αριθμός θέσεων (μαζί με εσάς)").select_option("3")
    page.get_by_label("Συμφωνώ").check()
    # The required question is still empty: the form says so and keeps what was typed.
    page.get_by_role("button", name="Εγγραφή").click()
    assert page.get_by_label("Ονοματεπώνυμο").input_value() == "Αϊσέ Μεμέτ"
    assert not Registration.objects.exists()
    page.get_by_label("Ηλικίες παιδιών").fill("4, 7")
    page.get_by_label("Συμφωνώ").check()
    submit = page.get_by_role("button", name="Εγγραφή")
    assert submit.bounding_box()["height"] >= 44
    submit.click()
    # The answer is the same whether or not the phone was already registered: the ticket and the
    # private link come by message, and the person opens the link from there.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ευχαριστούμε")
    registration = Registration.objects.get()
    assert mailoutbox and registration.manage_token in mailoutbox[0].body
    page.goto(f"/events/r/{registration.manage_token}/")
    assert registration.places == 3 and registration.answers == {str(question.pk): "4, 7"}
    assert page.get_by_test_id("registration-status").inner_text() == "Επιβεβαιώθηκε"
    assert page.get_by_test_id("ticket-code").inner_text() == registration.ticket_code
    qr = page.locator(".ticket-qr svg")
    assert qr.bounding_box()["width"] >= 200, "big enough to scan from a phone screen"
    axe_check(page)
    # The QR on screen decodes to the ticket code (and nothing personal).
    import zxingcpp
    from PIL import Image

    png = qr.screenshot()
    import io

    decoded = [d.text for d in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    assert decoded == [registration.ticket_code]
    assert mailoutbox and registration.manage_token in mailoutbox[0].body
    # Cancel from the private link.
    page.get_by_role("link", name="Ακύρωση της εγγραφής μου").click()
    axe_check(page)
    page.get_by_role("button", name="Ναι, ακύρωση").click()
    page.wait_for_url(f"**/events/r/{registration.manage_token}/")
    assert page.get_by_test_id("registration-status").inner_text() == "Ακυρωμένη"


def test_staff_scan_a_ticket_and_a_second_scan_is_refused(page, login_as, axe_check, sign_up_browser):
    """The door page uses core's scan station: a USB scanner types the code and Enter into the
    always-focused field; the answer comes from POST /api/v1/checkins."""
    event = EventFactory(title_el="Ομιλία για την υγεία")
    registration = sign_up_browser(event)
    login_as(UserFactory(username="door", role="staff"))
    page.goto(f"/events/door/{event.pk}/")
    axe_check(page)
    field = page.get_by_label("Σαρώστε το εισιτήριο ή πληκτρολογήστε τον κωδικό")
    expect(field).to_be_focused()
    page.keyboard.type(registration.ticket_code)
    page.keyboard.press("Enter")
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_contain_text("Μπήκε")
    expect(result).to_contain_text(registration.name)
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    # The door answers from its fresh list at once (local first): the check-in is recorded when the
    # server's answer has confirmed it.
    expect(result).not_to_have_attribute("data-confirm", "pending")
    assert CheckIn.objects.filter(registration=registration).count() == 1
    # The same ticket again a little later (the station ignores a double read within a second or two).
    page.wait_for_timeout(3100)
    page.keyboard.type(registration.ticket_code)
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("data-level", "warn")
    expect(result).to_contain_text("Έχει ήδη μπει")
    expect(result).not_to_have_attribute("data-confirm", "pending")
    assert CheckIn.objects.filter(registration=registration).count() == 1
    page.keyboard.type("EVT-NOTAREALTICKET")
    page.keyboard.press("Enter")
    expect(result).to_have_attribute("data-level", "bad")
    expect(result).to_contain_text("Άγνωστο εισιτήριο")
    # The list below refreshes after each answer: the admitted person shows as checked in.
    expect(page.locator(f"#reg-{registration.pk} .badge-ok")).to_be_visible()
    axe_check(page)


def test_door_works_without_javascript(browser, live_server, sign_up_browser):
    """A plain form posts the code when scripts are off (old tablets, strict settings)."""
    from django.conf import settings
    from django.test import Client

    event = EventFactory()
    registration = sign_up_browser(event)
    client = Client()
    client.force_login(UserFactory(username="door2", role="volunteer"))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="el-GR")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.goto(f"/events/door/{event.pk}/")
    page.get_by_label("Κωδικός εισιτηρίου").fill(registration.ticket_code)
    with page.expect_navigation():
        page.get_by_label("Κωδικός εισιτηρίου").press("Enter")
    assert page.get_by_test_id("scan-answer").get_attribute("data-outcome") == "checked_in"
    context.close()


def test_staff_pages_are_accessible(page, login_as, axe_check, sign_up_browser):
    event = EventFactory()
    registration = sign_up_browser(event)
    login_as(UserFactory(username="office", role="staff"))
    for url in ["/events/staff/", f"/events/staff/{event.pk}/", f"/events/staff/{event.pk}/registrations/",
                f"/events/staff/registrations/{registration.pk}/", "/events/staff/new/",
                f"/events/staff/{event.pk}/registrations/new/", "/events/staff/attendance/"]:
        assert page.goto(url).status == 200, url
        axe_check(page)


@pytest.fixture
def sign_up_browser():
    from events.services.registrations import RegistrationRequest, register

    def make(event):
        return register(event, RegistrationRequest(name="Νίκος Αθανασίου", places=2, email="n@example.org",
                                                   consent=True))

    return make
