"""What the benchmarks that build big databases share (bench/reports.py: one centre with years of
history; bench/national.py: 240 centres with a year each): rows streamed into PostgreSQL COPY (no list of
model instances), collections and their ledger rows generated inside PostgreSQL by INSERT … SELECT from
a few hundred precomputed baskets, and a kept database reused from one run to the next.

Not a benchmark itself (the leading underscore keeps `python -m bench` from running it)."""

import contextlib
import json
import random
import time
from datetime import date, datetime
from decimal import Decimal
from math import gcd

from django.db import connection
from django.utils import timezone

from bench import util  # noqa: F401 - Django's settings and the project on the path, as every bench module

TOTALS = ["has_food", "has_goods", "food_kg", "food_value_eur", "goods_kg", "goods_value_eur"]
BASKETS = 256


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def copy_rows(table: str, columns: list[str], rows, chunk: int = 50_000) -> int:
    """COPY rows in PostgreSQL's text format, written in chunks (much faster than row by row)."""
    count = 0
    lines = []
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                lines.append("\t".join(_text(v) for v in row))
                count += 1
                if len(lines) >= chunk:
                    copy.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                copy.write("\n".join(lines) + "\n")
    return count


def reset_sequence(table: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table names
                       f"(SELECT MAX(id) FROM {table}))")


def model_copy(model, objects, *, ids: bool = True) -> int:
    """COPY model instances as they would be saved, one at a time: the instances are made by a generator
    and dropped after, so memory stays flat whatever the number. `ids`: the instances have their ids set
    (else the database numbers them)."""
    fields = [f for f in model._meta.concrete_fields if not f.generated and (ids or not f.primary_key)]

    def rows():
        for obj in objects:
            row = []
            for f in fields:
                value = f.pre_save(obj, add=True)
                if f.get_internal_type() == "JSONField":
                    row.append(json.dumps(value))
                else:
                    row.append(f.get_db_prep_save(value, connection))
            yield row

    count = copy_rows(model._meta.db_table, [f.column for f in fields], rows())
    if ids:
        reset_sequence(model._meta.db_table)
    return count


def household_sizes(rng: random.Random, people: int = 0, households: int = 0) -> list[int]:
    """Household sizes adding up to `people` (or `households` of them), with a running total (linear)."""
    sizes, total = [], 0
    while (total < people) if people else (len(sizes) < households):
        size = rng.choice([1, 2, 3, 3, 4, 5, 6])
        size = min(size, people - total) if people else size
        sizes.append(size)
        total += size
    return sizes


FOOD = [("Ρύζι", "starch", "1.000", "1.20"), ("Μακαρόνια", "starch", "0.500", "0.80"),
        ("Γάλα", "milk", "1.030", "0.95"), ("Φέτα", "milk", "0.400", "3.20"), ("Λάδι", "fats", "1.000", "6.50"),
        ("Ζάχαρη", "sugar", "1.000", "1.10"), ("Φακές", "meat_eggs_fish", "0.500", "1.40"),
        ("Τόνος", "meat_eggs_fish", "0.160", "1.60"), ("Ντομάτα", "fruit_veg", "0.400", "0.70"),
        ("Μήλα", "fruit_veg", "1.000", "1.30")]
GOODS = [("Πάνες", "baby", "0.800", "8.50"), ("Σαπούνι", "hygiene", "0.100", "1.10"),
         ("Τετράδια", "school", "0.300", "2.00"), ("Απορρυπαντικό", "hygiene", "1.500", "4.50")]


def make_items() -> list:
    """The current centre's fourteen items of the baskets: ten foods of every food group, four other goods
    (children's among them)."""
    from inventory.models import Item

    items = [Item.objects.create(name_el=f"{name} (bench)", category="food", is_food=True, food_group=group,
                                 weight_kg=Decimal(kg), unit_value_eur=Decimal(eur)) for name, group, kg, eur in FOOD]
    return items + [Item.objects.create(name_el=f"{name} (bench)", category=category, weight_kg=Decimal(kg),
                                        unit_value_eur=Decimal(eur)) for name, category, kg, eur in GOODS]


NATIONALITIES = ["GR"] * 12 + ["AL", "SY", "AF", "BG", "GE", ""]


