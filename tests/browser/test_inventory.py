"""Inventory in a real browser: a donation received by "scanning" EANs (typed + Enter, as a USB
scanner does), an unknown code attached to an item, stock moved to the Roma branch, a stock-take
counted and posted. axe-core checks each page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inventory import selectors
from inventory.models import Barcode, Donation, StockLevel, StockTake
from tests.factories import LocationFactory, UserFactory
from tests.inventory.factories import BarcodeFactory, DonorFactory, ItemFactory, NonFoodItemFactory, make_ean
from tests.inventory.helpers import d, stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scan(page, code):
    """What a USB scanner does: type the code fast into the focused field, then press Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_receive_a_donation_by_scanning(page, login_as, axe_check):
    login_as(UserFactory(username="maria", role="staff"))
    store = LocationFactory(name="Αποθήκη Κέντρου")
    milk = ItemFactory(name_el="Γάλα εβαπορέ 410 γρ.")
    BarcodeFactory(item=milk, code="5201004021234")
    soap = NonFoodItemFactory(name_el="Σαπούνι πλάκα")
    DonorFactory(name="Αρτοποιείο Παπαδόπουλος")
    page.goto("/inventory/donations/new/")
    axe_check(page)
    page.get_by_label("δωρητής").select_option(label="Αρτοποιείο Παπαδόπουλος")
    page.get_by_label("χώρος").select_option(label="Αποθήκη Κέντρου")
    page.get_by_role("button", name="Συνέχεια: σάρωση ειδών").click()
    scan_field = page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")
    expect(scan_field).to_be_focused()
    axe_check(page)

    scan(page, "5201004021234")
    expect(page.get_by_test_id("current-item")).to_contain_text("Γάλα εβαπορέ 410 γρ.")
    quantity = page.get_by_label("ποσότητα")
    expect(quantity).to_be_focused()
    page.keyboard.type("24")
    expiry = (timezone.localdate() + timedelta(days=120)).isoformat()
    page.get_by_label("ημερομηνία λήξης").fill(expiry)
    page.get_by_label("παρτίδα").fill("L-2201")
    page.get_by_label("παρτίδα").press("Enter")
    expect(page.get_by_test_id("added")).to_contain_text("Γάλα εβαπορέ 410 γρ. × 24")
    expect(page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")).to_be_focused()

    # An unknown code: attach it to an existing item, then go on with that item.
    unknown = make_ean(31337)
    scan(page, unknown)
    expect(page.get_by_test_id("unknown-code")).to_contain_text(unknown)
    axe_check(page)
    page.get_by_label("Σύνδεση του κωδικού με το είδος").select_option(label="Σαπούνι πλάκα")
    page.get_by_role("button", name="Σύνδεση κωδικού").click()
    expect(page.get_by_test_id("current-item")).to_contain_text("Σαπούνι πλάκα")
    expect(page.get_by_label("ποσότητα")).to_be_focused()
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("added")).to_contain_text("Σαπούνι πλάκα × 30")
    assert Barcode.objects.get(code=unknown).item == soap

    expect(page.get_by_test_id("donation-lines").locator("tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Παραλαβή στο απόθεμα").click()
    # The confirmation step lists the goods before anything changes.
    expect(page.get_by_test_id("confirmation")).to_contain_text("Γάλα εβαπορέ 410 γρ.: 24 συσκευασίες")
    axe_check(page)
    assert Donation.objects.get().status == Donation.Status.DRAFT
    page.get_by_test_id("confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Η δωρεά παραλήφθηκε")
    axe_check(page)
    expect(page.get_by_role("link", name="Βεβαίωση για τον δωρητή (PDF)")).to_be_visible()
    assert Donation.objects.get().status == Donation.Status.RECEIVED
    assert selectors.available_by_item(store, [milk, soap]) == {milk.pk: d(24), soap.pk: d(30)}
    assert StockLevel.objects.get(item=milk).lot == "L-2201"


def test_move_stock_to_the_roma_branch(page, login_as, axe_check):
    login_as(UserFactory(username="maria", role="staff"))
    store, branch = LocationFactory(name="Αποθήκη Κέντρου"), LocationFactory(name="Παράρτημα Ρομά")
    rice = ItemFactory(name_el="Ρύζι γλασέ 1 κιλό")
    stock(rice, store, 50, lot="A", expiry=timezone.localdate() + timedelta(days=200))
    page.goto("/inventory/stock/")
    axe_check(page)
    page.get_by_role("link", name="Μεταφορά αποθέματος").first.click()
    axe_check(page)
    page.get_by_label("από").select_option(label="Αποθήκη Κέντρου")
    page.get_by_label("προς").select_option(label="Παράρτημα Ρομά")
    page.locator("#id_lines-0-item").select_option(label="Ρύζι γλασέ 1 κιλό")
    page.locator("#id_lines-0-quantity").fill("60")
    page.get_by_role("button", name="Μεταφορά ειδών").click()
    expect(page.get_by_role("alert")).to_contain_text("Δεν υπάρχει αρκετό απόθεμα")
    page.locator("#id_lines-0-quantity").fill("20")
    page.get_by_role("button", name="Μεταφορά ειδών").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Μεταφορά Μ-")
    axe_check(page)
    assert selectors.available_by_item(branch, [rice]) == {rice.pk: d(20)}
    assert selectors.available_by_item(store, [rice]) == {rice.pk: d(30)}
    page.goto(f"/inventory/stock/?location={branch.pk}")
    expect(page.locator("table.table")).to_contain_text("Ρύζι γλασέ 1 κιλό")


def test_count_and_post_a_stocktake(page, login_as, axe_check, browser, live_server):
    staff = UserFactory(username="maria", role="staff")
    site = LocationFactory(name="Κέντρο Κοινότητας")
    flour = ItemFactory(name_el="Αλεύρι 1 κιλό", has_expiry=False)
    own = Barcode.objects.create(item=flour, code=f"KYP-{flour.pk:06d}", kind=Barcode.Kind.OWN)
    stock(flour, site, 40)
    login_as(staff)
    page.goto("/inventory/stocktakes/new/")
    page.get_by_label("χώρος").select_option(label="Κέντρο Κοινότητας")
    page.get_by_role("button", name="Αποθήκευση").click()
    expect(page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")).to_be_focused()
    axe_check(page)
    scan(page, own.code)
    expect(page.get_by_label("μετρημένη ποσότητα")).to_be_focused()
    page.keyboard.type("25")
    page.get_by_label("ράφι ή σημείο").fill("Ράφι Α")
    page.get_by_label("ράφι ή σημείο").press("Enter")
    expect(page.get_by_test_id("added")).to_contain_text("Αλεύρι 1 κιλό × 25")

    # A volunteer counts another shelf at the same time, in a browser of their own.
    volunteer = UserFactory(username="eleni", role="volunteer")
    other = browser.new_context(base_url=live_server.url, locale="el-GR")
    login_as(volunteer, ctx=other)
    helper = other.new_page()
    helper.goto(f"/inventory/stocktakes/{StockTake.objects.get().pk}/")
    helper.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό").focus()
    scan(helper, "ΚΥΠ-" + own.code[4:])  # the scanner "typed" in the Greek keyboard layout
    expect(helper.get_by_label("μετρημένη ποσότητα")).to_be_focused()
    helper.keyboard.type("12")
    helper.keyboard.press("Enter")
    expect(helper.get_by_test_id("added")).to_contain_text("× 12")
    axe_check(helper)
    other.close()

    page.reload()
    page.get_by_role("link", name="Έλεγχος διαφορών").click()
    review = page.get_by_test_id("review")
    expect(review).to_contain_text("Αλεύρι 1 κιλό")
    expect(review).to_contain_text("-3")
    axe_check(page)
    page.get_by_role("button", name="Καταχώριση απογραφής").click()
    # The confirmation step, with the keyboard alone: it says what changes, and the first Tab after
    # the form's start reaches the button; Enter posts.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Καταχώριση της απογραφής")
    expect(page.get_by_test_id("confirm-warning")).to_contain_text("για 1 είδος")
    expect(page.get_by_test_id("confirmation")).to_contain_text("Αλεύρι 1 κιλό: 40 συσκευασίες → 37 συσκευασίες")
    axe_check(page)
    assert selectors.available_by_item(site, [flour]) == {flour.pk: d(40)}, "nothing changes before confirming"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "confirm":
            break
    confirm = page.get_by_test_id("confirm")
    expect(confirm).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", "focus is visible"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Η απογραφή καταχωρίστηκε")
    assert selectors.available_by_item(site, [flour]) == {flour.pk: d(37)}
    assert selectors.stock_differences() == []


def test_scan_page_on_a_phone(phone_context, login_as, axe_check):
    login_as(UserFactory(username="maria", role="staff"), ctx=phone_context)
    store = LocationFactory(name="Αποθήκη Κέντρου")
    rice = ItemFactory(name_el="Ρύζι γλασέ 1 κιλό")
    donation = Donation.objects.create(donor=DonorFactory(), location=store)
    donation.lines.create(item=rice, quantity=d(5), expiry_date=timezone.localdate() + timedelta(days=90))
    page = phone_context.new_page()
    page.goto(f"/inventory/donations/{donation.pk}/")
    axe_check(page)
    for control in (page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό"), page.get_by_role("button", name="Εύρεση"),
                    page.get_by_role("button", name="Παραλαβή στο απόθεμα")):
        assert control.bounding_box()["height"] >= 44, "touch targets are at least 44 px high"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
