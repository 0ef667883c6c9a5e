"""Scan stations under load: POST /api/v1/scans against gunicorn on PostgreSQL.

5,000 households with printed cards (every 33rd revoked), one distribution day per round with
enough stock, and per round 6,000 scans: every card once, 10% of them again from another table,
and unknown codes; sent by 1, 4, 8 and 16 parallel clients (threads, each with one keep-alive
HTTP connection and its own device token). Prints scans/s, latency p50/p95/p99, SQL statements per
scan (measured in-process on the same code path), the peak memory (VmHWM) of each server process,
then checks: collections = distinct valid cards, stock = start − baskets, check_stock clean.

Targets (2-core machine, load generator on the same machine): at 8 clients >= 300 scans/s with
p95 < 40 ms; <= 8 SQL statements per scan.
"""

import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench.util import throwaway_database
from tests.processes import database_url, free_port

ROOT = Path(__file__).resolve().parent.parent
# The figures; smaller runs for a quick look: BENCH_SCAN_HOUSEHOLDS=1000 BENCH_SCAN_COUNT=1200.
HOUSEHOLDS = int(os.environ.get("BENCH_SCAN_HOUSEHOLDS", "5000"))
SCANS = int(os.environ.get("BENCH_SCAN_COUNT", "6000"))
CLIENT_COUNTS = tuple(int(n) for n in os.environ.get("BENCH_SCAN_CLIENTS", "1,4,8,16").split(","))
REVOKED_EVERY = 33
# The server runs with the project's gunicorn.conf.py (workers and threads as in production)
# unless these say otherwise.
WORKERS = os.environ.get("BENCH_SCAN_WORKERS")
THREADS = os.environ.get("BENCH_SCAN_THREADS")
WORKER_CLASS = os.environ.get("BENCH_SCAN_WORKER_CLASS")
START_STOCK = Decimal(200_000)
# "sync" (PostgreSQL's default) or "async": the server's connections use synchronous_commit=off, a
# deployment choice (DATABASES OPTIONS) that stops the shared stock rows staying locked while the
# commit waits for the disk; the last ~0.6 s of commits can be lost if PostgreSQL crashes.
COMMIT_MODE = os.environ.get("BENCH_SCAN_COMMIT", "sync")
# A monthly limit on the programme (high enough to refuse nobody): each scan then locks its household first
# (distribution.locks.lock_household, one statement more on PostgreSQL). Default: no limit, no lock.
MONTHLY_LIMIT = int(os.environ.get("BENCH_SCAN_MONTHLY_LIMIT", "0")) or None


# A free port and the throw-away database's DATABASE_URL for the server: the tests' own helpers.
_free_port = free_port
_database_url = database_url


def _setup(report):
    """Households, members, cards (tokens known here only), enrolments, items, stock, device tokens."""
    from django.utils import timezone

    from core.models import Location
    from distribution.identifiers import card_number_for_serial, hash_token, new_token, qr_payload
    from distribution.models import Card, Enrolment, Household, Person, Programme

    rng = random.Random(5)  # noqa: S311 - test data
    today = timezone.localdate()
    started = time.perf_counter()
    location = Location.objects.create(name="Bench hall", kind=Location.Kind.SITE)
    programme = Programme.objects.create(code="bench", name="Bench programme", max_collections_per_month=MONTHLY_LIMIT)
    households = Household.objects.bulk_create([Household(address="-") for _ in range(HOUSEHOLDS)], batch_size=2000)
    people, cards, enrolments, codes, revoked = [], [], [], [], set()
    for index, household in enumerate(households):
        size = rng.choice([1, 2, 3, 4, 5])
        for member in range(size):
            people.append(Person(household=household, is_reference=member == 0, first_name=f"Όνομα{index}",
                                 last_name="Βενς", relation="reference" if member == 0 else "child"))
        token = new_token()
        card = Card(household=household, number=card_number_for_serial(index + 1), token_hash=hash_token(token),
                    status=Card.Status.PRINTED, printed_at=timezone.now(), valid_until=today + timedelta(days=365))
        if index % REVOKED_EVERY == 0:
            card.status, card.revoked_at, card.revoke_reason = Card.Status.REVOKED, timezone.now(), "lost"
            revoked.add(index)
        cards.append(card)
        codes.append(qr_payload(token))
        enrolments.append(Enrolment(household=household, programme=programme, start=today - timedelta(days=30),
                                    end=today + timedelta(days=300)))
    Person.objects.bulk_create(people, batch_size=5000)
    Card.objects.bulk_create(cards, batch_size=5000)
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    sizes = {}
    for person in people:
        sizes[person.household_id] = sizes.get(person.household_id, 0) + 1
    data = _station(location, programme, codes, revoked, rng)
    report(f"setup: {HOUSEHOLDS} households, {len(people)} people, {len(revoked)} revoked cards, "
           f"{time.perf_counter() - started:.1f} s")
    return {**data, "households": households, "sizes": sizes}


