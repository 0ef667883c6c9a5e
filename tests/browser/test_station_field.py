"""What field testing found at the scan station, on a 390 × 844 phone in Chromium: the last family's
answer never stays up while the next card is checked; a failure to reach the server is its own state,
never a refusal, and one tap sends the same scan again (recorded once); slow and hanging connections;
the server's Retry-After; the answer in view without scrolling; the page's language in its API calls;
the camera library fetched only when the camera is used."""

import re

import pytest
from playwright.sync_api import expect

from distribution.models import Collection
from tests.core import scan_urls
from tests.distribution.days_helpers import day_with_basket, household
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIELD = "Σαρώστε ή πληκτρολογήστε κωδικό"
STATION_FIELD = "Σαρώστε την κάρτα ή πληκτρολογήστε τον αριθμό της"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    def open_context(locale="el-GR"):
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport=PHONE, is_mobile=True,
                                      has_touch=True, device_scale_factor=2)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    contexts = []
    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def _fake_endpoint(settings):
    settings.ROOT_URLCONF = "tests.core.scan_urls"
    scan_urls.received.clear()
    yield
    scan_urls.received.clear()


def _signed_in(phone, login_as, locale="el-GR", role="volunteer"):
    context = phone(locale)
    login_as(UserFactory(role=role), ctx=context)
    return context.new_page()


@pytest.mark.usefixtures("_fake_endpoint")
def test_from_enter_on_the_answer_area_shows_only_the_new_card(phone, login_as):
    page = _signed_in(phone, login_as)
    page.goto("/test-station/")
    result = page.get_by_test_id("scan-result")
    page.keyboard.type("OK-FIRST\n", delay=5)
    expect(result).to_have_attribute("data-level", "ok")
    page.keyboard.type("SLOW-SECOND\n", delay=5)  # the server answers after 1.5 s
    # At once: the new card's number, "checking", and nothing of the last family's answer.
    expect(result).to_have_attribute("data-level", "pending", timeout=300)
    expect(result).to_contain_text("SLOW-SECOND")
    expect(result).not_to_contain_text("OK-FIRST")
    expect(result).not_to_contain_text("Ρύζι")
    expect(result).to_have_attribute("data-level", "ok", timeout=5_000)
    expect(result).to_contain_text("Καλώς ήρθες SLOW-SECOND")


@pytest.mark.usefixtures("_fake_endpoint")
def test_a_late_answer_never_replaces_the_next_cards_answer(phone, login_as):
    page = _signed_in(phone, login_as)
    page.goto("/test-station/")
    result = page.get_by_test_id("scan-result")
    page.keyboard.type("SLOW-EARLIER\n", delay=5)
    page.keyboard.type("NOPE\n", delay=5)
    expect(result).to_have_attribute("data-level", "bad")
    page.wait_for_timeout(2_000)  # the slow answer of the earlier card arrives meanwhile
    expect(result).to_have_attribute("data-level", "bad")
    expect(result).to_contain_text("Άγνωστη κάρτα")
    # ... and is not lost: the station's list of last cards shows it.
    expect(page.get_by_test_id("scan-recent")).to_contain_text("SLOW-EARLIER: Καλώς ήρθες SLOW-EARLIER")


@pytest.mark.usefixtures("_fake_endpoint")
def test_a_hanging_connection_times_out_into_not_recorded(phone, login_as):
    page = _signed_in(phone, login_as)
    page.goto("/test-station/?timeout_ms=400")
    page.keyboard.type("HANG-7\n", delay=5)
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", "net", timeout=8_000)
    expect(result).to_contain_text("HANG-7")
    attempts = [r for r in scan_urls.received if r["code"] == "HANG-7"]
    assert len(attempts) == 3 and len({r["request_id"] for r in attempts}) == 1


