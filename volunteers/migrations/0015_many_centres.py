"""Many centres: every volunteer, skill, certificate, shift, series, template, assignment, reminder sent,
plan and its lines, swap offer and ask, contact change and location calendar link is given to the
installation's first centre (core 0012 made the single centre row the first centre). A volunteer's
account may now stand behind one volunteer record per centre; skill and template names and e-mail
addresses are unique within a centre. The rows that hang from a volunteer or a template (languages,
weekly availability, absences, template lines) are reached through it and carry no centre."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import core.tenancy

MODELS = ["skill", "volunteer", "certificate", "shiftseries", "shift", "shifttemplate", "assignment", "remindersent",
          "planproposal", "planline", "contactchange", "locationfeed", "swapoffer", "swapask"]


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    centre = apps.get_model("core", "Centre").objects.using(db).order_by("pk").first()
    for name in MODELS:
        apps.get_model("volunteers", name).objects.using(db).update(centre=centre)


def _field(**extra):
    return models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="core.centre", verbose_name="centre", **extra)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0012_many_centres"),
        ("volunteers", "0014_swaps"),
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
        # One account, one volunteer record per centre (a person who volunteers at two centres has two).
        migrations.AlterField(
            model_name="volunteer", name="user",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="volunteer_records", to=settings.AUTH_USER_MODEL,
                                    verbose_name="user account"),
        ),
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("user__isnull", False)), fields=("centre", "user"),
                name="volunteer_one_record_per_centre",
                violation_error_message="This account already belongs to a volunteer of the centre."),
        ),
        migrations.RemoveConstraint(model_name="volunteer", name="volunteer_email_unique_any_case"),
        migrations.AddConstraint(
            model_name="volunteer",
            constraint=models.UniqueConstraint(
                models.F("centre"), django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True), name="volunteer_email_unique_in_centre",
                violation_error_message="Another volunteer already has this e-mail address."),
        ),
        migrations.AlterField(model_name="skill", name="name",
                              field=models.CharField(max_length=120, verbose_name="name")),
        migrations.AddConstraint(
            model_name="skill",
            constraint=models.UniqueConstraint(fields=("centre", "name"), name="skill_name_unique_in_centre",
                                               violation_error_message="The centre already has a skill of this name."),
        ),
        migrations.AlterField(model_name="shifttemplate", name="name",
                              field=models.CharField(max_length=120, verbose_name="name")),
        migrations.AddConstraint(
            model_name="shifttemplate",
            constraint=models.UniqueConstraint(
                fields=("centre", "name"), name="shift_template_name_unique_in_centre",
                violation_error_message="The centre already has a shift template of this name."),
        ),
    ]
