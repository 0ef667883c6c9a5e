"""People counted once in the region: a person who received support at two centres of the area in the
period counts once in the region's people figures, as the ESF+ regulation counts people (end
recipients), while each centre's own figures keep counting her.

Each centre's people are those of its own figures (`people_alike`, one row per person counted with
what the figures read of her, and `figure_answers`, the Python twin of the figures' SQL), read in its
own scope; what leaves the centre is each person's match key (core.matching: a keyed hash of the
AMKA), in memory only. Per figure and
answer the region counts the distinct keys, plus every person without a key (no AMKA: she cannot be
matched and is counted by each centre, as the page says)."""

from collections import Counter
from dataclasses import dataclass, field

from distribution.selectors import reporting as source

from .submissions import answers_of_alike


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


def centre_people(period) -> tuple[int, list[tuple[tuple, str | None]]]:
    """The centre's households figure and its people counted in the period: (the figures each counts in,
    her match key or None). People alike in what the figures read share one tuple of answers (worked out
    once)."""
    answers_of: dict = {}
    people = []
    households, rows = source.people_alike(period)
    for key, *alike in rows:
        alike = tuple(alike)
        answers = answers_of.get(alike)
        if answers is None:
            answers = answers_of[alike] = answers_of_alike(alike)
        people.append((answers, key))
    return households, people


def counts_of(people, households: int) -> dict:
    """The centre's people figures as `source.recipient_counts` gives them, tallied from its people (as
    `centre_people` gives them): the region reads each centre's people once, for these and for the match
    keys. `figure_answers` is the twin of the figures' SQL; tests hold the two to the same numbers."""
    counts: dict = {support: {"total": 0, **{group: {"yes": 0, "not_declared": 0} for group in source.GROUPS}}
                    for support in source.SUPPORTS}
    counts["households"] = households
    for answers, people_alike in Counter(answers for answers, _key in people).items():
        for key, answer in answers:
            _kind, support, *group = key.split(".")
            if group:
                counts[support][group[0]][answer] += people_alike
            else:
                counts[support]["total"] += people_alike
    return counts


def _add(target: dict, answers, people: int) -> None:
    for answer in answers:
        target[answer] = target.get(answer, 0) + people


def people_once(results) -> PeopleOnce:
    """From [(centre, the centre's people as centre_people gives them)]: the region's counts. A key met
    at several centres counts once in every figure any of them counted her in; the others (most people)
    are tallied by their tuple of answers."""
    without_key, answers_of_key, met_again = Counter(), {}, {}
    for _centre, people in results:
        for answers, key in people:
            if key is None:
                without_key[answers] += 1
            elif key not in answers_of_key:
                answers_of_key[key] = answers
            else:
                met_again.setdefault(key, set(answers_of_key[key])).update(answers)
    counted, keyed = PeopleOnce(), {}
    for answers, people in without_key.items():
        _add(counted.unmatched, answers, people)
    for answers, people in Counter(answers for key, answers in answers_of_key.items()
                                   if key not in met_again).items():
        _add(keyed, answers, people)
    for answers in met_again.values():
        _add(keyed, answers, 1)
    for answer in set(keyed) | set(counted.unmatched):
        counted.once[answer] = keyed.get(answer, 0) + counted.unmatched.get(answer, 0)
    return counted