def _station(location, programme, codes, revoked, rng, suffix=""):
    """What the scan stations need beside the households and their cards: two items with stock at
    `location` (rice per household, soap per member) and a device token per client (volunteers of the
    current centre). `suffix` names them apart from an earlier run's in a kept database."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from core.models import User
    from core.services import create_api_token
    from inventory.models import Item, StockMovement
    from inventory.services.stock import Delta, apply_deltas

    today = timezone.localdate()
    rice = Item.objects.create(name_el=f"Ρύζι 1 kg{suffix}", name_en=f"Rice 1 kg{suffix}", category="food",
                               unit="pack", weight_kg=Decimal(1), unit_value_eur=Decimal("1.60"), is_food=True,
                               food_group="starch", has_expiry=True)
    soap = Item.objects.create(name_el=f"Σαπούνι{suffix}", name_en=f"Soap{suffix}", category="hygiene", unit="piece",
                               weight_kg=Decimal("0.125"), unit_value_eur=Decimal("0.70"))
    with transaction.atomic():
        apply_deltas([Delta(rice, location.pk, "L1", today + timedelta(days=90), START_STOCK / 2,
                            StockMovement.Reason.RECEIVED, document_type="bench"),
                      Delta(rice, location.pk, "L2", today + timedelta(days=200), START_STOCK / 2,
                            StockMovement.Reason.RECEIVED, document_type="bench"),
                      Delta(soap, location.pk, "", None, START_STOCK, StockMovement.Reason.RECEIVED,
                            document_type="bench")], by=None)
    volunteers = Group.objects.get(name="volunteer")
    tokens = []
    for n in range(max(CLIENT_COUNTS)):
        user = User.objects.create_user(f"bench-table-{n}{suffix.replace(' ', '-')}", password=secrets.token_hex(8))
        user.groups.add(volunteers)
        tokens.append(create_api_token(user, f"Bench tablet {n}")[1])
        if n == 0:
            first_user = user
    return {"location": location, "programme": programme, "items": (rice, soap), "codes": codes,
            "revoked": revoked, "tokens": tokens, "user": first_user, "rng": rng}


def _new_day(data, n):
    from django.utils import timezone

    from distribution.models import BasketRule, DistributionDay

    rice, soap = data["items"]
    # One day per date, site and programme (a cancelled one does not count): the rounds before this one
    # are set aside as cancelled; their collections stay and are checked at the end.
    DistributionDay.objects.filter(date=timezone.localdate(), location=data["location"], programme=data["programme"]
                                   ).exclude(status=DistributionDay.Status.CANCELLED).update(
        status=DistributionDay.Status.CANCELLED)
    day = DistributionDay.objects.create(date=timezone.localdate(), location=data["location"],
                                         programme=data["programme"], starts_at=clock(8), ends_at=clock(16),
                                         stations="Τ1, Τ2, Τ3, Τ4", notes=f"bench round {n}")
    BasketRule.objects.create(day=day, item=rice, basis="household", quantity=2)
    BasketRule.objects.create(day=day, item=soap, basis="member", quantity=1)
    return day


def _workload(data, day_id, rng):
    """6,000 scans (data["scans"]): each card once, 10% again from another table, unknown codes to fill up."""
    codes = data["codes"]
    order = list(range(len(codes)))
    rng.shuffle(order)
    scans = [(codes[i], f"Τραπέζι {i % 4 + 1}") for i in order]
    again = rng.sample(order, len(codes) // 10)
    scans += [(codes[i], f"Τραπέζι {(i + 1) % 4 + 1}") for i in again]
    while len(scans) < data.get("scans", SCANS):
        scans.append((f"KC1-{''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))}",
                      "Τραπέζι 1"))
    rng.shuffle(scans)
    return [json.dumps({"code": code, "day": day_id, "station": station,
                        "request_id": str(uuid.uuid4())}).encode() for code, station in scans]


def _start_server(port, database_url, **extra_env):
    # The storm sends ~50 scans/s per token, far past the API's rate limit for a real station (600 a
    # minute): the limiter still runs on every request (its cost is measured), with a limit out of reach.
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="0", SECRET_KEY=secrets.token_hex(32),
               ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", CONN_MAX_AGE="600", LOG_LEVEL="ERROR",
               API_RATE_LIMIT=os.environ.get("BENCH_API_RATE_LIMIT", "100000000/m"),
               # production refuses development message backends (core/checks.py); scans send none
               EMAIL_URL="smtp://127.0.0.1:9", SMS_BACKEND="http", SMS_GATEWAY_URL="https://sms.invalid/send",
               SITE_URL="https://kypseli.bench.invalid")
    env.update(extra_env)
    overrides = []
    if COMMIT_MODE == "async":
        overrides.append("DATABASES['default'].setdefault('OPTIONS', {})['options'] = '-c synchronous_commit=off'")
    if overrides:
        (ROOT / "var" / "bench_scan_settings.py").write_text(
            "from config.settings import *  # noqa: F403\n" + "".join(f"{line}  # noqa: F405\n" for line in overrides))
        env.update(DJANGO_SETTINGS_MODULE="bench_scan_settings",
                   PYTHONPATH=os.pathsep.join([str(ROOT / "var"), str(ROOT), env.get("PYTHONPATH", "")]))
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 - closed by the caller
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         *(["--workers", WORKERS] if WORKERS else []), *(["--threads", THREADS] if THREADS else []),
         *(["--worker-class", WORKER_CLASS] if WORKER_CLASS else [])],
        cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                conn.close()
                _wait_for_workers(process.pid, deadline)
                return process, log
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not start: see var/bench-gunicorn.log")


def _wait_for_workers(pid, deadline):
    """gunicorn forks its workers one after the other: the first may answer before the last exists."""
    expected = int(WORKERS or os.environ.get("WEB_CONCURRENCY") or 3 * (os.cpu_count() or 1))
    while len(_process_tree(pid)) - 1 < expected and time.time() < deadline:
        time.sleep(0.1)


def _process_tree(pid):
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        pids.extend(_process_tree(int(child)))
    return pids


def _peak_memory_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid) -> float:
    """User + system CPU seconds so far of a process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _postgres_pids() -> list[int]:
    """The server's own processes (WAL writer, checkpointer, …) and the backends connected to the
    benchmark's database: not other databases' sessions on a shared machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE (datname = current_database() "
                       "OR backend_type <> 'client backend') AND pid <> pg_backend_pid()")
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


class CpuMeter:
    """CPU time spent by the app server, PostgreSQL and this load generator during a round
    (per process: a process that ends during the round is left out)."""

    def __init__(self, server_pid):
        self.server_pid = server_pid

    def _sample(self):
        app = {pid: _cpu_seconds(pid) for pid in _process_tree(self.server_pid)}
        database = {pid: _cpu_seconds(pid) for pid in _postgres_pids()}
        return app, database, sum(os.times()[:2])

    def __enter__(self):
        self.before = self._sample()
        return self

    def __exit__(self, *exc):
        after = self._sample()
        self.spent = [sum(seconds - self.before[i].get(pid, 0.0) for pid, seconds in after[i].items())
                      for i in (0, 1)] + [after[2] - self.before[2]]

    def per_scan_text(self, scans) -> str:
        app, database, client = (1000 * seconds / scans for seconds in self.spent)
        return f"CPU per scan: app {app:.1f} ms, PostgreSQL {database:.1f} ms, load generator {client:.1f} ms"


def _fire(port, bodies, tokens, clients):
    """Send the bodies from `clients` threads; returns (elapsed seconds, latencies in ms, statuses)."""
    latencies, statuses, errors, by_status = [], {}, [], {}
    lock = threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]
    barrier = threading.Barrier(clients)

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {tokens[n]}",
                   "Accept-Language": "el"}
        mine, seen, mine_by_status = [], {}, {}
        barrier.wait()
        for body in chunks[n]:
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/scans", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            mine_by_status.setdefault(status, []).append(mine[-1])
            seen[status] = seen.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for status, values in mine_by_status.items():
                by_status.setdefault(status, []).extend(values)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses, errors, by_status


def _queries_per_scan(data, report):
    """SQL statements of a whole API request (auth included) and of the scan service alone."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from distribution.services.scans import record_scan

    day = _new_day(data, "queries")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {data['tokens'][0]}", HTTP_HOST="127.0.0.1")
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
    request_counts, service_counts = [], []
    user = data["user"]
    valid = [i for i in range(len(data["codes"])) if i not in data["revoked"]]
    for n, index in enumerate(valid[:60]):
        code = data["codes"][index]
        reset_queries()  # a full log (DEBUG keeps the last 9,000) would capture nothing
        with CaptureQueriesContext(connection) as context:
            if n % 2:
                response = client.post("/api/v1/scans", data=json.dumps({"code": code, "day": day.pk, "station": "Q",
                                                              "request_id": str(uuid.uuid4())}),
                            content_type="application/json")
                assert response.status_code == 201, response.content
            else:
                record_scan(day_id=day.pk, code=code, station="Q", request_id=str(uuid.uuid4()), by=user)
        count = len([q for q in context.captured_queries if not q["sql"].startswith(control)])
        (request_counts if n % 2 else service_counts).append(count)
    report(f"SQL statements per scan (new collection; the most of {len(service_counts)} is the first, which reads "
           f"the day's plan and the token): scan service {min(service_counts)}-{max(service_counts)}, whole API "
           f"request with token auth {min(request_counts)}-{max(request_counts)}")
    return day


