"""Reference data the volunteers app needs in every database (also seeded by migration 0002)."""

STANDARD_SKILLS = [
    ("Πρώτες βοήθειες", True),
    ("Πιστοποιητικό υγιεινής τροφίμων", True),
    ("Δίπλωμα οδήγησης", True),
    ("Ποινικό μητρώο (εργασία με παιδιά)", True),
    ("Διερμηνεία", False),
    ("Χειρισμός υπολογιστή", False),
]


def ensure_standard_skills(using="default"):
    from .models import Skill

    for name, expires in STANDARD_SKILLS:
        Skill.objects.using(using).get_or_create(name=name, defaults={"expires": expires})
