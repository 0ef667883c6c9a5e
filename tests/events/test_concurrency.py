"""PostgreSQL: many people register for the last places at the same moment; two doors scan one ticket.

Each thread has its own database connection; a barrier releases them together.
"""

import json
import threading
import uuid

import pytest
from django.db import connection, connections

from events.models import CheckIn, Event, Registration
from events.services import door, registrations
from events.services.registrations import RegistrationRequest

from .factories import EventFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(count, work):
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_parallel_registrations_never_overbook(on_postgres, settings):
    settings.SMS_BACKEND = "locmem"
    event = EventFactory(capacity=10, max_places_per_registration=3)
    # 7 places already taken: 3 left for 16 people asking for 1, 2 or 3 places at once.
    registrations.register(event, RegistrationRequest(name="Πρώτη οικογένεια", places=3, email="f1@example.org",
                                                      consent=True))
    registrations.register(event, RegistrationRequest(name="Δεύτερη οικογένεια", places=3, email="f2@example.org",
                                                      consent=True))
    registrations.register(event, RegistrationRequest(name="Μόνη", places=1, email="f3@example.org", consent=True))

    def work(i):
        return registrations.register(event, RegistrationRequest(
            name=f"Άτομο {i}", places=1 + i % 3, email=f"p{i}@example.org", consent=True)).status

    statuses, errors = run_together(16, work)
    assert not errors, errors
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event, status="confirmed")
    assert sum(r.places for r in confirmed) == event.places_taken == 10, "exactly full, never more"
    assert Registration.objects.filter(event=event).count() == 19
    assert statuses.count("waiting") >= 13
    assert connection.vendor == "postgresql"


def test_parallel_cancellations_and_registrations_keep_the_counter_true(on_postgres, settings):
    settings.SMS_BACKEND = "locmem"
    event = EventFactory(capacity=6, max_places_per_registration=2)
    first = [registrations.register(event, RegistrationRequest(name=f"Α{i}", places=2, email=f"a{i}@example.org",
                                                               consent=True)) for i in range(3)]
    waiting = [registrations.register(event, RegistrationRequest(name=f"Β{i}", places=1 + i % 2,
                                                                 email=f"b{i}@example.org", consent=True))
               for i in range(6)]
    assert all(r.status == "waiting" for r in waiting)

    def work(i):
        if i < 3:
            return registrations.cancel_registration(first[i]).status
        return registrations.register(event, RegistrationRequest(name=f"Γ{i}", places=1, email=f"c{i}@example.org",
                                                                 consent=True)).status

    _results, errors = run_together(9, work)
    assert not errors, errors
    event.refresh_from_db()
    held = sum(r.places for r in Registration.objects.filter(event=event, status__in=["confirmed", "pending"]))
    assert held == event.places_taken <= event.capacity
    assert event.places_taken == 6, "the freed places were filled from the waiting list"


def test_two_doors_scan_one_ticket_at_the_same_moment(on_postgres, settings, volunteer_user):
    settings.SMS_BACKEND = "locmem"
    event = EventFactory()
    ticket = registrations.register(event, RegistrationRequest(name="Ζωή", places=2, email="z@example.org",
                                                                consent=True))
    event = Event.objects.get(pk=event.pk)

    def work(i):
        return door.check_in_ticket(event, ticket.ticket_code, request_id=uuid.uuid4(), by=volunteer_user).outcome

    outcomes, errors = run_together(6, work)
    assert not errors, errors
    assert sorted(outcomes) == ["already_checked_in"] * 5 + ["checked_in"]
    assert CheckIn.objects.filter(registration=ticket).count() == 1


def test_one_request_id_sent_twice_at_once_is_answered_once(on_postgres, settings, volunteer_user):
    settings.SMS_BACKEND = "locmem"
    event = EventFactory()
    ticket = registrations.register(event, RegistrationRequest(name="Ζωή", places=1, email="z@example.org",
                                                                consent=True))
    request_id = uuid.uuid4()

    def work(i):
        result = door.check_in_ticket(event, ticket.ticket_code, request_id=request_id, by=volunteer_user)
        return result.http_status, result.body

    answers, errors = run_together(4, work)
    assert not errors, errors
    assert sorted(status for status, _body in answers) == [200, 200, 200, 201]
    bodies = {json.dumps(body, sort_keys=True) for _status, body in answers}
    assert len(bodies) == 1, "the replays carry the first answer"
