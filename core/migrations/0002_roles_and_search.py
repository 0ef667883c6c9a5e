from django.db import migrations

from core.migration_ops import TrigramExtension, TrigramIndex

ROLES = ["coordinator", "staff", "volunteer"]


def create_role_groups(apps, schema_editor):
    # What each role may do is core.roles.access_table(); the groups hold no model permissions.
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_role_groups, remove_role_groups),
        TrigramExtension(),
        TrigramIndex("core_location", "search_text"),
    ]
