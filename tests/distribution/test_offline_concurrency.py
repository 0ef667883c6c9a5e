"""Offline queues synchronised at once on PostgreSQL: several stations' batches, with the same
households across batches and against online scans, end with one collection per household, every
other green hand-out flagged as an offline hand-out, the stock exact and check_stock clean; a replay
records nothing."""

import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from distribution.models import Collection, OfflineHandout, Scan
from distribution.services.offline import record_offline_scan
from distribution.services.scans import record_scan
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import d, day_with_basket, household
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
STATIONS = 4
HOUSEHOLDS = 6


def run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors = [None] * len(jobs), []

    def worker(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_parallel_batches_and_online_scans(on_postgres):
    day, items = day_with_basket(stock_per_item=500)
    codes = [household(day.programme, size=2)[2] for _ in range(HOUSEHOLDS)]
    made = timezone.now() - timedelta(minutes=10)
    stations = [UserFactory(username=f"offline{i}", role="volunteer") for i in range(STATIONS)]
    # Station i handed out offline to households i, i+1, i+2 (mod 6) and 0: every household at two
    # tables or more, household 0 at all four.
    batches = [[(codes[(i + k) % HOUSEHOLDS], str(uuid.uuid4()), made + timedelta(seconds=k)) for k in range(3)]
               + [(codes[0], str(uuid.uuid4()), made + timedelta(seconds=5))] for i in range(STATIONS)]
    batches = [[entry for n, entry in enumerate(batch) if entry[0] not in [e[0] for e in batch[:n]]]
               for batch in batches]  # a station never hands out twice to one household (refused locally)
    online_users = [UserFactory(username=f"online{i}", role="volunteer") for i in range(2)]
    online = [(codes[i], online_users[i % 2], str(uuid.uuid4())) for i in range(3)]

    def sync(user, batch):
        return lambda: [record_offline_scan(day_id=day.pk, code=code, station=user.username, request_id=request_id,
                                            by=user, made_at=at) for code, request_id, at in batch]

    def scan(code, user, request_id):
        return lambda: [record_scan(day_id=day.pk, code=code, station=user.username, request_id=request_id, by=user)]

    jobs = [sync(stations[i], batches[i]) for i in range(STATIONS)] + [scan(*call) for call in online]
    answers = [answer for result in run_at_once(jobs) for answer in result]
    outcomes = Counter(answer.outcome for answer in answers)
    offline_greens = sum(len(batch) for batch in batches)
    # Every household collected once; every offline green that did not become the collection is flagged;
    # an online scan that came second was refused (nothing left the hall).
    assert Collection.objects.count() == HOUSEHOLDS
    assert Collection.objects.values("household").distinct().count() == HOUSEHOLDS
    handouts = OfflineHandout.objects.count()
    assert outcomes["offline_handout"] == handouts
    assert outcomes["collected"] == HOUSEHOLDS
    assert set(outcomes) <= {"collected", "offline_handout", "already_collected"}
    online_collected = sum(1 for answer in answers[-len(online):] if answer.outcome == "collected")
    assert handouts == offline_greens - (HOUSEHOLDS - online_collected)
    assert set(OfflineHandout.objects.values_list("reason", flat=True)) == {"already_collected"}
    for handout in OfflineHandout.objects.select_related("collection"):
        assert handout.collection.household_id == handout.household_id and handout.stock_taken
    baskets = HOUSEHOLDS + handouts  # households of 2: rice 2, soap 2 each
    level = available_by_item(day.location, [items["rice"], items["soap"]])
    assert level == {items["rice"].pk: d(500 - 2 * baskets), items["soap"].pk: d(500 - 2 * baskets)}
    call_command("check_stock")
    # Every batch again, all at once: the stored answers, nothing new.
    scans = Scan.objects.count()
    replayed = [answer for result in run_at_once([sync(stations[i], batches[i]) for i in range(STATIONS)])
                for answer in result]
    assert all(answer.replay for answer in replayed)
    assert (Scan.objects.count(), Collection.objects.count(), OfflineHandout.objects.count()) == (
        scans, HOUSEHOLDS, handouts)
    assert available_by_item(day.location, [items["rice"]])[items["rice"].pk] == d(500 - 2 * baskets)
