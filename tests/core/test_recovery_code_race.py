"""A recovery code sent from several browsers at the same moment (real parallel connections on
PostgreSQL) confirms one sign-in only: it works once."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.models import AuditLog, RecoveryCodes
from core.signin.services import new_recovery_codes
from tests.factories import UserFactory
from tests.two_factor import add_app, require_two_factor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_recovery_code_sent_four_times_at_once_confirms_one_sign_in(on_postgres):
    require_two_factor()
    user = UserFactory(username="staff-race", role="staff")
    add_app(user)
    code = new_recovery_codes(user, by=user)[0]
    clients = []
    for _ in range(4):
        client = Client()
        client.post(reverse("login"), {"username": "staff-race", "password": "correct-horse-battery-9"})
        clients.append(client)
    barrier, codes = threading.Barrier(4), []

    def confirm(client):
        try:
            barrier.wait()
            codes.append(client.post(reverse("security:verify"), {"code": code}).status_code)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=confirm, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200, 200, 302]
    assert RecoveryCodes.objects.get(user=user).codes.count() == 9
    assert AuditLog.every_centre.filter(user=user, action="factor_verified").count() == 1
