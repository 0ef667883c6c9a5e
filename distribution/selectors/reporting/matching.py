"""The match keys of the people a centre counted (core.matching): how the region counts a person who
received support at two centres once, without any centre's people leaving it. The AMKA is read here, in
the centre's own scope, and only its keyed hash is returned."""

from core.matching import match_key

from ...models import Person

CHUNK = 2000


def match_keys(person_ids) -> dict[int, str]:
    """{person id: match key} of those of the people with an AMKA (and the installation's key set)."""
    ids = [pk for pk in person_ids if isinstance(pk, int)]
    found = {}
    for start in range(0, len(ids), CHUNK):
        rows = Person.everyone.filter(pk__in=ids[start:start + CHUNK]).exclude(amka="").values_list("pk", "amka")
        for pk, amka in rows:
            key = match_key(amka)
            if key:
                found[pk] = key
    return found
