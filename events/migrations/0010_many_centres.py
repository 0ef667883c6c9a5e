"""Many centres: every event, registration, check-in, kept scan answer and offline check-in is given to
the installation's first centre (core 0012 made the single centre row the first centre); a scan's
request id is unique per user within a centre."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.tenancy

MODELS = ["event", "registration", "checkin", "scanrequest", "offlinecheckin"]


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    centre = apps.get_model("core", "Centre").objects.using(db).order_by("pk").first()
    for name in MODELS:
        apps.get_model("events", name).objects.using(db).update(centre=centre)


def _field(**extra):
    return models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="core.centre", verbose_name="centre", **extra)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0012_many_centres"),
        ("events", "0009_offline_door"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="centre", field=_field(null=True)) for name in MODELS],
        migrations.RunPython(into_first_centre, migrations.RunPython.noop),
        # NOT NULL first, the default after: Django calls a default while it makes a column NOT NULL,
        # and there is no centre's scope during migrate.
        *[migrations.AlterField(model_name=name, name="centre", field=_field()) for name in MODELS],
        *[migrations.AlterField(model_name=name, name="centre", field=_field(default=core.tenancy.default_centre_id))
          for name in MODELS],
        migrations.RemoveConstraint(model_name="scanrequest", name="scanrequest_request_id_per_user"),
        migrations.AddConstraint(
            model_name="scanrequest",
            constraint=models.UniqueConstraint(fields=("centre", "by", "request_id"),
                                               name="scanrequest_request_id_per_user_in_centre",
                                               violation_error_message="This scan has already been recorded."),
        ),
    ]
