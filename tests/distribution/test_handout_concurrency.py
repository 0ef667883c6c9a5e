"""Several desks record a hand-out for the same household at the same moment, on PostgreSQL: the
programme's rules hold (one hand-out, the others refused), and the stock stays equal to its ledger."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from distribution.models import Handout
from distribution.services.handouts import HandoutRefused, record_handout
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
