"""Many centres: the single centre row becomes the first centre (its pk is kept); every location and
API token is given to it, and each person's role group becomes a membership at it. Nothing is lost:
a database without a centre row gets one (the coordinator fills in its details, as before)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.tenancy

ROLES = ["coordinator", "staff", "volunteer"]  # highest first


def first_centre(apps, schema_editor):
    Centre = apps.get_model("core", "Centre")
    db = schema_editor.connection.alias
    centre = Centre.objects.using(db).order_by("pk").first()
    if centre is None:
        centre = Centre.objects.using(db).create(name="Κέντρο Κοινότητας", slug="centre-1")
    for row in Centre.objects.using(db).filter(slug__isnull=True):
        row.slug = f"centre-{row.pk}"
        row.save(update_fields=["slug"])


def into_first_centre(apps, schema_editor):
    db = schema_editor.connection.alias
    Centre = apps.get_model("core", "Centre")
    centre = Centre.objects.using(db).order_by("pk").first()
    apps.get_model("core", "Location").objects.using(db).update(centre=centre)
    apps.get_model("core", "ApiToken").objects.using(db).update(centre=centre)
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Membership = apps.get_model("core", "Membership")
    held = {}
    for user_id, name in User.groups.through.objects.using(db).filter(group__name__in=ROLES).values_list(
            "user_id", "group__name"):
        if user_id not in held or ROLES.index(name) < ROLES.index(held[user_id]):
            held[user_id] = name
    Membership.objects.using(db).bulk_create(
        [Membership(user_id=user_id, centre=centre, role=role) for user_id, role in sorted(held.items())])


def back_to_groups(apps, schema_editor):
    """Going back: the roles at the first centre are what the groups hold (they were kept in step)."""


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0011_outbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, unique=True, verbose_name="name")),
            ],
            options={"verbose_name": "region", "verbose_name_plural": "regions", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Municipality",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                ("region", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                             related_name="municipalities", to="core.region", verbose_name="region")),
            ],
            options={"verbose_name": "municipality", "verbose_name_plural": "municipalities", "ordering": ["name"],
                     "constraints": [models.UniqueConstraint(
                         fields=("region", "name"), name="municipality_name_unique_in_region",
                         violation_error_message="The region already has a municipality of this name.")]},
        ),
        migrations.AlterModelOptions(
            name="centre",
            options={"ordering": ["name"], "verbose_name": "centre", "verbose_name_plural": "centres"},
        ),
        migrations.RemoveConstraint(model_name="centre", name="centre_single_row"),
        migrations.AddField(
            model_name="centre", name="is_active", field=models.BooleanField(default=True, verbose_name="active"),
        ),
        migrations.AddField(
            model_name="centre", name="municipality",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="centres", to="core.municipality", verbose_name="municipality"),
        ),
        migrations.AddField(
            model_name="centre", name="slug", field=models.SlugField(null=True, db_index=False, verbose_name="short code"),
        ),
        migrations.RunPython(first_centre, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="centre", name="slug",
            field=models.SlugField(help_text="Latin letters, digits and hyphens; it names the centre in commands.",
                                   unique=True, verbose_name="short code"),
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(choices=[("coordinator", "Coordinator"), ("staff", "Staff"),
                                                   ("volunteer", "Volunteer")], max_length=20, verbose_name="role")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="since")),
                ("centre", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships",
                                             to="core.centre", verbose_name="centre")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships",
                                           to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "membership", "verbose_name_plural": "memberships", "ordering": ["centre_id", "user_id"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "centre"), name="membership_one_role_per_centre",
                                            violation_error_message="The person already has a role at this centre."),
                    models.CheckConstraint(condition=models.Q(("role__in", ["coordinator", "staff", "volunteer"])),
                                           name="membership_role_known",
                                           violation_error_message="Choose a role: coordinator, staff or volunteer."),
                ],
            },
        ),
        migrations.CreateModel(
            name="Oversight",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("municipality", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                                   related_name="+", to="core.municipality",
                                                   verbose_name="municipality")),
                ("region", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                             related_name="+", to="core.region", verbose_name="region")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="oversights",
                                           to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "regional role", "verbose_name_plural": "regional roles",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(models.Q(("municipality__isnull", True), ("region__isnull", False)),
                                           models.Q(("municipality__isnull", False), ("region__isnull", True)),
                                           _connector="OR"),
                        name="oversight_region_or_municipality",
                        violation_error_message="A regional role is over a region or over a municipality: choose one."),
                    models.UniqueConstraint(fields=("user", "region"), name="oversight_once_per_region",
                                            violation_error_message="The person already oversees this region."),
                    models.UniqueConstraint(fields=("user", "municipality"), name="oversight_once_per_municipality",
                                            violation_error_message="The person already oversees this municipality."),
                ],
            },
        ),
        migrations.AddField(
            model_name="location", name="centre",
            field=models.ForeignKey(null=True, editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="locations", to="core.centre", verbose_name="centre"),
        ),
        migrations.AddField(
            model_name="apitoken", name="centre",
            field=models.ForeignKey(null=True, editable=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="core.centre", verbose_name="centre"),
        ),
        migrations.RunPython(into_first_centre, back_to_groups),
        # NOT NULL first, then the default (a new row's centre is the current scope's, core.tenancy).
        migrations.AlterField(
            model_name="location", name="centre",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="locations", to="core.centre", verbose_name="centre"),
        ),
        migrations.AlterField(
            model_name="location", name="centre",
            field=models.ForeignKey(default=core.tenancy.default_centre_id, editable=False,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="locations",
                                    to="core.centre", verbose_name="centre"),
        ),
        migrations.AlterField(
            model_name="apitoken", name="centre",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="core.centre", verbose_name="centre"),
        ),
        migrations.AlterField(
            model_name="apitoken", name="centre",
            field=models.ForeignKey(default=core.tenancy.default_centre_id, editable=False,
                                    on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.centre",
                                    verbose_name="centre"),
        ),
        migrations.AlterField(
            model_name="location", name="name", field=models.CharField(max_length=120, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="location",
            constraint=models.UniqueConstraint(fields=("centre", "name"), name="location_name_unique_in_centre",
                                               violation_error_message="The centre already has a location of this name."),
        ),
    ]
