"""Django's PostgreSQL backend with two additions for the hot paths (a scan every few seconds at
each of several tables):

* a connection health check that costs no round trip. With persistent connections and
  CONN_HEALTH_CHECKS, Django runs `SELECT 1` at the start of every request that uses the database:
  on a scan request that is one round trip in nine. A connection the server has closed (restart,
  idle timeout, terminated backend) shows up locally instead: psycopg marks it closed or broken, or
  its socket is readable while no query is running (the server's goodbye is waiting there). Such a
  connection is dropped and Django opens a new one, exactly as after a failed `SELECT 1`.
* `prepared_cursor()`: a cursor whose statements are prepared (server-side parameter binding), used by
  core.db.rows. The server parses and plans each statement once per connection instead of once per
  scan. The ORM keeps Django's client-side binding (psycopg never prepares those).
"""

import select

from django.db.backends.postgresql import base
from django.db.backends.utils import CursorDebugWrapper
from psycopg.pq import TransactionStatus


class PreparedCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        # Prepared unless prepared statements are off (prepare_threshold None, see settings.py).
        return super().execute(query, params, prepare=True, binary=binary)


class LoggedStatements(CursorDebugWrapper):
    """Logs (DEBUG, assertNumQueries) the statement as written: a prepared statement has no text
    with the values filled in for Django's usual last_executed_query."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


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

    def prepared_cursor(self):
        """Like cursor(): same connection, transaction, error wrapping and query logging."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparedCursor(self.connection)
            # As Django's create_cursor(): date-times read in the connection's time zone.
            loader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
            if self.timezone != loader.timezone:
                base.register_tzloader(self.timezone, cursor)
            self.validate_thread_sharing()
            return LoggedStatements(cursor, self) if self.queries_logged else self.make_cursor(cursor)
