"""National scale: 240 centres of 2,000 households each (480,000 households, ~1.6 million people), a year
of monthly distribution days (~5.4 million collections, ~16 million ledger rows), in 12 regions of 20
centres (4 municipalities of 5 each). Most people have an AMKA, and one in twenty of a centre's people
also collected at the region's previous centre (the same AMKA), so the region's "people counted once"
matches real pairs.

Measured on that database: one centre's ESF+ report of the year (target < 2 s), the region's ESF+ report
over its 20 centres (target < 5 s) and its other documents, and the scan stations at 8 clients against
one centre (bench/scans.py's server and load generator; target p95 < 40 ms).

The database is built once and kept (kypseli_bench_national, BENCH_NATIONAL_DB to name another); a run
finds it and only measures. The first build takes many minutes (printed); BENCH_NATIONAL_REBUILD=1
builds it again. Smaller: BENCH_NATIONAL_CENTRES=40 BENCH_NATIONAL_HOUSEHOLDS=500 (its own database).
BENCH_NATIONAL_SCANS=0 leaves the scans out. The scans leave a new site with its day and stock behind in
the scanned centre (a new one each run, dated today): the year measured stays as built.
"""

import base64
import functools
import hashlib
import os
import random
import statistics
import sys
import time
from datetime import date, datetime
from datetime import time as dtime

from django.db import connection
from django.utils import timezone

from bench import _loading

CENTRES = int(os.environ.get("BENCH_NATIONAL_CENTRES", "240"))
HOUSEHOLDS = int(os.environ.get("BENCH_NATIONAL_HOUSEHOLDS", "2000"))
REGION_CENTRES = 20
MUNICIPALITY_CENTRES = 5
YEAR = 2025
SHARED_EVERY = 20  # the centre's people n with n % 20 == 1 also collected at the region's previous centre
NO_AMKA_EVERY = 10  # n % 10 == 7: no AMKA recorded
REVOKED_EVERY = 33
DEFAULT_DB = "kypseli_bench_national"
DATABASE = os.environ.get("BENCH_NATIONAL_DB") or (
    DEFAULT_DB if (CENTRES, HOUSEHOLDS) == (240, 2000) else f"{DEFAULT_DB}_{CENTRES}x{HOUSEHOLDS}")
SCAN_CLIENTS = int(os.environ.get("BENCH_NATIONAL_SCAN_CLIENTS", "8"))
TARGETS = {"centre": 2.0, "region": 5.0, "p95_ms": 40.0}
MARKER = "bench_national"  # a table written last: the build finished, with what and how long it took


def card_token(slug: str, index: int) -> str:
    """A card's token, the same at every run (the bench scans the cards it built): 80 bits as new_token."""
    return base64.b32encode(hashlib.sha256(f"bench-national/{slug}/{index}".encode()).digest()[:10]).decode("ascii")


def _amka(position: int, people: list[int]):
    """amka(n) of the n-th person of the centre at `position` (0-based among the bench's centres)."""

    def amka(n: int) -> str:
        if n % NO_AMKA_EVERY == 7:
            return ""
        if n % SHARED_EVERY == 1 and position % REGION_CENTRES and n + 1 < people[position - 1]:
            return f"{position - 1:03d}{n + 1:08d}"  # the previous centre's person n + 1
        return f"{position:03d}{n:08d}"

    return amka


def _centres(count: int):
    """Regions of REGION_CENTRES centres, municipalities of MUNICIPALITY_CENTRES."""
    from core.models import Centre, Municipality, Region

    centres, region, municipality = [], None, None
    for n in range(count):
        if n % REGION_CENTRES == 0:
            region = Region.objects.create(name=f"Bench region {n // REGION_CENTRES + 1:02d}")
        if n % MUNICIPALITY_CENTRES == 0:
            municipality = Municipality.objects.create(region=region, name=f"Bench municipality {n + 1:03d}")
        centres.append(Centre.objects.create(name=f"Bench centre {n + 1:03d}", slug=f"bench-{n + 1:03d}",
                                             municipality=municipality))
    return centres


def _day_date(position: int, month: int) -> date:
    """The centre's distribution day of the month: a weekday, spread over the month by centre."""
    day = date(YEAR, month, 1 + (position * 7 + month) % 27)
    while day.weekday() >= 5:
        day = date(YEAR, month, day.day + 1)
    return day


