"""Reports on a year of data: 50,000 people in ~17,000 households, 500,000 collections, their stock
movements (~1.5 million ledger rows), donations, scans, volunteer shifts and events.

Households and people are inserted with bulk_create; collections, movements and scans with
PostgreSQL COPY. Each report is then timed (median of three runs; target < 2 s each).
"""

import json
import os
import random
import statistics
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

# The volume; smaller sizes from the environment for a quick check of the benchmark itself.
PEOPLE = int(os.environ.get("BENCH_REPORTS_PEOPLE", 50_000))
COLLECTIONS = int(os.environ.get("BENCH_REPORTS_COLLECTIONS", 500_000))
YEAR = 2025


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _copy(table: str, columns: list[str], rows, chunk: int = 50_000) -> int:
    """COPY rows in PostgreSQL's text format, written in chunks (much faster than row by row)."""
    count = 0
    lines = []
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                lines.append("\t".join(_text(v) for v in row))
                count += 1
                if len(lines) >= chunk:
                    copy.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                copy.write("\n".join(lines) + "\n")
    return count


def _reset_sequence(table: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table names
                       f"(SELECT MAX(id) FROM {table}))")


def load(report, rng: random.Random):
    from core.models import Location
    from distribution.models import DistributionDay, Household, Person, Programme
    from inventory.models import Donation, Donor, Item
    from tests.factories import UserFactory

    started = time.perf_counter()
    user = UserFactory(role="staff", username="bench-reports")
    sites = [Location.objects.create(name=f"Bench site {n}") for n in (1, 2)]
    programme = Programme.objects.create(code="bench-kea", name="Bench ΚΕΑ")
    food = [("Ρύζι", "starch", "1.000", "1.20"), ("Μακαρόνια", "starch", "0.500", "0.80"),
            ("Γάλα", "milk", "1.030", "0.95"), ("Φέτα", "milk", "0.400", "3.20"),
            ("Λάδι", "fats", "1.000", "6.50"), ("Ζάχαρη", "sugar", "1.000", "1.10"),
            ("Φακές", "meat_eggs_fish", "0.500", "1.40"), ("Τόνος", "meat_eggs_fish", "0.160", "1.60"),
            ("Ντομάτα", "fruit_veg", "0.400", "0.70"), ("Μήλα", "fruit_veg", "1.000", "1.30")]
    items = [Item.objects.create(name_el=f"{name} (bench)", category="food", is_food=True, food_group=group,
                                 weight_kg=Decimal(kg), unit_value_eur=Decimal(eur)) for name, group, kg, eur in food]
    items += [Item.objects.create(name_el=f"{name} (bench)", category=category, weight_kg=Decimal(kg),
                                  unit_value_eur=Decimal(eur))
              for name, category, kg, eur in [("Πάνες", "baby", "0.800", "8.50"),
                                              ("Σαπούνι", "hygiene", "0.100", "1.10"),
                                              ("Τετράδια", "school", "0.300", "2.00"),
                                              ("Απορρυπαντικό", "hygiene", "1.500", "4.50")]]
    answers = ["yes", "no", None]
    households = []
    while sum(h[1] for h in households) < PEOPLE:
        size = min(rng.choice([1, 2, 3, 3, 4, 5, 6]), PEOPLE - sum(h[1] for h in households))
        homeless = rng.choices(answers, weights=[5, 80, 15])[0]
        households.append((Household(categories={"homeless": homeless} if homeless else {}), size))
    Household.objects.bulk_create([h for h, _size in households], batch_size=5000)
    nationalities = ["Ελληνική"] * 12 + ["Αλβανία", "Συρία", "Αφγανιστάν", "Βουλγαρία", "Γεωργία", ""]
    people = []
    for household, size in households:
        for position in range(size):
            birth = date(rng.randint(1935, 2024), rng.randint(1, 12), rng.randint(1, 28))
            categories = {key: rng.choice(["yes", "no", "no", "no"]) for key in ("roma", "migrant", "disability")
                          if rng.random() < 0.85}
            people.append(Person(household=household, is_reference=position == 0, first_name="Bench",
                                 last_name=str(len(people)), sex=rng.choice(["F", "M", "F", "M", ""]),
                                 birth_date=birth if rng.random() < 0.97 else None,
                                 nationality=rng.choice(nationalities), categories=categories))
    Person.objects.bulk_create(people, batch_size=5000)
    report(f"{len(households)} households, {len(people)} people ({time.perf_counter() - started:.1f} s)")

    started = time.perf_counter()
    day_dates = [date(YEAR, 1, 1) + timedelta(days=n) for n in range(365)]
    day_dates = [d for d in day_dates if d.weekday() < 5]
    days = DistributionDay.objects.bulk_create([
        DistributionDay(date=d, location=sites[n % 2], programme=programme, starts_at=dtime(8), ends_at=dtime(14))
        for n, d in enumerate(day_dates)])
    per_household = COLLECTIONS // len(households) + 1
    collections = []
    tz = timezone.get_current_timezone()
    collection_id = 0
    movement_rows = []
    for household, size in households:
        for day in rng.sample(days, per_household):
            if collection_id >= COLLECTIONS:
                break
            collection_id += 1
            at = datetime.combine(day.date, dtime(rng.randint(8, 13), rng.randint(0, 59)), tzinfo=tz)
            collections.append((collection_id, day.pk, household.pk, "Τραπέζι 1", at, user.pk, size, "[]", False, ""))
            for item in rng.sample(items, 3):
                movement_rows.append((at, "distributed", item.pk, day.location_id, "", -rng.randint(1, 3),
                                      item.weight_kg, item.unit_value_eur, user.pk, "", "distribution.collection",
                                      str(collection_id)))
    from distribution.models import Collection, Scan
    from inventory.models import StockMovement

    _copy(Collection._meta.db_table, ["id", "day_id", "household_id", "station", "at", "by_id", "household_size",
                                      "basket", "id_checked", "cancel_reason"], collections)
    _reset_sequence(Collection._meta.db_table)
    _copy(StockMovement._meta.db_table, ["at", "reason", "item_id", "location_id", "lot", "quantity",
                                         "unit_weight_kg", "unit_value_eur", "by_id", "reason_text", "document_type",
                                         "document_id"], movement_rows)
    outcomes = ["already_collected", "revoked_card", "expired_eligibility", "not_enrolled", "unknown_card"]
    _copy(Scan._meta.db_table, ["request_id", "day_id", "station", "at", "by_id", "outcome", "http_status", "answer",
                                "code_hint"],
          ((f"bench-{n}", rng.choice(days).pk, "Τραπέζι 1", datetime(YEAR, 6, 1, 9, tzinfo=tz), user.pk,
            rng.choice(outcomes), 409, json.dumps({}), "") for n in range(COLLECTIONS // 25)))
    report(f"{len(collections)} collections, {len(movement_rows)} ledger rows, {COLLECTIONS // 25} refused scans "
           f"({time.perf_counter() - started:.1f} s)")

    started = time.perf_counter()
    donors = [Donor.objects.create(name=f"Δωρητής {n}", kind=kind) for n, kind in
              enumerate(["person", "business", "programme", "organisation"])]
    donations = Donation.objects.bulk_create([
        Donation(donor=rng.choice(donors), date=rng.choice(day_dates), location=rng.choice(sites), status="received",
                 received_at=timezone.now()) for _n in range(2000)])
    _copy(StockMovement._meta.db_table, ["at", "reason", "item_id", "location_id", "lot", "quantity",
                                         "unit_weight_kg", "unit_value_eur", "by_id", "reason_text", "document_type",
                                         "document_id"],
          ((datetime.combine(d.date, dtime(10), tzinfo=tz), "received", item.pk, d.location_id, "", 400,
            item.weight_kg, item.unit_value_eur, user.pk, "", "inventory.donation", str(d.pk))
           for d in donations for item in rng.sample(items, 5)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report(f"2000 donations, ANALYZE ({time.perf_counter() - started:.1f} s)")
    return programme


def timed(report, label, call, runs=3):
    timings = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    report(f"{label}: median {median * 1000:.0f} ms (best {min(timings) * 1000:.0f} ms)"
           f"{'' if median < 2 else '  ** over the 2 s target **'}")
    return result


def run(report):
    from distribution.selectors.reporting import Period
    from reports import activities, dashboard, esf, operations
    from reports.documents import to_xlsx

    rng = random.Random(8)
    programme = load(report, rng)
    load_1, load_5, _load_15 = os.getloadavg()
    report(f"machine: {os.cpu_count()} CPUs, load average {load_1:.1f} (1 min), {load_5:.1f} (5 min) "
           "— timings on a busy machine are slower than on an idle one")
    year = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    result = timed(report, "ESF+ indicators, whole year", lambda: esf.esf_report(year))
    report(f"   end recipients of food support: {result.figure('people.food').value}, "
           f"value €{result.figure('value.total').value}, food {result.figure('food.tonnes').value} t")
    timed(report, "ESF+ indicators, one month of one programme",
          lambda: esf.esf_report(Period(date(YEAR, 3, 1), date(YEAR, 3, 31), programme_id=programme.pk)))
    timed(report, "ESF+ XLSX export, whole year",
          lambda: to_xlsx(esf.as_document(esf.esf_report(year), subtitle="bench")))
    timed(report, "ESF+ drill-down (children, food, first 2000)",
          lambda: esf.drill_people(year, support="food", group="children", answer="yes", limit=2000))
    timed(report, "ESF+ drill-down (value for homeless, first 2000)",
          lambda: esf.drill_values(year, "food_homeless", limit=2000))
    timed(report, "Distribution report, whole year", lambda: operations.distribution_document(year, "bench"))
    timed(report, "Volunteers and events report, whole year",
          lambda: activities.activities_document(year.start, year.end, None, "bench"))
    timed(report, "Stock report, whole year",
          lambda: operations.stock_document(year.start, year.end, None, "bench"))
    timed(report, "Coordinator's dashboard (charts), whole year", lambda: dashboard.dashboard_charts(year))
