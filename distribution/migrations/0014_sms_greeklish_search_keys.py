"""Search keys recomputed: core.text.search_key now reads SMS Greeklish (η as h after a consonant, θ as 8,
ξ as 3, ευ/αυ as eu/au, γκ as nk) and Latin look-alike letters inside a Greek word as Greek."""

from django.db import migrations

from core.migration_ops import RefreshKeys
from core.text import search_key


def person_keys(row):
    names = " ".join(sorted(search_key(f"{row.first_name} {row.last_name}").split()))
    return {"search_text": search_key(" ".join([row.first_name, row.last_name, row.father_name])),
            "identity_key": f"{names}|{row.birth_date.isoformat()}" if names and row.birth_date else ""}


class Migration(migrations.Migration):

    dependencies = [
        ('distribution', '0013_localized_quantity_limit'),
    ]

    operations = [
        RefreshKeys("Person", person_keys),
    ]