def build(report, centres: int = CENTRES, households: int = HOUSEHOLDS, vacuum: bool = True) -> dict:
    """Build the whole national database; returns the counts (kept in the marker table after VACUUM ANALYZE;
    a test builds a small one in its transaction, without them)."""
    from core.models import Location, User
    from core.tenancy import centre_scope
    from distribution.models import Card, DistributionDay, Enrolment, Household, Person, Programme

    started = time.perf_counter()
    rng = random.Random(240)  # noqa: S311 - test data
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
    user = User.objects.create_user("bench-national", password=None)
    count, centres = centres, _centres(centres)
    sizes = [_loading.household_sizes(rng, households=households) for _centre in centres]
    people = [sum(found) for found in sizes]
    places, lines, day_rows = [], [], []
    totals = None
    for position, centre in enumerate(centres):
        with centre_scope(centre):
            site = Location.objects.create(name="Bench site", kind=Location.Kind.SITE)
            Location.objects.create(name="Bench store", kind=Location.Kind.STORE)
            programme = Programme.objects.create(code="bench-kea", name="Bench ΚΕΑ")
            items = _loading.make_items()
            if totals is None:  # the same baskets at every centre, of its own items
                totals, basket_lines = _loading.baskets(rng, items)
            lines += [(centre.pk, basket, items[spot].pk, quantity, items[spot].weight_kg, items[spot].unit_value_eur)
                      for basket, spot, quantity in basket_lines]
            days = DistributionDay.objects.bulk_create([
                DistributionDay(date=_day_date(position, month), location=site, programme=programme,
                                starts_at=dtime(8), ends_at=dtime(14)) for month in range(1, 13)])
            day_rows += [(centre.pk, n, day.pk, day.date, site.pk) for n, day in enumerate(days)]
            places.append((site, programme))
    report(f"{count} centres in {(count + REGION_CENTRES - 1) // REGION_CENTRES} regions, their sites, "
           f"programmes, items and days ({time.perf_counter() - started:.1f} s)")

    loaded = time.perf_counter()
    household_t, person_t = Household._meta.db_table, Person._meta.db_table
    card_t, enrolment_t = Card._meta.db_table, Enrolment._meta.db_table
    now = timezone.now()
    valid_until, enrolled = date(YEAR + 2, 12, 31), date(YEAR, 1, 1)
    first_household, first_person = 1, 1
    with _loading.bulk_load(household_t, person_t, card_t, enrolment_t):
        for position, centre in enumerate(centres):
            with centre_scope(centre):
                _loading.load_people(rng, sizes[position], first_household=first_household,
                                     first_person=first_person, amka=_amka(position, people))
                ids = range(first_household, first_household + households)
                site, programme = places[position]
                _loading.model_copy(Card, (
                    Card(household_id=household, number=_card_number(index), status=Card.Status.REVOKED
                         if index % REVOKED_EVERY == 0 else Card.Status.PRINTED,
                         token_hash=_token_hash(centre.slug, index), printed_at=now, valid_until=valid_until,
                         revoked_at=now if index % REVOKED_EVERY == 0 else None,
                         revoke_reason="lost" if index % REVOKED_EVERY == 0 else "", requested_at=now)
                    for index, household in enumerate(ids)), ids=False)
                _loading.model_copy(Enrolment, (Enrolment(household_id=household, programme=programme, start=enrolled,
                                                          end=valid_until, created_at=now) for household in ids),
                                    ids=False)
            first_household += households
            first_person += people[position]
    report(f"{count * households} households, {sum(people)} people, {count * households} cards and enrolments "
           f"({time.perf_counter() - loaded:.1f} s)")

    loaded = time.perf_counter()

    def household_rows():
        household = 0
        for position, centre in enumerate(centres):
            for size in sizes[position]:
                household += 1
                count = rng.choice([12] * 7 + [11, 10, 8])
                yield (centre.pk, household, size, count, rng.randrange(12), _loading.step(12, count), 12)

    collections, movements = _loading.insert_collections(household_rows(), day_rows, lines, totals, user.pk)
    received, levels = _stock_from_ledger(user)
    report(f"{collections} collections, {movements} ledger rows; {received} receipts and {levels} stock levels "
           f"that match the ledger ({time.perf_counter() - loaded:.1f} s)")

    counts = {"centres": count, "households": count * households, "people": sum(people),
              "collections": collections, "movements": movements}
    if not vacuum:
        return counts
    vacuumed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report(f"VACUUM ANALYZE ({time.perf_counter() - vacuumed:.1f} s)")
    counts["seconds"] = round(time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER} (centres int, households int, people int, collections int, "
                       "movements int, seconds int, built_at timestamptz)")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s, %s, %s, now())",  # noqa: S608 - ours
                       [counts[key] for key in ("centres", "households", "people", "collections", "movements",
                                                "seconds")])
    return counts


