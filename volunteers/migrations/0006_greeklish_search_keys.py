"""Search keys recomputed: core.text.search_key now lets χ/ξ/x/ks/ch meet and af/ef meet av/ev (ELOT 743, Greeklish)."""

from django.db import migrations

from core.migration_ops import RefreshKeys
from core.text import search_key


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0005_assignment_dropped_out")]

    operations = [
        RefreshKeys("Volunteer", lambda r: {"search_text": search_key(f"{r.first_name} {r.last_name} {r.email} {r.phone}")}),
    ]
