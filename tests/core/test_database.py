"""The PostgreSQL backend's health check (core/db/postgresql): no round trip, yet a connection the
server has closed is replaced before a request uses it."""

import time

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_replaced_at_the_next_request(on_postgres):
    connection.ensure_connection()
    connection.health_check_enabled = True  # as CONN_HEALTH_CHECKS=True in production settings
    assert connection.settings_dict["ENGINE"] == "core.db.postgresql"
    old_pid = connection.connection.info.backend_pid
    # Another session ends ours, as a server restart or an idle timeout would.
    with _other_session() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()

    connection.health_check_done = False  # what Django does when a request starts
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid


def _other_session():
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_health_check_of_a_live_connection_sends_nothing(on_postgres):
    connection.ensure_connection()
    connection.health_check_enabled = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before the health check'")
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    pid = connection.connection.info.backend_pid
    with _other_session() as other:  # the server's record of our session's last statement
        last = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]
    assert last == "SELECT 'before the health check'"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid
