"""Several desks record a hand-out for the same household at the same moment, or a desk and a scan
station, on PostgreSQL: the programme's rules hold (one hand-out or collection, the others refused), and
the stock stays equal to its ledger."""

import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from distribution.models import Collection, Handout
from distribution.services.handouts import HandoutRefused, record_handout
from distribution.services.scans import record_scan
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import d, day_with_basket, household, programme
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 8


def test_many_desks_at_once_hand_out_once_within_the_monthly_limit(on_postgres):
    prog = programme(max_collections_per_month=1)
    day, items = day_with_basket(prog=prog)
    hh, _card, _code = household(prog, size=2)
    users = [UserFactory(username=f"desk{i}", role="staff") for i in range(PARALLEL)]
    barrier = threading.Barrier(PARALLEL)
    recorded, refused, errors = [], [], []

    def desk(user):
        try:
            barrier.wait(timeout=10)
            recorded.append(record_handout(by=user, location=day.location, kind=Handout.Kind.EMERGENCY,
                                           household=hh, programme=prog, lines=[(items["rice"], 2)]))
        except HandoutRefused as exc:
            refused.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(recorded) == 1 and len(refused) == PARALLEL - 1
    assert set(refused) == {"already_collected"}
    assert Handout.objects.count() == 1
    assert available_by_item(day.location, [items["rice"]]) == {items["rice"].pk: d(98)}
    call_command("check_stock")


ROUNDS = 25


def test_a_scan_and_a_desk_at_the_same_moment_pass_the_monthly_limit_once(on_postgres):
    """A household that may collect once a month is scanned at a table and served at the desk at the
    same instant, many times over (a new household each round): each round, exactly one of the two
    passes and the other is refused for the limit (both take the household's lock, `locks.lock_household`)."""
    prog = programme(max_collections_per_month=1, once_per_distribution_day=False)
    day, items = day_with_basket(prog=prog, stock_per_item=10 * ROUNDS)
    households = [household(prog, size=1) for _ in range(ROUNDS)]
    volunteer = UserFactory(username="table", role="volunteer")
    staff = UserFactory(username="desk", role="staff")
    barrier = threading.Barrier(2)
    scans, desks, errors = [None] * ROUNDS, [None] * ROUNDS, []

    def table():
        try:
            for index, (_hh, _card, code) in enumerate(households):
                barrier.wait(timeout=10)
                scans[index] = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1",
                                           request_id=str(uuid.uuid4()), by=volunteer)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    def desk():
        try:
            for index, (hh, _card, _code) in enumerate(households):
                barrier.wait(timeout=10)
                try:
                    desks[index] = record_handout(by=staff, location=day.location, kind=Handout.Kind.WALK_IN,
                                                  household=hh, programme=prog, lines=[(items["rice"], 1)])
                except HandoutRefused as exc:
                    desks[index] = exc
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=table), threading.Thread(target=desk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for scanned, handed in zip(scans, desks, strict=True):
        desk_refused = isinstance(handed, HandoutRefused)
        assert (scanned.status == 201) != (not desk_refused), (scanned.body, handed)
        if desk_refused:
            assert [code for code, _message in handed.refusals] == ["limit_reached"]
            assert handed.overridable
        else:
            assert scanned.status == 422 and scanned.body["outcome"] == "limit_reached", scanned.body
    assert Collection.objects.count() + Handout.objects.count() == ROUNDS
    call_command("check_stock")
