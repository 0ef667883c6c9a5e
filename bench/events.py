"""Events: registrations racing for one event's places, and check-in answers at the door.

Figures: registrations per second with 20 parallel connections on one event (all serialised by the
event row lock), and the median/95th-percentile time of a scan at the door (the scan station wants
an answer well under 200 ms).
"""

import statistics
import threading
import time
import uuid
from datetime import timedelta

from bench.util import throwaway_database


def _event(capacity):
    from django.utils import timezone

    from core.models import Location
    from events.models import Event

    location, _created = Location.objects.get_or_create(name="Bench site")
    start = timezone.now() + timedelta(days=3)
    return Event.objects.create(
        title_el="Bench", description_el="Bench", location=location, starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=capacity, max_places_per_registration=3, status=Event.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1))


def run(report, threads=20, per_thread=25):
    from django.test.utils import override_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", SMS_BACKEND="locmem"):
        _run(report, threads, per_thread)


def _run(report, threads, per_thread):
    from django.db import connections

    from core.models import User
    from events.models import Registration
    from events.services import door, registrations
    from events.services.registrations import RegistrationRequest

    event = _event(capacity=300)
    barrier = threading.Barrier(threads)
    errors = []

    def worker(n):
        try:
            barrier.wait()
            for i in range(per_thread):
                registrations.register(event, RegistrationRequest(
                    name=f"Άτομο {n}-{i}", places=1 + (n + i) % 3, email=f"b{n}-{i}@example.org", consent=True))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    event.refresh_from_db()
    total = threads * per_thread
    held = sum(r.places for r in Registration.objects.filter(event=event, status="confirmed"))
    report(f"{total} registrations from {threads} connections at once: {total / elapsed:.0f} per second "
           f"({elapsed:.1f} s); places taken {event.places_taken}/{event.capacity}, held {held}, "
           f"waiting {Registration.objects.filter(event=event, status='waiting').count()}, errors {len(errors)}")

    doorkeeper = User.objects.create_user("bench-door")
    tickets = list(Registration.objects.filter(event=event, status="confirmed").values_list("ticket_code", flat=True))
    timings = []
    for code in tickets[:200]:
        began = time.perf_counter()
        door.check_in_ticket(event, code, request_id=uuid.uuid4(), by=doorkeeper)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    report(f"{len(timings)} scans at the door: median {statistics.median(timings):.1f} ms, "
           f"95th percentile {timings[int(len(timings) * 0.95) - 1]:.1f} ms")


if __name__ == "__main__":
    with throwaway_database():
        run(print)
