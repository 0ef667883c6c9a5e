"""Racing requests on PostgreSQL (real parallel connections): the same one-time form token posted at
the same moment acts once; the same distribution day saved at the same moment is saved once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from core.models import FormSubmission
from core.once import new_token
from distribution.models import DistributionDay
from distribution.services.days import save_day
from inventory.models import StockLevel
from tests.core.test_double_submits import day_for
from tests.distribution.days_helpers import programme
from tests.factories import LocationFactory, UserFactory
from tests.inventory.factories import ItemFactory
from tests.inventory.helpers import d, stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_write_off_posted_at_the_same_moment_is_done_once(on_postgres):
    store, milk = LocationFactory(), ItemFactory(name_el="Γάλα")
    stock(milk, store, 10)
    level = StockLevel.objects.get(item=milk)
    user = UserFactory(username="staff-race", role="staff")
    token, barrier, codes = new_token(), threading.Barrier(4), []

    def post():
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            codes.append(client.post(reverse("inventory:write_off", args=[level.pk]),
                                     {"quantity": "1", "reason": "damaged", "form_token": token}).status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302] * 4
    assert StockLevel.objects.get(pk=level.pk).quantity == d(9)
    assert FormSubmission.objects.filter(token=token).count() == 1


def test_the_same_day_saved_at_the_same_moment_is_saved_once(on_postgres):
    location, prog, user = LocationFactory(), programme(), UserFactory(username="staff-day", role="staff")
    barrier, outcomes = threading.Barrier(3), []

    def save():
        try:
            barrier.wait()
            save_day(day_for(location, prog), by=user)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=save) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "saved"]
    assert DistributionDay.objects.count() == 1
