"""People counted once in the region: a person who received support at two centres of the area in the
period counts once in the region's people figures, as the ESF+ regulation counts people (end
recipients), while each centre's own figures keep counting her.

Each centre's people are those of its own figures (`people_facts`, one row per person counted, and
`figure_answers`, the Python twin of the figures' SQL), read in its own scope; what leaves the centre
is each person's match key (core.matching: a keyed hash of the AMKA), in memory only. Per figure and
answer the region counts the distinct keys, plus every person without a key (no AMKA: she cannot be
matched and is counted by each centre, as the page says)."""

from dataclasses import dataclass, field

from distribution.selectors import reporting as source
from distribution.selectors.reporting.matching import match_keys

from .submissions import figure_answers


@dataclass
class PeopleOnce:
    """{(figure key, "yes" | "not_declared"): people} counted once in the region, and of them those
    without an AMKA (counted by each centre where they were counted)."""

    once: dict = field(default_factory=dict)
    unmatched: dict = field(default_factory=dict)

    def count(self, key: str, answer: str = "yes") -> int:
        return self.once.get((key, answer), 0)

    def without_amka(self, key: str, answer: str = "yes") -> int:
        return self.unmatched.get((key, answer), 0)


def centre_people(period) -> list[tuple[list, str | None]]:
    """The centre's people counted in the period: (the figures each counts in, her match key or None)."""
    facts = source.people_facts(period)
    keys = match_keys(row["person_id"] for row in facts)
    return [(list(figure_answers(row)), keys.get(row["person_id"])) for row in facts]


def people_once(results) -> PeopleOnce:
    """From [(centre, the centre's people as centre_people gives them)]: the region's counts."""
    keyed: dict = {}
    counted = PeopleOnce()
    for _centre, people in results:
        for answers, key in people:
            for answer in answers:
                if key is None:
                    counted.unmatched[answer] = counted.unmatched.get(answer, 0) + 1
                else:
                    keyed.setdefault(answer, set()).add(key)
    for answer in set(keyed) | set(counted.unmatched):
        counted.once[answer] = len(keyed.get(answer, ())) + counted.unmatched.get(answer, 0)
    return counted
