"""Inventory benchmarks: print figures, assert nothing (the lead wires `make bench`).

    DEBUG=1 .venv/bin/python -m bench.inventory            # SQLite (a throw-away test database)
    DATABASE_URL=postgres://… DEBUG=1 .venv/bin/python -m bench.inventory

Measures take_out (a distribution scan's stock part: its query count and time for 1–40 lines),
receiving a 60-line donation, the stock list query and check_stock over ~100 000 ledger rows.
"""

import statistics
import time
from decimal import Decimal

from bench.util import throwaway_database


def _timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main():
    with throwaway_database() as connection:
        from django.db import transaction
        from django.test.utils import CaptureQueriesContext

        from core.models import Location, User
        from inventory import selectors, services
        from inventory.models import Item, StockMovement
        from inventory.services.stock import Delta, apply_deltas

        print(f"database: {connection.vendor}")
        user = User.objects.create_user("bench", password="x-long-password-1")  # noqa: S106
        store = Location.objects.create(name="Bench store", kind=Location.Kind.STORE)
        items = [Item.objects.create(name_el=f"Είδος {i}", category="food", is_food=True, food_group="starch",
                                     weight_kg=Decimal("1"), unit_value_eur=Decimal("1.5")) for i in range(500)]
        with transaction.atomic():
            deltas = [Delta(item, store.pk, f"L{lot}", None, Decimal("100000"), StockMovement.Reason.RECEIVED)
                      for item in items for lot in range(3)]
            apply_deltas(deltas, by=user)
        for lines in (1, 8, 40):
            basket = [(item, Decimal("1")) for item in items[:lines]]
            with CaptureQueriesContext(connection) as queries:
                services.take_out(location=store, lines=basket, by=user)
            median, worst = _timed(lambda basket=basket: services.take_out(location=store, lines=basket, by=user), 50)
            shape = ("one statement: lock, allocate, update, insert" if connection.vendor == "postgresql"
                     else "BEGIN, lock, update, insert, COMMIT")
            print(f"take_out {lines:>2} lines, no caller's transaction: {len(queries)} statements ({shape}), "
                  f"median {median:.1f} ms, max {worst:.1f} ms")

        def receive_donation():
            donor = services.save_donor(services.catalogue.Donor(name="Bench donor"), by=user)
            donation = services.create_donation(donor=donor, location=store, by=user)
            for item in items[:60]:
                services.add_donation_line(donation, item=item, quantity=12, by=user)
            services.receive_donation(donation, by=user)

        median, worst = _timed(receive_donation, 5)
        print(f"donation of 60 lines (entry + receive): median {median:.0f} ms, max {worst:.0f} ms")
        # Grow the ledger to ~100 000 rows.
        with transaction.atomic():
            while StockMovement.objects.count() < 100_000:
                services.take_out(location=store, lines=[(item, Decimal("1")) for item in items], by=user)
        rows = StockMovement.objects.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
        median, worst = _timed(lambda: list(selectors.stock_on_hand()), 5)
        print(f"stock list (500 items, {rows} ledger rows): median {median:.0f} ms")
        median, worst = _timed(selectors.stock_differences, 3)
        print(f"check_stock over {rows} ledger rows: median {median:.0f} ms, "
              f"differences {len(selectors.stock_differences())}")


if __name__ == "__main__":
    main()