@pytest.mark.usefixtures("_fake_endpoint")
def test_the_servers_retry_after_is_honoured(phone, login_as):
    page = _signed_in(phone, login_as)
    page.goto("/test-station/")
    page.keyboard.type("BUSY\n", delay=5)
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-level", "ok")
    first, second = scan_urls.received
    assert first["request_id"] == second["request_id"]
    assert second["_at"] - first["_at"] >= 0.9  # Retry-After: 1, not the widget's own 0.4 s


@pytest.mark.usefixtures("_fake_endpoint")
def test_the_camera_library_is_fetched_only_for_the_camera(phone, login_as):
    page = _signed_in(phone, login_as)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("/test-station/")
    page.keyboard.type("OK-1\n", delay=5)
    expect(page.get_by_test_id("scan-result")).to_have_attribute("data-level", "ok")
    assert not [url for url in fetched if "zxing" in url.lower()]
    assert page.evaluate("() => typeof window.ZXing") == "undefined"


def test_a_network_failure_is_not_a_refusal_and_one_tap_records_it_once(phone, login_as, axe_check):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme, size=3, first_name="Αϊσέ")
    page = _signed_in(phone, login_as)
    # No day's list on this phone either (else the station decides alone: tests/browser/test_station_offline.py).
    page.route("**/api/v1/days/*/manifest*", lambda route: route.abort("internetdisconnected"))
    page.goto(f"/distribution/station/{day.pk}/?station=Τραπέζι 1")
    page.route("**/api/v1/scans", lambda route: route.abort("internetdisconnected"))
    page.keyboard.type(code + "\n", delay=5)
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", "net", timeout=8_000)
    expect(result).to_have_class(re.compile(r"\bscan-net\b"))
    expect(result).not_to_have_class(re.compile(r"\bscan-bad\b"))
    card_number = code.split("-")[0] if "-" in code else code
    expect(result).to_contain_text(card_number)
    assert Collection.objects.count() == 0
    axe_check(page)
    page.unroute("**/api/v1/scans")
    sent = []
    page.on("request", lambda request: sent.append(request.post_data_json) if "/api/v1/scans" in request.url else None)
    result.get_by_role("button").click()  # "send card … again": the same request id
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_contain_text("Αϊσέ")
    assert Collection.objects.count() == 1 and len(sent) == 1
    # Sending it once more under that id (a second tap) replays the first answer and records nothing new.
    page.evaluate("([code, id]) => document.querySelector('[data-scan-station]').scanStation.scan(code, id)",
                  [code, sent[0]["request_id"]])
    expect(result).to_have_attribute("data-level", "ok")
    assert len(sent) == 2 and sent[1]["request_id"] == sent[0]["request_id"]
    assert Collection.objects.count() == 1


def test_the_whole_answer_is_in_view_on_a_phone_and_in_the_pages_language(phone, login_as):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme, size=3, first_name="Αϊσέ")
    # The phone is set to English; the centre's page is Greek, and so must be its answers.
    page = _signed_in(phone, login_as, locale="en-US", role="coordinator")
    page.goto(f"/distribution/station/{day.pk}/?station=Τραπέζι 1")
    page.get_by_label(STATION_FIELD).press_sequentially(code + "\n", delay=5)
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_contain_text("Ρύζι")
    expect(result.locator("p").first).to_have_text("Δώστε")  # the word to act on, first
    box = result.bounding_box()
    assert page.evaluate("() => window.scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    # With the on-screen keyboard open (about 330 px of the screen), the word and the headline still show.
    page.set_viewport_size({"width": 390, "height": 844 - 330})
    headline = result.locator(".scan-headline").bounding_box()
    assert page.evaluate("() => window.scrollY") == 0 and headline["y"] + headline["height"] <= 844 - 330, headline
    page.set_viewport_size(PHONE)
    page.keyboard.type("NO-SUCH-CARD\n", delay=5)
    expect(result).to_have_attribute("data-level", "bad")
    expect(result.locator("p").first).to_have_text("Μην δώσετε")
    assert re.search("[α-ωΑ-Ω]{4}", result.inner_text()), result.inner_text()
