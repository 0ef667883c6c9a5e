from django.db import migrations

from core.migration_ops import TrigramIndex, _PostgresOnly

SKILLS = [
    ("Πρώτες βοήθειες", True),
    ("Πιστοποιητικό υγιεινής τροφίμων", True),
    ("Δίπλωμα οδήγησης", True),
    ("Ποινικό μητρώο (εργασία με παιδιά)", True),
    ("Διερμηνεία", False),
    ("Χειρισμός υπολογιστή", False),
]


def seed_skills(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for name, expires in SKILLS:
        Skill.objects.get_or_create(name=name, defaults={"expires": expires})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial"), ("core", "0002_roles_and_search")]

    operations = [
        migrations.RunPython(seed_skills, migrations.RunPython.noop),
        TrigramIndex("volunteers_volunteer", "search_text"),
        # No volunteer holds two active (assigned or confirmed) assignments whose times overlap,
        # whatever the application does: the services check it under a lock, this is the backstop.
        _PostgresOnly(
            "CREATE EXTENSION IF NOT EXISTS btree_gist; "
            "ALTER TABLE volunteers_assignment ADD CONSTRAINT assignment_no_overlap "
            "EXCLUDE USING gist (volunteer_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
            "WHERE (status IN ('assigned', 'confirmed'))",
            "ALTER TABLE volunteers_assignment DROP CONSTRAINT IF EXISTS assignment_no_overlap",
        ),
    ]
