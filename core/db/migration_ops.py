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


class RefreshKeys(migrations.RunPython):
    """Recompute stored search columns after `core.text.search_key` changed its rules.

    `compute(row)` returns {column: new value} for one row of the historical model; only rows whose
    values change are written, in batches. Reversing leaves the keys as they are (the old rules are gone).
    """

    def __init__(self, model_name: str, compute, *, batch_size: int = 1000):
        self.model_name, self.compute, self.batch_size = model_name, compute, batch_size
        super().__init__(self._forwards, migrations.RunPython.noop, elidable=True)

    def _forwards(self, apps, schema_editor):
        app_label = self._app_label
        model = apps.get_model(app_label, self.model_name)
        batch, fields = [], set()
        for row in model.objects.order_by("pk").iterator(chunk_size=self.batch_size):
            values = self.compute(row)
            changed = {name: value for name, value in values.items() if getattr(row, name) != value}
            if changed:
                for name, value in changed.items():
                    setattr(row, name, value)
                fields.update(values)
                batch.append(row)
            if len(batch) >= self.batch_size:
                model.objects.bulk_update(batch, sorted(fields))
                batch, fields = [], set()
        if batch:
            model.objects.bulk_update(batch, sorted(fields))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._app_label = app_label
        super().database_forwards(app_label, schema_editor, from_state, to_state)


class RefuseDuplicates(migrations.RunPython):
    """Before a uniqueness rule is added: stop with a clear list of the rows that already break it.

    `key(row)` gives what must be unique (rows where it is None are not compared), `describe(row)` how
    a person finds the row. The migration fails with every clash listed, so they can be resolved (by
    hand, in the admin) before migrating again; nothing is changed or deleted on anyone's behalf.
    """

    def __init__(self, model_name: str, key, describe, *, rule: str, queryset=None):
        self.model_name, self.key, self.describe, self.rule = model_name, key, describe, rule
        self.queryset = queryset or (lambda manager: manager.all())
        super().__init__(self._forwards, migrations.RunPython.noop)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._app_label = app_label
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def _forwards(self, apps, schema_editor):
        model = apps.get_model(self._app_label, self.model_name)
        groups = {}
        for row in self.queryset(model.objects).order_by("pk").iterator():
            key = self.key(row)
            if key is not None:
                groups.setdefault(key, []).append(row)
        clashes = [rows for rows in groups.values() if len(rows) > 1]
        if clashes:
            lines = "\n".join("  - " + "; ".join(self.describe(row) for row in rows) for rows in clashes)
            raise RuntimeError(
                f"{len(clashes)} group(s) of {model._meta.verbose_name_plural} break the new rule "
                f"\"{self.rule}\". Resolve them, then run migrate again:\n{lines}")
