"""Report queries on a read replica, when one is configured (DATABASE_REPLICA_URL, alias "replica").

The router is installed only with a replica (config/settings.py): without one nothing changes. With
one, a read goes to the replica only when both hold:
* it runs inside `replica_reads()`: the report pages, their XLSX/PDF, the dashboard, the ESF+
  drill-down and the reports API wrap what they compute in it (heavy, read-only, and a second or
  two behind the primary does them no harm);
* the primary has no transaction open in this thread (a transaction that writes, or reads in order
  to write, sees its own rows: submitting the ESF+ report keeps what the primary holds).
Every write, every other read and every migration go to the primary. What a person has just saved
(their session, the sign-in, a form) is never read back from the replica: the views open the block
after the access checks, around the report's own queries only.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading = ContextVar("kypseli_replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads in this block may go to the replica (see the module's text); a no-op without one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
