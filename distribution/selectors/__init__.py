"""Read queries of the distribution app (views, API, the scan station, reports).

The scan's own read is `scan.read_for_scan` (one statement); `card_for_code` finds a card by its
code elsewhere (the station's fallback search): see distribution/selectors/cards.py.
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
