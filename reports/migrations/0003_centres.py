"""Many centres: every submitted ESF+ report is given to the installation's first centre (core 0012 made
the single centre row the first centre); from now on a closed period is closed for its own centre.

A submitted report is never changed: the database refuses UPDATE (reports 0001). Giving the existing
rows their centre is the one change this migration makes on purpose, so the refusal is lifted for it
and put back as it was (on SQLite the table is rebuilt by the NOT NULL step, which drops its triggers
anyway)."""

import django.db.models.deletion
from django.db import migrations, models

import core.tenancy

TABLE = "reports_submittedreport"


def _lift(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS submitted_report_unchangeable ON {TABLE}")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS submitted_report_no_update")


def _put_back(schema_editor):
    """As reports 0001 and 0002 left them: UPDATE and DELETE refused on PostgreSQL, UPDATE on SQLite."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS submitted_report_unchangeable ON {TABLE}")
        schema_editor.execute(
            f"CREATE TRIGGER submitted_report_unchangeable BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION reports_submitted_report_unchangeable()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS submitted_report_no_update")
        schema_editor.execute(
            f"CREATE TRIGGER submitted_report_no_update BEFORE UPDATE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'a submitted report cannot be changed or deleted'); END")


def lift_the_refusal(apps, schema_editor):
    _lift(schema_editor)


def refuse_again(apps, schema_editor):
    _put_back(schema_editor)


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    centre = apps.get_model("core", "Centre").objects.using(db).order_by("pk").first()
    apps.get_model("reports", "SubmittedReport").objects.using(db).update(centre=centre)


def _field(**extra):
    return models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="core.centre", verbose_name="centre", **extra)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0012_many_centres"),
        ("reports", "0002_sqlite_flush"),
    ]

    operations = [
        # Backwards, the operations run in reverse: the refusal is lifted before the column goes, and put
        # back after (the SQLite rebuild that removes the column drops the table's triggers).
        migrations.RunPython(lift_the_refusal, refuse_again),
        migrations.AddField(model_name="submittedreport", name="centre", field=_field(null=True)),
        migrations.RunPython(into_first_centre, migrations.RunPython.noop),
        # NOT NULL first, the default after: Django calls a default while it makes a column NOT NULL,
        # and there is no centre's scope during migrate.
        migrations.AlterField(model_name="submittedreport", name="centre", field=_field()),
        migrations.AlterField(model_name="submittedreport", name="centre",
                              field=_field(default=core.tenancy.default_centre_id)),
        migrations.RunPython(refuse_again, lift_the_refusal),
    ]
