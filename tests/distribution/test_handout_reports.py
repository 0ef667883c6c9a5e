"""Hand-outs in the reports: the distribution report's own table (per month and kind), and the stock
ledger's list filtered to hand-outs with a link to each."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from distribution.models import Handout
from distribution.selectors.reporting import Period, handouts_by_month
from distribution.services.handouts import record_handout
from reports.operations import distribution_document
from tests.distribution.days_helpers import d, day_with_basket, household, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def handouts(staff_user):
    prog = programme()
    day, items = day_with_basket(prog=prog)
    hh, _card, _code = household(prog, size=4)
    to_household = record_handout(by=staff_user, location=day.location, kind=Handout.Kind.EMERGENCY,
                                  household=hh, programme=prog, lines=[(items["rice"], 2), (items["soap"], 1)])
    anonymous = record_handout(by=staff_user, location=day.location, kind=Handout.Kind.EMERGENCY, people=3,
                               reason="έξωση", lines=[(items["rice"], 1)])
    return prog, day, items, to_household, anonymous


def test_the_distribution_report_has_a_table_of_hand_outs(handouts):
    _prog, day, _items, _to_household, _anonymous = handouts
    today = timezone.localdate()
    period = Period(today - timedelta(days=1), today + timedelta(days=1))
    (row,) = handouts_by_month(period)
    assert (row["kind"], row["handouts"], row["households"], row["anonymous"], row["people"]) == (
        "emergency", 2, 1, 1, 7)
    assert row["food_kg"] == d(3) and row["goods_kg"] > 0  # 3 kg of rice (1 kg per unit)
    assert handouts_by_month(Period(today - timedelta(days=40), today - timedelta(days=35))) == []
    other_site = Period(period.start, period.end, location_id=day.location.pk + 1000)
    assert handouts_by_month(other_site) == []
    document = distribution_document(period, "—")
    table = next(t for t in document.tables if "εκτός" in str(t.title) or "outside" in str(t.title))
    assert table.rows[0][2:6] == [2, 1, 1, 7]


def test_an_items_ledger_filters_hand_outs_and_links_them(staff_client, handouts):
    _prog, _day, items, to_household, anonymous = handouts
    page = staff_client.get(reverse("inventory:item", args=[items["rice"].pk]), {"document": "distribution.handout"})
    assert page.status_code == 200
    body = page.content.decode()
    for handout in (to_household, anonymous):
        assert reverse("distribution:handout", args=[handout.pk]) in body
    assert "distribution.collection" not in body.split("<tbody")[-1]
