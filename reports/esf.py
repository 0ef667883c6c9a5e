"""ESF+ material-deprivation indicators (Regulation (EU) 2021/1057, Annex III) for a period.

`esf_report(period)` returns every figure of the funder's table, each with what it counts and how
to drill down to the collections behind it. The counting itself happens in the database
(distribution.selectors.reporting); this module classifies nationalities, applies the allocation
rule for the split of values by target group, rounds, and labels. See docs/reports.md.

Allocation rule (the regulation leaves it to the programme):
* food: the value of food handed to a household declared homeless (or in housing exclusion) counts
  under "homeless people"; all other food under "other target groups";
* basic material goods: items of the children's categories (baby goods, school supplies) count
  under "children"; other goods handed to a household declared homeless under "homeless people";
  everything else under "other target groups";
* a household whose homelessness was not declared is not homeless (its share is shown separately).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from distribution.nationality import name_of
from distribution.selectors import reporting as source

CENT = Decimal("0.01")
GRAM_OF_TONNE = Decimal("0.000001")
ZERO = Decimal("0")

GROUP_LABELS = {
    "children": _("Children below 18 years of age"),
    "young": _("Young people aged 18–29"),
    "women": _("Women"),
    "senior": _("People aged 65 and over"),
    "disability": _("Persons with disabilities"),
    "third_country": _("Third-country nationals"),
    "foreign_minority": _("People with a foreign background and minorities (including marginalised communities "
                          "such as the Roma)"),
    "homeless": _("Homeless people or people affected by housing exclusion"),
}


@dataclass
class Figure:
    key: str
    number: str
    label: str
    value: Decimal | int
    unit: str  # "eur", "tonnes", "people", "households"
    not_declared: int | None = None
    drill: dict | None = None
    level: int = 0

    @property
    def is_money(self):
        return self.unit == "eur"


@dataclass
class Section:
    title: str
    figures: list[Figure]


@dataclass
class EsfReport:
    period: source.Period
    sections: list[Section]
    footnotes: list[str]
    third_country_texts: tuple
    food_groups: list[dict]
    generated_at: datetime = field(default_factory=timezone.now)

    def figure(self, key: str) -> Figure:
        return next(f for s in self.sections for f in s.figures if f.key == key)

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def tonnes(kg) -> Decimal:
    return (Decimal(kg) / 1000).quantize(GRAM_OF_TONNE, rounding=ROUND_HALF_UP)


def allocate_values(rows) -> dict:
    """Apply the allocation rule to the value rows of `esf_figures` (one per answer about homelessness):
    € and kg per target group, unrounded."""
    totals = dict.fromkeys(["food_homeless", "food_other", "food_other_undeclared", "goods_children",
                            "goods_homeless", "goods_other", "goods_other_undeclared", "food_kg", "goods_kg",
                            "food_eur", "goods_eur"], ZERO)
    for row in rows:
        homeless = row["homeless"] == "yes"
        undeclared = row["homeless"] not in ("yes", "no")
        for key in ("food_eur", "food_kg", "goods_eur", "goods_kg"):
            totals[key] += row[key]
        totals["food_homeless" if homeless else "food_other"] += row["food_eur"]
        if undeclared:
            totals["food_other_undeclared"] += row["food_eur"]
        totals["goods_children"] += row["children_eur"]
        other_goods = row["goods_eur"] - row["children_eur"]
        totals["goods_homeless" if homeless else "goods_other"] += other_goods
        if undeclared:
            totals["goods_other_undeclared"] += other_goods
    return totals


def food_groups(rows) -> list[dict]:
    from inventory.models import Item

    groups: dict = {}
    for row in rows:
        for code, figures in row["food_groups"].items():
            entry = groups.setdefault(code, {"kg": ZERO, "eur": ZERO})
            entry["kg"] += figures["kg"]
            entry["eur"] += figures["eur"]
    labels = dict(Item.FoodGroup.choices)
    return [{"code": code, "label": labels.get(code, code), "tonnes": tonnes(v["kg"]), "eur": money(v["eur"])}
            for code, v in groups.items() if v["kg"] or v["eur"]]


def _value_figures(values: dict) -> list[Figure]:
    def fig(key, number, label, amount, drill, level=1):
        return Figure(key, number, label, money(amount), "eur", drill=drill, level=level)

    return [
        fig("value.total", "1", _("Total monetary value of food and basic material goods distributed"),
            values["food_eur"] + values["goods_eur"], {"value": "all"}, level=0),
        fig("value.food", "1.1", _("Total monetary value of food support"), values["food_eur"], {"value": "food"}),
        fig("value.food.homeless", "1.1.1", _("of which for homeless people"), values["food_homeless"],
            {"value": "food_homeless"}, 2),
        fig("value.food.other", "1.1.2", _("of which for other target groups"), values["food_other"],
            {"value": "food_other"}, 2),
        fig("value.goods", "1.2", _("Total monetary value of basic material goods"), values["goods_eur"],
            {"value": "goods"}),
        fig("value.goods.children", "1.2.1", _("of which for children"), values["goods_children"],
            {"value": "goods_children"}, 2),
        fig("value.goods.homeless", "1.2.2", _("of which for homeless people"), values["goods_homeless"],
            {"value": "goods_homeless"}, 2),
        fig("value.goods.other", "1.2.3", _("of which for other target groups"), values["goods_other"],
            {"value": "goods_other"}, 2),
    ]


def _people_figures(counts: dict, support: str, number: str, title) -> list[Figure]:
    figures = [Figure(f"people.{support}", number, title, counts[support]["total"], "people",
                      drill={"support": support}, level=0)]
    for index, group in enumerate(source.GROUPS, start=1):
        figures.append(Figure(
            f"people.{support}.{group}", f"{number}.{index}", GROUP_LABELS[group], counts[support][group]["yes"],
            "people", not_declared=counts[support][group]["not_declared"], drill={"support": support, "group": group},
            level=1,
        ))
    return figures


# Drill-down of value figures: the filters of distribution.selectors.reporting.value_collections.
VALUE_DRILLS = {
    "all": {},
    "food": {"is_food": True},
    "food_homeless": {"is_food": True, "homeless": True},
    "food_other": {"is_food": True, "homeless": False},
    "goods": {"is_food": False},
    "goods_children": {"is_food": False, "categories": source.CHILDREN_ITEM_CATEGORIES},
    "goods_homeless": {"is_food": False, "exclude_categories": source.CHILDREN_ITEM_CATEGORIES, "homeless": True},
    "goods_other": {"is_food": False, "exclude_categories": source.CHILDREN_ITEM_CATEGORIES, "homeless": False},
}


def esf_report(period: source.Period, *, counts: dict | None = None) -> EsfReport:
    """The report of a period. `counts`: its people figures (as `source.recipient_counts` gives them) when the
    caller has them already (the region's, tallied from the centre's people it reads anyway)."""
    value_rows = source.value_rows(period)
    counts = source.recipient_counts(period) if counts is None else counts
    values = allocate_values(value_rows)
    sections = [
        Section(_("Monetary value of the support distributed (€)"), _value_figures(values)),
        Section(_("Quantity of food support"), [
            Figure("food.tonnes", "2", _("Total quantity of food support (tonnes)"), tonnes(values["food_kg"]),
                   "tonnes", drill={"value": "food"}),
        ]),
        Section(_("End recipients of food support"),
                _people_figures(counts, "food", "3", _("Number of end recipients of food support"))),
        Section(_("End recipients of basic material support"),
                _people_figures(counts, "material", "4", _("Number of end recipients of basic material support"))),
        Section(_("All people and households served"), [
            Figure("people.any", "5", _("People in the households that collected (any support)"),
                   counts["any"]["total"], "people", drill={"support": "any"}),
            Figure("households", "6", _("Households that collected"), counts["households"], "households"),
        ]),
    ]
    footnotes = general_footnotes()
    undeclared = values["food_other_undeclared"] + values["goods_other_undeclared"]
    if undeclared:
        footnotes.append(_("Of the value for other target groups, %(amount)s € went to households whose "
                           "homelessness was not declared.") % {"amount": money(undeclared)})
    unresolved = sum(row["people"] for row in source.unresolved_nationalities())
    if unresolved:
        footnotes.append(_("%(count)s people have a nationality written as text that names no country; they are "
                           "counted as not declared until staff choose the country.") % {"count": unresolved})
    return EsfReport(period=period, sections=sections, footnotes=footnotes,
                     third_country_texts=tuple(sorted(name_of(code) for code in
                                                      source.third_country_nationalities())),
                     food_groups=food_groups(value_rows))


def general_footnotes() -> list:
    """The counting rules every ESF+ report states (a centre's and the region's)."""
    return [
        _("Period: collections of distribution days dated within the period, not cancelled. A person counts "
          "for a collection only if they were a member of the collecting household on its day (born, joined, "
          "not yet left), and is counted once in the period however often the household collected. Two "
          "registrations of one household that were merged count as one household, a person registered in "
          "both as one person."),
        _("Hand-outs outside distribution days count as collections: to a household like its collections; an "
          "anonymous hand-out counts its people, each with the age group and sex the hand-out declares and every "
          "other characteristic not declared."),
        _("Ages are taken on the day of the first collection of that kind of support in the period for which "
          "the person was counted. People with no recorded date or year of birth are counted under “not "
          "declared”."),
        _("“Not declared”: the person (or household) did not answer; they are never counted as belonging to the "
          "group. Homelessness is declared for the household; the other categories for each person."),
        _("Third-country nationals: the nationality recorded (a country of ISO 3166) is not an EU member state, "
          "or the person is stateless. Foreign background and "
          "minorities: declared Roma, migrant, repatriate, beneficiary of international protection or asylum "
          "seeker, or a nationality other than Greek."),
        _("Monetary value: quantity handed out × value per unit recorded when the goods left the stock; returned "
          "or cancelled baskets are deducted. Tonnes: quantity × net weight per unit / 1000. Food and basic "
          "material goods are told apart by the item's food flag."),
        _("Allocation to target groups: food handed to a household declared homeless counts for homeless "
          "people, other food for other target groups. Basic goods of the children's categories (baby goods, "
          "school supplies) count for children; other goods handed to a household declared homeless for "
          "homeless people; the rest for other target groups."),
    ]


def drill_people(period: source.Period, *, support: str, group: str | None, answer: str, limit=None) -> list[dict]:
    return source.recipient_rows(period, support=support, group=group, answer=answer, limit=limit)


def drill_values(period: source.Period, value: str, limit=None) -> list[dict]:
    return source.value_collections(period, limit=limit, **VALUE_DRILLS[value])


def as_document(report: EsfReport, *, subtitle: str, link=None):
    """The report as tables for the page and the XLSX/PDF exports; `link(figure)` gives drill-down URLs."""
    from .documents import Column, Document, Table

    link = link or (lambda figure: None)
    kinds = {"eur": "eur", "tonnes": "tonnes", "people": "int", "households": "int"}
    tables = []
    for section in report.sections:
        people = any(f.not_declared is not None for f in section.figures)
        unit = section.figures[0].unit
        columns = [Column(_("No."), width=0.6), Column(_("Indicator"), width=5),
                   Column({"eur": _("Value (€)"), "tonnes": _("Tonnes")}.get(unit, _("People")), kinds[unit])]
        if people:
            columns.append(Column(_("Not declared"), "int"))
        rows = []
        for figure in section.figures:
            row = [figure.number, str(figure.label), figure.value]
            if people:
                row.append(figure.not_declared)
            rows.append(row)
        tables.append(Table(str(section.title), columns, rows, links=[link(f) for f in section.figures],
                            levels=[f.level for f in section.figures]))
    if report.food_groups:
        tables.append(Table(str(_("Food by food group")),
                            [Column(_("Food group"), width=4), Column(_("Tonnes"), "tonnes"),
                             Column(_("Value (€)"), "eur")],
                            [[str(g["label"]), g["tonnes"], g["eur"]] for g in report.food_groups]))
    footnotes = [str(note) for note in report.footnotes]
    if report.third_country_texts:
        footnotes.append(str(_("Nationalities counted as third countries: %(list)s.")
                             % {"list": ", ".join(report.third_country_texts)}))
    return Document(title=str(_("ESF+ indicators: material deprivation")), subtitle=subtitle, tables=tables,
                    footnotes=footnotes, generated_at=report.generated_at, filename="esf-plus-indicators")
