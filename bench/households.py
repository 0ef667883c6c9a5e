"""Benchmark: search among 50,000 people (households), on the database in DATABASE_URL.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.households [--people 50000]

Creates a throwaway test database (test_<name>), fills it with synthetic Greek, Roma and migrant
names, then prints the median and worst time of each kind of search. Nothing is asserted: the
figures are for people to read (the unit tests check behaviour, not speed).
"""

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from bench.util import throwaway_database


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print each search's query plan")
    args = parser.parse_args()

    with throwaway_database():
        run(args.people, args.repeat, args.explain)


def run(total_people, repeat, explain=False):
    from django.db import connection

    from distribution.demo.households import (
        GREEK_MEN,
        GREEK_SURNAMES,
        GREEK_WOMEN,
        MIGRANTS,
        ROMA_MEN,
        ROMA_SURNAMES,
        ROMA_WOMEN,
    )
    from distribution.identifiers import card_number_for_serial, hash_token, make_amka, new_token
    from distribution.models import Card, Household, Person
    from distribution.selectors import card_for_code, households_matching

    rng = random.Random(50_000)
    firsts = GREEK_MEN + GREEK_WOMEN + ROMA_MEN + ROMA_WOMEN + [n for m in MIGRANTS for n in m[0] + m[1]]
    lasts = [s for pair in GREEK_SURNAMES + ROMA_SURNAMES for s in pair] + [s for m in MIGRANTS for s in m[2]]
    started = time.perf_counter()
    households = Household.objects.bulk_create([Household() for _ in range(total_people // 3)], batch_size=2000)
    people, cards, tokens = [], [], []
    for index in range(total_people):
        household = households[index % len(households)]
        birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 30_000))
        person = Person(household=household, is_reference=index < len(households), first_name=rng.choice(firsts),
                        last_name=rng.choice(lasts), birth_date=birth, amka=make_amka(birth, index),
                        phone=f"69{rng.randint(10_000_000, 99_999_999)}")
        person.fill_derived_fields()
        people.append(person)
    Person.objects.bulk_create(people, batch_size=2000)
    for index, household in enumerate(households):
        token = new_token()
        tokens.append(token)
        cards.append(Card(household=household, number=card_number_for_serial(index + 1), token_hash=hash_token(token),
                          status=Card.Status.HANDED_OVER, handed_over_at="2026-01-01T10:00Z",
                          valid_until=date(2027, 1, 1)))
    Card.objects.bulk_create(cards, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {len(people):,} people in {len(households):,} households, "
          f"{len(cards):,} cards, created in {time.perf_counter() - started:.1f} s")

    sample = people[rng.randrange(len(people))]
    queries = {
        "name, Greek with accents": f"{sample.first_name} {sample.last_name}",
        "name, capitals": sample.last_name.upper(),
        "name, Latin letters": {"Σαλή": "sali", "Παπαδοπούλου": "papadopoulou"}.get(sample.last_name, "papadopoulos"),
        "name, first 4 letters": sample.last_name[:4],
        "AMKA": sample.amka,
        "phone": sample.phone,
        "card number": Card.objects.get(household=sample.household).display_number,
    }
    print(f"{'search':<28}{'results':>9}{'median ms':>11}{'worst ms':>10}")
    for label, query in queries.items():
        timings = []
        for _ in range(repeat):
            t = time.perf_counter()
            found = list(households_matching(query)[:50])
            timings.append((time.perf_counter() - t) * 1000)
        print(f"{label:<28}{len(found):>9}{statistics.median(timings):>11.1f}{max(timings):>10.1f}")
        if explain:
            print(households_matching(query)[:50].explain(**({"analyze": True} if connection.vendor == "postgresql"
                                                               else {})))
    timings = []
    for token in rng.sample(tokens, min(repeat * 5, len(tokens))):
        t = time.perf_counter()
        assert card_for_code("KC1-" + token) is not None
        timings.append((time.perf_counter() - t) * 1000)
    print(f"{'card_for_code (QR scan)':<28}{1:>9}{statistics.median(timings):>11.1f}{max(timings):>10.1f}")


if __name__ == "__main__":
    main()
