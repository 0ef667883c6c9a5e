"""Reference data the volunteers app needs in every database (also seeded by migrations 0002 and 0011)."""

# (Greek name, English name, has an expiry date)
STANDARD_SKILLS = [
    ("Πρώτες βοήθειες", "First aid", True),
    ("Πιστοποιητικό υγιεινής τροφίμων", "Food hygiene certificate", True),
    ("Δίπλωμα οδήγησης", "Driving licence", True),
    ("Ποινικό μητρώο (εργασία με παιδιά)", "Criminal record certificate (work with children)", True),
    ("Διερμηνεία", "Interpreting", False),
    ("Χειρισμός υπολογιστή", "Computer skills", False),
]


def ensure_standard_skills(using="default"):
    from django.db import connections

    from .models import Skill

    # This runs after every migrate (post_migrate), also one that stops at an older migration: a table
    # without today's columns is left to the migrations that will bring them.
    connection = connections[using]
    with connection.cursor() as cursor:
        if Skill._meta.db_table not in connection.introspection.table_names(cursor):
            return
        columns = {column.name for column in connection.introspection.get_table_description(
            cursor, Skill._meta.db_table)}
    if not {field.column for field in Skill._meta.concrete_fields} <= columns:
        return
    from core.models import Centre
    from core.tenancy import centre_scope, scopes_disabled

    with scopes_disabled():
        centres = list(Centre.objects.using(using).order_by("pk"))
    for centre in centres:  # each centre keeps its own list, starting from the standard skills
        with centre_scope(centre):
            ensure_centre_skills(using)


def ensure_centre_skills(using="default"):
    """The standard skills of the centre in scope (a new centre gets them when it is made)."""
    from .models import Skill

    for name, name_en, expires in STANDARD_SKILLS:
        skill, _created = Skill.objects.using(using).get_or_create(name=name, defaults={"expires": expires,
                                                                                        "name_en": name_en})
        if not skill.name_en:
            Skill.objects.using(using).filter(pk=skill.pk).update(name_en=name_en)
