"""Report queries on a read replica: with a second alias that mirrors the test database (as Django's
TEST MIRROR does, and as DATABASE_REPLICA_URL sets it up), the reports read through the replica's
connection and nothing is written there; writes, transactions and migrations stay on the primary."""

import copy
import os
import subprocess
import sys

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from core.db.replica import REPLICA, ReplicaRouter, replica_reads
from core.models import AuditLog
from core.services import create_api_token
from distribution.models import Collection
from inventory.models import StockMovement
from tests.factories import UserFactory
from volunteers.models import Shift

from .factories import known_data

MARCH = "start=2026-03-01&end=2026-03-31"
# One worker runs the whole module under pytest-xdist (make test): its replica alias is set up once.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
              pytest.mark.xdist_group("replica")]
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE")


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A "replica" alias on the test database, as TEST MIRROR sets it up (before the tests' database
    checks, which must know it)."""
    connections.settings[REPLICA] = {**copy.deepcopy(connections["default"].settings_dict),
                                     "TEST": {"MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias, settings):
    """The router on (committed rows: the tests are transactional, as a replica only sees commits)."""
    settings.DATABASE_ROUTERS = ["core.db.replica.ReplicaRouter"]
    return connections[REPLICA]


def _statements(capture):
    return [q["sql"].lstrip().upper() for q in capture.captured_queries]


def _writes(capture):
    return [sql for sql in _statements(capture) if sql.startswith(WRITES)]


def _reads_of(capture, table):
    return [sql for sql in _statements(capture) if sql.startswith(("SELECT", "WITH")) and table.upper() in sql]




def test_report_pages_and_exports_read_the_replica_and_write_the_primary(on_postgres, replica, client):
    data = known_data()
    client.force_login(UserFactory(role="coordinator"))  # the dashboard is the coordinator's
    collections, ledger = Collection._meta.db_table, StockMovement._meta.db_table
    pages = {f"/reports/esf/?{MARCH}&programme={data.programme.pk}": collections,
             f"/reports/esf/?{MARCH}&format=xlsx": collections, f"/reports/distribution/?{MARCH}": collections,
             f"/reports/distribution/?{MARCH}&format=pdf": collections, f"/reports/stock/?{MARCH}": ledger,
             f"/reports/esf/drill/?{MARCH}&support=food": collections, f"/reports/dashboard/?{MARCH}": collections,
             f"/reports/volunteers-events/?{MARCH}&format=xlsx": Shift._meta.db_table}
    for page, table in pages.items():
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(connections[REPLICA]) as copy_:
            response = client.get(page)
        assert response.status_code == 200, page

        assert _reads_of(copy_, table), f"{page}: the report did not read the replica"
        assert not _reads_of(primary, table), f"{page}: the report read {table} on the primary"
        assert not _writes(copy_), f"{page}: wrote on the replica"
    # The exports and the drill-down are audited: on the primary.
    assert AuditLog.objects.using("default").filter(action=AuditLog.Action.EXPORT).count() == 3
    assert AuditLog.objects.using("default").filter(action=AuditLog.Action.VIEW).exists()


def test_the_funder_figures_over_the_api_read_the_replica(on_postgres, replica, client):
    known_data()
    key = create_api_token(UserFactory(role="staff"), "reports device")[1]
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as copy_:
        response = client.get("/api/v1/reports/esf", {"start": "2026-03-01", "end": "2026-03-31"},
                              HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert _reads_of(copy_, Collection._meta.db_table) and not _writes(copy_)
    assert not _reads_of(primary, Collection._meta.db_table)
    # The token's own lookup (and its last-used stamp) stay on the primary.
    assert _reads_of(primary, "core_apitoken")


def test_inside_a_transaction_and_for_writes_everything_stays_on_the_primary(on_postgres, replica):
    data = known_data()
    with CaptureQueriesContext(connections[REPLICA]) as copy_:
        with replica_reads():
            assert router.db_for_read(Collection) == REPLICA
            assert router.db_for_write(Collection) == "default"
            with transaction.atomic():
                assert router.db_for_read(Collection) == "default"
                count = Collection.objects.count()  # a transaction that writes reads its own rows
                data.programme.name = "Άλλο όνομα"
                data.programme.save()
            assert Collection.objects.count() == count  # read on the replica: the same rows
    assert len(_statements(copy_)) == 1 and not _writes(copy_)
    # Outside the block every read is the primary's.
    assert router.db_for_read(Collection) == "default"


def test_migrations_only_on_the_primary():
    assert ReplicaRouter().allow_migrate("default", "distribution") is True
    assert ReplicaRouter().allow_migrate(REPLICA, "distribution") is False


def _settings_of(**env):
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(sorted(s.DATABASES), s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'), "
            "s.DATABASE_ROUTERS)")
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URL"}}
    full.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60,
                          check=True).stdout.strip()


def test_the_settings_add_the_replica_only_when_one_is_configured():
    url = "postgres://kypseli@db-replica:5432/kypseli"
    assert _settings_of(DATABASE_REPLICA_URL=url) == (
        "['default', 'replica'] default ['core.db.replica.ReplicaRouter']")
    assert _settings_of() == "['default'] None []"
