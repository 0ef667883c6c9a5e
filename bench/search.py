"""Greek-aware search on 50,000 rows: the search key column and its trigram index (core).

    DATABASE_URL=postgres://… .venv/bin/python -m bench.search
"""

import random
import statistics
import time

from bench.util import throwaway_database

FIRST = ["Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Δημήτρης", "Αϊσέ", "Μεχμέτ", "Φατμέ", "Κώστας", "Σοφία"]
LAST = ["Παπαδόπουλος", "Σαλή", "Καραγιάννης", "Αχμέτ", "Ιωαννίδου", "Χασάν", "Γεωργίου", "Μουσταφά"]


def run(report, rows=50_000):
    from django.db import connection

    from core.models import Location
    from core.text import filter_by_search, search_key

    rng = random.Random(7)
    batch = []
    for n in range(rows):
        location = Location(name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}", address=f"Οδός {n % 700}")
        location.search_text = f"{location.name} {location.address}"
        batch.append(location)
    for location in batch:
        location.search_text = search_key(location.search_text)
    Location.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_location")
    report(f"{rows} rows with search keys")
    for query in ["papadopoulos", "ΣΑΛΗ", "Γιώργος Καραγιάννης", "mehmet hasan"]:
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            found = len(list(filter_by_search(Location.objects.all(), query)[:50]))
            timings.append((time.perf_counter() - started) * 1000)
        plan = filter_by_search(Location.objects.all(), query).explain()
        index = "trigram index" if "trgm" in plan else "no index"
        report(f"search {query!r}: {found} shown, median {statistics.median(timings):.1f} ms ({index})")


if __name__ == "__main__":
    with throwaway_database():
        run(print)
