"""Search keys recomputed: core.text.search_key now lets χ/ξ/x/ks/ch meet and af/ef meet av/ev (ELOT 743, Greeklish)."""

from django.db import migrations

from core.migration_ops import RefreshKeys
from core.text import search_key


class Migration(migrations.Migration):
    dependencies = [("events", "0006_request_ids_per_user")]

    operations = [
        RefreshKeys("Event", lambda r: {"search_text": search_key(f"{r.title_el} {r.title_en}")}),
        RefreshKeys("Registration", lambda r: {"search_text": search_key(f"{r.name} {r.phone} {r.email} {r.household_ref}")}),
    ]