def load_people(rng: random.Random, sizes: list[int], *, first_household: int = 1, first_person: int = 1,
                amka=None) -> int:
    """Households (ids from `first_household`, household n has sizes[n] members) and their people (ids from
    `first_person`), streamed into COPY, in the scope's centre. `amka(n)`: the AMKA of the
    centre's n-th person ("" for none). Returns the number of people."""
    from distribution.models import Household, Person

    answers = ["yes", "no", None]
    now = timezone.now()

    def households():
        for n, _size in enumerate(sizes, start=first_household):
            homeless = rng.choices(answers, weights=[5, 80, 15])[0]
            household = Household(id=n, categories={"homeless": homeless} if homeless else {}, created_at=now)
            household.fill_derived_fields()
            yield household

    model_copy(Household, households())
    counted = 0

    def people():
        nonlocal counted
        person_id = first_person - 1
        for household_id, size in enumerate(sizes, start=first_household):
            for position in range(size):
                person_id += 1
                birth = date(rng.randint(1935, 2024), rng.randint(1, 12), rng.randint(1, 28))
                categories = {key: rng.choice(["yes", "no", "no", "no"])
                              for key in ("roma", "migrant", "disability") if rng.random() < 0.85}
                person = Person(id=person_id, household_id=household_id, is_reference=position == 0,
                                first_name="Bench", last_name=str(person_id), sex=rng.choice(["F", "M", "F", "M", ""]),
                                birth_date=birth if rng.random() < 0.97 else None, amka=amka(counted) if amka else "",
                                nationality=rng.choice(NATIONALITIES), categories=categories, created_at=now)
                person.fill_derived_fields()
                counted += 1
                yield person

    model_copy(Person, people())
    return counted


