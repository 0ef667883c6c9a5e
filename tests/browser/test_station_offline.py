"""A scan station when the hall's network drops, in Chromium against the live server on http://localhost
(a secure context: service worker, Web Crypto, IndexedDB). The station starts a day online and keeps
the day's manifest; the network is cut (`context.set_offline`); cards are answered from the manifest,
marked offline, and queued; the page is reloaded offline (the service worker's copy) and still scans;
the network comes back and the queue reaches the server: each collection once, the stock exact."""

import json
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError
from playwright.sync_api import expect

from distribution.models import Collection, OfflineHandout, Scan
from tests.distribution.days_helpers import day_with_basket, household, open_around_now
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIELD = "Σαρώστε την κάρτα ή πληκτρολογήστε τον αριθμό της"
READY = ("() => { const r = document.querySelector('[data-scan-station]');"
         " return Boolean(r && r.scanStation && r.scanStation.offline && r.scanStation.offline.canDecide()); }")
KEPT = ("async () => { for (const name of await caches.keys()) { const cache = await caches.open(name);"
        " if (await cache.match(location.href, {ignoreVary: true})) return true; } return false; }")
CACHED_URLS = ("async () => { const urls = []; for (const name of await caches.keys()) {"
               " const cache = await caches.open(name); for (const r of await cache.keys()) urls.push(r.url); }"
               " return urls; }")