def _card_number(index: int) -> str:
    from distribution.identifiers import card_number_for_serial

    return card_number_for_serial(index + 1)


def _token_hash(slug: str, index: int) -> str:
    from distribution.identifiers import hash_token

    return hash_token(card_token(slug, index))


def _stock_from_ledger(user) -> tuple[int, int]:
    """Each centre's goods were received at the start of the year (a little more than it handed out), and
    its stock levels are the sums of its ledger rows: check_stock finds the kept database clean."""
    from inventory.models import Item, StockLevel, StockMovement

    movement_t, item_t, level_t = (model._meta.db_table for model in (StockMovement, Item, StockLevel))
    received_at = timezone.make_aware(datetime(YEAR - 1, 12, 30, 10))
    with connection.cursor() as cursor:  # a few rows: the ledger's indexes stay
        cursor.execute(f"""
            INSERT INTO {movement_t} (centre_id, at, reason, item_id, location_id, lot, quantity, unit_weight_kg,
                                      unit_value_eur, by_id, reason_text, document_type, document_id)
            SELECT m.centre_id, %s, 'received', m.item_id, m.location_id, '', 100 - SUM(m.quantity), i.weight_kg,
                   i.unit_value_eur, %s, '', 'bench', ''
            FROM {movement_t} m JOIN {item_t} i ON i.id = m.item_id
            GROUP BY m.centre_id, m.item_id, m.location_id, i.weight_kg, i.unit_value_eur
            """, [received_at, user.pk])  # noqa: S608 - our table names
        received = cursor.rowcount
        cursor.execute(f"""
            INSERT INTO {level_t} (centre_id, item_id, location_id, lot, expiry_date, quantity, updated_at)
            SELECT centre_id, item_id, location_id, lot, expiry_date, SUM(quantity), now()
            FROM {movement_t} GROUP BY centre_id, item_id, location_id, lot, expiry_date
            """)  # noqa: S608 - our table names
        levels = cursor.rowcount
    return received, levels


def _holds_data(cursor) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER])
    return cursor.fetchone()[0]


def _marker() -> dict | None:
    with connection.cursor() as cursor:
        if not _holds_data(cursor):
            return None
        cursor.execute(f"SELECT centres, households, people, collections, movements, seconds, built_at "  # noqa: S608
                       f"FROM {MARKER}")
        row = cursor.fetchone()
    keys = ["centres", "households", "people", "collections", "movements", "seconds", "built_at"]
    return dict(zip(keys, row, strict=True)) if row else None


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} CPUs"


def region_area(number: int = 1):
    """The region's area as its regional role sees it (core.oversight), and its first centre."""
    from core.models import Oversight, Region
    from core.oversight import area_name, centres_overseen
    from reports.region import Area

    oversight = Oversight(region=Region.objects.get(name=f"Bench region {number:02d}"))
    return Area(area_name(oversight), centres_overseen(oversight))


