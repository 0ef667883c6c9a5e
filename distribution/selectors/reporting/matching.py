"""The match keys of the people a centre counted (core.matching): how the region counts a person who
received support at two centres once, without any centre's people leaving it. The AMKA is read here, in
the centre's own scope, and only its keyed hash is returned."""

from core.matching import match_key

from ...models import Person


def match_keys(person_ids) -> dict[int, str]:
    """{person id: match key} of those of the people with an AMKA (and the installation's key set).

    One statement: the AMKAs of the centre's people (its scope, through the centre's index), kept for the
    people asked about. Asking by id instead took a statement per 2,000 people, each with as many
    parameters, ~45 ms apiece for a centre of 7,000 people (bench/national.py)."""
    wanted = {pk for pk in person_ids if isinstance(pk, int)}
    if not wanted:
        return {}
    found = {}
    for pk, amka in Person.everyone.exclude(amka="").values_list("pk", "amka").order_by():
        if pk in wanted:
            key = match_key(amka)
            if key:
                found[pk] = key
    return found
