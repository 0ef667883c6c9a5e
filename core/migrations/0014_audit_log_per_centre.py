"""Audit entries carry their centre: the entries written before are the first centre's, but signing in
and out, which happen outside any one centre (core.audit.OUTSIDE_ANY_CENTRE)."""

import django.db.models.deletion
from django.db import migrations, models

import core.tenancy

OUTSIDE_ANY_CENTRE = ["login", "login_failed", "locked_out", "logout", "factor_verified", "factor_failed"]


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    centre = apps.get_model("core", "Centre").objects.using(db).order_by("pk").first()
    if centre is not None:
        apps.get_model("core", "AuditLog").objects.using(db).exclude(action__in=OUTSIDE_ANY_CENTRE).update(
            centre=centre)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0013_security_policy_per_centre"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="centre",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="core.centre", verbose_name="centre"),
        ),
        migrations.RunPython(into_first_centre, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditlog",
            name="centre",
            field=models.ForeignKey(blank=True, default=core.tenancy.default_centre_id, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="core.centre", verbose_name="centre"),
        ),
        migrations.AlterModelOptions(
            name="auditlog",
            options={"default_manager_name": "objects", "ordering": ["-at", "-id"], "verbose_name": "audit log entry",
                     "verbose_name_plural": "audit log"},
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["centre", "at"], name="auditlog_centre_at"),
        ),
    ]
