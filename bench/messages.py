"""Outbox benchmark: prints figures, asserts nothing (run: `python -m bench.messages`).

A distribution day with 1,000 households in 10 time slots, each with a phone. Times the staff's
"send the notices" page (POST, through the whole Django stack: it only writes the 1,000 rows and
their wake-ups into the outbox) and then the drain: real worker processes (`manage.py run_worker
--drain`, one and then two at once) sending the 1,000 SMS to a local fake gateway over HTTP.
"""

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

from bench.util import throwaway_database

HOUSEHOLDS = 1000
ROOT = Path(__file__).resolve().parent.parent


def _populate():
    from core.models import Location
    from distribution.models import DistributionDay, Household, Person, Programme, SlotAssignment, TimeSlot
    from tests.factories import UserFactory

    site = Location.objects.create(name="Κέντρο Κοινότητας", address="Πλατεία Ελευθερίας 1, Δράμα")
    programme = Programme.objects.create(code="bench-slots", name="Bench ΚΕΑ")
    day = DistributionDay.objects.create(date=date.today() + timedelta(days=3), location=site, programme=programme,
                                         starts_at=clock(8), ends_at=clock(13))
    slots = TimeSlot.objects.bulk_create([TimeSlot(day=day, starts_at=clock(8 + n // 2, 30 * (n % 2)),
                                                   ends_at=clock(8 + (n + 1) // 2, 30 * ((n + 1) % 2)))
                                          for n in range(10)])
    households = Household.objects.bulk_create([Household(address="-") for _ in range(HOUSEHOLDS)])
    people = []
    for n, household in enumerate(households):
        person = Person(household=household, is_reference=True, first_name="Όνομα", last_name=f"Επώνυμο{n}",
                        phone=f"69{n:08d}")
        person.fill_derived_fields()
        people.append(person)
    Person.objects.bulk_create(people)
    SlotAssignment.objects.bulk_create([SlotAssignment(slot=slots[n % 10], day=day, household=h)
                                        for n, h in enumerate(households)])
    return day, UserFactory(role="staff", username="bench-staff")


def _drain(env, workers: int) -> float:
    started = time.perf_counter()
    processes = [subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "run_worker", "--drain"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(workers)]
    for process in processes:
        process.communicate(timeout=600)
    return time.perf_counter() - started


def main():
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    with throwaway_database() as conn:
        from core.fake_gateway import FakeGateway
        from core.message_models import OutboundMessage

        print(f"Outbox benchmark on {conn.vendor}: {HOUSEHOLDS:,} households with a phone")  # noqa: T201
        day, staff = _populate()
        client = Client()
        client.force_login(staff)
        database_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                      "QUEUES": ["default", settings.MESSAGES_TASK_QUEUE]}}
        with override_settings(TASKS=database_tasks, ALLOWED_HOSTS=["testserver"]):
            client.get(reverse("distribution:day", args=[day.pk]))  # a warm process: URLs and templates loaded
            started = time.perf_counter()
            response = client.post(reverse("distribution:day_notify", args=[day.pk]))
            elapsed = time.perf_counter() - started
        queued = OutboundMessage.objects.filter(status="queued").count()
        print(f"  {'page: queue 1,000 slot notices (POST, answer ' + str(response.status_code) + ')':<55} "  # noqa: T201
              f"{elapsed * 1000:8.1f} ms  (target < 1,000 ms), {queued:,} queued")
        gateway = FakeGateway().start()
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        env = dict(os.environ, DEBUG="1", TASKS_BACKEND="database", SMS_BACKEND="http", SMS_GATEWAY_URL=gateway.url,
                   DATABASE_URL=url)
        if conn.vendor != "postgresql":
            print("  drain: needs PostgreSQL (worker processes share the database)")  # noqa: T201
            return
        seconds = _drain(env, 1)
        print(f"  {'drain: 1 worker sends 1,000 SMS to the fake gateway':<55} {seconds:8.1f} s   "  # noqa: T201
              f"({HOUSEHOLDS / seconds:,.0f} SMS/s; gateway saw {gateway.requests:,} requests, "
              f"{len(gateway.sent):,} SMS)")
        from core.message_models import new_key

        for message in OutboundMessage.objects.only("pk"):
            OutboundMessage.objects.filter(pk=message.pk).update(status="queued", sent_at=None, attempts=0,
                                                                   idempotency_key=new_key())
        gateway.requests = 0
        seconds = _drain(env, 2)
        print(f"  {'drain: 2 workers at once, the same 1,000 again':<55} {seconds:8.1f} s   "  # noqa: T201
              f"({HOUSEHOLDS / seconds:,.0f} SMS/s; gateway saw {gateway.requests:,} requests)")
        gateway.stop()


if __name__ == "__main__":
    main()
