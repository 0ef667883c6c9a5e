"""The national bench's loader (bench/national.py), built small: three centres of twenty households in one
region. Each centre holds its own rows (every row's centre is its household's, its day's, its item's), its
stock levels are its ledger's sums, and the region's ESF+ report over the three is the sum of the centres'
own reports, with the people who share an AMKA across two centres counted once."""

from datetime import date

import pytest
from django.db.models import F

from bench import national
from core.models import Centre
from core.tenancy import centre_scope, scopes_disabled
from distribution.models import Card, Collection, DistributionDay, Enrolment, Household, Person
from distribution.selectors.reporting import Period
from inventory.models import StockMovement
from inventory.selectors import stock_differences
from reports import esf, region

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

YEAR = Period(date(national.YEAR, 1, 1), date(national.YEAR, 12, 31))


@pytest.fixture
def built(settings):
    settings.PERSON_MATCH_KEY = "a test key for matching people across the bench's centres"
    counts = national.build(lambda line: None, centres=3, households=20, vacuum=False)
    with scopes_disabled():
        centres = list(Centre.objects.filter(slug__startswith="bench-").order_by("slug"))
    return counts, centres


def test_each_centre_holds_its_own_rows(built):
    counts, centres = built
    assert [c.slug for c in centres] == ["bench-001", "bench-002", "bench-003"]
    with scopes_disabled():
        for centre in centres:
            assert Household.objects.filter(centre=centre).count() == 20
            assert Card.objects.filter(centre=centre, household__centre=centre).count() == 20
            assert Enrolment.objects.filter(centre=centre, programme__centre=centre).count() == 20
            assert DistributionDay.objects.filter(centre=centre, location__centre=centre).count() == 12
        assert Person.everyone.exclude(centre_id=F("household__centre_id")).count() == 0
        assert Collection.objects.exclude(centre_id=F("household__centre_id")).count() == 0
        assert Collection.objects.exclude(centre_id=F("day__centre_id")).count() == 0
        assert StockMovement.objects.exclude(centre_id=F("item__centre_id")).count() == 0
        assert StockMovement.objects.exclude(centre_id=F("location__centre_id")).count() == 0
        assert Collection.objects.count() == counts["collections"] > 20 * 3 * 8
        assert Person.everyone.count() == counts["people"]
    for centre in centres:
        with centre_scope(centre):
            assert stock_differences() == []


def test_the_region_report_is_the_sum_of_the_centres(built):
    _counts, centres = built
    area = national.region_area()
    assert [c.slug for c in area.centres] == ["bench-001", "bench-002", "bench-003"]
    own = []
    for centre in centres:
        with centre_scope(centre):
            own.append(esf.esf_report(YEAR))
    assert [report.figure("households").value for report in own] == [20, 20, 20]
    document = region.esf_document(area, YEAR.start, YEAR.end, "test")
    once, sections = document.tables[0], document.tables[1:1 + len(own[0].sections)]
    for position, table in enumerate(sections):
        for index, row in enumerate(table.rows):
            assert row[2] == sum(report.sections[position].figures[index].value for report in own)
    food = next(row for row in once.rows if row[0] == "3")
    # One in twenty of the second and third centres' people shares an AMKA with the centre before.
    assert food[2] == sum(report.figure("people.food").value for report in own)
    assert max(report.figure("people.food").value for report in own) < food[3] < food[2]
