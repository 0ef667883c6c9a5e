"""The day's manifest for offline scan stations: its size and the time to build it.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.manifest

5,000 households (bench.scans' set-up: every 33rd card revoked, household sizes 1–5, a basket of
rice and soap), 1,000 of them already collected; a need recorded for one household in ten (one in
twenty for a member), with two substitutions on the day: their baskets are variants in the manifest.
Prints the whole manifest's size raw and gzip (target <= 300 KB compressed), the time to build it
(median of 5) and the size and time (median of 9) of a delta after 100 more collections. Nothing is
asserted: the unit tests check behaviour.
"""

import gzip
import json
import statistics
import time
import uuid
from datetime import timedelta

from bench.util import throwaway_database

COLLECTED = 1000
MORE = 100


def _needs(data, day, report):
    """Two needs and the day's substitutions for them; a need for every 10th household (its own) and
    every 20th (its reference person's)."""
    from decimal import Decimal

    from distribution.models import BasketSubstitution, HouseholdNeed, Need, Person
    from inventory.models import Item

    rice, soap = data["items"]
    no_pork = Need.objects.create(code="bench-household", name_el="Ανάγκη νοικοκυριού", applies_to="household")
    gluten = Need.objects.create(code="bench-member", name_el="Ανάγκη μέλους", applies_to="member")
    other = Item.objects.create(name_el="Ρύζι άλλο", category="food", unit="pack", weight_kg=Decimal("1"),
                                unit_value_eur=Decimal("2"), is_food=True, food_group=Item.FoodGroup.STARCH)
    BasketSubstitution.objects.create(day=day, need=no_pork, kind="replace", from_item=rice, item=other,
                                      quantity=1)
    BasketSubstitution.objects.create(day=day, need=gluten, kind="add", item=soap, quantity=2, basis="member")
    households = data["households"]
    references = dict(Person.objects.filter(is_reference=True).values_list("household_id", "id"))
    records = [HouseholdNeed(household=h, need=no_pork, legal_basis="public_task") for h in households[::10]]
    records += [HouseholdNeed(household=h, person_id=references[h.pk], need=gluten, legal_basis="public_task")
                for h in households[5::20]]
    HouseholdNeed.objects.bulk_create(records)
    day.save()
    report(f"needs: {len(records)} recorded, 2 substitutions on the day")


def run(report):
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.utils import timezone

    from bench.scans import _new_day, _setup
    from core.models import User
    from distribution.models import Card, Collection, DistributionDay, Enrolment, Household
    from distribution.services.manifest import day_manifest
    from distribution.services.scans import record_scan

    data = _setup(report)
    day = _new_day(data, 1)
    _needs(data, day, report)
    by = User.objects.get(username="bench-table-0")
    codes = data["codes"]

    def collect(start, count):
        for code in codes[start:start + count]:
            record_scan(day_id=day.pk, code=code, station="Τ1", request_id=str(uuid.uuid4()), by=by)

    collect(0, COLLECTED)
    # The planner's statistics, as autovacuum keeps them on a live database: without them, right after
    # the bulk set-up, PostgreSQL guesses a dozen enrolments and walks all 5,000 for a delta of 100.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def size(manifest) -> tuple[int, int]:
        raw = json.dumps(manifest, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()
        return len(raw), len(gzip.compress(raw, compresslevel=6))

    times = []
    for _round in range(5):
        started = time.perf_counter()
        manifest = day_manifest(day_id=day.pk, by=by)
        times.append(time.perf_counter() - started)
    raw, zipped = size(manifest)
    report(f"manifest: {len(manifest['entries'])} entries ({COLLECTED} collected), {len(manifest['baskets'])} "
           f"distinct baskets: {raw / 1024:.0f} KB raw, {zipped / 1024:.0f} KB gzip (target <= 300 KB); "
           f"build {statistics.median(times) * 1000:.0f} ms median, {max(times) * 1000:.0f} ms worst")
    # The delta: what changed since the version above (plus the look-back of a couple of minutes, which
    # here covers the whole set-up: households and cards were just created, so push them back first).
    past = timezone.now() - timedelta(minutes=10)
    Household.objects.update(updated_at=past)
    Card.objects.update(requested_at=past, printed_at=past)
    Card.objects.filter(revoked_at__isnull=False).update(revoked_at=past)
    Enrolment.objects.update(created_at=past)
    DistributionDay.objects.filter(pk=day.pk).update(updated_at=past)
    Collection.objects.filter(day=day).update(at=past, recorded_at=past)
    version = day_manifest(day_id=day.pk, by=by)["version"]
    collect(COLLECTED, MORE)
    times = []
    for _round in range(9):
        started = time.perf_counter()
        delta = day_manifest(day_id=day.pk, since=version, by=by)
        times.append(time.perf_counter() - started)
    raw, zipped = size(delta)
    report(f"delta after {MORE} collections: {len(delta['entries'])} entries, {raw / 1024:.1f} KB raw, "
           f"{zipped / 1024:.1f} KB gzip, build {statistics.median(times) * 1000:.1f} ms median of 9, "
           f"{min(times) * 1000:.1f} ms best")


def main():
    with throwaway_database():
        run(lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
