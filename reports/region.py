"""The region's view: the reports of the centres a regional or municipal role oversees (core.Oversight),
per centre and summed, each a `documents.Document` (page, XLSX, PDF).

Each centre's figures are those of its own report, computed inside its scope (`centre_scope`): the
same functions, the same rules, so a centre's row here is what its staff see, and the sum is the sum of
those rows. Only counts and sums leave a centre: never a person, a household, a name, nor any text a
person typed (item names, locations, reasons and notes stay in each centre's own report); the labels
shown are the centres' names and the application's own (indicators, donor kinds, outcomes, categories).
"""

import contextvars
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import db
from django.conf import settings
from django.utils.translation import gettext as _

from core.matching import matching_key
from core.models import Centre
from core.tenancy import centre_scope
from distribution.selectors import reporting as distribution_reporting
from events import reporting as events_reporting
from inventory import reporting as inventory_reporting
from inventory import selectors as inventory_selectors
from volunteers import reporting as volunteers_reporting

from . import esf, region_people
from .documents import Column, Document, Table

ZERO = Decimal("0")


@dataclass
class Area:
    """What a regional or municipal role oversees: its name and its active centres."""

    name: str
    centres: list[Centre]


def per_centre(area: Area, compute: Callable, *, connections: int = 1) -> list[tuple[Centre, object]]:
    """[(centre, compute())] for each centre of the area, each computed inside its own centre's scope.

    `connections` > 1: the centres are shared out over that many threads, each with its own database
    connection, so that one centre's statements run while another's rows are read (the region's ESF+ over
    20 centres: docs/benchmarks.md). Only on PostgreSQL outside a transaction: other connections would not
    see what the transaction has not committed (a test's data), and SQLite serialises them anyway."""
    centres = list(area.centres)
    if connections < 2 or len(centres) < 2 or not _parallel_reads():
        return [(centre, _in_scope(centre, compute)) for centre in centres]
    results: dict = {}
    failures: list = []
    waiting = list(enumerate(centres))
    taking = threading.Lock()

    def work():
        try:
            while not failures:
                with taking:
                    if not waiting:
                        return
                    position, centre = waiting.pop(0)
                results[position] = (centre, _in_scope(centre, compute))
        except Exception as error:  # noqa: BLE001 - raised again below, in the request's thread
            failures.append(error)
        finally:
            db.connections.close_all()  # this thread's connections: no other thread will use them

    threads = [threading.Thread(target=contextvars.copy_context().run, args=(work,), daemon=True)
               for _n in range(min(connections, len(centres)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [results[position] for position in range(len(centres))]


def _in_scope(centre: Centre, compute: Callable):
    with centre_scope(centre):
        return compute()


def _parallel_reads() -> bool:
    connection = db.connections[db.router.db_for_read(None)]
    return connection.vendor == "postgresql" and not db.connections[db.DEFAULT_DB_ALIAS].in_atomic_block


def _document(area: Area, title: str, subtitle: str, tables: list[Table], footnotes: list, filename: str):
    centres = ", ".join(str(centre) for centre in area.centres) or _("no centre")
    return Document(title=title, subtitle=subtitle, tables=tables, filename=filename,
                    issuer=[area.name, _("Centres: %(names)s") % {"names": centres}], notice="",
                    footnotes=[*footnotes, _("Each centre's figures are those of its own report for the same period; "
                                             "the sum adds them. Only counts and sums are shown: no person, "
                                             "household or name.")])


def _summed(rows: list[list], first_label: str) -> list:
    """The sum row of per-centre rows ([centre name, number, …]); None stays None where every row has None."""
    total = [first_label]
    for position in range(1, len(rows[0]) if rows else 1):
        values = [row[position] for row in rows if row[position] is not None]
        total.append(sum(values) if values else None)
    return total


# --- ESF+ ---------------------------------------------------------------------------------------------

def summed_esf_report(period, reports: list[esf.EsfReport]) -> esf.EsfReport:
    """The centres' ESF+ reports added figure by figure (no drill-down: the region sees no one)."""
    sections = []
    for position, section in enumerate(reports[0].sections if reports else []):
        figures = []
        for index, figure in enumerate(section.figures):
            same = [report.sections[position].figures[index] for report in reports]
            not_declared = (None if figure.not_declared is None else
                            sum(f.not_declared for f in same))
            figures.append(esf.Figure(figure.key, figure.number, figure.label, sum(f.value for f in same),
                                      figure.unit, not_declared=not_declared, level=figure.level))
        sections.append(esf.Section(section.title, figures))
    groups: dict = {}
    for report in reports:
        for group in report.food_groups:
            entry = groups.setdefault(group["code"], {**group, "tonnes": ZERO, "eur": ZERO})
            entry["tonnes"] += group["tonnes"]
            entry["eur"] += group["eur"]
    texts = sorted({text for report in reports for text in report.third_country_texts})
    return esf.EsfReport(period=period, sections=sections, footnotes=esf.general_footnotes(),
                         third_country_texts=tuple(texts), food_groups=list(groups.values()))


def _esf_per_centre_tables(results, summed: esf.EsfReport) -> list[Table]:
    kinds = {"eur": "eur", "tonnes": "tonnes", "people": "int", "households": "int"}
    tables = []
    for position, section in enumerate(summed.sections):
        columns = [Column(_("Centre"), width=2.5)] + [Column(f.number, kinds[f.unit]) for f in section.figures]
        rows = [[str(centre)] + [f.value for f in report.sections[position].figures] for centre, report in results]
        total = [_("Sum of the centres")] + [f.value for f in section.figures]
        tables.append(Table(_("%(section)s: per centre") % {"section": section.title}, columns, rows + [total]))
        declared = [f for f in section.figures if f.not_declared is not None]
        if declared:
            columns = [Column(_("Centre"), width=2.5)] + [Column(f.number, "int") for f in declared]
            rows = [[str(centre)] + [f.not_declared for f in report.sections[position].figures
                                     if f.not_declared is not None] for centre, report in results]
            total = [_("Sum of the centres")] + [f.not_declared for f in declared]
            tables.append(Table(_("%(section)s: not declared, per centre") % {"section": section.title}, columns,
                                rows + [total]))
    return tables


def _people_once_table(summed: esf.EsfReport, once: region_people.PeopleOnce) -> Table:
    rows = []
    for figure in summed.figures:
        if figure.unit != "people":
            continue
        declared = figure.not_declared is not None
        rows.append([figure.number, str(figure.label), figure.value, once.count(figure.key),
                     figure.not_declared, once.count(figure.key, "not_declared") if declared else None,
                     once.without_amka(figure.key)])
    return Table(_("People counted once in the region"),
                 [Column(_("No."), width=0.6), Column(_("Indicator"), width=4), Column(_("Sum of the centres"), "int"),
                  Column(_("Once in the region"), "int"), Column(_("Not declared: sum of the centres"), "int"),
                  Column(_("Not declared: once in the region"), "int"),
                  Column(_("Of them without AMKA (not matched)"), "int")], rows,
                 levels=[1 if "." in row[0] else 0 for row in rows],
                 note=_("A person who received support at two centres is counted once in the region when both "
                        "recorded her AMKA; a person without an AMKA cannot be matched and is counted by each "
                        "centre that counted her."))


def centre_esf(period) -> tuple[esf.EsfReport, list]:
    """The centre in scope's ESF+ report and its people for the region (`region_people.centre_people`),
    its people read once: the report's people figures are tallied from them (`region_people.counts_of`)."""
    households, people = region_people.centre_people(period)
    return esf.esf_report(period, counts=region_people.counts_of(people, households)), people


def esf_document(area: Area, start, end, subtitle: str) -> Document:
    period = distribution_reporting.Period(start, end)
    results = per_centre(area, lambda: centre_esf(period), connections=settings.REGION_REPORT_CONNECTIONS)
    reports = [(centre, report) for centre, (report, _people) in results]
    summed = summed_esf_report(period, [report for _centre, report in reports])
    once = region_people.people_once([(centre, people) for centre, (_report, people) in results])
    document = esf.as_document(summed, subtitle=subtitle)
    for table in document.tables:
        table.title = _("%(table)s: sum of the centres") % {"table": table.title}
    tables = [_people_once_table(summed, once), *document.tables, *_esf_per_centre_tables(reports, summed)]
    matching = (_("People: each centre counts its own people once; the sum adds the centres' figures, so a person "
                  "who received support at two centres is in the sum twice. The first table counts her once: "
                  "centres are matched by a keyed hash of the AMKA (no AMKA, name or other data leaves a "
                  "centre); people without an AMKA are counted by each centre.")
                if matching_key() else
                _("People: no key for matching people across centres is set on this installation "
                  "(PERSON_MATCH_KEY), so a person who received support at two centres is counted by each, "
                  "in the sum and in the first table."))
    footnotes = [_("The tables per centre number their columns as the indicators above (Annex III)."), matching,
                 *document.footnotes]
    return _document(area, _("ESF+ indicators: material deprivation"), subtitle, tables, footnotes,
                     "esf-plus-indicators-region")


# --- Distribution -------------------------------------------------------------------------------------

DISTRIBUTION_FIGURES = ["days", "collections", "people", "food_kg", "food_eur", "goods_kg", "goods_eur"]


def _distribution_of_centre(period) -> dict:
    months = distribution_reporting.collections_by(period, "month", with_goods=True)
    return {"months": months, "refusals": distribution_reporting.refusals_by_reason(period),
            "handouts": distribution_reporting.handouts_by_month(period)}


def _distribution_columns(first: Column) -> list[Column]:
    return [first, Column(_("Distribution days"), "int"), Column(_("Collections"), "int"), Column(_("People"), "int"),
            Column(_("Food (kg)"), "dec"), Column(_("Food (€)"), "eur"), Column(_("Other goods (kg)"), "dec"),
            Column(_("Other goods (€)"), "eur")]


def distribution_document(area: Area, start, end, subtitle: str) -> Document:
    period = distribution_reporting.Period(start, end)
    results = per_centre(area, lambda: _distribution_of_centre(period))
    per_centre_rows, handout_rows, months, refusals, handouts = [], [], {}, {}, {}
    for centre, found in results:
        row = [str(centre)] + [sum((m[key] for m in found["months"]), ZERO if "_" in key else 0)
                               for key in DISTRIBUTION_FIGURES]
        per_centre_rows.append(row)
        for month in found["months"]:
            entry = months.setdefault(month["month"], dict.fromkeys(DISTRIBUTION_FIGURES + ["households"], 0))
            for key in DISTRIBUTION_FIGURES + ["households"]:
                entry[key] += month[key]
        for refusal in found["refusals"]:
            label = str(refusal["label"])
            refusals[label] = refusals.get(label, 0) + refusal["scans"]
        counted = [0, 0, 0, ZERO, ZERO, ZERO, ZERO]
        for handout in found["handouts"]:
            for position, key in enumerate(["handouts", "anonymous", "people", "food_kg", "food_eur", "goods_kg",
                                            "goods_eur"]):
                counted[position] += handout[key] or 0
            label = str(handout["kind_label"])
            handouts[label] = handouts.get(label, 0) + handout["handouts"]
        handout_rows.append([str(centre), *counted])
    total = _("Sum of the centres")
    tables = [
        Table(_("Distribution days per centre"), _distribution_columns(Column(_("Centre"), width=2.5)),
              per_centre_rows + ([_summed(per_centre_rows, total)] if per_centre_rows else []),
              note=_("People: members of the households when they collected, counted at each collection.")),
        Table(_("Per month, all centres"),
              _distribution_columns(Column(_("Month"))) + [Column(_("Households"), "int")],
              [[month] + [months[month][key] for key in DISTRIBUTION_FIGURES + ["households"]]
               for month in sorted(months)],
              note=_("Households: those that collected in the month at each centre, added up over the centres.")),
        Table(_("Hand-outs outside distribution days per centre"),
              [Column(_("Centre"), width=2.5), Column(_("Hand-outs"), "int"), Column(_("Anonymous"), "int"),
               Column(_("People"), "int"), Column(_("Food (kg)"), "dec"), Column(_("Food (€)"), "eur"),
               Column(_("Other goods (kg)"), "dec"), Column(_("Other goods (€)"), "eur")],
              handout_rows + ([_summed(handout_rows, total)] if handout_rows else [])),
        Table(_("Hand-outs by kind, all centres"), [Column(_("Kind"), width=3), Column(_("Hand-outs"), "int")],
              [[label, count] for label, count in sorted(handouts.items())]),
        Table(_("Refused scans by reason, all centres"), [Column(_("Reason"), width=3), Column(_("Scans"), "int")],
              [[label, count] for label, count in sorted(refusals.items(), key=lambda item: (-item[1], item[0]))]),
    ]
    return _document(area, _("Distribution"), subtitle, tables,
                     [_("Cancelled collections are left out; goods brought back are deducted. kg and € use the "
                        "weight and value per unit recorded when the goods left the stock.")], "distribution-region")


# --- Stock --------------------------------------------------------------------------------------------

def _stock_of_centre(start, end, expiring_days) -> dict:
    return {"received": inventory_reporting.received_by_donor_kind(start, end, None),
            "written": inventory_reporting.written_off(start, end, None),
            "on_hand": inventory_reporting.stock_value_on_hand(None),
            "expiring": inventory_selectors.expiring_soon(expiring_days).count()}


def stock_document(area: Area, start, end, subtitle: str, *, expiring_days: int = 30) -> Document:
    results = per_centre(area, lambda: _stock_of_centre(start, end, expiring_days))
    rows, by_kind, by_reason = [], {}, {}
    for centre, found in results:
        rows.append([str(centre), sum(r["donations"] for r in found["received"]),
                     sum((r["kg"] for r in found["received"]), ZERO), sum((r["eur"] for r in found["received"]), ZERO),
                     sum((r["kg"] for r in found["written"]), ZERO), sum((r["eur"] for r in found["written"]), ZERO),
                     sum((r["kg"] for r in found["on_hand"]), ZERO), sum((r["eur"] for r in found["on_hand"]), ZERO),
                     found["expiring"]])
        for row in found["received"]:
            entry = by_kind.setdefault(str(row["label"]), [0, ZERO, ZERO])
            entry[0] += row["donations"]
            entry[1] += row["kg"]
            entry[2] += row["eur"]
        for row in found["written"]:
            entry = by_reason.setdefault(str(row["label"]), [ZERO, ZERO])
            entry[0] += row["kg"]
            entry[1] += row["eur"]
    tables = [
        Table(_("Stock per centre"),
              [Column(_("Centre"), width=2.5), Column(_("Donations"), "int"), Column(_("Received (kg)"), "dec"),
               Column(_("Received (€)"), "eur"), Column(_("Written off (kg)"), "dec"),
               Column(_("Written off (€)"), "eur"), Column(_("On hand today (kg)"), "dec"),
               Column(_("On hand today (€)"), "eur"),
               Column(_("Lots expiring within %(days)s days") % {"days": expiring_days}, "int")],
              rows + ([_summed(rows, _("Sum of the centres"))] if rows else [])),
        Table(_("Goods received by donor type, all centres"),
              [Column(_("Donor type"), width=2), Column(_("Donations"), "int"), Column(_("kg"), "dec"),
               Column(_("€"), "eur")],
              [[label, *figures] for label, figures in sorted(by_kind.items())]),
        Table(_("Goods written off by reason, all centres"),
              [Column(_("Reason"), width=2), Column(_("kg"), "dec"), Column(_("€"), "eur")],
              [[label, *figures] for label, figures in sorted(by_reason.items())]),
    ]
    return _document(area, _("Stock"), subtitle, tables,
                     [_("Received and written off: in the period. Stock on hand and expiring: today. On hand is "
                        "valued at today's value per unit of each item.")], "stock-region")


# --- Volunteers and events ----------------------------------------------------------------------------

VOLUNTEER_FIGURES = ["shifts", "places", "filled", "understaffed", "present", "no_show"]
EVENT_FIGURES = ["events", "cancelled", "capacity", "registrations", "places", "attended", "no_show",
                 "waiting_places"]


def _activities_of_centre(start, end) -> dict:
    return {"hours": volunteers_reporting.hours_by_month_and_site(start, end, None),
            "shifts": volunteers_reporting.shifts_by_month(start, end, None),
            "events": events_reporting.by_category(start, end, None)}


def _fill_rate(filled, places):
    return (Decimal(filled) * 100 / places).quantize(Decimal("0.1")) if places else None


def activities_document(area: Area, start, end, subtitle: str) -> Document:
    results = per_centre(area, lambda: _activities_of_centre(start, end))
    volunteer_rows, event_rows, categories = [], [], {}
    for centre, found in results:
        shifts = [sum(r[key] for r in found["shifts"]) for key in VOLUNTEER_FIGURES]
        volunteer_rows.append([str(centre), sum((r["hours"] for r in found["hours"]), ZERO),
                               sum(r["assignments"] for r in found["hours"]), *shifts])
        event_rows.append([str(centre)] + [sum(r[key] for r in found["events"]) for key in EVENT_FIGURES])
        for row in found["events"]:
            entry = categories.setdefault(str(row["label"]), [0] * len(EVENT_FIGURES))
            for position, key in enumerate(EVENT_FIGURES):
                entry[position] += row[key]
    total = _("Sum of the centres")
    if volunteer_rows:
        volunteer_rows.append(_summed(volunteer_rows, total))
        event_rows.append(_summed(event_rows, total))
    for row in volunteer_rows:
        row.insert(6, _fill_rate(row[5], row[4]))
    event_columns = [Column(_("Events"), "int"), Column(_("Cancelled events"), "int"),
                     Column(_("Places offered"), "int"), Column(_("Registrations"), "int"),
                     Column(_("Places registered"), "int"), Column(_("Attended"), "int"),
                     Column(_("Did not come"), "int"), Column(_("Waiting list"), "int")]
    tables = [
        Table(_("Volunteers per centre"),
              [Column(_("Centre"), width=2.5), Column(_("Approved hours"), "eur"), Column(_("Shifts served"), "int"),
               Column(_("Shifts"), "int"), Column(_("Places"), "int"), Column(_("Filled"), "int"),
               Column(_("Fill rate (%)"), "pct"), Column(_("Below minimum"), "int"), Column(_("Present"), "int"),
               Column(_("No-shows"), "int")], volunteer_rows,
              note=_("Filled: volunteers assigned or confirmed (at most the places). Present and no-shows: as "
                     "recorded by the coordinator.")),
        Table(_("Events per centre"), [Column(_("Centre"), width=2.5), *event_columns], event_rows,
              note=_("Registrations: confirmed. Attended: places of the registrations checked in at the door. "
                     "Waiting list: places still waiting.")),
        Table(_("Events by category, all centres"), [Column(_("Category"), width=2.5), *event_columns],
              [[label, *figures] for label, figures in sorted(categories.items())]),
    ]
    return _document(area, _("Volunteers and events"), subtitle, tables,
                     [_("Cancelled shifts are left out; hours are approved hours only. Draft events are left out.")],
                     "volunteers-events-region")

