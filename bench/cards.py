"""Benchmark: render 1,000 ID-1 cards to one PDF; prints the time and the peak memory.

    .venv/bin/python -m bench.cards [--cards 1000]

Targets: under 5 s and under 300 MB. No database is needed: the cards are built in memory
exactly as services.cards.print_cards hands them to the renderer.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--output", help="also write the PDF here")
    args = parser.parse_args()

    import django

    django.setup()
    from unittest import mock

    from core.models import Centre
    from distribution.identifiers import card_number_for_serial, new_token
    from distribution.models import Card, Household, Person
    from distribution.services.card_pdf import render_cards

    centre = Centre(pk=1, name="Κέντρο Κοινότητας & Παράρτημα Ρομά Δήμου Δράμας",
                    address="Πλατεία Ελευθερίας (Ισόγειο Παλαιού Δημαρχείου), Δράμα",
                    phones="2521057206, 2521025527 (Παράρτημα Ρομά)")
    names = ["Παρασκευή", "Γιώργος", "Αϊσέ", "Μουσταφά", "Αικατερίνη", "Mohammad", "Ζεϊνέπ", "Κωνσταντίνος"]
    items = []
    for index in range(args.cards):
        household = Household(pk=index + 1)
        household._prefetched_objects_cache = {"members": [Person(first_name=names[index % len(names)],
                                                                  is_reference=True)]}
        card = Card(pk=index + 1, household=household, number=card_number_for_serial(index + 1),
                    valid_until=date(2027, 11, 30))
        items.append((card, new_token()))

    with mock.patch.object(Centre, "current", return_value=centre):
        render_cards(items[:1])  # fonts registered and modules imported before timing
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started, cpu_started = time.perf_counter(), time.process_time()
        pdf = render_cards(items)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tracemalloc.start()
        render_cards(items)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if args.output:
        Path(args.output).write_bytes(pdf)
    pages = (args.cards + 9) // 10
    print(f"{args.cards} cards, {pages} A4 pages, {len(pdf) / 1024:.0f} KB PDF")
    print(f"time: {elapsed:.2f} s wall, {cpu:.2f} s CPU (target < 5 s; CPU time is the wall time on an idle core)")
    print(f"peak memory: process {rss_after:.0f} MB (was {rss_before:.0f} MB before rendering), "
          f"Python allocations during rendering {peak / 1e6:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