def _check(data, days, all_days, report):
    from django.db.models import Sum

    from distribution.models import Collection
    from inventory.models import StockLevel
    from inventory.selectors import stock_differences

    valid_cards = len(data["codes"]) - len(data["revoked"])
    ok = True
    for label, day in days:
        collected = Collection.objects.filter(day=day, cancelled_at__isnull=True).count()
        if collected != valid_cards:
            ok = False
            report(f"CHECK FAILED ({label}): {collected} collections for {valid_cards} valid cards")
    rice, soap = data["items"]
    served = Collection.objects.filter(day__in=[d for _l, d in all_days], cancelled_at__isnull=True)
    rice_out = 2 * served.count()
    soap_out = sum(served.values_list("household_size", flat=True))
    levels = {row["item_id"]: row["q"] for row in StockLevel.objects.filter(location=data["location"])
              .values("item_id").annotate(q=Sum("quantity"))}
    if levels[rice.pk] != START_STOCK - rice_out or levels[soap.pk] != START_STOCK - soap_out:
        ok = False
        report(f"CHECK FAILED: stock rice {levels[rice.pk]} (expected {START_STOCK - rice_out}), "
               f"soap {levels[soap.pk]} (expected {START_STOCK - soap_out})")
    differences = stock_differences()
    if differences:
        ok = False
        report(f"CHECK FAILED: check_stock found {len(differences)} differences")
    report(f"checks: collections = distinct valid cards ({valid_cards}) on every day; stock = start − baskets "
           f"(rice −{rice_out}, soap −{soap_out}); check_stock clean: {'OK' if ok else 'FAILED'}")
    if not ok:
        raise AssertionError("scan benchmark checks failed")


