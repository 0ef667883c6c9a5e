"""Real parallel connections on PostgreSQL: many requests change the same levels at once.

Each thread has its own database connection; a barrier releases them together. Afterwards
`check_stock` recomputes every level from the ledger and must find no difference.
"""

import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from inventory import selectors, services
from inventory.models import Donation, StockLevel, StockMovement
from inventory.services import InsufficientStock, take_out
from tests.factories import LocationFactory, UserFactory

from .factories import DonorFactory, ItemFactory, NonFoodItemFactory
from .helpers import d, day, stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_in_parallel(jobs):
    """Run each callable in its own thread (own DB connection), all released at once; return results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results


def test_parallel_take_outs_of_the_last_units_never_take_more_than_there_is(on_postgres, capsys):
    store = LocationFactory(name="Αποθήκη")
    volunteer = UserFactory(username="table", role="volunteer")
    rice, soap = ItemFactory(), NonFoodItemFactory()
    stock(rice, store, 4, lot="A", expiry=day("2027-01-01"))
    stock(rice, store, 3, lot="B", expiry=day("2027-04-01"))
    stock(rice, store, 3, lot="C")
    stock(soap, store, 15)
    # 16 tables ask at once for 2 rice + 1 soap each: only 5 baskets of rice exist.
    results = run_in_parallel([
        lambda: take_out(location=store, lines=[(rice, 2), (soap, 1)], by=volunteer) for _ in range(16)])
    served = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(served) == 5 and len(refused) == 11, results
    assert selectors.available_by_item(store, [rice, soap]) == {rice.pk: d(0), soap.pk: d(10)}
    out = StockMovement.objects.filter(reason=StockMovement.Reason.DISTRIBUTED)
    assert sum(m.quantity for m in out.filter(item=rice)) == d(-10), "exactly the available quantity went out"
    assert all(r.shortages[0][0] == rice for r in refused)
    assert not StockLevel.objects.filter(quantity__lt=0).exists()
    call_command("check_stock")
    assert "0 differences" in capsys.readouterr().out


def test_parallel_receipts_into_a_new_lot_add_up(on_postgres):
    store = LocationFactory(name="Αποθήκη")
    staff = UserFactory(username="staffer", role="staff")
    milk = ItemFactory(name_el="Γάλα")
    donor = DonorFactory()
    donations = []
    for _ in range(6):
        donation = services.create_donation(donor=donor, location=store, by=staff)
        services.add_donation_line(donation, item=milk, quantity=Decimal("12"), lot="X1",
                                   expiry_date=day("2027-02-01"), by=staff)
        donations.append(donation)
    # Each donation is also "clicked" twice at once: it must be received once only.
    jobs = [lambda donation=donation: services.receive_donation(Donation.objects.get(pk=donation.pk), by=staff)
            for donation in donations for _twice in range(2)]
    results = run_in_parallel(jobs)
    assert sum(isinstance(r, list) for r in results) == 6, results
    assert StockLevel.objects.get(item=milk, location=store).quantity == d(72)
    assert selectors.stock_differences() == []


def test_opposite_transfers_at_once_neither_deadlock_nor_lose_goods(on_postgres):
    store, branch = LocationFactory(name="Αποθήκη"), LocationFactory(name="Παράρτημα Ρομά")
    staff = UserFactory(username="staffer", role="staff")
    rice, soap = ItemFactory(), NonFoodItemFactory()
    for location in (store, branch):
        stock(rice, location, 50, lot="R", expiry=day("2027-01-01"))
        stock(soap, location, 50)
    jobs = []
    for i in range(10):
        source, target = (store, branch) if i % 2 else (branch, store)
        jobs.append(lambda s=source, t=target: services.transfer_stock(
            from_location=s, to_location=t, lines=[(rice, 3), (soap, 2)], by=staff))
    results = run_in_parallel(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    both = selectors.available_by_item(store, [rice, soap])
    other = selectors.available_by_item(branch, [rice, soap])
    assert both[rice.pk] + other[rice.pk] == d(100) and both[soap.pk] + other[soap.pk] == d(100)
    assert selectors.stock_differences() == []


def test_parallel_kit_assemblies_and_hand_outs_never_take_more_than_there_is(on_postgres, capsys):
    from inventory.services.kits import assemble_kits, set_kit_contents

    store = LocationFactory(name="Αποθήκη")
    staff = UserFactory(username="packer", role="staff")
    rice, soap = ItemFactory(), NonFoodItemFactory()
    kit = NonFoodItemFactory()
    set_kit_contents(kit, [(rice, 2), (soap, 1)], by=staff)
    stock(rice, store, 10, expiry=day("2027-01-01"))
    stock(soap, store, 10)
    # 8 people assemble 1 kit each while 8 tables take 1 rice each: 10 rice cannot serve all.
    jobs = [lambda: assemble_kits(kit, location=store, count=1, by=staff) for _ in range(8)]
    jobs += [lambda: take_out(location=store, lines=[(rice, 1)], by=staff) for _ in range(8)]
    results = run_in_parallel(jobs)
    assert all(isinstance(r, list | InsufficientStock) for r in results), results
    kits_made = sum(isinstance(r, list) for r in results[:8])
    rice_taken = sum(isinstance(r, list) for r in results[8:])
    assert 2 * kits_made + rice_taken <= 10
    assert selectors.available_by_item(store, [kit, rice]) == {kit.pk: d(kits_made),
                                                                rice.pk: d(10 - 2 * kits_made - rice_taken)}
    call_command("check_stock")
