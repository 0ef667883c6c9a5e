"""Many centres: every household, person, authorised collector, card, programme, enrolment, distribution
day, collection, scan, offline hand-out, hand-out, need (the list and the recorded ones) and import is
given to the installation's first centre (core 0012 made the single centre row the first centre). Card
numbers, household references, programme and need codes, and the request ids of scans and hand-outs
(per user) become unique within a centre."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.tenancy

MODELS = ["household", "person", "authorisedcollector", "card", "programme", "enrolment", "distributionday",
          "collection", "scan", "offlinehandout", "handout", "need", "householdneed", "importjob"]


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    centre = apps.get_model("core", "Centre").objects.using(db).order_by("pk").first()
    for name in MODELS:
        model = apps.get_model("distribution", name)
        manager = model._base_manager if name == "person" else model.objects  # every person, members or not
        manager.using(db).update(centre=centre)


def _field(**extra):
    return models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="core.centre", verbose_name="centre", **extra)


def _unique(model_name, fields, name, message):
    return migrations.AddConstraint(model_name=model_name, constraint=models.UniqueConstraint(
        fields=fields, name=name, violation_error_message=message))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0012_many_centres"),
        ("distribution", "0022_handout_request_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Both managers of a person keep to the centre; a foreign key to a person reads through Django's
        # plain base manager.
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["-is_reference", "birth_date", "id"], "verbose_name": "person",
                     "verbose_name_plural": "people"},
        ),
        migrations.AlterModelManagers(name="person", managers=[]),
        *[migrations.AddField(model_name=name, name="centre", field=_field(null=True)) for name in MODELS],
        migrations.RunPython(into_first_centre, migrations.RunPython.noop),
        # NOT NULL first, the default after: Django calls a default while it makes a column NOT NULL,
        # and there is no centre's scope during migrate.
        *[migrations.AlterField(model_name=name, name="centre", field=_field()) for name in MODELS],
        *[migrations.AlterField(model_name=name, name="centre", field=_field(default=core.tenancy.default_centre_id))
          for name in MODELS],
        # Unique within a centre: card numbers, household references, programme and need codes.
        migrations.AlterField(model_name="card", name="number",
                              field=models.CharField(blank=True, max_length=8, null=True, verbose_name="card number")),
        _unique("card", ("centre", "number"), "card_number_unique_in_centre",
                "Another card of the centre has this number."),
        migrations.AlterField(
            model_name="household", name="import_reference",
            field=models.CharField(blank=True, help_text="E.g. the KEA application number; importing the same list "
                                   "twice matches on it.", max_length=60, null=True,
                                   verbose_name="reference in the imported list")),
        _unique("household", ("centre", "import_reference"), "household_import_reference_in_centre",
                "Another household already has this reference in the imported list."),
        migrations.AlterField(model_name="programme", name="code",
                              field=models.SlugField(help_text="Short code used in imported lists, e.g. kea-basic.",
                                                     max_length=40, verbose_name="code")),
        _unique("programme", ("centre", "code"), "programme_code_unique_in_centre",
                "Another programme of the centre has this code."),
        migrations.AlterField(model_name="need", name="code", field=models.SlugField(max_length=40, verbose_name="code")),
        _unique("need", ("centre", "code"), "need_code_unique_in_centre",
                "Another need of the centre's list has this code."),
        # A request id is a user's within a centre (core.idempotency).
        migrations.RemoveConstraint(model_name="scan", name="scan_request_id_per_user"),
        _unique("scan", ("centre", "by", "request_id"), "scan_request_id_per_user_in_centre",
                "This scan has already been recorded."),
        migrations.RemoveConstraint(model_name="handout", name="handout_request_id_per_user"),
        _unique("handout", ("centre", "by", "request_id"), "handout_request_id_per_user_in_centre",
                "This request was already answered."),
    ]
