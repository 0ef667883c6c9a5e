"""Each rule the scan repeats in plain SQL answers exactly as its ORM and Python forms.

The scan reads a card and everything about its household in one SQL statement
(`selectors.scan.read_for_scan`); planning, lists and pages use the ORM and Python forms of the same
rules. Each test below asks all the forms on the same edge cases and asserts that they agree with
each other and with the answer written in the test (on SQLite, and on PostgreSQL in its pass):

* "enrolled in this programme on this day": `Enrolment.is_current_on` (one enrolment),
  `Enrolment.objects.current_on` (via `expected_households`) and the scan's `enrolled_now`; the end
  of eligibility: `Enrolment.effective_end` and the scan's `eligible_until`;
* "the members a per-member basket rule counts on this day": `BasketRule.counts_member` (via
  `member_counts_for`), `Person.objects.counted_by` and the scan's per-rule counts.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from distribution.models import BasketRule, Enrolment, Household, Person
from distribution.models.days import years_before
from distribution.selectors.baskets import member_counts_for, member_rule_key
from distribution.selectors.days import expected_households
from distribution.selectors.scan import forget_scan_plans, read_for_scan
from tests.distribution.days_helpers import day_with_basket, household, programme

pytestmark = pytest.mark.django_db

DAY = timezone.localdate


def _scan_read(day, code):
    forget_scan_plans()
    return read_for_scan(day.pk, code)


# --- Enrolled in this programme on this day -----------------------------------------------------

# (name, enrolments as (start, end, ended_early_on) in days from the day, in the day's programme
#  unless marked "other", expected enrolled, expected eligible_until in days from the day or None)
ENROLMENT_CASES = [
    ("not enrolled", [], False, None),
    ("current", [(-30, 30, None)], True, 30),
    ("starts today", [(0, 30, None)], True, 30),
    ("ends today", [(-30, 0, None)], True, 0),
    ("ended yesterday", [(-30, -1, None)], False, -1),
    ("starts tomorrow", [(1, 30, None)], False, None),
    ("ended early yesterday", [(-30, 30, -1)], False, -1),
    ("ends early today", [(-30, 30, 0)], True, 0),
    ("ends early after its end", [(-30, 10, 20)], True, 10),
    ("ended, then enrolled again from tomorrow", [(-60, -1, None), (1, 60, None)], False, -1),
    ("ended early, then enrolled again", [(-60, 60, -10), (-5, 5, None)], True, 5),
    ("another programme only", [("other", -30, 30, None)], False, None),
    ("another programme and this one ended", [("other", -30, 30, None), (-30, -2, None)], False, -2),
]


def _enrol(hh, prog, other, spec, on):
    if spec and spec[0] == "other":
        prog, spec = other, spec[1:]
    start, end, early = spec
    return Enrolment.objects.create(
        household=hh, programme=prog, start=on + timedelta(days=start), end=on + timedelta(days=end),
        ended_early_on=None if early is None else on + timedelta(days=early))


def test_enrolled_on_the_day_the_scan_sql_answers_as_the_orm_and_the_model(staff_user):
    day, _items = day_with_basket()
    on, other = day.date, programme()
    cases = []
    for name, enrolments, enrolled, until in ENROLMENT_CASES:
        hh, _card, code = household(day.programme, enrolled=False)
        for spec in enrolments:
            _enrol(hh, day.programme, other, spec, on)
        cases.append((name, hh, code, enrolled, None if until is None else on + timedelta(days=until)))
    expected_ids = set(expected_households(day).values_list("pk", flat=True))
    for name, hh, code, enrolled, until in cases:
        card = _scan_read(day, code).card
        mine = [e for e in Enrolment.objects.filter(household=hh) if e.programme_id == day.programme_id]
        in_python = any(e.is_current_on(on) for e in mine)
        in_orm = hh.pk in expected_ids
        orm_set = Enrolment.objects.current_on(on).filter(household=hh, programme=day.programme).exists()
        assert (card.enrolled_now, in_orm, orm_set, in_python) == (enrolled,) * 4, name
        python_until = max((e.effective_end for e in mine if e.start <= on), default=None)
        assert (card.eligible_until, python_until) == (until, until), name


def test_a_household_no_longer_active_is_not_expected_even_when_enrolled(staff_user):
    """The scan reads the household's status beside `enrolled_now` and refuses it (revoked card);
    the ORM's set leaves it out: the same answer, "do not hand over"."""
    day, _items = day_with_basket()
    hh, _card, code = household(day.programme)
    Household.objects.filter(pk=hh.pk).update(status=Household.Status.ANONYMISED)
    card = _scan_read(day, code).card
    assert card.enrolled_now and card.household_status != Household.Status.ACTIVE
    assert not expected_households(day).filter(pk=hh.pk).exists()


