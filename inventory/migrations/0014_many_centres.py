"""Many centres: every inventory record (items and their barcodes, packs and kits, donors, donations,
stock levels, the ledger, transfers, stock-takes, thresholds, kept kit answers and contents) is given
to the installation's first centre (core 0012 made the single centre row the first centre). A barcode
is unique within its centre (a product's EAN is the same at every centre), a kit request's id per user
within its centre."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.tenancy
from core.db.migration_ops import PostgresOnlySQL

MODELS = ["item", "barcode", "pack", "kitcomponent", "kitrequest", "kithandedout", "lowstockthreshold", "donor",
          "donation", "donationline", "stocklevel", "stockmovement", "transfer", "stocktake", "stocktakecount"]
UNINDEXED = {"stockmovement"}  # the ledger: every scan inserts rows; no query starts from the centre

# The ledger refuses UPDATE (0002's trigger): let this one migration give its rows their centre.
LEDGER_GUARD_OFF = "ALTER TABLE inventory_stockmovement DISABLE TRIGGER inventory_stockmovement_append_only;"
LEDGER_GUARD_ON = "ALTER TABLE inventory_stockmovement ENABLE TRIGGER inventory_stockmovement_append_only;"


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    centre = apps.get_model("core", "Centre").objects.using(db).order_by("pk").first()
    for name in MODELS:
        model = apps.get_model("inventory", name)
        if centre is None:
            assert not model.objects.using(db).exists(), f"inventory {name} rows but no centre to give them to"
            continue
        model.objects.using(db).update(centre=centre)


def _field(name, **extra):
    return models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="core.centre", verbose_name="centre", db_index=name not in UNINDEXED, **extra)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0012_many_centres"),
        ("inventory", "0013_kit_handed_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="centre", field=_field(name, null=True)) for name in MODELS],
        PostgresOnlySQL(LEDGER_GUARD_OFF, LEDGER_GUARD_ON),
        migrations.RunPython(into_first_centre, migrations.RunPython.noop),
        PostgresOnlySQL(LEDGER_GUARD_ON, LEDGER_GUARD_OFF),
        # NOT NULL first, the default after: Django calls a default while it makes a column NOT NULL,
        # and there is no centre's scope during migrate.
        *[migrations.AlterField(model_name=name, name="centre", field=_field(name)) for name in MODELS],
        *[migrations.AlterField(model_name=name, name="centre",
                                field=_field(name, default=core.tenancy.default_centre_id)) for name in MODELS],
        migrations.AlterField(model_name="barcode", name="code", field=models.CharField(max_length=64,
                                                                                         verbose_name="code")),
        migrations.AddConstraint(
            model_name="barcode",
            constraint=models.UniqueConstraint(fields=("centre", "code"), name="barcode_code_unique_in_centre",
                                               violation_error_message="This barcode already belongs to an item."),
        ),
        migrations.RemoveConstraint(model_name="kitrequest", name="kitrequest_request_id_per_user"),
        migrations.AddConstraint(
            model_name="kitrequest",
            constraint=models.UniqueConstraint(fields=("centre", "by", "request_id"),
                                               name="kitrequest_request_id_per_user_in_centre",
                                               violation_error_message="This request was already answered."),
        ),
    ]
