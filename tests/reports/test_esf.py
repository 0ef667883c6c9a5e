"""Every ESF+ indicator on a small data set built by hand (tests/reports/factories.py), to the unit."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from distribution.models import Person
from distribution.selectors.reporting import Period
from reports import esf

from .factories import known_data

D = Decimal
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def data(db):
    return known_data()


@pytest.fixture
def march(data):
    return esf.esf_report(Period(*MARCH, programme_id=data.programme.pk))


def figures(report):
    return {f.key: f.value for f in report.figures}


def undeclared(report):
    return {f.key: f.not_declared for f in report.figures if f.not_declared is not None}


def test_monetary_values_follow_the_allocation_rule(march):
    values = figures(march)
    assert values["value.food"] == D("7.75")  # rice 2×1.20 + rice 2×1.25 (price then) + milk 3×0.95
    assert values["value.food.homeless"] == D("4.90")
    assert values["value.food.other"] == D("2.85")  # 4 milk handed out, 1 brought back
    assert values["value.goods"] == D("11.80")
    assert values["value.goods.children"] == D("8.50")  # nappies, though the household is homeless
    assert values["value.goods.homeless"] == D("1.10")
    assert values["value.goods.other"] == D("2.20")  # homelessness not declared: other target groups
    assert values["value.total"] == D("19.55")
    assert any("2.20" in str(note) for note in march.footnotes)


def test_tonnes_of_food(march):
    assert figures(march)["food.tonnes"] == D("0.00709")  # 4 kg rice + 3 × 1.030 kg milk
    groups = {g["code"]: g for g in march.food_groups}
    assert groups["starch"]["tonnes"] == D("0.004") and groups["milk"]["eur"] == D("2.85")


def test_end_recipients_of_food_support(march):
    values, missing = figures(march), undeclared(march)
    assert values["people.food"] == 4  # H1 (2 people) and H2 (2); H1 collected twice, counted once
    assert values["people.food.children"] == 1  # Erion is 17 on 02/03, the first collection (18 on 10/03)
    assert values["people.food.young"] == 1  # Αϊσέ, 28
    assert values["people.food.senior"] == 1  # Σαλής is 65 on 16/03, his household's first collection
    assert values["people.food.women"] == 2
    assert values["people.food.disability"] == 1
    assert values["people.food.third_country"] == 1  # Albania
    assert values["people.food.foreign_minority"] == 3  # migrant + two Roma
    assert values["people.food.homeless"] == 2
    assert missing["people.food.children"] == 0
    assert missing["people.food.women"] == 0
    assert missing["people.food.disability"] == 1  # Erion declared nothing
    assert missing["people.food.foreign_minority"] == 1
    assert missing["people.food.third_country"] == 0
    assert missing["people.food.homeless"] == 0


def test_end_recipients_of_material_support(march):
    values, missing = figures(march), undeclared(march)
    assert values["people.material"] == 3  # H1 (2) and H3 (1); H2 received only food
    assert values["people.material.children"] == 1
    assert missing["people.material.children"] == 1  # no birth date: never guessed
    assert values["people.material.young"] == 0 and missing["people.material.young"] == 1
    assert values["people.material.senior"] == 0 and missing["people.material.senior"] == 1
    assert values["people.material.women"] == 1 and missing["people.material.women"] == 1
    assert values["people.material.disability"] == 1 and missing["people.material.disability"] == 2
    assert values["people.material.third_country"] == 1 and missing["people.material.third_country"] == 1
    assert values["people.material.foreign_minority"] == 1 and missing["people.material.foreign_minority"] == 2
    assert values["people.material.homeless"] == 2 and missing["people.material.homeless"] == 1


def test_people_and_households_served(march):
    values = figures(march)
    # H1, H2, H3 and H6 (empty basket: served, but received neither food nor goods); H4 was cancelled,
    # H5 collected on another programme's day, H2's February and H3's April collections are outside.
    assert values["people.any"] == 6
    assert values["households"] == 4


def test_without_programme_filter_other_programmes_count(data):
    report = esf.esf_report(Period(*MARCH))
    values = figures(report)
    assert values["value.food"] == D("19.75")  # + rice 10 × 1.20 of H5
    assert values["people.food"] == 5
    assert values["people.food.children"] == 2  # Nour, 5
    assert values["people.food.third_country"] == 2  # Syria
    assert values["households"] == 5


def test_period_boundaries(data):
    february = figures(esf.esf_report(Period(date(2026, 2, 1), date(2026, 2, 28), programme_id=data.programme.pk)))
    assert february["people.food"] == 2 and february["value.food"] == D("1.20")
    two_months = figures(esf.esf_report(Period(date(2026, 2, 1), date(2026, 3, 31), programme_id=data.programme.pk)))
    # H2 collected in February and March: still two people, and Σαλής is 64 on 27/02, his first collection.
    assert two_months["people.food"] == 4
    assert two_months["people.food.senior"] == 0
    assert two_months["value.food"] == D("8.95")


def test_an_empty_period_gives_zeros(data):
    values = figures(esf.esf_report(Period(date(2025, 1, 1), date(2025, 1, 31))))
    assert values["value.total"] == 0 and values["people.food"] == 0 and values["food.tonnes"] == 0


def test_drill_down_lists_the_people_and_collections_behind_a_figure(data, march):
    period = Period(*MARCH, programme_id=data.programme.pk)
    children = esf.drill_people(period, support="food", group="children", answer="yes")
    assert [row["person_id"] for row in children] == [data.people["Erion"].pk]
    assert children[0]["age"] == 17 and children[0]["first"] == date(2026, 3, 2) and children[0]["collections"] == 2
    not_declared = esf.drill_people(period, support="material", group="disability", answer="not_declared")
    assert {row["person_id"] for row in not_declared} == {data.people["Erion"].pk, data.people["Άγνωστος"].pk}
    other_goods = esf.drill_values(period, "goods_other")
    assert [r["collection_id"] for r in other_goods] == [data.collections["H3@mar02"].pk]
    assert other_goods[0]["eur"] == march.figure("value.goods.other").value
    homeless_food = esf.drill_values(period, "food_homeless")
    assert [r["collection_id"] for r in homeless_food] == [data.collections["H1@mar02"].pk,
                                                          data.collections["H1@mar16"].pk]
    every = esf.drill_values(period, "all")
    assert sum(r["eur"] for r in every) == march.figure("value.total").value
    assert data.collections["H4@mar02"].pk not in {r["collection_id"] for r in every}


def test_every_figure_has_a_drill_down_that_adds_up(data, march):
    period = Period(*MARCH, programme_id=data.programme.pk)
    for figure in march.figures:
        if not figure.drill:
            continue
        if "value" in figure.drill:
            rows = esf.drill_values(period, figure.drill["value"])
            total = sum((r["eur"] for r in rows), D(0)) if figure.unit == "eur" else \
                sum((r["kg"] for r in rows), D(0)) / 1000
            assert total == figure.value, figure.key
        else:
            rows = esf.drill_people(period, support=figure.drill["support"], group=figure.drill.get("group"),
                                    answer="yes")
            assert len(rows) == figure.value, figure.key
            if figure.not_declared is not None:
                rows = esf.drill_people(period, support=figure.drill["support"], group=figure.drill["group"],
                                        answer="not_declared")
                assert len(rows) == figure.not_declared, figure.key


@pytest.mark.parametrize("text, group", [
    ("Ελληνική", "GR"), ("ΕΛΛΗΝΙΚΗ", "GR"), ("ellada", "GR"), ("GR", "GR"),
    ("Βουλγαρία", "EU"), ("Romanian", "EU"), ("Κύπρος", "EU"), ("Ρουμάνα", "EU"), ("Γερμανίδα", "EU"),
    ("Αλβανία", "TC"), ("Συρία", "TC"), ("Αφγανιστάν", "TC"), ("Αυστραλία", "TC"), ("Ανιθαγενής", "TC"),
    ("", ""), ("-", ""), ("Άγνωστη", ""), ("Βαλκάνια", ""),
])
def test_a_person_s_nationality_group_follows_the_country_read_from_the_text(text, group):
    person = Person(nationality=text, centre=None)  # no database: a new person's centre would be looked up
    person.fill_derived_fields()
    assert person.nationality_group == group


def test_a_text_that_names_no_country_is_kept_for_staff_and_counted_as_not_declared(data):
    data.people["Ardita"].nationality = "Βαλκάνια"
    data.people["Ardita"].save()
    assert data.people["Ardita"].nationality == "" and data.people["Ardita"].nationality_recorded == "Βαλκάνια"
    with translation.override("en"):
        report = esf.esf_report(Period(*MARCH, programme_id=data.programme.pk))
        assert report.figure("people.food.third_country").not_declared == 1
        assert any(str(note).startswith("1 people") and "names no country" in str(note) for note in report.footnotes)


def test_undeclared_nationality_text_is_not_a_third_country(data):
    data.people["Ardita"].nationality = "άγνωστη"
    data.people["Ardita"].save()
    report = esf.esf_report(Period(*MARCH, programme_id=data.programme.pk))
    assert report.figure("people.food.third_country").value == 0
    assert report.figure("people.food.third_country").not_declared == 1


def test_allocation_rule_is_pure():
    def row(homeless, food, goods, children):
        return {"homeless": homeless, "food_eur": D(food), "food_kg": D(1), "goods_eur": D(goods), "goods_kg": D(1),
                "children_eur": D(children), "food_groups": {}}

    values = esf.allocate_values([row("", 3, 0, 0), row("no", 0, 5, 5), row("yes", 2, 7, 1)])
    assert values["food_other"] == 3 and values["food_other_undeclared"] == 3 and values["food_homeless"] == 2
    assert values["goods_children"] == 6 and values["goods_homeless"] == 6 and values["goods_other"] == 0
    assert values["food_kg"] == 3 and values["goods_eur"] == 12


def test_a_short_period_reads_the_same_ledger_rows_as_the_windowed_reading_of_a_long_one(data, monkeypatch):
    """A short period joins each collection to all its ledger rows through the document index; a long one
    reads the ledger rows of its days and the corrections written after them (distribution.selectors.
    reporting.period._value_from). On the same period both must find the same rows: here with a basket partly
    brought back the same day, one cancelled, and a correction of a March basket written in May."""
    from datetime import datetime

    from django.utils import timezone

    from distribution.selectors import reporting
    from distribution.selectors.days import COLLECTION_DOCUMENT
    from distribution.selectors.reporting import period as reporting_period
    from inventory.models import StockMovement

    moved = StockMovement.objects.filter(document_type=COLLECTION_DOCUMENT, reason="distributed",
                                         document_key__in=[c.pk for c in data.collections.values()
                                                           if c.cancelled_at is None and c.day.date.month == 3])
    late = moved.first()
    StockMovement.objects.create(
        at=timezone.make_aware(datetime(2026, 5, 20, 9)), reason=StockMovement.Reason.CORRECTION, item=late.item,
        location=late.location, quantity=D("1"), unit_weight_kg=late.unit_weight_kg, unit_value_eur=late.unit_value_eur,
        document_type=late.document_type, document_id=late.document_id, by=late.by)

    def read(period):
        return (reporting.value_rows(period), reporting.goods_by_item(period),
                reporting.value_collections(period), reporting.value_collections(period, is_food=True, homeless=False))

    for period in (Period(*MARCH), Period(*MARCH, programme_id=data.programme.pk)):
        short = read(period)
        monkeypatch.setattr(reporting_period, "SHORT_PERIOD_DAYS", 0)  # every period read as a long one
        windowed = read(period)
        monkeypatch.undo()
        assert short == windowed
        assert short[0] and short[2]
        assert any(row["collection_id"] == int(late.document_id) for row in short[2])
