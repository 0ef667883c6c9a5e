"""Exactly once on PostgreSQL: the same card fired from many parallel connections at once; one active
card and one print of it when staff click at the same moment."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from distribution.models import Card, Collection, Scan
from distribution.services import cards as card_services
from distribution.services.scans import record_scan
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import d, day_with_basket, household
from tests.distribution.factories import household_with_reference
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 12


def fire(day, calls):
    """Run each (code, user, station, request_id) in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(calls))
    answers, errors = [None] * len(calls), []

    def worker(index, code, user, station, request_id):
        try:
            barrier.wait(timeout=10)
            answers[index] = record_scan(day_id=day.pk, code=code, station=station, request_id=request_id, by=user)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return answers


def test_same_card_at_many_tables_at_once_collects_once(on_postgres):
    day, items = day_with_basket()
    _hh, _card, code = household(day.programme, size=3)
    users = [UserFactory(username=f"table{i}", role="volunteer") for i in range(PARALLEL)]
    answers = fire(day, [(code, users[i], f"Τραπέζι {i}", str(uuid.uuid4())) for i in range(PARALLEL)])
    statuses = sorted(a.status for a in answers)
    assert statuses == [201] + [409] * (PARALLEL - 1)
    assert Collection.objects.count() == 1
    assert Scan.objects.count() == PARALLEL
    assert Scan.objects.filter(outcome="already_collected").count() == PARALLEL - 1
    level = available_by_item(day.location, list(items.values()))
    assert level == {items["rice"].pk: d(98), items["soap"].pk: d(97), items["nappies"].pk: d(100)}
    call_command("check_stock")


def test_the_same_request_retried_in_parallel_records_once(on_postgres):
    day, items = day_with_basket()
    _hh, _card, code = household(day.programme, size=1)
    user = UserFactory(username="flaky", role="volunteer")
    request_id = str(uuid.uuid4())
    answers = fire(day, [(code, user, "Τραπέζι 1", request_id) for _ in range(8)])
    assert sorted(a.status for a in answers) == [200] * 7 + [201]
    assert all(a.body == answers[0].body for a in answers)
    assert Collection.objects.count() == 1 and Scan.objects.count() == 1
    assert available_by_item(day.location, [items["rice"]])[items["rice"].pk] == d(98)


def test_many_households_in_parallel_share_the_stock_exactly(on_postgres):
    day, items = day_with_basket(stock_per_item=10)  # rice for 5 households of 2 (2 each)
    codes = [household(day.programme, size=2)[2] for _ in range(8)]
    user = UserFactory(username="busy", role="volunteer")
    answers = fire(day, [(code, user, "Τραπέζι 1", str(uuid.uuid4())) for code in codes])
    collected = [a for a in answers if a.status == 201]
    assert len(collected) == 5
    assert {a.outcome for a in answers if a.status != 201} == {"out_of_stock"}
    assert available_by_item(day.location, [items["rice"]])[items["rice"].pk] == d(0)
    call_command("check_stock")


# --- Cards: one active card per household, a card printed once ------------------------------------

def test_parallel_card_requests_give_one_active_card(on_postgres, staff_user):
    household = household_with_reference()
    barrier = threading.Barrier(6)
    outcomes = []

    def request():
        try:
            barrier.wait()
            card_services.request_card(household, by=staff_user)
            outcomes.append("ok")
        except card_services.CardError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 5
    assert Card.objects.filter(household=household, status__in=Card.ACTIVE_STATUSES).count() == 1


def test_parallel_prints_of_one_card_print_it_once(on_postgres, staff_user):
    card = card_services.request_card(household_with_reference(), by=staff_user)
    barrier = threading.Barrier(4)
    outcomes = []

    def print_it():
        try:
            barrier.wait()
            card_services.print_cards([card], by=staff_user)
            outcomes.append("ok")
        except card_services.CardError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=print_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]


def _in_thread(job, outcome):
    try:
        outcome.append(job())
    except Exception as exc:  # noqa: BLE001 - the assertions read what happened
        outcome.append(exc)
    finally:
        connection.close()


def test_the_basket_never_changes_under_a_scan_and_a_scan_never_uses_a_basket_being_replaced(on_postgres,
                                                                                              staff_user):
    """What was handed over matches the day's plan, whichever of a scan and a basket edit comes first."""
    from django.db import transaction

    from distribution.models import BasketRule
    from distribution.services import DistributionError
    from distribution.services.days import set_basket

    day, items = day_with_basket()
    volunteer = UserFactory(role="volunteer")
    rice = items["rice"]

    def new_basket():
        return set_basket(day, [BasketRule(item=rice, basis="household", quantity=9)], by=staff_user)

    def scan(code):
        return record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer)

    # A scan is recording the day's first collection (written, not committed) when staff save a new
    # basket: the edit waits for the scan, then is refused.
    _hh, _card, first = household(day.programme)
    held, release, scanned, edited = threading.Event(), threading.Event(), [], []

    def scan_held_open():
        with transaction.atomic():
            answer = scan(first)
            held.set()
            release.wait(timeout=10)
            return answer

    scanner = threading.Thread(target=_in_thread, args=(scan_held_open, scanned))
    editor = threading.Thread(target=_in_thread, args=(lambda: held.wait(10) and new_basket(), edited))
    scanner.start()
    editor.start()
    editor.join(1.5)
    assert edited == [], "the edit waits for the scan in flight"
    release.set()
    scanner.join(10)
    editor.join(10)
    assert scanned[0].status == 201 and isinstance(edited[0], DistributionError), (scanned, edited)
    assert not BasketRule.objects.filter(day=day, quantity=9).exists()


def test_a_scan_waits_for_a_basket_being_saved_and_hands_over_the_new_one(on_postgres, staff_user):
    from django.db import transaction

    from distribution.models import BasketRule
    from distribution.services.days import set_basket

    day, items = day_with_basket()
    volunteer = UserFactory(role="volunteer")
    rice = items["rice"]
    _hh, _card, code = household(day.programme)
    record_scan(day_id=day.pk, code="not a card", station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer)
    held, release, scanned, edited = threading.Event(), threading.Event(), [], []

    def edit_held_open():
        with transaction.atomic():
            set_basket(day, [BasketRule(item=rice, basis="household", quantity=9)], by=staff_user)
            held.set()
            release.wait(timeout=10)

    editor = threading.Thread(target=_in_thread, args=(edit_held_open, edited))
    scanner = threading.Thread(target=_in_thread, args=(lambda: held.wait(10) and record_scan(
        day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer), scanned))
    editor.start()
    scanner.start()
    scanner.join(1.5)
    assert scanned == [], "the scan waits for the basket being saved"
    release.set()
    editor.join(10)
    scanner.join(10)
    assert edited == [None] and scanned[0].status == 201, (edited, scanned)
    collection = Collection.objects.get(day=day, cancelled_at__isnull=True)
    assert [(line["item"], Decimal(line["quantity"])) for line in collection.basket] == [(rice.pk, 9)]
    assert [(line["item"], line["quantity"]) for line in scanned[0].body["basket"]] == [(rice.name, "9")]
