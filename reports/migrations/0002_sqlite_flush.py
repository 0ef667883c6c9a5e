"""On SQLite, Django empties tables between tests with DELETE (PostgreSQL uses TRUNCATE, which row
triggers do not see): keep only the UPDATE trigger there. PostgreSQL, the production database, keeps
refusing both; the model refuses delete() on every database."""

from django.db import migrations


def sqlite_keeps_only_the_update_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS submitted_report_no_delete")


def sqlite_delete_trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER submitted_report_no_delete BEFORE DELETE ON reports_submittedreport "
            "BEGIN SELECT RAISE(ABORT, 'a submitted report cannot be changed or deleted'); END")


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_submitted_reports"),
    ]

    operations = [
        migrations.RunPython(sqlite_keeps_only_the_update_trigger, sqlite_delete_trigger_again),
    ]
