"""Local first, server-confirmed, on a 390 × 844 phone in Chromium: while the station's copy of the day's
list is fresh and knows the card, its answer is on screen at once ("being confirmed"), and the server's
answer confirms it or, when it differs, replaces it under «Η απάντηση άλλαξε». The real scan endpoint is
held back by the test (tests/browser/held_scans.py), so "before the server answers" is seen, not raced."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.offline import OVERLAP
from distribution.identifiers import new_token, qr_payload
from distribution.models import Collection, DistributionDay
from distribution.services.scans import record_scan
from tests.browser import held_scans
from tests.distribution.days_helpers import day_with_basket, household, open_around_now
from tests.factories import UserFactory
from tests.live_server import as_a_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIELD = "Σαρώστε την κάρτα ή πληκτρολογήστε τον αριθμό της"
FRESH = ("() => { const r = document.querySelector('[data-scan-station]');"
         " return Boolean(r && r.scanStation && r.scanStation.offline && r.scanStation.offline.fresh()); }")
# Records the vibrations asked for (headless Chromium has no motor).
VIBRATIONS = ("navigator.vibrate = (pattern) => {"
              " (window.vibrated = window.vibrated || []).push(pattern); return true; };")
CHANGED_BUZZ = [500, 120, 500, 120, 500]


@pytest.fixture
def held(settings):
    settings.ROOT_URLCONF = "tests.browser.held_scans"
    held_scans.held.clear()
    held_scans.answered.clear()
    yield held_scans
    held_scans.held.clear()


@pytest.fixture
def station(browser, live_server, login_as):
    contexts = []

    def open_station(day_or_path):
        # No service worker: the test's routes (no_news) must see the list's updates, which a worker's are not.
        context = browser.new_context(base_url=live_server.url, locale="el-GR", viewport={"width": 390, "height": 844},
                                      is_mobile=True, has_touch=True, service_workers="block")
        context.set_default_timeout(10_000)
        context.add_init_script(VIBRATIONS)
        contexts.append(context)
        login_as(UserFactory(role="volunteer"), ctx=context)
        page = context.new_page()
        table = "/distribution/station/{}/?station=Τραπέζι 1"
        page.goto(day_or_path if isinstance(day_or_path, str) else table.format(day_or_path.pk))
        wait_until(page, FRESH)
        return page

    yield open_station
    for context in contexts:
        for page in context.pages:  # a route still answering when the context closes is left alone
            page.unroute_all(behavior="ignoreErrors")
        context.close()


def wait_until(page, function, timeout=15):
    """page.wait_for_function evaluates a string (eval), which the pages' Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(function):
        assert time.monotonic() < deadline, function
        page.wait_for_timeout(50)


def scan(page, code, label=FIELD):
    field = page.get_by_label(label)
    field.fill(code)
    field.press("Enter")


