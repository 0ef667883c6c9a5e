"""Reports on a year of data: 50,000 people in ~15,000 households, 500,000 collections, their stock
movements (~1.5 million ledger rows), donations, scans, and a year of volunteer shifts (150 volunteers,
2,000 shifts) and events (300 events, ~10,000 registrations).

Households and people are inserted with bulk_create; collections, movements and scans with
PostgreSQL COPY. Each report is then timed (median of three runs; target < 2 s each) and the
timings are printed with the target and whether it is met.

    BENCH_DATABASE_URL=postgres://... python -m bench reports   (or: python -m bench.reports)
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

from bench.util import throwaway_database

# The volume; smaller sizes from the environment for a quick check of the benchmark itself.
PEOPLE = int(os.environ.get("BENCH_REPORTS_PEOPLE", 50_000))
COLLECTIONS = int(os.environ.get("BENCH_REPORTS_COLLECTIONS", 500_000))
YEAR = 2025
TARGET_S = 2.0
TOTALS = ["has_food", "has_goods", "food_kg", "food_value_eur", "goods_kg", "goods_value_eur"]


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
    from distribution.selectors.days import BasketLine, basket_totals
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
    for household, _size in households:
        household.fill_derived_fields()  # bulk_create skips save()
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
            people[-1].fill_derived_fields()
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
            lines = [BasketLine(item, Decimal(rng.randint(1, 3))) for item in rng.sample(items, 3)]
            totals = basket_totals(lines)  # what the scan service records with the collection
            collections.append((collection_id, day.pk, household.pk, "Τραπέζι 1", at, user.pk, size, "[]", False, "",
                                *(totals[column] for column in TOTALS)))
            for line in lines:
                movement_rows.append((at, "distributed", line.item.pk, day.location_id, "", -line.quantity,
                                      line.item.weight_kg, line.item.unit_value_eur, user.pk, "",
                                      "distribution.collection", str(collection_id)))
    from distribution.models import Collection, Scan
    from inventory.models import StockMovement

    _copy(Collection._meta.db_table, ["id", "day_id", "household_id", "station", "at", "by_id", "household_size",
                                      "basket", "id_checked", "cancel_reason", *TOTALS], collections)
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
    report(f"2000 donations ({time.perf_counter() - started:.1f} s)")

    started = time.perf_counter()
    report(load_volunteers(rng, sites, day_dates, user))
    report(load_events(rng, sites, user))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report(f"VACUUM ANALYZE ({time.perf_counter() - started:.1f} s)")
    return programme


def load_volunteers(rng: random.Random, sites, day_dates, user) -> str:
    """A year of volunteering: 150 volunteers, 2,000 shifts at the two sites (a few cancelled), assignments
    with attendance and approved hours for the shifts that took place."""
    from volunteers.models import Assignment, Shift, Volunteer

    tz = timezone.get_current_timezone()
    volunteers = Volunteer.objects.bulk_create([
        Volunteer(first_name=f"Εθελοντής{n}", last_name="Bench", email=f"v{n}@example.org", phone=f"69{n:08d}",
                  status=Volunteer.Status.ACTIVE) for n in range(150)])
    shifts, plans, busy = [], [], set()  # (volunteer, day): at most one shift a day (no overlaps)
    for n in range(2000):
        day = day_dates[n % len(day_dates)]
        starts_at = datetime.combine(day, dtime(rng.choice([7, 8, 11])), tzinfo=tz)
        maximum = rng.randint(2, 5)
        cancelled = rng.random() < 0.03
        free = [v for v in rng.sample(volunteers, 12) if (v.pk, day) not in busy]
        people = free[:rng.randint(0, maximum)] if not cancelled else []
        busy.update((v.pk, day) for v in people)
        shifts.append(Shift(location=sites[n % 2], starts_at=starts_at, ends_at=starts_at + timedelta(hours=4),
                            min_people=min(2, maximum), max_people=maximum, booked=len(people),
                            cancelled_at=starts_at - timedelta(days=2) if cancelled else None))
        plans.append(people)
    shifts = Shift.objects.bulk_create(shifts, batch_size=1000)
    assignments = []
    for shift, people in zip(shifts, plans, strict=True):
        for volunteer in people:
            present = rng.random() < 0.9
            assignments.append(Assignment(
                shift=shift, volunteer=volunteer, status=Assignment.Status.CONFIRMED, starts_at=shift.starts_at,
                ends_at=shift.ends_at, attendance="present" if present else "no_show",
                hours=Decimal(4) if present else None, hours_approved_at=shift.ends_at if present else None,
                hours_approved_by=user if present else None))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    return f"{len(volunteers)} volunteers, {len(shifts)} shifts, {len(assignments)} assignments"


def load_events(rng: random.Random, sites, user) -> str:
    """A year of events: 300 (some cancelled, a few drafts), ~10,000 registrations (confirmed, waiting,
    cancelled) of one to three places, most confirmed ones checked in at the door."""
    from events.models import CheckIn, Event, Registration

    tz = timezone.get_current_timezone()
    categories = [code for code, _label in Event.Category.choices]
    events, plans = [], []
    for n in range(300):
        starts_at = datetime.combine(date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 364)), dtime(17), tzinfo=tz)
        status = rng.choices(["published", "cancelled", "draft"], weights=[90, 6, 4])[0]
        capacity = rng.randint(20, 60)
        places = [rng.choice([1, 1, 1, 2, 3]) for _n in range(rng.randint(15, 52))]
        taken, plan = 0, []
        for count in places:
            if status == "cancelled":
                plan.append((count, Registration.Status.CANCELLED))
            elif taken + count <= capacity:
                taken += count
                plan.append((count, Registration.Status.CONFIRMED))
            else:
                plan.append((count, Registration.Status.WAITING))
        events.append(Event(title_el=f"Εκδήλωση {n}", category=rng.choice(categories), location=sites[n % 2],
                            starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), capacity=capacity,
                            places_taken=taken, status=status, created_by=user,
                            published_at=starts_at - timedelta(days=20) if status != "draft" else None,
                            cancelled_at=starts_at - timedelta(days=1) if status == "cancelled" else None))
        plans.append(plan)
    events = Event.objects.bulk_create(events)
    registrations = [Registration(event=event, name=f"Συμμετέχων {n}-{i}", email=f"r{n}-{i}@example.org",
                                  places=count, status=status, consent_at=event.starts_at - timedelta(days=5))
                     for n, (event, plan) in enumerate(zip(events, plans, strict=True))
                     for i, (count, status) in enumerate(plan)]
    registrations = Registration.objects.bulk_create(registrations, batch_size=2000)
    checkins = CheckIn.objects.bulk_create([
        CheckIn(registration=r, at=r.event.starts_at, by=user) for r in registrations
        if r.status == Registration.Status.CONFIRMED and r.event.starts_at < timezone.now() and rng.random() < 0.75],
        batch_size=2000)
    return f"{len(events)} events, {len(registrations)} registrations, {len(checkins)} check-ins"


def timed(report, label, call, runs=3, results=None):
    """Run `call` `runs` times; print the median and best time, the target and whether it is met."""
    timings = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    met = median < TARGET_S
    report(f"{label:<55} median {median * 1000:6.0f} ms (best {min(timings) * 1000:6.0f} ms)  "
           f"target < {TARGET_S:.0f} s: {'met' if met else '** NOT MET **'}")
    if results is not None:
        results.append((label, median, met))
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
    results: list = []

    def time_it(label, call):
        return timed(report, label, call, results=results)

    result = time_it("ESF+ indicators, whole year", lambda: esf.esf_report(year))
    report(f"   end recipients of food support: {result.figure('people.food').value}, "
           f"value €{result.figure('value.total').value}, food {result.figure('food.tonnes').value} t")
    time_it("ESF+ indicators, one month of one programme",
            lambda: esf.esf_report(Period(date(YEAR, 3, 1), date(YEAR, 3, 31), programme_id=programme.pk)))
    time_it("ESF+ XLSX export, whole year", lambda: to_xlsx(esf.as_document(esf.esf_report(year), subtitle="bench")))
    time_it("ESF+ drill-down (children, food, first 2000)",
            lambda: esf.drill_people(year, support="food", group="children", answer="yes", limit=2000))
    time_it("ESF+ drill-down (value for homeless, first 2000)",
            lambda: esf.drill_values(year, "food_homeless", limit=2000))
    time_it("Distribution report, whole year", lambda: operations.distribution_document(year, "bench"))
    time_it("Volunteers and events report, whole year",
            lambda: activities.activities_document(year.start, year.end, None, "bench"))
    time_it("Stock report, whole year", lambda: operations.stock_document(year.start, year.end, None, "bench"))
    time_it("Coordinator's dashboard (charts), whole year", lambda: dashboard.dashboard_charts(year))
    load_1, load_5, _load_15 = os.getloadavg()
    missed = [label for label, _median, met in results if not met]
    report(f"load average after the runs {load_1:.1f} (1 min), {load_5:.1f} (5 min); "
           + (f"{len(missed)} of {len(results)} over the {TARGET_S:.0f} s target: {', '.join(missed)}" if missed
              else f"all {len(results)} reports under the {TARGET_S:.0f} s target"))


if __name__ == "__main__":
    with throwaway_database():
        run(print)
