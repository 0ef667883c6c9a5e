"""The scan station as a volunteer's phone sees it: Chromium (Playwright, Debian's chromium) at
390 × 844 with the CPU slowed 4× against gunicorn with production settings on PostgreSQL.

Prints, for each network profile (none, Fast 3G, Slow 3G):
- the cold first load of the station page (empty cache): bytes over the wire and the time until the
  station is ready to scan (its field focused and the widget started), the median of 5 cold loads
  (BENCH_STATION_LOADS) with the fastest and slowest;
- local first (static/js/scan-station.js), once the day's list is on the phone and fresh, over 30 scans of
  different cards: "answer on screen" (from the submit that ends a code to its first answer painted: the
  list's) and "confirmed by the server" (to the server's answer painted: the mark turned to ✓, or the answer
  corrected), p50 and p95;
- on Slow 3G also: as many other cards server-first (the station's local first switched off), for
  comparison; and two stations (Τραπέζι 1 and 2) scanning the same cards one just after the other, with how
  many answers the server corrected (a card the other table collected a moment before, which the list did
  not have yet) and the collections left (one per card scanned).

Profiles (Chrome DevTools' figures, round trip as the field test measured it): Fast 3G 1.6 Mbit/s down,
750 kbit/s up, 150 ms latency; Slow 3G 400 kbit/s both ways, 400 ms latency.
Targets (issue "field testing", issue "in the field"), on Slow 3G with 4× CPU: ready to scan in ≤ 1.5 s from a
cold cache; answer on screen p95 ≤ 300 ms online. Server-first cannot meet the second (one round trip is
400 ms); local first answers from the phone, and the server confirms after its round trip
(docs/benchmarks.md). The load average is printed before and after: a loaded machine is not a quiet one.
"""

import os
import secrets
import statistics
import subprocess
import sys
import time
from datetime import time as clock
from decimal import Decimal

from bench.scans import ROOT, _database_url, _free_port, _start_server
from bench.util import throwaway_database

SCANS_PER_PROFILE = int(os.environ.get("BENCH_STATION_SCANS", "30"))
SHARED = int(os.environ.get("BENCH_STATION_SHARED", "10"))  # cards scanned at both stations
CPU_SLOWDOWN = 4
PROFILES = [  # name, latency ms, download and upload bytes/s (-1: not limited)
    ("no throttling", 0, -1, -1),
    ("Fast 3G", 150, 1_600_000 / 8, 750_000 / 8),
    ("Slow 3G", 400, 400_000 / 8, 400_000 / 8),
]
# Local first on each profile, server-first on Slow 3G, the two stations' shared and own cards.
CARDS = SCANS_PER_PROFILE * (len(PROFILES) + 1) + 3 * SHARED
READY_TARGET_MS = 1500
READY_LOADS = int(os.environ.get("BENCH_STATION_LOADS", "5"))
ANSWER_P95_TARGET_MS = 300
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Collected apart from the project's staticfiles/, which a test run beside the bench may be reading.
STATIC_ROOT = ROOT / "var" / "bench-static"


def _setup():
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from core.models import Location, User
    from distribution.identifiers import card_number_for_serial, hash_token, new_token, qr_payload
    from distribution.models import BasketRule, Card, DistributionDay, Enrolment, Household, Person, Programme
    from inventory.models import Item, StockMovement
    from inventory.services.stock import Delta, apply_deltas

    today = timezone.localdate()
    location = Location.objects.create(name="Bench hall", kind=Location.Kind.SITE)
    programme = Programme.objects.create(code="bench", name="Bench programme")
    rice = Item.objects.create(name_el="Ρύζι 1 kg", name_en="Rice 1 kg", category="food", unit="pack",
                               weight_kg=Decimal(1), unit_value_eur=Decimal("1.60"), is_food=True,
                               food_group="starch", has_expiry=True)
    with transaction.atomic():
        apply_deltas([Delta(rice, location.pk, "L1", today + timedelta(days=90), Decimal(10_000),
                            StockMovement.Reason.RECEIVED, document_type="bench")], by=None)
    day = DistributionDay.objects.create(date=today, location=location, programme=programme, starts_at=clock(0),
                                         ends_at=clock(23, 59), stations="Τραπέζι 1, Τραπέζι 2")
    BasketRule.objects.create(day=day, item=rice, basis="household", quantity=2)
    codes = []
    for serial in range(1, CARDS + 1):
        household = Household.objects.create(address="-")
        Person.objects.create(household=household, is_reference=True, relation="reference",
                              first_name=f"Όνομα{serial}", last_name="Δοκιμή")
        Enrolment.objects.create(household=household, programme=programme, start=today - timedelta(days=30),
                                 end=today + timedelta(days=300))
        token = new_token()
        Card.objects.create(household=household, number=card_number_for_serial(serial), token_hash=hash_token(token),
                            status=Card.Status.PRINTED, printed_at=timezone.now(),
                            valid_until=today + timedelta(days=365))
        codes.append(qr_payload(token))
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    password = new_token()
    volunteer = User.objects.create_user("bench-volunteer")
    # Hashed as the server checks it (the bench's own process uses a fast hasher the server does not know).
    volunteer.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    volunteer.save(update_fields=["password"])
    volunteer.groups.add(Group.objects.get(name="volunteer"))
    return day, codes, (volunteer.username, password)


def _sign_in(browser, base, username, password):
    """Sign in through the login form (the server's secret signs the session); the cookies are reused."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    cookies = context.cookies()
    if not any(cookie["name"] == "sessionid" for cookie in cookies):
        raise RuntimeError(f"the bench volunteer could not sign in: {page.url} {page.content()[-1500:]}")
    context.close()
    return cookies


def _throttle(cdp, latency, down, up):
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                  "downloadThroughput": down, "uploadThroughput": up})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


# Ready to scan: the widget has started (it focuses its field as its last step).
READY = "() => !!document.querySelector('[data-scan-station]')?.scanStation && " \
        "document.activeElement?.matches('[data-scan-input]')"
# The day's list may answer first: loaded, for today, updated at most 30 s ago.
FRESH = "() => Boolean(document.querySelector('[data-scan-station]')?.scanStation?.offline?.fresh())"
LOCAL_FIRST = "(on) => { document.querySelector('[data-scan-station]').scanStation.offline.localFirst = on; }"
# From the submit that ends a code to its first answer painted (the list's, or the server's when it answers
# first), and to the last one (the server's, confirming or correcting; or the offline decision).
ENTER_TO_ANSWER = """async (code) => {
  const result = document.querySelector('[data-scan-result]');
  const input = document.querySelector('[data-scan-input]');
  input.value = code;
  return await new Promise((resolve) => {
    const started = performance.now();
    let answer = null, final = null, shown = false, settled = false, state = null;
    const finish = () => { if (answer !== null && final !== null) resolve(Object.assign({answer, final}, state)); };
    const observer = new MutationObserver(() => {
      if (result.dataset.code !== code || !['ok', 'warn', 'bad', 'net'].includes(result.dataset.level)) return;
      if (!shown) {
        shown = true;
        requestAnimationFrame(() => { answer = performance.now() - started; finish(); });
      }
      if (!settled && result.dataset.confirm !== 'pending') {
        settled = true;
        observer.disconnect();
        state = {level: result.dataset.level, confirm: result.dataset.confirm, offline: result.dataset.offline};
        requestAnimationFrame(() => { final = performance.now() - started; finish(); });
      }
    });
    observer.observe(result, {attributes: true, childList: true, subtree: true});
    input.form.requestSubmit();
  });
}"""


def _p95(values):
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def _figures(scans):
    """p50/p95 of the answer on screen and of the last answer, and how the scans ended."""
    answers = [scan["answer"] for scan in scans]
    finals = [scan["final"] for scan in scans]
    return {"answer50": statistics.median(answers), "answer95": _p95(answers),
            "final50": statistics.median(finals), "final95": _p95(finals), "count": len(scans),
            "local": sum(1 for scan in scans if scan["confirm"] in ("confirmed", "changed")),
            "changed": sum(1 for scan in scans if scan["confirm"] == "changed"),
            "offline": sum(1 for scan in scans if scan["offline"] == "true")}


def _open_station(browser, cookies, throttle):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="el-GR")
    context.add_cookies(cookies)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    _throttle(cdp, *throttle)
    return context, page


def _two_stations(report, browser, cookies, url, throttle, first, cards, day):
    """Τραπέζι 1 (`first`) and Τραπέζι 2 scan the same SHARED cards, the second just after the first (before
    its list's next update, mostly), and each one card of its own in between."""
    from distribution.models import Collection, Scan

    other = url.replace("Τραπέζι 1", "Τραπέζι 2")
    context, second = _open_station(browser, cookies, throttle)
    try:
        second.goto(other, wait_until="commit")
        second.wait_for_function(FRESH, polling=50, timeout=60_000)
        first.wait_for_function(FRESH, polling=50, timeout=60_000)
        scans = {1: [], 2: []}
        for _ in range(SHARED):
            code = next(cards)
            scans[1].append(first.evaluate(ENTER_TO_ANSWER, code))
            scans[2].append(second.evaluate(ENTER_TO_ANSWER, code))
            scans[1].append(first.evaluate(ENTER_TO_ANSWER, next(cards)))
            scans[2].append(second.evaluate(ENTER_TO_ANSWER, next(cards)))
    finally:
        context.close()
    both = _figures(scans[1] + scans[2])
    changed = {table: sum(1 for scan in scans[table] if scan["confirm"] == "changed") for table in scans}
    line = (f"{'':>14}  two stations, {SHARED} cards scanned at both ({both['count']} scans): answer on screen "
            f"p50 {both['answer50']:5.0f} ms, p95 {both['answer95']:5.0f} ms; confirmed p50 {both['final50']:5.0f} "
            f"ms, p95 {both['final95']:5.0f} ms; corrected by the server: {changed[1]} at Τραπέζι 1, {changed[2]} "
            f"at Τραπέζι 2 ({both['local']} answered from the list, {both['offline']} offline)")

    def collections():  # the database is read once the browser is closed (Playwright runs an event loop)
        collected = Collection.objects.filter(day=day, cancelled_at__isnull=True).count()
        scanned = Scan.objects.filter(day=day).values("card_id").distinct().count()
        report(f"{line}; {collected} collections for {scanned} cards scanned "
               f"({'one each' if collected == scanned else 'NOT one each'})")
        return collected == scanned

    return collections


def _cold_load(report, page, url):
    """Open the station with an empty cache: milliseconds until it is ready to scan, and bytes transferred."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    try:
        page.wait_for_function(READY, polling=10, timeout=60_000)
    except Exception:
        report(f"not ready: {page.url} {page.title()} {page.content()[:600]}")
        raise
    ready_ms = (time.perf_counter() - started) * 1000
    transferred = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".reduce((sum, entry) => sum + (entry.transferSize || 0), 0)")
    return ready_ms, transferred


def run(report):
    from django.db import connection
    from playwright.sync_api import sync_playwright

    (ROOT / "var").mkdir(exist_ok=True)
    report(f"machine: {os.cpu_count()} CPUs, load average before the run {os.getloadavg()[0]:.1f}")
    # Production serves collected, compressed, hashed files (whitenoise), as the phone would get them.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],  # noqa: S603
                   cwd=ROOT, check=True, env=dict(os.environ, DEBUG="0", SECRET_KEY=secrets.token_hex(32),
                                                   STATIC_ROOT=str(STATIC_ROOT)))
    day, codes, (username, password) = _setup()
    connection.close()
    port = _free_port()
    # "localhost": Chromium keeps the production (Secure) session cookie over plain http only there.
    server, log = _start_server(port, _database_url(), ALLOWED_HOSTS="localhost,127.0.0.1",
                                STATIC_ROOT=str(STATIC_ROOT))
    base = f"http://localhost:{port}"
    url = f"{base}/distribution/station/{day.pk}/?station=Τραπέζι 1"
    failed = []
    cards = iter(codes)
    two = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
            cookies = _sign_in(browser, base, username, password)
            for name, latency, down, up in PROFILES:
                # Cold loads (an empty cache each): one number is at the mercy of one hiccup of the machine.
                loads = []
                for _ in range(READY_LOADS):
                    context, page = _open_station(browser, cookies, (latency, down, up))
                    loads.append(_cold_load(report, page, url))
                    if len(loads) < READY_LOADS:
                        context.close()
                ready_ms = statistics.median(ms for ms, _ in loads)
                transferred = loads[-1][1]
                slow = name == "Slow 3G"
                verdict = ""
                if slow:
                    verdict = f" (target ≤ {READY_TARGET_MS} ms: {'met' if ready_ms <= READY_TARGET_MS else 'NOT met'})"
                    if ready_ms > READY_TARGET_MS:
                        failed.append("ready")
                report(f"{name:>14}, CPU ÷{CPU_SLOWDOWN}: cold load {transferred / 1024:6.1f} KB, ready to scan "
                       f"{ready_ms:6.0f} ms{verdict}, median of {READY_LOADS} cold loads "
                       f"({min(ms for ms, _ in loads):.0f}–{max(ms for ms, _ in loads):.0f} ms)")
                page.wait_for_function(FRESH, polling=50, timeout=60_000)
                local = _figures([page.evaluate(ENTER_TO_ANSWER, next(cards)) for _ in range(SCANS_PER_PROFILE)])
                verdict = ""
                if slow:
                    met = local["answer95"] <= ANSWER_P95_TARGET_MS
                    verdict = f" (target p95 ≤ {ANSWER_P95_TARGET_MS} ms: {'met' if met else 'NOT met'})"
                    if not met:
                        failed.append("answer")
                report(f"{'':>14}  local first: answer on screen p50 {local['answer50']:5.0f} ms, "
                       f"p95 {local['answer95']:5.0f} ms{verdict}; confirmed by the server "
                       f"p50 {local['final50']:5.0f} ms, p95 {local['final95']:5.0f} ms ({local['local']} of "
                       f"{local['count']} answered from the list, {local['changed']} corrected, "
                       f"{local['offline']} offline)")
                if slow:
                    page.evaluate(LOCAL_FIRST, False)
                    first = _figures([page.evaluate(ENTER_TO_ANSWER, next(cards)) for _ in range(SCANS_PER_PROFILE)])
                    page.evaluate(LOCAL_FIRST, True)
                    report(f"{'':>14}  server first (for comparison): answer on screen p50 {first['answer50']:5.0f} "
                           f"ms, p95 {first['answer95']:5.0f} ms (the round trip alone is {latency} ms)")
                    two = _two_stations(report, browser, cookies, url, (latency, down, up), page, cards, day)
                context.close()
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: stop it all the same
            server.kill()
            server.wait(timeout=30)
        log.close()
    if two and not two():
        failed.append("collections")
    report(f"load average after the run {os.getloadavg()[0]:.1f}")
    return failed


if __name__ == "__main__":
    with throwaway_database():
        sys.exit(1 if run(print) else 0)
