"""Migration operations that only apply on PostgreSQL (they are no-ops on SQLite)."""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only (e.g. triggers, exclusion constraints)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class TrigramExtension(PostgresOnlySQL):
    def __init__(self):
        super().__init__("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop)


class TrigramIndex(PostgresOnlySQL):
    """A GIN trigram index so that `column LIKE '%term%'` stays fast at tens of thousands of rows."""

    def __init__(self, table: str, column: str):
        name = f"{table}_{column}_trgm"[:63]
        super().__init__(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
            f"DROP INDEX IF EXISTS {name}",
        )
