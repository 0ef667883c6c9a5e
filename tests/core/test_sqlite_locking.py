"""The embedded default (SQLite) with the worker next to the web server: transactions that read and then
write, started at once from several connections, wait their turn instead of failing with "database is
locked". Runs in both passes: it opens its own SQLite file with the settings' SQLite options."""

import threading
import time

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper


def _connection(path, options):
    config = {"NAME": str(path), "OPTIONS": options, "ENGINE": "django.db.backends.sqlite3", "ATOMIC_REQUESTS": False,
              "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "USER": "",
              "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {}}
    return DatabaseWrapper(config, alias="locking")


def _read_then_write(path, options, errors):
    connection = _connection(path, options)
    try:
        connection.ensure_connection()
        connection._start_transaction_under_autocommit()  # the BEGIN that atomic() sends on SQLite
        with connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            n = cursor.fetchone()[0]
            time.sleep(0.1)  # another connection reads meanwhile
            cursor.execute("UPDATE counter SET n = %s", [n + 1])
            cursor.execute("COMMIT")
    except Exception as error:  # noqa: BLE001 - what the test looks for
        errors.append(str(error))
    finally:
        connection.close()


def _run(path, options, workers=4):
    setup = _connection(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    errors = []
    threads = [threading.Thread(target=_read_then_write, args=(path, options, errors)) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = _connection(path, options)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        n = cursor.fetchone()[0]
    check.close()
    return n, errors


def test_read_then_write_transactions_wait_their_turn(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # its own file, not the test database
        n, errors = _run(tmp_path / "kypseli.sqlite3", dict(settings.SQLITE_OPTIONS))
    assert errors == [] and n == 4


def test_without_immediate_transactions_they_would_fail(tmp_path, django_db_blocker):
    # What the setting prevents (so the test above can fail): deferred transactions meet the lock at once.
    options = {key: value for key, value in settings.SQLITE_OPTIONS.items() if key != "transaction_mode"}
    with django_db_blocker.unblock():
        n, errors = _run(tmp_path / "kypseli.sqlite3", options)
    assert any("locked" in error for error in errors) and n < 4
