"""The scan station offline, as a volunteer's phone sees it: Chromium (Playwright, Debian's chromium) at
390 × 844 with the CPU slowed 4× against gunicorn with production settings on PostgreSQL, 5,000
households (bench.scans' set-up).

Prints:
- the day's manifest as the station downloads it on Fast 3G (1.6 Mbit/s, 150 ms): compressed and
  uncompressed size (target ≤ 300 KB compressed) and the download time, and the time from opening the
  page until the station can decide alone (manifest in IndexedDB, key imported);
- offline (`context.set_offline`), from the key press that ends a code to the answer on screen, over
  OFFLINE_SCANS different cards (target p95 ≤ 50 ms): hash with Web Crypto, look-up, answer, the scan
  written to the IndexedDB queue before it is shown;
- the network back: the time until the OFFLINE_SCANS queued scans are on the server (target ≤ 10 s),
  and that the server holds exactly the collections the station handed out.
"""

import os
import secrets
import statistics
import subprocess
import sys
import time

from bench.scans import ROOT, _database_url, _free_port, _new_day, _setup, _start_server
from bench.station import CHROMIUM, CPU_SLOWDOWN, ENTER_TO_ANSWER, STATIC_ROOT, _sign_in
from bench.util import throwaway_database

OFFLINE_SCANS = int(os.environ.get("BENCH_OFFLINE_SCANS", "500"))
FAST_3G = (150, 1_600_000 / 8, 750_000 / 8)
CAN_DECIDE = ("() => { const r = document.querySelector('[data-scan-station]');"
              " return Boolean(r && r.scanStation && r.scanStation.offline && r.scanStation.offline.canDecide()); }")
WAITING = "() => Number(document.querySelector('[data-offline-sync]').dataset.waiting || -1)"
MANIFEST_ENTRY = r"""() => {
  const e = performance.getEntriesByType('resource').find((r) => /\/api\/v1\/days\/\d+\/manifest/.test(r.name));
  return e && {transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize,
               duration: e.responseEnd - e.startTime}; }"""


def _volunteer():
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group

    from core.models import User

    password = secrets.token_hex(12)
    user = User.objects.create_user("bench-offline", first_name="Πάγκος", last_name="Χωρίς δίκτυο")
    user.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name="volunteer"))
    return user.username, password


def _wait(page, function, expected, timeout):
    deadline = time.perf_counter() + timeout
    while page.evaluate(function) != expected:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out waiting for {function} == {expected}")
        time.sleep(0.02)


def run(report):
    from django.db import connection
    from playwright.sync_api import sync_playwright

    from distribution.models import Collection

    (ROOT / "var").mkdir(exist_ok=True)
    report(f"machine: {os.cpu_count()} CPUs, load average before the run {os.getloadavg()[0]:.1f}")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],  # noqa: S603
                   cwd=ROOT, check=True, env=dict(os.environ, DEBUG="0", SECRET_KEY=secrets.token_hex(32),
                                                   STATIC_ROOT=str(STATIC_ROOT)))
    data = _setup(report)
    day = _new_day(data, 1)
    username, password = _volunteer()
    codes = data["codes"][:OFFLINE_SCANS]
    handed_out = sum(1 for index in range(len(codes)) if index not in data["revoked"])
    connection.close()
    port = _free_port()
    server, log = _start_server(port, _database_url(), ALLOWED_HOSTS="localhost,127.0.0.1",
                                STATIC_ROOT=str(STATIC_ROOT))
    base = f"http://localhost:{port}"  # a secure context: service worker, Web Crypto
    failed = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
            cookies = _sign_in(browser, base, username, password)
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                          locale="el-GR")
            context.add_cookies(cookies)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            latency, down, up = FAST_3G
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                          "downloadThroughput": down, "uploadThroughput": up})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            started = time.perf_counter()
            page.goto(f"{base}/distribution/station/{day.pk}/?station=Τ1", wait_until="commit")
            _wait(page, CAN_DECIDE, True, 120)
            ready_s = time.perf_counter() - started
            manifest = page.evaluate(MANIFEST_ENTRY) or {}
            size_ok = 0 < manifest.get("encoded", 0) <= 300 * 1024
            failed += [] if size_ok else ["manifest size"]
            report(f"manifest, {len(data['codes'])} households, Fast 3G, CPU ÷{CPU_SLOWDOWN}: "
                   f"{manifest.get('encoded', 0) / 1024:.0f} KB gzip on the wire (target ≤ 300 KB: "
                   f"{'met' if size_ok else 'NOT met'}), {manifest.get('decoded', 0) / 1024:.0f} KB JSON, "
                   f"download {manifest.get('duration', 0):.0f} ms; page opened → station can decide alone "
                   f"{ready_s * 1000:.0f} ms")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                          "uploadThroughput": -1})
            context.set_offline(True)
            timings = [page.evaluate(ENTER_TO_ANSWER, code) for code in codes]
            levels = page.evaluate("() => document.querySelector('[data-scan-result]').dataset.offline")
            p95 = statistics.quantiles(timings, n=20)[18]
            fast_ok = p95 <= 50
            failed += [] if fast_ok else ["offline answer"]
            report(f"offline, CPU ÷{CPU_SLOWDOWN}: Enter → answer p50 {statistics.median(timings):.0f} ms, p95 "
                   f"{p95:.0f} ms, worst {max(timings):.0f} ms over {len(timings)} cards (target p95 ≤ 50 ms: "
                   f"{'met' if fast_ok else 'NOT met'}; last answer marked offline: {levels})")
            _wait(page, WAITING, len(codes), 30)
            started = time.perf_counter()
            context.set_offline(False)
            _wait(page, WAITING, 0, 120)
            sync_s = time.perf_counter() - started
            batches = page.evaluate("() => performance.getEntriesByType('resource')"
                                    ".filter((r) => r.name.includes('/scans/batch')).map((r) => r.duration)")
            context.close()
            browser.close()
        collected = Collection.objects.filter(day_id=day.pk).count()  # outside Playwright's event loop
        sync_ok = sync_s <= 10 and collected == handed_out
        failed += [] if sync_ok else ["sync"]
        report(f"network back: {len(codes)} queued scans on the server in {sync_s:.1f} s (target ≤ 10 s: "
               f"{'met' if sync_s <= 10 else 'NOT met'}); {collected} collections for {handed_out} handed out "
               f"({'exact' if collected == handed_out else 'WRONG'}); the server's answer to the "
               f"{len(batches)} batch request(s): {', '.join(f'{ms / 1000:.1f} s' for ms in batches)}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    report(f"load average after the run {os.getloadavg()[0]:.1f}")
    return failed


if __name__ == "__main__":
    with throwaway_database():
        sys.exit(1 if run(print) else 0)