def run(report):
    (ROOT / "var").mkdir(exist_ok=True)
    report(f"machine: {os.cpu_count()} CPUs, load average before the run {os.getloadavg()[0]:.1f}")
    serve(_setup(report), report)


def serve(data, report, client_counts=CLIENT_COUNTS, rounds=1) -> dict:
    """Count the statements of a scan, then start gunicorn on this database and send each round's scans
    (a fresh distribution day each) from each number of clients; check the collections and the stock after.
    Returns {clients: [(scans/s, p95 ms) of each round]}."""
    from django.db import connection

    (ROOT / "var").mkdir(exist_ok=True)
    query_day = _queries_per_scan(data, report)
    connection.close()  # the server's workers get their own connections
    port = _free_port()
    server, log = _start_server(port, _database_url())
    workers = len(_process_tree(server.pid)) - 1
    report(f"gunicorn (gunicorn.conf.py{', overridden' if WORKERS or THREADS else ''}): {workers} workers × "
           f"{THREADS or os.environ.get('GUNICORN_THREADS', '2')} threads (gthread), DEBUG off, persistent DB "
           f"connections, {COMMIT_MODE} commit, prepared statements "
           f"{'off' if os.environ.get('DATABASE_PREPARED_STATEMENTS') == '0' else 'on'}")
    days, figures = [("queries", query_day)], {}
    try:
        for clients in client_counts:
            for round_ in range(rounds):
                label = f"{clients} clients" + (f", round {round_ + 1}" if rounds > 1 else "")
                day = _new_day(data, label)
                connection.close()
                bodies = _workload(data, day.pk, data["rng"])
                with CpuMeter(server.pid) as cpu:
                    elapsed, latencies, statuses, errors, by_status = _fire(port, bodies, data["tokens"], clients)
                latencies.sort()
                pct = statistics.quantiles(latencies, n=100)
                figures.setdefault(clients, []).append((len(latencies) / elapsed, pct[94]))
                report(f"{label:>10}: {len(latencies) / elapsed:7.0f} scans/s, p50 {pct[49]:5.1f} ms, "
                       f"p95 {pct[94]:5.1f} ms, p99 {pct[98]:5.1f} ms; statuses "
                       f"{dict(sorted(statuses.items()))}{'; errors ' + str(len(errors)) if errors else ''}"
                       f"; load average {os.getloadavg()[0]:.1f}")
                report(f"            {cpu.per_scan_text(len(latencies))}; p95 by answer: " + ", ".join(
                    f"{status} {statistics.quantiles(values, n=100)[94]:.1f} ms"
                    for status, values in sorted(by_status.items()) if len(values) > 1))
                days.append((label, day))
        memory = [f"{pid}: {_peak_memory_mb(pid):.0f} MB" for pid in _process_tree(server.pid)]
        report(f"peak memory (VmHWM) per server process (master first): {', '.join(memory)}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    # The "queries" day served 60 cards only: collections are compared on the load days, stock on all.
    _check(data, days[1:], days, report)
    return figures


if __name__ == "__main__":
    with throwaway_database():
        run(print)
