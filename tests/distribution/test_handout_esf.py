"""Hand-outs in the ESF+ figures: a hand-out to a household counts its members like a collection; an
anonymous one counts its people as not declared except the age group and sex it declares; the goods count
in the values; the drill-downs and the Python twin of the submitted reports add up to the same."""

from datetime import timedelta

import pytest
from django.utils import timezone

from distribution.models import Handout
from distribution.selectors.reporting import Period, esf_figures, recipient_rows, value_collections
from distribution.services.handouts import record_handout
from reports import submissions
from tests.distribution.days_helpers import d, day_with_basket, household, programme

pytestmark = pytest.mark.django_db


def _period():
    today = timezone.localdate()
    return Period(today - timedelta(days=1), today + timedelta(days=1))


def test_an_anonymous_hand_out_counts_as_people_not_declared(staff_user):
    day, items = day_with_basket(prog=programme())
    before = esf_figures(_period())["counts"]
    handout = record_handout(by=staff_user, location=day.location, kind=Handout.Kind.EMERGENCY, people=3,
                             reason="έξωση", groups={"aged_under_18": 1, "aged_65_up": 1, "women": 1},
                             lines=[(items["rice"], 2)])  # food only
    figures = esf_figures(_period())
    counts = figures["counts"]
    assert counts["households"] == before["households"] == 0
    assert counts["food"]["total"] == 3 and counts["material"]["total"] == 0 and counts["any"]["total"] == 3
    assert counts["food"]["children"] == {"yes": 1, "not_declared": 1}
    assert counts["food"]["senior"] == {"yes": 1, "not_declared": 1}
    assert counts["food"]["women"] == {"yes": 1, "not_declared": 2}
    for group in ("disability", "homeless", "third_country", "foreign_minority"):
        assert counts["food"][group] == {"yes": 0, "not_declared": 3}, group
    (values,) = figures["values"]
    assert values["homeless"] == "" and values["food_kg"] == d(2)
    rows = recipient_rows(_period(), support="food", group="children", answer="yes")
    assert len(rows) == 1 and rows[0]["person_id"] is None and str(handout.pk) in rows[0]["household_id"]
    (drill,) = value_collections(_period(), is_food=True, homeless=False)
    assert drill["kg"] == d(2) and str(handout.pk) in str(drill["collection_id"])


def test_a_hand_out_to_a_household_counts_its_members_and_the_twin_agrees(staff_user):
    prog = programme()
    day, items = day_with_basket(prog=prog)
    hh, _card, _code = household(prog, size=3)
    record_handout(by=staff_user, location=day.location, kind=Handout.Kind.HOME_DELIVERY, household=hh,
                   programme=prog, lines=[(items["soap"], 3)])  # other goods only
    record_handout(by=staff_user, location=day.location, kind=Handout.Kind.WALK_IN, people=2, reason="περαστικοί",
                   groups={"men": 2}, lines=[(items["soap"], 1), (items["rice"], 1)])
    period = _period()
    counts = esf_figures(period)["counts"]
    assert counts["households"] == 1
    assert counts["material"]["total"] == 5 and counts["food"]["total"] == 2 and counts["any"]["total"] == 5
    behind = submissions.households_behind(period)
    for support in ("any", "food", "material"):
        assert sum(behind.get(f"people.{support}", {}).get("yes", {}).values()) == counts[support]["total"]
        for group in ("children", "young", "women", "senior", "disability", "third_country", "foreign_minority",
                      "homeless"):
            for answer in ("yes", "not_declared"):
                found = sum(behind.get(f"people.{support}.{group}", {}).get(answer, {}).values())
                assert found == counts[support][group][answer], (support, group, answer)
    for support in ("any", "food", "material"):
        assert len(recipient_rows(period, support=support)) == counts[support]["total"]
    elsewhere = Period(period.start, period.end, location_id=day.location.pk + 1000)
    assert esf_figures(elsewhere)["counts"]["any"]["total"] == 0


def test_the_drill_down_pages_name_an_anonymous_hand_out(staff_client, staff_user):
    day, items = day_with_basket(prog=programme())
    handout = record_handout(by=staff_user, location=day.location, kind=Handout.Kind.EMERGENCY, people=2,
                             reason="έξωση", lines=[(items["rice"], 1)])
    period = _period()
    query = f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    people = staff_client.get(f"/reports/esf/drill/?{query}&support=food")
    assert people.status_code == 200 and f"Ανώνυμη διανομή {handout.pk}" in people.content.decode()
    goods = staff_client.get(f"/reports/esf/drill/?{query}&value=food")
    assert goods.status_code == 200 and f"Ανώνυμη διανομή {handout.pk}" in goods.content.decode()
    assert staff_client.get(f"/reports/esf/?{query}").status_code == 200


def test_a_cancelled_hand_out_leaves_the_figures(staff_user):
    from distribution.services.handouts import cancel_handout

    day, items = day_with_basket(prog=programme())
    handout = record_handout(by=staff_user, location=day.location, kind=Handout.Kind.EMERGENCY, people=2,
                             reason="έξωση", lines=[(items["rice"], 1)])
    cancel_handout(handout, reason="διπλή καταχώριση", by=staff_user)
    figures = esf_figures(_period())
    assert figures["counts"]["any"]["total"] == 0 and figures["values"] == []
