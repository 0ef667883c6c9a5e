"""Each role's main workflows with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows; typed as a keyboard
or a scanner types), on a phone (390 × 844) or at a desk at 200 % zoom, and every step's page or fragment checked
as it is then: axe-core (serious and critical findings fail), a focus indicator on every control Tab stops at,
the skip link, no keyboard trap, no page wider than its screen, and where the focus lands after an htmx swap or an
error (tests/browser/keyboard.py). These reach what the crawl (test_crawl.py) cannot: the answers to forms, the
steps after a POST, confirm pages, htmx fragments and error states.

One browser session per role keeps them quick; the problems of a walk are reported together at its end (a Tab
that never reaches its control stops the walk at once)."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Location
from distribution.models import Card, Collection, DistributionDay, Handout, Household
from events.models import Event, Registration
from events.services.registrations import RegistrationRequest, register
from inventory import selectors as inventory_selectors
from inventory.models import Barcode
from tests.browser.keyboard import DESK_ZOOM_200, PHONE, Walk
from tests.distribution.days_helpers import day_with_basket, household, open_around_now, programme
from tests.events.factories import EventFactory
from tests.factories import LocationFactory, UserFactory
from tests.inventory.factories import BarcodeFactory, DonorFactory, ItemFactory
from tests.inventory.helpers import stock
from tests.two_factor import add_app, require_two_factor, totp_code
from tests.volunteers.factories import ShiftFactory, VolunteerFactory, available_always
from volunteers.models import Shift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-password-42"
STATION_FIELD = "Σαρώστε την κάρτα ή πληκτρολογήστε τον αριθμό της"


@pytest.fixture(autouse=True)
def quiet_messages(settings):
    settings.SMS_BACKEND = "locmem"
    cache.clear()


def _context(browser, live_server, size, language="el"):
    context = browser.new_context(base_url=live_server.url, locale="el-GR", **size)
    context.set_default_timeout(20_000)  # a busy shared test machine; a walk is many steps
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context


def test_public_finds_an_event_signs_up_sees_the_ticket_and_cancels_on_a_phone(browser, live_server, mailoutbox):
    site = Location.objects.create(name="Παράρτημα Ρομά", kind=Location.Kind.BRANCH, address="Δράμα")
    EventFactory(title_el="Ομιλία για την υγεία", location=site, category="health")
    event = EventFactory(title_el="Εργαστήρι κουκλοθέατρου", location=site, capacity=8, category="culture")
    from events.models import Question

    Question.objects.create(event=event, label_el="Ηλικίες παιδιών", required=True)
    context = _context(browser, live_server, PHONE)
    try:
        page = context.new_page()
        walk = Walk(page, "public phone")
        page.goto("/events/")
        walk.page_checks("the events")
        walk.press(page.get_by_text("Φίλτρα εκδηλώσεων"))  # <summary>: Enter opens the filters
        walk.choose(page.get_by_label("Κατηγορία"), event.get_category_display())
        walk.press(page.get_by_role("button", name="Εμφάνιση"))
        page.wait_for_url("**/events/?*")
        expect(page.get_by_role("link", name="Ομιλία για την υγεία")).to_have_count(0)
        walk.page_checks("the events, filtered")
        walk.press(page.get_by_role("link", name="Εργαστήρι κουκλοθέατρου"))
        page.wait_for_url(f"**/events/{event.pk}/")
        walk.page_checks("the event")
        walk.type_into(page.get_by_label("Ονοματεπώνυμο"), "Αϊσέ Μεμέτ")
        walk.type_into(page.get_by_label("Κινητό τηλέφωνο"), "6971234567")
        walk.type_into(page.get_by_label("E-mail"), "aise@example.org")
        walk.choose(page.get_by_label("Αριθμός θέσεων (μαζί με εσάς)"), "3")
        walk.press(page.get_by_label("Συμφωνώ"), " ")
        expect(page.get_by_label("Συμφωνώ")).to_be_checked()
        walk.press(page.get_by_role("button", name="Εγγραφή"))
        # The required question was left empty: the form comes back with the focus on it.
        walk.expect_focus_in(page.get_by_label("Ηλικίες παιδιών"), "the form came back with an error")
        assert not Registration.objects.exists()
        walk.page_checks("the form with its error", fresh=False)
        walk.type_into(page.get_by_label("Ηλικίες παιδιών"), "4, 7")
        if not page.get_by_label("Συμφωνώ").is_checked():
            walk.press(page.get_by_label("Συμφωνώ"), " ")
        walk.press(page.get_by_role("button", name="Εγγραφή"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ευχαριστούμε")
        walk.page_checks("thanks")
        registration = Registration.objects.get()
        page.goto(f"/events/r/{registration.manage_token}/")  # the private link, opened from the message
        expect(page.get_by_test_id("ticket-code")).to_have_text(registration.ticket_code)
        walk.page_checks("the ticket")
        walk.press(page.get_by_role("link", name="Ακύρωση της εγγραφής μου"))
        page.wait_for_url("**/cancel/")
        walk.page_checks("cancel?")
        walk.press(page.get_by_role("button", name="Ναι, ακύρωση"))
        expect(page.get_by_test_id("registration-status")).to_have_text("Ακυρωμένη")
        walk.page_checks("cancelled")
        walk.assert_clean()
    finally:
        context.close()


def _sign_in(walk, username, password=PASSWORD):
    """The sign-in form with the keyboard: the name field has the focus (autofocus), Tab to the password, Enter."""
    page = walk.page
    page.goto("/accounts/login/")
    expect(page.get_by_label("Όνομα χρήστη")).to_be_focused()
    walk.type_into(page.get_by_label("Όνομα χρήστη"), username)
    walk.type_into(page.get_by_label("Κωδικός"), password)
    page.keyboard.press("Enter")


def _sign_out(walk):
    """On a phone (and at 200 % zoom) signing out is in the menu: Shift+Tab back to «Μενού» (on a scan station Tab
    past the last control comes back to the scan field), Enter, then Tab to «Αποσύνδεση»."""
    page = walk.page
    menu_button = page.get_by_role("link", name="Μενού", exact=True)
    if menu_button.is_visible():
        walk.press(menu_button, back=True)
        menu = page.get_by_role("navigation", name="Κύριο μενού")
        expect(menu).to_be_visible()
        walk.press(menu.get_by_role("button", name="Αποσύνδεση", exact=True))
    else:
        walk.press(page.get_by_role("button", name="Αποσύνδεση", exact=True), back=True)
    expect(page.get_by_role("link", name="Σύνδεση", exact=True)).to_be_visible()
    walk.page_checks("signed out")


def test_volunteer_signs_in_scans_searches_takes_a_shift_checks_in_at_the_door_on_a_phone(browser, live_server):
    day, _items = day_with_basket()
    open_around_now(day)  # the name search answers only around the day's hours
    _hh, _card, code = household(day.programme, first_name="Αϊσέ")
    forgotten, _card2, _code2 = household(day.programme, first_name="Φατμέ", last_name="Χασάν")
    volunteer = VolunteerFactory(user=UserFactory(username="eleni", role="volunteer", password=PASSWORD))
    shift = ShiftFactory(min_people=1, max_people=3)
    event = EventFactory(title_el="Ομιλία για την υγεία", starts_at=timezone.now() + timedelta(minutes=30))
    ticket = register(event, RegistrationRequest(name="Νίκος Αθανασίου", places=2, email="n@example.org", consent=True))
    context = _context(browser, live_server, PHONE)
    try:
        page = context.new_page()
        walk = Walk(page, "volunteer phone")
        _sign_in(walk, "eleni", "not-the-password")
        expect(page.get_by_role("alert")).to_be_visible()
        walk.page_checks("sign-in refused")
        _sign_in(walk, "eleni")
        page.wait_for_url(f"{live_server.url}/")
        walk.page_checks("home")
        # The phone's menu: Enter on «Μενού» opens it, Tab goes into it.
        walk.press(page.get_by_role("link", name="Μενού", exact=True))
        menu = page.get_by_role("navigation", name="Κύριο μενού")
        expect(menu).to_be_visible()
        walk.page_checks("the menu open", fresh=False)
        walk.press(menu.get_by_role("link", name="Οι βάρδιές μου"), to="**/volunteers/me/")
        walk.page_checks("my shifts")
        walk.press(page.get_by_role("button", name="Αναλαμβάνω τη βάρδια"), to="**/volunteers/me/")
        expect(page.get_by_test_id("my-shift")).to_have_count(1)
        assert shift.assignments.filter(volunteer=volunteer).exists()
        walk.page_checks("my shifts, one taken")
        # The scan station: the day, the table, then a scanner types the card's code and Enter.
        walk.press(
            page.get_by_role("navigation", name="Συντομεύσεις").get_by_role("link", name="Σταθμός σάρωσης"),
            to="**/distribution/station/",
        )
        walk.page_checks("the station's day and table")
        walk.press(page.get_by_role("button", name="Τραπέζι 1"), to=re.compile(r"/distribution/station/\d+/"))
        field = page.get_by_label(STATION_FIELD)
        expect(field).to_be_focused()
        walk.page_checks("the scan station", fresh=False)
        walk.tab_to(field)
        page.keyboard.type(code + "\n", delay=5)
        result = page.get_by_test_id("scan-result")
        expect(result).to_have_attribute("data-level", "ok")
        expect(field).to_be_focused()
        walk.page_checks("a card scanned", fresh=False)
        # A forgotten card: the name search, then «ID checked» on the person found.
        walk.type_into(page.get_by_label("Όνομα ή αριθμός κάρτας"), "hasan")
        page.keyboard.press("Enter")
        expect(page.locator("#station-results")).to_contain_text("Φατμέ Χασάν")
        walk.page_checks("the name search's answer", fresh=False)
        walk.press(page.get_by_role("button", name=re.compile("Ελέγχθηκε ταυτότητα: καταγραφή")))
        expect(result).to_contain_text("Φατμέ")
        expect(result).not_to_have_attribute("data-confirm", "pending")  # the server's answer, not the phone's
        expect(field).to_be_focused()
        assert Collection.objects.filter(household=forgotten).exists()
        # The event door: today's events, then the ticket typed by a scanner.
        page.goto("/events/door/")
        walk.page_checks("the door's events")
        walk.press(page.get_by_role("link", name=re.compile("Ομιλία για την υγεία")), to=f"**/events/door/{event.pk}/")
        door_field = page.get_by_label("Σαρώστε το εισιτήριο ή πληκτρολογήστε τον κωδικό")
        expect(door_field).to_be_focused()
        page.keyboard.type(ticket.ticket_code + "\n", delay=5)
        expect(result).to_contain_text("Μπήκε")
        expect(door_field).to_be_focused()
        walk.page_checks("a ticket checked in", fresh=False)
        _sign_out(walk)
        walk.assert_clean()
    finally:
        context.close()


def test_staff_at_a_desk_at_200_percent_register_a_household_issue_and_revoke_a_card_plan_a_day(browser, live_server):
    """Signing in with the second factor; a household with a member and consent (the consent date forgotten
    first), a card requested and printed, then revoked on its confirm page; a distribution day and its basket."""
    require_two_factor()
    staff = UserFactory(username="maria", role="staff", password=PASSWORD)
    device = add_app(staff)
    prog = programme(name="Βασικά αγαθά ΚΕΑ")
    LocationFactory(name="Κέντρο Κοινότητας")
    ItemFactory(name_el="Ρύζι 1 kg", name_en="Rice 1 kg")
    context = _context(browser, live_server, DESK_ZOOM_200)
    try:
        page = context.new_page()
        walk = Walk(page, "staff desk 200 %")
        _sign_in(walk, "maria")
        page.wait_for_url("**/security/two-factor/**")
        walk.page_checks("the second factor")
        walk.type_into(page.get_by_label("Κωδικός"), totp_code(device))
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/")
        walk.page_checks("home")
        walk.press(page.get_by_role("link", name="Νέο νοικοκυριό").first, to="**/households/new/")
        walk.page_checks("new household")
        walk.type_into(page.get_by_label("Όνομα:", exact=True), "Αϊσέ")
        walk.type_into(page.get_by_label("Επώνυμο:", exact=True), "Σαλή")
        walk.type_into(page.get_by_label("Ημερομηνία γέννησης:"), "17051980")
        walk.choose(page.get_by_label("Νομική βάση:"), str(Household.LegalBasis.CONSENT.label))
        walk.press(page.get_by_role("button", name="Καταχώριση"), to="**/households/new/")
        consent_date = page.get_by_label("Ημερομηνία συγκατάθεσης:")
        walk.expect_focus_in(consent_date, "the form came back with an error")
        walk.page_checks("the form with its error", fresh=False)
        walk.type_into(consent_date, timezone.localdate().strftime("%d%m%Y"))
        walk.press(page.get_by_role("button", name="Καταχώριση"), to=re.compile(r"/households/\d+/$"))
        household = Household.objects.get()
        walk.page_checks("the household")
        walk.press(page.get_by_role("link", name="Προσθήκη μέλους"), to="**/members/new/")
        walk.page_checks("new member")
        walk.type_into(page.get_by_label("Όνομα:", exact=True), "Μεχμέτ")
        walk.type_into(page.get_by_label("Επώνυμο:", exact=True), "Σαλή")
        walk.type_into(page.get_by_label("Ημερομηνία γέννησης:"), "02012012")
        walk.press(page.get_by_role("button", name="Αποθήκευση"), to=re.compile(r"/households/\d+/$"))
        assert household.members.count() == 2
        walk.press(page.get_by_role("button", name="Αίτημα κάρτας"), to=re.compile(r"/households/\d+/$"))
        walk.page_checks("a card requested")
        with page.expect_download() as download:
            walk.press(page.get_by_role("button", name="Εκτύπωση (PDF)"))
        assert download.value.suggested_filename.endswith(".pdf")
        page.reload()
        card = Card.objects.get(household=household)
        assert card.status == Card.Status.PRINTED
        # Revoking asks first: the confirm page, its red button.
        walk.press(page.get_by_role("button", name="Ανάκληση", exact=True), to="**/revoke/")
        walk.page_checks("revoke the card?")
        walk.press(page.get_by_test_id("confirm"), to=re.compile(r"/households/\d+/$"))
        card.refresh_from_db()
        assert card.status == Card.Status.REVOKED
        walk.page_checks("the card revoked")
        # A distribution day and its basket.
        page.goto("/distribution/days/new/")
        walk.page_checks("new distribution day")
        walk.type_into(page.get_by_label("Ημερομηνία:"), (timezone.localdate() + timedelta(days=7)).strftime("%d%m%Y"))
        walk.choose(page.get_by_label("Χώρος:"), "Κέντρο Κοινότητας")
        walk.choose(page.get_by_label("Πρόγραμμα:"), prog.name)
        # afternoon hours: in Greek, Chromium's time field has a π.μ./μ.μ. part that "13" fills by itself
        walk.type_into(page.get_by_label("Από:"), "1300")
        walk.type_into(page.get_by_label("Έως:"), "1600")
        walk.choose(page.get_by_label("Είδος (1)"), "Ρύζι 1 kg")
        walk.type_into(page.get_by_label("Ποσότητα (1)"), "2")
        walk.press(page.get_by_role("button", name="Αποθήκευση"), to=re.compile(r"/distribution/days/\d+/$"))
        day = DistributionDay.objects.get()
        assert day.basket_rules.get().quantity == 2
        walk.page_checks("the day planned")
        _sign_out(walk)
        walk.assert_clean()
    finally:
        context.close()


def test_staff_on_a_phone_hand_out_now_and_receive_a_donation(browser, live_server, login_as):
    prog = programme()
    day, _items = day_with_basket(prog=prog)
    household(prog, size=2, first_name="Αϊσέ", last_name="Χουσεΐν")
    store = LocationFactory(name="Αποθήκη Κέντρου")
    milk = ItemFactory(name_el="Γάλα εβαπορέ 410 γρ.")
    BarcodeFactory(item=milk, code="5201004021234")
    DonorFactory(name="Αρτοποιείο Παπαδόπουλος")
    context = _context(browser, live_server, PHONE)
    try:
        login_as(UserFactory(role="staff"), ctx=context)
        page = context.new_page()
        walk = Walk(page, "staff phone")
        page.goto("/")
        walk.page_checks("home")
        walk.press(page.get_by_test_id("home-handout"), to="**/distribution/handouts/")
        search = page.get_by_label("Όνομα, αριθμός κάρτας ή σάρωση κάρτας")
        expect(search).to_be_focused()
        walk.page_checks("hand-out now", fresh=False)
        walk.type_into(search, "Housein")
        page.keyboard.press("Enter")
        page.wait_for_url("**/handouts/?q=*")
        walk.page_checks("the search's answer", fresh=False)
        walk.press(page.get_by_role("link", name=re.compile("Επιλογή: .*Αϊσέ")), to=re.compile(r"/handouts/household/"))
        expect(page.get_by_test_id("desk-answer")).to_contain_text("Ρύζι 1 kg")
        walk.page_checks("the household's basket")
        walk.press(page.get_by_test_id("confirm-handout"))
        expect(page.get_by_text("Η διανομή καταχωρίστηκε")).to_be_visible()
        assert Handout.objects.get().kind == "emergency"
        walk.page_checks("the hand-out recorded")
        # Anonymous: how many people and their age groups and sex, the goods; the reason forgotten first.
        page.goto("/distribution/handouts/")
        walk.press(page.get_by_role("link", name="Ανώνυμη διανομή (χωρίς προσωπικά δεδομένα)"), to="**/anonymous/")
        walk.page_checks("anonymous hand-out")
        walk.choose(page.get_by_label("Χώρος:"), day.location.name)
        walk.type_into(page.get_by_label("Αριθμός ατόμων:"), "3", clear=True)
        walk.type_into(page.get_by_label("ηλικίας κάτω των 18:"), "1")
        walk.type_into(page.get_by_label("από τα οποία γυναίκες:"), "2")
        walk.choose(page.locator("#id_line-0-item"), "Ρύζι 1 kg")
        walk.type_into(page.locator("#id_line-0-quantity"), "2")
        walk.press(page.get_by_test_id("confirm-handout"), to="**/anonymous/")
        reason = page.get_by_label("Αιτία:")
        walk.expect_focus_in(reason, "the anonymous hand-out came back with an error")
        walk.page_checks("the anonymous hand-out with its error", fresh=False)
        walk.type_into(reason, "Διερχόμενη οικογένεια")
        walk.press(page.get_by_test_id("confirm-handout"), to=re.compile(r"/handouts/\d+/$"))
        anonymous = Handout.objects.get(household=None)
        assert (anonymous.people, anonymous.aged_under_18, anonymous.women) == (3, 1, 2)
        walk.page_checks("the anonymous hand-out recorded")
        # A donation: the donor and the place, then the goods scanned, then into stock.
        page.goto("/inventory/donations/new/")
        walk.page_checks("new donation")
        walk.choose(page.get_by_label("δωρητής"), "Αρτοποιείο Παπαδόπουλος")
        walk.choose(page.get_by_label("χώρος"), store.name)
        walk.press(page.get_by_role("button", name="Συνέχεια: σάρωση ειδών"), to=re.compile(r"/donations/\d+/"))
        scan_field = page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")
        expect(scan_field).to_be_focused()
        walk.page_checks("the donation's goods", fresh=False)
        walk.tab_to(scan_field)
        page.keyboard.type("5201004021234\n", delay=5)  # a scanner: a fast keyboard ending with Enter
        quantity = page.get_by_label("ποσότητα")
        expect(quantity).to_be_focused()  # the htmx swap put the focus on the next thing to type
        walk.page_checks("an item scanned", fresh=False)
        walk.type_into(quantity, "24")
        walk.type_into(
            page.get_by_label("ημερομηνία λήξης"), (timezone.localdate() + timedelta(days=120)).strftime("%d%m%Y")
        )
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("added")).to_contain_text("Γάλα εβαπορέ 410 γρ. × 24")
        expect(page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")).to_be_focused()
        walk.press(page.get_by_role("button", name="Παραλαβή στο απόθεμα"), to=re.compile(r"/receive/"))
        expect(page.get_by_test_id("confirmation")).to_contain_text("Γάλα εβαπορέ 410 γρ.: 24")
        walk.page_checks("receive the goods?")
        walk.press(page.get_by_test_id("confirm"), to=re.compile(r"/donations/\d+/$"))
        expect(page.get_by_role("link", name="Βεβαίωση για τον δωρητή (PDF)")).to_be_visible()
        walk.page_checks("the donation received")
        walk.assert_clean()
    finally:
        context.close()


def test_coordinator_in_english_at_200_percent_creates_a_shift_assigns_plans_and_filters_the_audit_log(
    browser, live_server, login_as
):
    """In English (the crawl's other language) at a desk at 200 %: a shift (its end before its start first), a
    volunteer assigned to it, a plan proposed and accepted, the audit log filtered as it is typed (htmx)."""
    LocationFactory(name="Community Centre")
    tomorrow = timezone.localdate() + timedelta(days=1)
    for n in range(2):
        starts_at = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=2 + n), time(9)))
        ShiftFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=4), min_people=1, max_people=2)
    aise = available_always(VolunteerFactory(first_name="Αϊσέ", last_name="Μουσταφά"))
    available_always(VolunteerFactory(first_name="Νίκος", last_name="Παπαδόπουλος"))
    context = _context(browser, live_server, DESK_ZOOM_200, language="en")
    try:
        login_as(UserFactory(role="coordinator", username="coord"), ctx=context)
        page = context.new_page()
        walk = Walk(page, "coordinator desk 200 % en")
        page.goto("/volunteers/shifts/new/")
        walk.page_checks("new shift")
        # the page is in English: Chromium's date field then reads month, day, year
        walk.type_into(page.get_by_label("Date:"), tomorrow.strftime("%m%d%Y"))
        walk.choose(page.get_by_label("Location:"), "Community Centre")
        # afternoon hours: the time field has an AM/PM part that "13" and above fill by themselves
        walk.type_into(page.locator("input[name=start_time]"), "1700")
        walk.type_into(page.locator("input[name=end_time]"), "1300")
        walk.press(page.get_by_role("button", name="Save"), to="**/volunteers/shifts/new/")
        until = page.locator("input[name=end_time]")
        walk.expect_focus_in(until, "the shift form came back with an error")
        walk.page_checks("the shift form with its error", fresh=False)
        walk.type_into(until, "1900")
        walk.press(page.get_by_role("button", name="Save"), to=re.compile(r"/volunteers/shifts/\d+/$"))
        shift = Shift.objects.order_by("-pk").first()
        assert shift.starts_at.date() == tomorrow
        walk.page_checks("the shift")
        walk.press(page.get_by_role("link", name="Assign volunteers"), to=f"**/shifts/{shift.pk}/assign/")
        walk.page_checks("assign volunteers")
        walk.press(page.get_by_role("button", name="Assign Αϊσέ Μουσταφά"), to=f"**/shifts/{shift.pk}/**")
        expect(page.get_by_role("status")).to_be_visible()
        assert shift.assignments.filter(volunteer=aise).exists()
        walk.page_checks("a volunteer assigned")
        # The planner: propose for the coming weeks, read why, accept all.
        page.goto("/volunteers/plans/")
        walk.page_checks("the planner")
        walk.type_into(page.locator("#id_starts_on"), tomorrow.strftime("%m%d%Y"))
        walk.type_into(page.locator("#id_weeks"), "2", clear=True)
        walk.press(page.get_by_test_id("propose"), to=re.compile(r"/volunteers/plans/\d+/$"))
        walk.page_checks("the proposed plan")
        walk.press(page.get_by_test_id("publish-all"), to=re.compile(r"/volunteers/"))
        expect(page.locator(".message-success")).to_be_visible()
        walk.page_checks("the plan published")
        # The audit log: the list follows what is typed in its filter; the focus stays in the field.
        page.goto("/audit/")
        walk.page_checks("the audit log")
        username = page.get_by_label("Username:")
        walk.type_into(username, "coord")
        expect(page.locator("#list-results tbody tr").first).to_contain_text("coord")
        walk.expect_focus_in(username, "the list changed under the filter")
        walk.page_checks("the audit log, filtered", fresh=False)
        walk.assert_clean()
    finally:
        context.close()


def test_staff_at_a_desk_at_200_percent_count_and_post_a_stock_take_and_move_stock(browser, live_server, login_as):
    """A stock-take: two shelves counted (a scanner, then the quantity typed), the differences, the confirm page's
    red button; then stock moved to the branch (too much asked first: the form comes back with its error)."""
    store, branch = LocationFactory(name="Αποθήκη Κέντρου"), LocationFactory(name="Παράρτημα Ρομά")
    flour = ItemFactory(name_el="Αλεύρι 1 κιλό", has_expiry=False)
    own = Barcode.objects.create(item=flour, code=f"KYP-{flour.pk:06d}", kind=Barcode.Kind.OWN)
    stock(flour, store, 40)
    context = _context(browser, live_server, DESK_ZOOM_200)
    try:
        login_as(UserFactory(role="staff"), ctx=context)
        page = context.new_page()
        walk = Walk(page, "staff desk 200 % stock")
        page.goto("/inventory/stocktakes/new/")
        walk.page_checks("new stock-take")
        walk.choose(page.get_by_label("χώρος"), store.name)
        walk.press(page.get_by_role("button", name="Αποθήκευση"), to=re.compile(r"/stocktakes/\d+/$"))
        scan_field = page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")
        expect(scan_field).to_be_focused()
        walk.page_checks("the stock-take's counting", fresh=False)
        for shelf, counted in (("Ράφι Α", "25"), ("Ράφι Β", "12")):
            walk.tab_to(scan_field)
            page.keyboard.type(own.code + "\n", delay=5)
            quantity = page.get_by_label("μετρημένη ποσότητα")
            expect(quantity).to_be_focused()
            page.keyboard.type(counted)
            walk.type_into(page.get_by_label("ράφι ή σημείο"), shelf, clear=True)
            page.keyboard.press("Enter")
            expect(page.get_by_test_id("added")).to_contain_text(f"Αλεύρι 1 κιλό × {counted}")
            expect(scan_field).to_be_focused()
        walk.page_checks("two shelves counted", fresh=False)
        walk.press(page.get_by_role("link", name="Έλεγχος διαφορών"), to=re.compile(r"/review/$"))
        expect(page.get_by_test_id("review")).to_contain_text("-3")
        walk.page_checks("the differences")
        walk.press(page.get_by_role("button", name="Καταχώριση απογραφής"), to=re.compile(r"/post/$"))
        expect(page.get_by_test_id("confirmation")).to_contain_text("40 συσκευασίες → 37 συσκευασίες")
        walk.page_checks("post the stock-take?")
        walk.press(page.get_by_test_id("confirm"), to=re.compile(r"/stocktakes/\d+/$"))
        expect(page.get_by_role("status")).to_contain_text("Η απογραφή καταχωρίστηκε")
        assert inventory_selectors.available_by_item(store, [flour]) == {flour.pk: 37}
        walk.page_checks("the stock-take posted")
        # Moving stock: from the stock page's link; too much asked first.
        page.goto("/inventory/stock/")
        walk.page_checks("the stock")
        walk.press(page.get_by_role("link", name="Μεταφορά αποθέματος").first, to="**/transfers/new/")
        walk.page_checks("new transfer")
        walk.choose(page.get_by_label("από"), store.name)
        walk.choose(page.get_by_label("προς"), branch.name)
        walk.choose(page.locator("#id_lines-0-item"), "Αλεύρι 1 κιλό")
        walk.type_into(page.locator("#id_lines-0-quantity"), "60")
        walk.press(page.get_by_role("button", name="Μεταφορά ειδών"), to="**/transfers/new/")
        expect(page.get_by_role("alert")).to_contain_text("Δεν υπάρχει αρκετό απόθεμα")
        walk.expect_focus_in(page.get_by_role("alert"), "the transfer came back refused")
        walk.page_checks("the transfer refused", fresh=False)
        walk.type_into(page.locator("#id_lines-0-quantity"), "20", clear=True)
        walk.press(page.get_by_role("button", name="Μεταφορά ειδών"), to=re.compile(r"/transfers/\d+/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Μεταφορά Μ-")
        assert inventory_selectors.available_by_item(branch, [flour]) == {flour.pk: 20}
        walk.page_checks("the transfer done")
        walk.assert_clean()
    finally:
        context.close()


def test_staff_at_a_desk_at_200_percent_create_and_publish_an_event_and_check_someone_in_by_hand(
    browser, live_server, login_as
):
    """An event (its places forgotten first: the focus goes to them), published; someone registers; its
    registrations, then the door list's «check in» button for a person without their ticket."""
    LocationFactory(name="Παράρτημα Ρομά")
    on = timezone.localdate() + timedelta(days=10)
    context = _context(browser, live_server, DESK_ZOOM_200)
    try:
        login_as(UserFactory(role="staff"), ctx=context)
        page = context.new_page()
        walk = Walk(page, "staff desk 200 % events")
        page.goto("/events/staff/new/")
        walk.page_checks("new event")
        walk.type_into(page.locator("#id_title_el"), "Εργαστήρι ζωγραφικής")
        walk.type_into(page.locator("#id_description_el"), "Για παιδιά και γονείς. Τα υλικά τα φέρνουμε εμείς.")
        walk.choose(page.locator("#id_location"), "Παράρτημα Ρομά")
        # a date and time field: the date's parts, Tab to the hour's, then the time (13 and above fill μ.μ.)
        for field, hour in (("#id_starts_at", "1700"), ("#id_ends_at", "1900")):
            walk.type_into(page.locator(field), on.strftime("%d%m%Y"))
            page.keyboard.press("Tab")
            page.keyboard.type(hour)
        walk.press(page.get_by_role("button", name="Αποθήκευση"), to="**/events/staff/new/")
        places = page.locator("#id_capacity")
        walk.expect_focus_in(places, "the event form came back with an error")
        walk.page_checks("the event form with its error", fresh=False)
        walk.type_into(places, "20")
        walk.press(page.get_by_role("button", name="Αποθήκευση"), to=re.compile(r"/events/staff/\d+/$"))
        event = Event.objects.get()
        assert timezone.localtime(event.starts_at).hour == 17 and timezone.localtime(event.ends_at).hour == 19
        walk.page_checks("the event, a draft")
        walk.press(page.get_by_role("button", name="Δημοσίευση"), to=re.compile(r"/events/staff/\d+/$"))
        expect(page.get_by_role("status")).to_contain_text("Η εκδήλωση δημοσιεύτηκε")
        walk.page_checks("the event published")
        register(event, RegistrationRequest(name="Νίκος Αθανασίου", places=2, email="n@example.org", consent=True))
        walk.press(page.get_by_role("link", name="Εγγραφές", exact=True), to="**/registrations/")
        expect(page.locator("main")).to_contain_text("Νίκος Αθανασίου")
        walk.page_checks("its registrations")
        walk.press(page.get_by_role("link", name="Είσοδος", exact=True), to=f"**/events/door/{event.pk}/")
        walk.page_checks("the door", fresh=False)
        walk.press(
            page.get_by_role("button", name="Είσοδος: Νίκος Αθανασίου"), to=re.compile(rf"/events/door/{event.pk}/")
        )
        expect(page.get_by_role("status").first).to_contain_text("Μπήκε: Νίκος Αθανασίου")
        assert Registration.objects.filter(event=event, checkin__isnull=False).exists()
        walk.page_checks("checked in by hand", fresh=False)
        walk.assert_clean()
    finally:
        context.close()


def test_staff_at_a_desk_at_200_percent_enrol_a_passkey_and_sign_in_with_it(browser, live_server):
    """A passkey as the second factor (Chromium's virtual authenticator, through the DevTools protocol): added on
    the setup page the first sign-in leads to, then used at the next sign-in, with the keyboard alone."""
    from django_otp_webauthn.models import WebAuthnCredential

    require_two_factor()
    staff = UserFactory(username="maria", role="staff", password=PASSWORD)
    context = _context(browser, live_server, DESK_ZOOM_200)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True}})  # fmt: skip
        walk = Walk(page, "staff desk 200 % passkey")
        _sign_in(walk, "maria")
        page.wait_for_url("**/security/two-factor/setup/**")
        walk.page_checks("second factor setup")
        walk.press(page.get_by_test_id("add-passkey"))
        page.get_by_test_id("factors").wait_for()  # the page comes back listing the new passkey
        assert WebAuthnCredential.objects.filter(user=staff, confirmed=True).count() == 1
        walk.page_checks("a passkey added")
        _sign_out(walk)
        _sign_in(walk, "maria")
        page.wait_for_url("**/security/two-factor/**")
        walk.page_checks("the second factor")
        with page.expect_navigation(url=f"{live_server.url}/"):
            walk.press(page.get_by_test_id("use-passkey"))
        assert WebAuthnCredential.objects.get(user=staff).last_used_at is not None
        walk.page_checks("home")
        walk.assert_clean()
    finally:
        context.close()