def measure_reports(report) -> list:
    from bench.reports import timed
    from core.tenancy import centre_scope
    from distribution.selectors.reporting import Period
    from reports import esf, region

    area = region_area()
    centre = area.centres[0]
    year = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    results: list = []
    report(f"before the reports: {_load()}")
    with centre_scope(centre):
        found = timed(report, f"ESF+ year report, one centre ({centre.slug})", lambda: esf.esf_report(year),
                      results=results, target=TARGETS["centre"])
    report(f"   {found.figure('households').value} households, {found.figure('people.food').value} end recipients "
           f"of food, €{found.figure('value.total').value}; {_load()}")
    start, end = year.start, year.end
    document = timed(report, f"Region's ESF+ report, {len(area.centres)} centres",
                     lambda: region.esf_document(area, start, end, "bench"), results=results,
                     target=TARGETS["region"])
    once = document.tables[0]
    report(f"   end recipients of food: sum of the centres {once.rows[0][2]}, once in the region {once.rows[0][3]}; "
           f"{_load()}")
    for label, make in [("distribution", region.distribution_document), ("stock", region.stock_document),
                        ("volunteers and events", region.activities_document)]:
        timed(report, f"Region's {label} report, {len(area.centres)} centres",
              lambda make=make: make(area, start, end, "bench"), results=results, target=TARGETS["region"])
    report(f"after the reports: {_load()}")
    return results


def measure_scans(report):
    """bench/scans.py's server and clients against the region's first centre: its 2,000 cards (every 33rd
    revoked), 10% of them again, 10% unknown codes; a new site (with its stock and day) each run."""
    from bench import scans
    from core.models import Location
    from core.tenancy import centre_scope
    from distribution.identifiers import qr_payload
    from distribution.models import Programme

    centre = region_area().centres[0]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    with centre_scope(centre):
        location = Location.objects.create(name=f"Bench scan hall {stamp}", kind=Location.Kind.SITE)
        codes = [qr_payload(card_token(centre.slug, index)) for index in range(HOUSEHOLDS)]
        revoked = {index for index in range(HOUSEHOLDS) if index % REVOKED_EVERY == 0}
        data = scans._station(location, Programme.objects.get(code="bench-kea"), codes, revoked,
                              random.Random(5), suffix=f" {stamp}")  # noqa: S311 - test data
        data["scans"] = HOUSEHOLDS * 6 // 5
        report(f"scans against {centre.slug} ({HOUSEHOLDS} cards, {len(revoked)} revoked), {data['scans']} scans "
               f"a round, 3 rounds at {SCAN_CLIENTS} clients; {_load()}")
        return scans.serve(data, report, client_counts=(SCAN_CLIENTS,), rounds=3)


def run(report):
    marker = _marker()
    if marker is None:
        report(f"building {DATABASE}: {CENTRES} centres × {HOUSEHOLDS} households, a year of collections; {_load()}")
        build(report)
        marker = _marker()
        report(f"built in {marker['seconds']} s ({marker['seconds'] / 60:.1f} min); {_load()}")
    else:
        report(f"reusing {DATABASE}, built {marker['built_at']:%Y-%m-%d %H:%M} in {marker['seconds']} s")
    report(f"rows: {marker['centres']} centres, {marker['households']:,} households, {marker['people']:,} people, "
           f"{marker['collections']:,} collections, {marker['movements']:,} ledger rows")
    results = measure_reports(report)
    figures = {}
    if os.environ.get("BENCH_NATIONAL_SCANS", "1") != "0":
        figures = measure_scans(report)
    verdict = {True: "met", False: "** NOT MET **"}
    for label, median, met, _cpu in results[:2]:
        report(f"TARGET {label}: {median:.2f} s — {verdict[met]}")
    if figures:
        rounds = figures[SCAN_CLIENTS]
        rate, p95 = (statistics.median(values) for values in zip(*rounds, strict=True))
        report(f"TARGET scans at {SCAN_CLIENTS} clients: {rate:.0f} scans/s, p95 {p95:.1f} ms (median of "
               f"{len(rounds)} rounds; < {TARGETS['p95_ms']:.0f} ms) — {verdict[p95 < TARGETS['p95_ms']]}; "
               f"{_load()}")


if __name__ == "__main__":
    with _loading.kept_database(DATABASE, _holds_data):
        if os.environ.get("BENCH_NATIONAL_REBUILD") == "1" and _marker() is not None:
            print(f"BENCH_NATIONAL_REBUILD=1: dropping {DATABASE} and building it again", flush=True)
            connection.close()
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        elif _marker() is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT EXISTS (SELECT 1 FROM core_centre WHERE slug LIKE 'bench-%%')")
                if cursor.fetchone()[0]:  # a build that stopped half-way
                    print(f"{DATABASE} holds a build that stopped half-way: building it again", flush=True)
                    connection.close()
                    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        sys.exit(run(functools.partial(print, flush=True)))
