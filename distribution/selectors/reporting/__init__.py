"""Set-based read queries for the reports app, one module per question: `esf` (ESF+ figures and their
drill-downs), `operations` (collections, households and goods per month, day, location and item;
refusals), `period` (the period and what both share). Callers import this package's names.

Contract (used by `reports`, which no app imports):

* `Period(start, end, programme_id=None, location_id=None)` selects the collections that were not
  cancelled, of distribution days dated start..end (inclusive), optionally of one programme/location.
* `recipient_counts(period)` — end recipients (people) counted once
  per period, by support kind (any / food / material) and target group, yes and not declared.
* `recipient_rows(period, support, group, ...)` — the people behind one of those figures (drill-down).
* `esf_figures(period)` — all of it in two statements: the people figures, and the
  net goods handed out (kg, €, food groups, children's goods) per household answer about homelessness.
* `value_collections(period, is_food, ...)` — the collections behind a value figure (drill-down).
* `third_country_nationalities()`, `unresolved_nationalities()` — what counted as third countries, and
  the typed nationalities that name no country (listed for staff, counted as not declared).

Everything is aggregated in the database (one statement per figure set), so the cost does not grow
with Python loops over collections. The SQL is plain and portable between PostgreSQL and SQLite
except for small vendor-specific fragments (dates as numbers, month keys, casts, bit aggregates, a
materialised CTE), written once in core.db.sql.

Rules (docs/reports.md):
* a person is a member of a household that had at least one collection in the period; they are
  counted once however often the household collected;
* a person received food (material) support when at least one of those collections handed out food
  (non-food) items, according to the stock ledger (a "distributed" row of such an item);
* the person's age is taken on the date of their household's first collection in the period (of that
  support kind); a person with neither birth date nor birth year has an undeclared age;
* a category answer that is missing ("not declared") is counted as not declared, never guessed.
"""

from .esf import (
    CHILDREN_ITEM_CATEGORIES,
    FOOD_GROUPS,
    GROUPS,
    SUPPORTS,
    esf_figures,
    households_counted,
    people_alike,
    people_facts,
    recipient_counts,
    recipient_rows,
    third_country_nationalities,
    unresolved_nationalities,
    value_collections,
    value_rows,
)
from .handouts import handouts_by_month, period_handouts
from .operations import (
    collections_by,
    collections_of,
    distributed_by_item,
    distribution_by,
    distribution_overview,
    goods_by_item,
    period_collections,
    refusals_by_reason,
)
from .period import (
    SHORT_PERIOD_DAYS,
    Period,
    households_by_id,
    people_by_id,
    programmes,
)

__all__ = ["CHILDREN_ITEM_CATEGORIES", "FOOD_GROUPS", "GROUPS", "Period", "SHORT_PERIOD_DAYS", "SUPPORTS",
           "collections_by", "collections_of", "distributed_by_item", "distribution_by", "distribution_overview",
           "esf_figures", "goods_by_item", "handouts_by_month", "period_handouts",
           "households_by_id", "households_counted", "people_by_id",
           "people_alike", "people_facts", "period_collections", "programmes", "recipient_counts", "recipient_rows",
           "refusals_by_reason", "third_country_nationalities", "unresolved_nationalities", "value_collections",
           "value_rows"]
