from django.db import migrations

from core.migration_ops import TrigramIndex, PostgresOnlySQL

# On PostgreSQL the ledger refuses UPDATE and DELETE from anyone, not only from the ORM.
LEDGER_GUARD = """
CREATE OR REPLACE FUNCTION inventory_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'inventory_stockmovement is append-only: post a correcting movement instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inventory_stockmovement_append_only
    BEFORE UPDATE OR DELETE ON inventory_stockmovement
    FOR EACH ROW EXECUTE FUNCTION inventory_ledger_append_only();
"""
LEDGER_GUARD_REVERSE = """
DROP TRIGGER IF EXISTS inventory_stockmovement_append_only ON inventory_stockmovement;
DROP FUNCTION IF EXISTS inventory_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles_and_search"),
        ("inventory", "0001_initial"),
    ]

    operations = [
        PostgresOnlySQL(LEDGER_GUARD, LEDGER_GUARD_REVERSE),
        TrigramIndex("inventory_item", "search_text"),
        TrigramIndex("inventory_donor", "search_text"),
    ]