def step(days: int, per_household: int) -> int:
    """A step through the days coprime with their number: k * step (mod days), k < per_household, are
    distinct days spread over the whole history."""
    found = max(1, days // max(per_household, 1))
    while gcd(found, days) != 1:
        found += 1
    return found


def baskets(rng: random.Random, items) -> tuple[list, list]:
    """BASKETS baskets of three of `items` each: (rows of their totals as the scan records them, their lines
    as (basket, item position, quantity)); the lines name items by position, so that every centre's own
    items can stand in them."""
    from distribution.selectors.baskets import BasketLine, basket_totals

    totals, lines = [], []
    for basket in range(BASKETS):
        chosen = [(position, Decimal(rng.randint(1, 3))) for position in rng.sample(range(len(items)), 3)]
        found = basket_totals([BasketLine(items[position], quantity) for position, quantity in chosen])
        totals.append((basket, *(found[column] for column in TOTALS)))
        lines += [(basket, position, quantity) for position, quantity in chosen]
    return totals, lines


@contextlib.contextmanager
def bulk_load(*tables):
    """Bulk load into `tables`: their indexes (not the constraints') are dropped and built once after the
    rows, not row by row, and foreign keys and triggers are not checked row by row (the rows are
    consistent by construction)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        indexes = []
        for table in tables:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                           "(SELECT conname FROM pg_constraint)", [table])
            for name, definition in cursor.fetchall():
                indexes.append(definition)
                cursor.execute(f'DROP INDEX "{name}"')
        try:
            yield cursor
        finally:
            for definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET session_replication_role = DEFAULT")


def insert_collections(households, days, lines, totals, user_id) -> tuple[int, int]:
    """Collections spread over households and their centre's days (at most one per household and day), each
    with one of the BASKETS baskets and its ledger rows, generated in PostgreSQL in the order the scans
    write them (day by day), as a real database holds them. Collection ids from 1 (an empty table).

    households: (centre id, household id, size, collections, first day index, step, days of its centre);
    days: (centre id, index, day id, date, location id), indexes from 0 per centre; lines: (centre id,
    basket, item id, quantity, weight per unit, value per unit); totals: as `baskets` gives them."""
    from distribution.models import Collection, DistributionDay
    from inventory.models import StockMovement

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_basket (basket int, has_food bool, has_goods bool, food_kg numeric, "
                       "food_value_eur numeric, goods_kg numeric, goods_value_eur numeric)")
        cursor.execute("CREATE TEMP TABLE bench_line (centre_id int, basket int, item_id int, quantity numeric, "
                       "unit_kg numeric, unit_eur numeric)")
        cursor.execute("CREATE TEMP TABLE bench_day (centre_id int, idx int, id int, date date, location_id int, "
                       "PRIMARY KEY (centre_id, idx))")
        cursor.execute("CREATE TEMP TABLE bench_household (centre_id int, id int, size int, collections int, "
                       "offset_day int, step int, days int)")
    copy_rows("bench_basket", ["basket", *TOTALS], totals)
    copy_rows("bench_line", ["centre_id", "basket", "item_id", "quantity", "unit_kg", "unit_eur"], lines)
    copy_rows("bench_day", ["centre_id", "idx", "id", "date", "location_id"], days)
    copy_rows("bench_household", ["centre_id", "id", "size", "collections", "offset_day", "step", "days"], households)
    collection_t, day_t = Collection._meta.db_table, DistributionDay._meta.db_table
    movement_t = StockMovement._meta.db_table
    with bulk_load(collection_t, movement_t) as cursor:
        cursor.execute("ANALYZE bench_household")
        cursor.execute("ANALYZE bench_day")
        cursor.execute("ANALYZE bench_line")
        cursor.execute(f"""
            INSERT INTO {collection_t} (id, centre_id, day_id, household_id, station, at, recorded_at, by_id,
                                        household_size, basket, id_checked, cancel_reason, {', '.join(TOTALS)})
            SELECT x.n, x.centre_id, x.day_id, x.household_id, 'Τραπέζι 1', x.at, x.at,
                   %s, x.size, '[]', false, '', {', '.join('b.' + c for c in TOTALS)}
            FROM (SELECT *, (date + time '08:00' + ((household_id * 37 + k * 101) %% 330) * interval '1 minute')
                             AT TIME ZONE %s AS at
                  FROM (SELECT ROW_NUMBER() OVER (ORDER BY d.date, d.centre_id, h.id) AS n, h.centre_id,
                               d.id AS day_id, d.date, h.id AS household_id, h.size, k
                  FROM bench_household h CROSS JOIN LATERAL generate_series(0, h.collections - 1) AS k
                  JOIN bench_day d ON d.centre_id = h.centre_id AND d.idx = (h.offset_day + k * h.step) %% h.days
                  ) w) x
            JOIN bench_basket b ON b.basket = x.n %% {BASKETS}
            ORDER BY x.n
            """, [user_id, str(timezone.get_current_timezone())])  # noqa: S608 - our table names
        collections = cursor.rowcount
        cursor.execute(f"""
            INSERT INTO {movement_t} (centre_id, at, reason, item_id, location_id, lot, quantity,
                unit_weight_kg, unit_value_eur, by_id, reason_text, document_type, document_id)
            SELECT c.centre_id, c.at, 'distributed', l.item_id, d.location_id, '', -l.quantity, l.unit_kg,
                   l.unit_eur, %s, '', 'distribution.collection', CAST(c.id AS varchar)
            FROM {collection_t} c JOIN {day_t} d ON d.id = c.day_id
            JOIN bench_line l ON l.centre_id = c.centre_id AND l.basket = c.id %% {BASKETS}
            ORDER BY c.id
            """, [user_id])  # noqa: S608 - our table names
        movements = cursor.rowcount
    reset_sequence(collection_t)
    for table in ("bench_basket", "bench_line", "bench_day", "bench_household"):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")
    return collections, movements


def kept_database(name: str, holds_data):
    """Like util.throwaway_database, but the database `name` is kept, and reused when it already holds
    the data (it is migrated to the current code first; `holds_data(cursor)` says whether it holds a load,
    and then a migration that ran gets a VACUUM ANALYZE, as after a load)."""

    @contextlib.contextmanager
    def database():
        import django

        django.setup()
        from django.db import connection as db
        from django.test.utils import setup_test_environment

        setup_test_environment()
        db.settings_dict.setdefault("TEST", {})["NAME"] = name
        started = timezone.now()
        db.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=True)  # migrates
        with db.cursor() as cursor:
            cursor.execute("SELECT MAX(applied) FROM django_migrations")
            if cursor.fetchone()[0] >= started and holds_data(cursor):
                # A migration changed the kept data (a new column, an index rebuilt): the planner needs
                # fresh statistics, and index-only scans a fresh visibility map, as after a load.
                migrated = time.perf_counter()
                cursor.execute("VACUUM ANALYZE")
                print(f"migrations applied to the kept database: VACUUM ANALYZE "
                      f"({time.perf_counter() - migrated:.1f} s)", flush=True)
        from core.tenancy import CentreRef, centre_scope

        with centre_scope(CentreRef(first=True)):
            yield db

    return database()