def wait_until(page, function, timeout=15):
    """page.wait_for_function evaluates a string (eval), which the pages' Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(function):
        assert time.monotonic() < deadline, function
        page.wait_for_timeout(100)


def station_url(day, station="Τραπέζι 1"):
    return f"/distribution/station/{day.pk}/?station={station}"


def start_station(page, day, station="Τραπέζι 1"):
    """Open the station online and wait until it can work alone: manifest in IndexedDB, page kept."""
    page.goto(station_url(day, station))
    wait_until(page, READY)
    wait_until(page, KEPT)
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    return page.get_by_label(FIELD)


def scan(page, code):
    field = page.get_by_label(FIELD)
    field.fill(code)
    field.press("Enter")


def expect_answer(page, level, *, offline, text=None):
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", level)
    expect(result).to_have_attribute("data-offline", "true" if offline else "false")
    if text:
        expect(result).to_contain_text(text)
    return result


def waiting(page, count):
    expect(page.get_by_test_id("offline-sync")).to_have_attribute("data-waiting", str(count), timeout=20_000)


def test_offline_day_scans_from_the_manifest_survives_a_reload_and_syncs_once(context, page, login_as):
    day, _items = open_around_now(day_with_basket()[0]), None
    cards = [household(day.programme, size=2, first_name=name) for name in ("Αϊσέ", "Μαρία", "Νίκος")]
    login_as(UserFactory(username="vol", first_name="Ελένη", last_name="Β.", role="volunteer"))
    start_station(page, day)
    expect(page.get_by_test_id("offline-check")).to_contain_text("3")
    # A household enrolled after the station started comes with the next delta, with its own basket.
    big, _big_card, big_code = household(day.programme, size=5, first_name="Φατμέ")
    wait_until(page, "() => document.querySelector('[data-scan-station]').scanStation.offline.entries.length === 4")

    context.set_offline(True)
    scan(page, big_code)
    expect_answer(page, "ok", offline=True, text="Ρύζι 1 kg × 3")
    expect(page.get_by_test_id("scan-result")).to_contain_text("Σαπούνι × 5")
    scan(page, cards[0][2])
    result = expect_answer(page, "ok", offline=True, text="Αϊσέ")
    expect(result).to_contain_text("Χωρίς σύνδεση")
    expect(result).to_contain_text("Ρύζι 1 kg × 2")
    expect(page.get_by_test_id("offline-mode")).to_be_visible()
    page.wait_for_timeout(1600)  # the widget ignores the same code read twice within 1.5 s
    scan(page, cards[0][2])
    expect_answer(page, "bad", offline=True, text="ήδη παραλάβει")
    scan(page, cards[1][1].display_number)  # a typed card number: green, check an ID
    expect_answer(page, "ok", offline=True, text="Μαρία")
    waiting(page, 4)
    assert Collection.objects.count() == 0 and Scan.objects.count() == 0

    page.reload()  # offline: the service worker's copy of the page, the manifest from IndexedDB
    wait_until(page, READY)
    waiting(page, 4)
    scan(page, cards[2][2])
    expect_answer(page, "ok", offline=True, text="Νίκος")
    page.wait_for_timeout(1600)
    scan(page, cards[0][2])  # still refused after the reload
    expect_answer(page, "bad", offline=True)
    waiting(page, 6)
    page.goto("/distribution/station/")  # the installed app's start page, offline: the station used last
    wait_until(page, READY)
    assert f"/distribution/station/{day.pk}/" in page.url
    waiting(page, 6)

    context.set_offline(False)
    waiting(page, 0)
    collected = Collection.objects.filter(day=day, cancelled_at__isnull=True)
    assert sorted(c.household_id for c in collected) == sorted([c[0].pk for c in cards] + [big.pk])
    assert Scan.objects.filter(outcome="collected").count() == 4
    assert not OfflineHandout.objects.exists()
    call_command("check_stock")
    # Online again: the next scan asks the server, and the server knows what was synced.
    page.wait_for_timeout(1600)
    scan(page, cards[1][2])
    expect_answer(page, "bad", offline=False, text="Τραπέζι 1")


def test_two_stations_offline_hand_out_to_the_same_card(browser, live_server, login_as):
    day = open_around_now(day_with_basket()[0])
    _hh, card, code = household(day.programme, size=2, first_name="Φατμέ")
    contexts = []
    pages = []
    for number, station in ((1, "Τραπέζι 1"), (2, "Τραπέζι 2")):
        ctx = browser.new_context(base_url=live_server.url, locale="el-GR")
        login_as(UserFactory(username=f"vol{number}", first_name=f"Εθελόντρια{number}", role="volunteer"), ctx)
        page = ctx.new_page()
        start_station(page, day, station)
        contexts.append(ctx)
        pages.append(page)
    try:
        for ctx, page in zip(contexts, pages, strict=True):
            ctx.set_offline(True)
            scan(page, code)
            expect_answer(page, "ok", offline=True, text="Φατμέ")
        for ctx, page in zip(contexts, pages, strict=True):
            ctx.set_offline(False)
            waiting(page, 0)
        assert Collection.objects.filter(day=day, cancelled_at__isnull=True).count() == 1
        handout = OfflineHandout.objects.get()
        assert handout.household_id == card.household_id
        call_command("check_stock")
        coordinator = UserFactory(username="coord", role="coordinator")
        login_as(coordinator, contexts[0])
        live = contexts[0].new_page()
        live.goto(f"/distribution/days/{day.pk}/live/")
        expect(live.get_by_text(card.display_number).first).to_be_visible()
    finally:
        for ctx in contexts:
            ctx.close()


def test_replaying_a_synced_batch_records_nothing_new(context, page, login_as):
    day = open_around_now(day_with_basket()[0])
    _hh, _card, code = household(day.programme, size=1, first_name="Σοφία")
    login_as(UserFactory(username="vol", role="volunteer"))
    start_station(page, day)
    context.set_offline(True)
    scan(page, code)
    expect_answer(page, "ok", offline=True)
    sent = []
    page.on("request", lambda request: sent.append(request.post_data) if request.url.endswith("/scans/batch") else None)
    context.set_offline(False)
    waiting(page, 0)
    assert Collection.objects.count() == 1 and Scan.objects.count() == 1
    body = json.loads(sent[-1])
    replay = page.evaluate("""async (body) => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const response = await fetch('/api/v1/scans/batch', {method: 'POST', body: JSON.stringify(body),
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
        return [response.status, await response.json()];
    }""", body)
    assert replay[0] == 200 and replay[1]["results"][0]["status"] in (200, 201)
    assert Collection.objects.count() == 1 and Scan.objects.count() == 1


def test_nothing_personal_or_from_the_api_in_cache_storage(context, page, login_as):
    day = open_around_now(day_with_basket()[0])
    household(day.programme, size=2, first_name="Αϊσέ", last_name="Καραγιάννη")
    login_as(UserFactory(username="vol", first_name="Ελένη", last_name="Βλάχου", role="volunteer"))
    start_station(page, day)
    scan(page, "0000-0000")  # an online scan: its answer must not be kept
    page.get_by_label("Όνομα ή αριθμός κάρτας").fill("Αϊ")
    page.get_by_role("button", name="Αναζήτηση").click()
    page.wait_for_timeout(500)
    urls = page.evaluate(CACHED_URLS)
    assert urls, "the service worker kept nothing"
    assert not [url for url in urls if "/api/" in url], urls
    # Besides the static files: the station page, and which station page was kept last (its address only).
    pages = [url for url in urls if "/static/" not in url and not url.endswith("/__kypseli_last_station__")]
    assert all(f"/distribution/station/{day.pk}/" in url for url in pages), pages
    bodies = page.evaluate("""async () => { const texts = []; for (const name of await caches.keys()) {
        const cache = await caches.open(name); for (const r of await cache.keys()) {
          if (!r.url.includes('/static/')) texts.push(await (await cache.match(r, {ignoreVary: true})).text()); } }
        return texts; }""")
    for text in bodies:
        assert "Βλάχου" not in text and "Καραγιάννη" not in text and "Αϊσέ" not in text


def test_signing_out_asks_while_scans_wait_then_leaves_nothing_on_the_phone(context, page, login_as, monkeypatch):
    day = open_around_now(day_with_basket()[0])
    _hh, _card, code = household(day.programme, size=1, first_name="Σοφία")
    login_as(UserFactory(username="vol", role="volunteer"))
    start_station(page, day)
    context.set_offline(True)
    scan(page, code)
    expect_answer(page, "ok", offline=True)
    # Every sync fails: the server cannot record the batch now (503, the database restarting). Failed on the
    # server, not by routing the page's requests, which a request through the station's service worker can
    # pass by; and before the network comes back, since the page syncs as soon as it is online.
    def restarting(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr("core.offline.batch_results", restarting)
    context.set_offline(False)
    waiting(page, 1)
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Αποσύνδεση").click()
    page.wait_for_timeout(1000)
    assert asked and "1 σάρωση" in asked[0]
    assert "/distribution/station/" in page.url  # "no": still at the station, the scan still waits
    waiting(page, 1)
    page.get_by_role("button", name="Αποσύνδεση").click()
    page.wait_for_url("**/accounts/login/**")
    assert len(asked) == 2
    assert page.evaluate("async () => (await caches.keys()).length") == 0
    assert page.evaluate("async () => (await indexedDB.databases()).length") == 0
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    assert not Collection.objects.exists()
