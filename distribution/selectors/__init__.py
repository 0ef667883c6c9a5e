"""Read queries of the distribution app (views, API, issue 5's scan station, reports).

`card_for_code` is the contract the scan station relies on: see distribution/selectors/cards.py.
"""

from .cards import card_for_code, cards_to_print
from .households import (
    expiring_enrolments,
    household_for_page,
    households_matching,
    people_matching,
    retention_due,
    retention_preview,
)

__all__ = ["card_for_code", "cards_to_print", "expiring_enrolments", "household_for_page", "households_matching",
           "people_matching", "retention_due", "retention_preview"]
