"""Sign-in rules per centre: the installation's one row (pk 1) becomes the first centre's rules; the
other centres keep the settings' defaults until their coordinator saves theirs."""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models

import core.tenancy


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    Centre = apps.get_model("core", "Centre")
    SecurityPolicy = apps.get_model("core", "SecurityPolicy")
    centre = Centre.objects.using(db).order_by("pk").first()
    rows = SecurityPolicy.objects.using(db)
    if centre is None:
        rows.all().delete()  # no centre to hold them (an empty database): the defaults apply
    else:
        rows.update(centre=centre)
    # The one row was written with pk 1 by hand: the id sequence must move past it for the next centre's.
    with schema_editor.connection.cursor() as cursor:
        for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), [SecurityPolicy]):
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0012_many_centres"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="securitypolicy", name="security_policy_single_row"),
        migrations.AddField(
            model_name="securitypolicy",
            name="centre",
            field=models.OneToOneField(editable=False, null=True, on_delete=django.db.models.deletion.CASCADE,
                                       related_name="+", to="core.centre", verbose_name="centre"),
        ),
        migrations.RunPython(into_first_centre, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="securitypolicy",
            name="centre",
            field=models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE,
                                       related_name="+", to="core.centre", verbose_name="centre"),
        ),
        migrations.AlterField(
            model_name="securitypolicy",
            name="centre",
            field=models.OneToOneField(default=core.tenancy.default_centre_id, editable=False,
                                       on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                       to="core.centre", verbose_name="centre"),
        ),
    ]
