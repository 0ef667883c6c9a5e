"""Messages belong to the centre that wrote them: the messages written before are the first centre's."""

import django.db.models.deletion
from django.db import migrations, models

import core.tenancy


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    centre = apps.get_model("core", "Centre").objects.using(db).order_by("pk").first()
    if centre is not None:
        apps.get_model("core", "OutboundMessage").objects.using(db).update(centre=centre)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0014_audit_log_per_centre"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="centre",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="core.centre", verbose_name="centre"),
        ),
        migrations.RunPython(into_first_centre, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboundmessage",
            name="centre",
            field=models.ForeignKey(blank=True, default=core.tenancy.default_centre_id, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="core.centre", verbose_name="centre"),
        ),
        migrations.AlterModelOptions(
            name="outboundmessage",
            options={"default_manager_name": "objects", "ordering": ["-created_at", "-id"], "verbose_name": "message",
                     "verbose_name_plural": "messages"},
        ),
        migrations.AddIndex(
            model_name="outboundmessage",
            index=models.Index(fields=["centre", "created_at"], name="outbox_centre_created"),
        ),
    ]
