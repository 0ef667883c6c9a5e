"""Submitted ESF+ reports: marking a period's report as submitted (kept unchangeable, with the XLSX and
PDF as they were and their checksums), and what the live report of that period now says differently,
figure by figure and household by household.

The households behind each people figure are worked out here from one row per person counted
(`distribution.selectors.reporting.people_facts`) by `figure_answers`, the Python twin of the SQL
conditions of `esf_figures`; tests/reports/test_submitted.py holds the two to the same counts.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog
from distribution.selectors import reporting as source

from . import esf
from .documents import to_pdf, to_xlsx
from .models import SubmittedReport


def _age_group_answer(group: str, age) -> str | None:
    if age is None:
        return "not_declared"
    if group == "children":
        return "yes" if age < 18 else None
    if group == "young":
        return "yes" if 18 <= age <= 29 else None
    return "yes" if age >= 65 else None  # senior


def _age_band(age) -> str:
    """The age as the age groups read it (_age_group_answer): not declared, child, young, adult, senior."""
    if age is None:
        return "not_declared"
    return "child" if age < 18 else "young" if age <= 29 else "senior" if age >= 65 else "adult"


def answers_depend_on(row: dict) -> tuple:
    """What of a person's row `figure_answers` reads, as `source.people_alike` gives it after her key: the
    age band of each kind of support (None: not counted for it), sex, and the four declared answers.
    Two people alike in it count in the same figures (`answers_of_alike`)."""
    return (*(None if row[f"first_{support}"] is None else _age_band(row[f"age_{support}"])
              for support in source.SUPPORTS), row["sex"], *(row[group] for group in DECLARED_GROUPS))


DECLARED_GROUPS = ("disability", "homeless", "third_country", "foreign_minority")
# An age in each band (_age_band): what `figure_answers` reads of an age is its band.
_AGE_IN_BAND = {"not_declared": None, "child": 0, "young": 18, "adult": 30, "senior": 65}


def answers_of_alike(alike: tuple) -> tuple:
    """The figures a person counts in (`figure_answers`) from what they read of her (`answers_depend_on`)."""
    row = {"sex": alike[len(source.SUPPORTS)], **dict(zip(DECLARED_GROUPS, alike[len(source.SUPPORTS) + 1:],
                                                          strict=True))}
    for support, band in zip(source.SUPPORTS, alike[:len(source.SUPPORTS)], strict=True):
        row[f"first_{support}"] = band  # figure_answers asks only whether she was counted for it
        row[f"age_{support}"] = None if band is None else _AGE_IN_BAND[band]
    return tuple(figure_answers(row))


def figure_answers(row: dict):
    """The people figures one person counts in, as (figure key, "yes" or "not_declared"): the same
    conditions as the SQL of `esf_figures` (reporting.esf._group_conditions)."""
    for support in source.SUPPORTS:
        if row[f"first_{support}"] is None:
            continue
        yield f"people.{support}", "yes"
        age = row[f"age_{support}"]
        for group in source.GROUPS:
            if group in ("children", "young", "senior"):
                answer = _age_group_answer(group, age)
            elif group == "women":
                answer = "yes" if row["sex"] == "F" else "not_declared" if row["sex"] == "" else None
            else:
                answer = {"yes": "yes", "": "not_declared"}.get(row[group])
            if answer:
                yield f"people.{support}.{group}", answer


def households_behind(period) -> dict:
    """{figure key: {"yes": {household id (text): people}, "not_declared": {...}}} for every people
    figure, and the households figure ({"yes": {household id: 1}})."""
    found: dict = {}
    for row in source.people_facts(period):
        household = str(row["household_id"])
        for key, answer in figure_answers(row):
            per_household = found.setdefault(key, {}).setdefault(answer, {})
            per_household[household] = per_household.get(household, 0) + 1
    found["households"] = {"yes": {str(h): 1 for h in source.households_counted(period)}}
    return found


def _figures(report) -> list[dict]:
    return [{"key": f.key, "number": f.number, "label": str(f.label), "value": str(f.value), "unit": f.unit,
             "not_declared": f.not_declared} for f in report.figures]


def submitted_for(period):
    """The latest submitted report of exactly this period, programme and location (or None)."""
    return (SubmittedReport.objects.filter(start=period.start, end=period.end, programme_id=period.programme_id,
                                           location_id=period.location_id)
            .select_related("submitted_by").order_by("-submitted_at", "-id").first())


@transaction.atomic
def submit_esf_report(period, *, subtitle: str, by, note: str = "") -> SubmittedReport:
    """Mark the period's ESF+ report as submitted: keep its figures, the households behind them, and
    its XLSX and PDF (the bytes later downloads give back), with their SHA-256. Audited."""
    report = esf.esf_report(period)
    document = esf.as_document(report, subtitle=subtitle)
    xlsx, pdf = to_xlsx(document), to_pdf(document)
    submitted = SubmittedReport(
        start=period.start, end=period.end, programme_id=period.programme_id, location_id=period.location_id,
        description=subtitle[:300], note=note[:200], figures=_figures(report), households=households_behind(period),
        xlsx=xlsx, pdf=pdf, xlsx_sha256=hashlib.sha256(xlsx).hexdigest(), pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        submitted_at=timezone.now(), submitted_by=by)
    submitted.full_clean()
    submitted.save()
    audit(AuditLog.Action.CREATE, submitted, user=by, changes={"period": subtitle})
    return submitted


@dataclass
class Difference:
    key: str
    number: str
    label: str
    submitted: str
    now: str
    not_declared_submitted: int | None
    not_declared_now: int | None
    # (household id, people then, people now) for each household whose share of the figure changed
    households: list


def differences(submitted: SubmittedReport, period) -> list[Difference]:
    """What the live report of the period says differently from the submitted one, figure by figure,
    with the households whose share changed (a merge found a duplicate, a correction, a late entry)."""
    report = esf.esf_report(period)
    now_figures = {f["key"]: f for f in _figures(report)}
    now_households = households_behind(period)
    result = []
    for before in submitted.figures:
        key = before["key"]
        after = now_figures.get(key, {"value": "", "not_declared": None})
        changed = []
        then_map, now_map = submitted.households.get(key, {}), now_households.get(key, {})
        for answer in ("yes", "not_declared"):
            then, now = then_map.get(answer, {}), now_map.get(answer, {})
            for household in sorted(set(then) | set(now), key=int):
                if then.get(household, 0) != now.get(household, 0):
                    changed.append((int(household), answer, then.get(household, 0), now.get(household, 0)))
        if before["value"] != after["value"] or before["not_declared"] != after["not_declared"] or changed:
            result.append(Difference(key, before["number"], before["label"], before["value"], after["value"],
                                     before["not_declared"], after["not_declared"], changed))
    return result


def stored_file(submitted: SubmittedReport, export_format: str, *, by) -> tuple[bytes, str]:
    """The XLSX or PDF exactly as submitted, and its SHA-256. Audited as an export."""
    body = bytes(submitted.xlsx if export_format == "xlsx" else submitted.pdf)
    audit(AuditLog.Action.EXPORT, submitted, user=by, changes={"format": export_format, "submitted": True})
    return body, hashlib.sha256(body).hexdigest()


def describe_answer(answer: str) -> str:
    return _("not declared") if answer == "not_declared" else ""
