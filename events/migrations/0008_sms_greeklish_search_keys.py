"""Search keys recomputed: core.text.search_key now reads SMS Greeklish (η as h after a consonant, θ as 8,
ξ as 3, ευ/αυ as eu/au, γκ as nk) and Latin look-alike letters inside a Greek word as Greek."""

from django.db import migrations

from core.migration_ops import RefreshKeys
from core.text import search_key


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0007_greeklish_search_keys'),
    ]

    operations = [
        RefreshKeys("Event", lambda r: {"search_text": search_key(f"{r.title_el} {r.title_en}")}),
        RefreshKeys("Registration", lambda r: {"search_text": search_key(f"{r.name} {r.phone} {r.email} {r.household_ref}")}),
    ]
