"""Search keys recomputed: core.text.search_key now lets χ/ξ/x/ks/ch meet and af/ef meet av/ev (ELOT 743, Greeklish)."""

from django.db import migrations

from core.migration_ops import RefreshKeys
from core.text import search_key


def person_keys(row):
    names = " ".join(sorted(search_key(f"{row.first_name} {row.last_name}").split()))
    return {"search_text": search_key(" ".join([row.first_name, row.last_name, row.father_name])),
            "identity_key": f"{names}|{row.birth_date.isoformat()}" if names and row.birth_date else ""}


class Migration(migrations.Migration):
    dependencies = [("distribution", "0010_import_started_at")]

    operations = [
        RefreshKeys("Person", person_keys),
    ]