def no_news(page):
    """The list's updates say nothing new from now on, as when a card was collected at another table a
    moment ago and the next update has not come yet."""

    def answer(route):
        response = route.fetch()
        body = response.json()
        if not body.get("full"):
            body.update(entries=[], removed=[], baskets=[], version=body["since"])
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/days/*/manifest*", answer)


def planned_a_while_ago(day):
    """The day's plan last changed longer ago than the list's look-back (core.offline.OVERLAP), as on a
    real distribution day: the list's updates are then changes only, which `no_news` hides. A day changed
    within it is answered with the whole list at every update (every 5 s), which would tell the phone
    about another table's collection before the test's scan whenever the test runs slowly."""
    DistributionDay.objects.filter(pk=day.pk).update(updated_at=timezone.now() - OVERLAP - timedelta(minutes=1))
    return day


def collected_at_another_table(day, code):
    with as_a_request():
        record_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=uuid.uuid4(),
                    by=UserFactory(role="volunteer", first_name="Άννα", last_name="Κ."))


def test_the_lists_answer_is_on_screen_before_the_server_answers_then_confirmed(held, station, axe_check):
    day = open_around_now(day_with_basket()[0])
    _hh, _card, code = household(day.programme, size=3, first_name="Αϊσέ")
    page = station(day)
    result = page.get_by_test_id("scan-result")
    held.held.add(code)
    scan(page, code)
    expect(result).to_have_attribute("data-confirm", "pending", timeout=1_500)
    expect(result).to_have_attribute("data-level", "ok")
    expect(result.locator("p").first).to_have_text("Δώστε")
    expect(result).to_contain_text("Αϊσέ")
    expect(result).to_contain_text("Επιβεβαιώνεται")
    assert held.answered == [] and Collection.objects.count() == 0  # the server has not answered yet
    held.held.discard(code)
    expect(result).to_have_attribute("data-confirm", "confirmed")
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_contain_text("Επιβεβαιώθηκε")
    expect(result).to_have_attribute("data-offline", "false")
    assert Collection.objects.filter(day=day).count() == 1
    axe_check(page)
    # Answered "give" here: a second scan at this station is refused at once, and the server agrees.
    page.wait_for_timeout(1_600)  # the widget ignores the same code read twice within 1.5 s
    held.held.add(code)
    scan(page, code)
    expect(result).to_have_attribute("data-level", "bad", timeout=1_500)
    expect(result).to_have_attribute("data-confirm", "pending")
    held.held.discard(code)
    expect(result).to_have_attribute("data-confirm", "confirmed")
    expect(result).to_have_attribute("data-level", "bad")
    assert Collection.objects.filter(day=day).count() == 1


def test_a_server_that_disagrees_corrects_the_screen_with_the_notice(held, station, axe_check):
    day = planned_a_while_ago(open_around_now(day_with_basket()[0]))
    _hh, _card, code = household(day.programme, size=2, first_name="Φατμέ")
    page = station(day)
    no_news(page)
    collected_at_another_table(day, code)
    result = page.get_by_test_id("scan-result")
    held.held.add(code)
    scan(page, code)
    expect(result).to_have_attribute("data-confirm", "pending", timeout=1_500)
    expect(result).to_have_attribute("data-level", "ok")  # the list does not know yet
    held.held.discard(code)
    expect(result).to_have_attribute("data-confirm", "changed")
    expect(result).to_have_attribute("data-level", "bad")
    notice = result.locator("p").first
    expect(notice).to_have_text("Η απάντηση άλλαξε")
    expect(result.locator(".scan-action")).to_have_text("Μην δώσετε")
    expect(result).to_contain_text("Τραπέζι 2")
    expect(result).not_to_contain_text("Επιβεβαιώθηκε")
    expect(page.get_by_test_id("scan-recent")).to_contain_text("Η απάντηση άλλαξε")
    assert CHANGED_BUZZ in page.evaluate("() => window.vibrated")
    # The notice is seen from a metre: white on black, large, at the top of the answer.
    style = notice.evaluate("(e) => { const s = getComputedStyle(e);"
                            " return [s.color, s.backgroundColor, s.fontSize]; }")
    assert style[:2] == ["rgb(255, 255, 255)", "rgb(17, 17, 17)"] and float(style[2].rstrip("px")) >= 24, style
    assert Collection.objects.filter(day=day).count() == 1  # the other table's only
    axe_check(page)


def test_a_late_answer_for_the_previous_card_never_shows_on_the_next(held, station):
    day = planned_a_while_ago(open_around_now(day_with_basket()[0]))
    _a, _card_a, code_a = household(day.programme, size=2, first_name="Μαρία")
    _b, _card_b, code_b = household(day.programme, size=4, first_name="Νίκος")
    page = station(day)
    no_news(page)
    collected_at_another_table(day, code_a)
    result = page.get_by_test_id("scan-result")
    sent = []
    page.on("request", lambda request: sent.append(request.post_data_json) if request.url.endswith("/api/v1/scans")
            else None)
    held.held.update({code_a, code_b})
    scan(page, code_a)
    expect(result).to_have_attribute("data-confirm", "pending", timeout=1_500)
    scan(page, code_b)
    expect(result).to_contain_text("Νίκος", timeout=1_500)
    held.held.discard(code_a)  # card A's answer comes now, while card B is on screen, and it differs
    alert = page.get_by_test_id("scan-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(code_a)
    expect(alert).to_contain_text("Μην δώσετε")
    expect(result).to_have_attribute("data-code", code_b)
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_have_attribute("data-confirm", "pending")
    expect(result).not_to_contain_text("Μαρία")
    expect(result).not_to_contain_text("άλλαξε")
    held.held.discard(code_b)
    expect(result).to_have_attribute("data-confirm", "confirmed")
    expect(result).to_contain_text("Νίκος")
    expect(alert).to_be_visible()  # until the volunteer says so
    alert.get_by_role("button", name="Το είδα").click()
    expect(alert).to_be_hidden()
    expect(page.get_by_label(FIELD)).to_be_focused()
    assert sorted(held.answered) == sorted([code_a, code_b])
    # Sent as without local first: one request per card, the same body, a request id of its own.
    assert [body["code"] for body in sent] == [code_a, code_b]
    assert all(set(body) == {"code", "request_id", "day", "station"} for body in sent), sent
    assert sent[0]["request_id"] != sent[1]["request_id"]


def test_a_stale_list_or_an_unknown_card_waits_for_the_server(held, station):
    day = open_around_now(day_with_basket()[0])
    _hh, _card, code = household(day.programme, size=1, first_name="Σοφία")
    page = station(day)
    result = page.get_by_test_id("scan-result")
    unknown = qr_payload(new_token())  # a card the list does not know
    held.held.add(unknown)
    scan(page, unknown)
    page.wait_for_timeout(600)
    expect(result).to_have_attribute("data-level", "pending")
    held.held.discard(unknown)
    expect(result).to_have_attribute("data-level", "bad")
    expect(result).to_have_attribute("data-confirm", "")
    # The list stops being updated (the server answers its updates with an error) and grows old.
    page.route("**/api/v1/days/*/manifest*", lambda route: route.fulfill(status=503, body="busy"))
    page.evaluate("() => { const station = document.querySelector('[data-scan-station]').scanStation;"
                  " station.offline.meta.fetchedAt -= 31000; }")
    assert not page.evaluate(FRESH)
    held.held.add(code)
    scan(page, code)
    page.wait_for_timeout(600)
    expect(result).to_have_attribute("data-level", "pending")
    assert Collection.objects.count() == 0
    held.held.discard(code)
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_have_attribute("data-confirm", "")
    expect(result).to_have_attribute("data-offline", "false")
    assert Collection.objects.filter(day=day).count() == 1


def test_the_event_door_answers_from_its_list_first_too(held, station):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import CheckIn
    from tests.browser.test_door_offline import FIELD as DOOR_FIELD
    from tests.browser.test_door_offline import ticket
    from tests.events.factories import EventFactory

    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=30))
    registration = ticket(event, "Ζωή Παππά")
    page = station(f"/events/door/{event.pk}/")
    result = page.get_by_test_id("scan-result")
    held.held.add(registration.ticket_code)
    scan(page, registration.ticket_code, DOOR_FIELD)
    expect(result).to_have_attribute("data-confirm", "pending", timeout=1_500)
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_contain_text("Ζωή Παππά")
    assert not CheckIn.objects.exists()
    held.held.discard(registration.ticket_code)
    expect(result).to_have_attribute("data-confirm", "confirmed")
    assert CheckIn.objects.filter(registration=registration).count() == 1
