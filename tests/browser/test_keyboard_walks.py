"""Each role's main workflows with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows; typed as a keyboard
or a scanner types), on a phone (390 × 844) or at a desk at 200 % zoom, and every step's page or fragment checked
as it is then: axe-core (serious and critical findings fail), a focus indicator on every control Tab stops at,
the skip link, no keyboard trap, no page wider than its screen, and where the focus lands after an htmx swap or an
error (tests/browser/keyboard.py). These reach what the crawl (test_crawl.py) cannot: the answers to forms, the
steps after a POST, confirm pages, htmx fragments and error states.

One browser session per role keeps them quick; the problems of a walk are reported together at its end (a Tab
that never reaches its control stops the walk at once)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from core.models import Location
from events.models import Registration
from tests.browser.keyboard import PHONE, Walk
from tests.events.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-password-42"


@pytest.fixture(autouse=True)
def quiet_messages(settings):
    settings.SMS_BACKEND = "locmem"
    cache.clear()


def _context(browser, live_server, size, language="el"):
    context = browser.new_context(base_url=live_server.url, locale="el-GR", **size)
    context.set_default_timeout(10_000)
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
        expect(page.get_by_label("Ηλικίες παιδιών")).to_be_focused()
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