# --- The members a per-member basket rule counts on the day ---------------------------------------

def _member(hh, name, *, born=None, joined=None, left=None):
    return Person.everyone.create(household=hh, relation="other", first_name=name, last_name="Σαλή",
                                  birth_date=born, joined_on=joined, left_on=left)


def test_members_counted_by_a_per_member_rule_the_scan_sql_answers_as_the_orm_and_the_model(staff_user):
    day, items = day_with_basket()
    on = day.date
    hh, _card, code = household(day.programme, size=1)  # the reference person, born 1980
    _member(hh, "τριών αύριο", born=years_before(on, 3) + timedelta(days=1))  # still under 3 today
    _member(hh, "τριών σήμερα", born=years_before(on, 3))  # 3 today
    _member(hh, "μωρό", born=on - timedelta(days=100))
    _member(hh, "χωρίς ημερομηνία γέννησης")
    _member(hh, "ήρθε σήμερα", born=years_before(on, 10), joined=on)
    _member(hh, "ήρθε χθες", born=years_before(on, 70), joined=on - timedelta(days=1))
    _member(hh, "έφυγε χθες", born=on - timedelta(days=200), left=on - timedelta(days=1))
    _member(hh, "έφυγε σήμερα", born=years_before(on, 30), left=on)
    _member(hh, "65 αύριο", born=years_before(on, 65) + timedelta(days=1))
    _member(hh, "65 σήμερα", born=years_before(on, 65))
    soap = items["soap"]
    rules = {
        "every member": None,  # the day's own soap rule: 1 per member, no age limits
        "under 3": None,  # the day's own nappies rule
        "3 and over": BasketRule.objects.create(day=day, item=soap, basis="member", quantity=1, min_age=3),
        "18 to 64": BasketRule.objects.create(day=day, item=soap, basis="member", quantity=1, min_age=18,
                                              max_age=65),
        "65 and over": BasketRule.objects.create(day=day, item=soap, basis="member", quantity=1, min_age=65),
    }
    member_rules = list(BasketRule.objects.filter(day=day, basis="member").order_by("id"))
    rules["every member"], rules["under 3"] = member_rules[0], member_rules[1]
    assert (rules["every member"].min_age, rules["every member"].max_age) == (None, None)
    assert (rules["under 3"].min_age, rules["under 3"].max_age) == (None, 3)
    # Current members: the reference person, the two small children, the baby, the one without a birth
    # date, the two who joined, the two around 65 (the two who left are not members any more).
    expected = {"every member": 9, "under 3": 2, "3 and over": 6, "18 to 64": 2, "65 and over": 2}

    read = _scan_read(day, code)
    in_sql = {name: getattr(read.card, member_rule_key(rule)) for name, rule in rules.items()}
    in_orm = {name: Person.objects.filter(household=hh).counted_by(rule, on).count() for name, rule in rules.items()}
    planned = Household.objects.prefetch_related(Prefetch("members")).get(pk=hh.pk)
    counts = member_counts_for(planned, read.rules, on)
    in_python = {name: counts[rule.pk] for name, rule in rules.items()}
    assert in_sql == in_orm == in_python == expected
    assert read.card.member_count == len(planned.members.all()) == 9


def test_the_basket_of_a_scan_and_of_the_stock_check_agree(staff_user):
    """The same household, the scan's basket and the planning's (stock check) need the same goods."""
    from distribution.selectors.baskets import basket_for
    from distribution.selectors.days import stock_check

    day, items = day_with_basket()
    hh, _card, code = household(day.programme, size=4, children_under_3=1)
    _member(hh, "έφυγε", born=DAY() - timedelta(days=50), left=DAY() - timedelta(days=1))
    read = _scan_read(day, code)
    from_scan = {rule.pk: getattr(read.card, member_rule_key(rule)) for rule in read.rules
                 if rule.basis == BasketRule.Basis.MEMBER}
    scan_basket = {line.item.pk: line.quantity for line in basket_for(read.rules, read.card.member_count, from_scan)}
    needed = {line.item.pk: line.needed for line in stock_check(day).lines if line.needed}
    assert scan_basket == needed == {items["rice"].pk: Decimal(2), items["soap"].pk: Decimal(4),
                                     items["nappies"].pk: Decimal(10)}


def test_birth_date_bounds_on_29_february():
    rule = BasketRule(min_age=18, max_age=65)
    assert rule.birth_date_bounds(date(2028, 2, 29)) == (date(2010, 2, 28), date(1963, 2, 28))
    assert BasketRule().birth_date_bounds(date(2028, 2, 29)) == (None, None)
