"""Migration tests: move the test database to a point of the migration graph and back, and get the
historical models there (Django's migration executor)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` ([(app, migration), …]); the apps registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    """Every app's last migration: where a test returns to."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before(app, migration):
    """`app` at `migration`, every other app at its last (to test one app's migration alone)."""
    return [(app, migration), *[node for node in latest() if node[0] != app]]
