"""Door queues synchronised at once on PostgreSQL: several doors' batches, with the same tickets across
batches and against online check-ins, end with one check-in per ticket, every other offline admission
flagged as an OfflineCheckIn; a replay, all at once, records nothing new."""

import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from events.models import CheckIn, OfflineCheckIn, ScanRequest
from events.services import door, registrations
from events.services.door_offline import record_offline_checkin
from events.services.registrations import RegistrationRequest
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DOORS = 4
TICKETS = 6


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


def test_parallel_door_batches_and_online_checkins(on_postgres, settings):
    settings.SMS_BACKEND = "locmem"
    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=30), capacity=50)
    codes = [registrations.register(event, RegistrationRequest(name=f"Άτομο {i}", places=2, email=f"t{i}@example.org",
                                                               consent=True)).ticket_code for i in range(TICKETS)]
    made = timezone.now() - timedelta(minutes=5)
    doors = [UserFactory(username=f"door{i}", role="volunteer") for i in range(DOORS)]
    # Door i let in tickets i, i+1, i+2 (mod 6) and 0 offline: every ticket at two doors or more.
    batches = [[(codes[(i + k) % TICKETS], uuid.uuid4(), made + timedelta(seconds=k)) for k in range(3)]
               + [(codes[0], uuid.uuid4(), made + timedelta(seconds=5))] for i in range(DOORS)]
    batches = [[entry for n, entry in enumerate(batch) if entry[0] not in [e[0] for e in batch[:n]]]
               for batch in batches]  # a door never lets one ticket in twice (refused locally)
    online_users = [UserFactory(username=f"online{i}", role="volunteer") for i in range(2)]
    online = [(codes[i], online_users[i % 2], uuid.uuid4()) for i in range(3)]

    def sync(user, batch):
        return lambda: [record_offline_checkin(event_id=event.pk, code=code, request_id=request_id, by=user,
                                               made_at=at, door_name=user.username) for code, request_id, at in batch]

    def scan(code, user, request_id):
        return lambda: [door.check_in_ticket(event, code, request_id=request_id, by=user)]

    jobs = [sync(doors[i], batches[i]) for i in range(DOORS)] + [scan(*call) for call in online]
    answers = [answer for result in run_at_once(jobs) for answer in result]
    outcomes = Counter(answer.outcome for answer in answers)
    offline_greens = sum(len(batch) for batch in batches)
    assert CheckIn.objects.count() == TICKETS
    assert CheckIn.objects.values("registration").distinct().count() == TICKETS
    doubles = OfflineCheckIn.objects.count()
    assert outcomes["checked_in"] == TICKETS and outcomes["offline_checkin"] == doubles
    assert set(outcomes) <= {"checked_in", "offline_checkin", "already_checked_in"}
    online_in = sum(1 for answer in answers[-len(online):] if answer.outcome == "checked_in")
    assert doubles == offline_greens - (TICKETS - online_in)
    assert set(OfflineCheckIn.objects.values_list("reason", flat=True)) == {"already_checked_in"}
    for double in OfflineCheckIn.objects.select_related("checkin"):
        assert double.checkin.registration_id == double.registration_id and double.request_id is not None
    # Every batch again, all at once: the stored answers, nothing new.
    counts = (ScanRequest.objects.count(), CheckIn.objects.count(), OfflineCheckIn.objects.count())
    replayed = [answer for result in run_at_once([sync(doors[i], batches[i]) for i in range(DOORS)])
                for answer in result]
    assert all(answer.replay for answer in replayed)
    assert (ScanRequest.objects.count(), CheckIn.objects.count(), OfflineCheckIn.objects.count()) == counts
