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


def test_parallel_batches_carrying_request_ids_answered_online(on_postgres):
    """Each station had sent some scans online and never heard the answer (the server refused them:
    another table had served the household); it then handed out offline under the same request ids.
    Synchronised all at once with new online scans, every green offline scan is one hand-out or the
    collection, the stored refusals become hand-outs rather than hiding them, stock and ledger agree."""
    day, items = day_with_basket(stock_per_item=500)
    codes = [household(day.programme, size=2)[2] for _ in range(HOUSEHOLDS)]
    first = UserFactory(username="first", role="volunteer")
    for code in codes[:3]:  # households 0-2 collected online at the first table
        record_scan(day_id=day.pk, code=code, station="first", request_id=str(uuid.uuid4()), by=first)
    stations = [UserFactory(username=f"late{i}", role="volunteer") for i in range(STATIONS)]
    made = timezone.now() - timedelta(minutes=3)
    batches = []
    for i, user in enumerate(stations):
        lost = str(uuid.uuid4())  # answered 409 online; the station never heard it and handed out
        assert record_scan(day_id=day.pk, code=codes[i % 3], station=user.username, request_id=lost,
                           by=user).outcome == "already_collected"
        batches.append([(codes[i % 3], lost, made), (codes[3 + i % 3], str(uuid.uuid4()), made + timedelta(seconds=1))])
    online = UserFactory(username="online-late", role="volunteer")

    def sync(user, batch):
        return lambda: [record_offline_scan(day_id=day.pk, code=code, station=user.username, request_id=request_id,
                                            by=user, made_at=at) for code, request_id, at in batch]

    def scan(code):
        return lambda: [record_scan(day_id=day.pk, code=code, station="online", request_id=str(uuid.uuid4()),
                                    by=online)]

    jobs = [sync(stations[i], batches[i]) for i in range(STATIONS)] + [scan(codes[5]), scan(codes[0])]
    answers = [answer for result in run_at_once(jobs) for answer in result]
    assert Collection.objects.count() == HOUSEHOLDS
    assert Collection.objects.values("household").distinct().count() == HOUSEHOLDS
    greens = sum(len(batch) for batch in batches)
    online_collected = sum(1 for answer in answers[-2:] if answer.outcome == "collected")
    handouts = OfflineHandout.objects.count()
    assert handouts == greens - (3 - online_collected)  # households 3-5 collected once each
    assert Counter(answer.outcome for answer in answers[:greens])["offline_handout"] == handouts
    # The four lost request ids are hand-outs now, each on its own stored scan; none is a refusal.
    lost_ids = [batch[0][1] for batch in batches]
    assert set(Scan.objects.filter(request_id__in=lost_ids).values_list("outcome", flat=True)) == {"offline_handout"}
    assert OfflineHandout.objects.filter(scan__request_id__in=lost_ids).count() == STATIONS
    baskets = HOUSEHOLDS + handouts
    level = available_by_item(day.location, [items["rice"], items["soap"]])
    assert level == {items["rice"].pk: d(500 - 2 * baskets), items["soap"].pk: d(500 - 2 * baskets)}
    call_command("check_stock")
    scans = Scan.objects.count()
    replayed = [answer for result in run_at_once([sync(stations[i], batches[i]) for i in range(STATIONS)])
                for answer in result]
    assert all(answer.replay for answer in replayed)
    assert (Scan.objects.count(), Collection.objects.count(), OfflineHandout.objects.count()) == (
        scans, HOUSEHOLDS, handouts)
