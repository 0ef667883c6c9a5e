"""Search keys recomputed: core.text.search_key now reads SMS Greeklish (η as h after a consonant, θ as 8,
ξ as 3, ευ/αυ as eu/au, γκ as nk) and Latin look-alike letters inside a Greek word as Greek."""

from django.db import migrations

from core.migration_ops import RefreshKeys
from core.text import search_key


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_audit_log_forgets_people'),
    ]

    operations = [
        RefreshKeys("Location", lambda r: {"search_text": search_key(f"{r.name} {r.address}")}),
    ]
