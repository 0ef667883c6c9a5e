"""Search keys recomputed: core.text.search_key now lets χ/ξ/x/ks/ch meet and af/ef meet av/ev (ELOT 743, Greeklish)."""

from django.db import migrations

from core.migration_ops import RefreshKeys
from core.text import search_key


class Migration(migrations.Migration):
    dependencies = [("inventory", "0005_plausible_dates")]

    operations = [
        RefreshKeys("Item", lambda r: {"search_text": search_key(f"{r.name_el} {r.name_en}")}),
        RefreshKeys("Donor", lambda r: {"search_text": search_key(r.name)}),
    ]
