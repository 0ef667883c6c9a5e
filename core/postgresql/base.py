"""Django's PostgreSQL backend, with a health check that costs no round trip.

With persistent connections and CONN_HEALTH_CHECKS, Django runs `SELECT 1` at the start of every
request that uses the database: on a scan station's request (eight statements) that is one round
trip in nine. A connection the server has closed (restart, idle timeout, terminated backend) shows
up locally instead: psycopg marks it closed or broken, or its socket is readable while no query is
running (the server's goodbye is waiting there). Such a connection is dropped and Django opens a
new one, exactly as after a failed `SELECT 1`.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return False
        try:
            readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
