"""Importing household lists (CSV or XLSX), e.g. the KEA beneficiary list.

One row is one person; rows with the same household reference form one household; the row marked
as reference person (or else the first row) is the reference person. The columns are documented in
the README ("Household lists") and in `COLUMNS` below; Greek or English headers are accepted.

Rules: every row is checked before anything is written (the preview shows the errors); a household
is written in one transaction, so a bad row rejects its whole household and nothing of it is saved;
a household already imported (same reference, or the same reference person's AMKA) and people
already in it are recognised, so importing the same file twice creates nothing new.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog
from core.text import search_key

from ..identifiers import validate_amka
from ..models import (
    HOUSEHOLD_CATEGORIES,
    Category,
    Declared,
    Enrolment,
    Household,
    ImportJob,
    Person,
    Programme,
    identity_key,
)
from ..nationality import map_text
from . import DistributionError
from .households import find_duplicates

CHUNK_SIZE = 100  # households per step of a web import (one htmx poll)
DEFAULT_RETENTION_YEARS = getattr(settings, "KYPSELI_RETENTION_YEARS", 5)

# canonical name -> accepted headers (compared after core.text.search_key, so accents/case don't matter)
COLUMNS = {
    "household": ["household", "household_ref", "household reference", "κωδικός νοικοκυριού",
                  "αριθμός αίτησης", "αρ. αίτησης", "νοικοκυριό"],
    "reference": ["reference", "reference person", "υπεύθυνος", "αιτών", "αιτων"],
    "last_name": ["last_name", "last name", "surname", "επώνυμο"],
    "first_name": ["first_name", "first name", "name", "όνομα"],
    "father_name": ["father_name", "father's name", "father name", "πατρώνυμο", "όνομα πατέρα"],
    "birth_date": ["birth_date", "date of birth", "birth date", "ημερομηνία γέννησης", "ημ. γέννησης",
                   "ημ/νία γέννησης"],
    "sex": ["sex", "gender", "φύλο"],
    "nationality": ["nationality", "υπηκοότητα", "ιθαγένεια"],
    "amka": ["amka", "αμκα"],
    "other_id": ["other_id", "other identifier", "άλλο αναγνωριστικό", "αρ. εγγράφου"],
    "phone": ["phone", "telephone", "τηλέφωνο", "κινητό"],
    "address": ["address", "διεύθυνση"],
    "area": ["area", "settlement", "περιοχή", "οικισμός"],
    "categories": ["categories", "κατηγορίες"],
    "programme": ["programme", "program", "πρόγραμμα"],
    "start": ["start", "enrolment_start", "from", "έναρξη", "από"],
    "end": ["end", "enrolment_end", "until", "λήξη", "έως"],
    "decision": ["decision", "απόφαση", "αρ. απόφασης"],
}
_HEADER_KEYS = {search_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
_YES = {search_key(w) for w in ["yes", "y", "x", "1", "true", "ναι", "ν"]}
_SEX = {**{search_key(w): "F" for w in ["F", "female", "woman", "Θ", "θήλυ", "γυναίκα"]},
        **{search_key(w): "M" for w in ["M", "male", "man", "Α", "άρρεν", "άνδρας"]},
        **{search_key(w): "X" for w in ["X", "other", "άλλο"]}}


class ImportFileError(DistributionError):
    pass


def _category_lookup():
    lookup = {}
    for category in Category:
        for name in (category.value, category.label, str(category.label)):
            lookup[search_key(str(name))] = category.value
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for category in Category:
                lookup[search_key(str(category.label))] = category.value
    return lookup


# --- Reading files ----------------------------------------------------------------------------


def read_table(filename: str, content: bytes) -> list[dict]:
    """Rows of a CSV or XLSX file as {canonical column: text or date, "row": line number}."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw_rows = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        raw_rows = _read_csv(content)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if not raw_rows:
        raise ImportFileError(_("The file is empty."))
    header, *body = raw_rows
    columns = [_HEADER_KEYS.get(search_key(str(h or ""))) for h in header]
    missing = [c for c in ("household", "last_name", "first_name") if c not in columns]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s. See the list of columns on this page.")
                              % {"columns": ", ".join(missing)})
    rows = []
    for number, values in enumerate(body, start=2):
        if not any(str(v).strip() for v in values if v is not None):
            continue
        row = {"row": number}
        for column, value in zip(columns, values, strict=False):
            if column:
                row[column] = value.strip() if isinstance(value, str) else value
        rows.append(row)
    return rows


def _read_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1253")  # Greek Windows, what Excel saves as "CSV" in Greece
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The file could not be read as an Excel workbook (.xlsx).")) from exc
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


# --- Checking rows ----------------------------------------------------------------------------


def _parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _text(row, column):
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class CheckedRow:
    row: int
    household: str
    is_reference: bool
    person: dict
    household_categories: dict
    programme: str = ""
    start: str = ""
    end: str = ""
    decision: str = ""
    address: str = ""
    area: str = ""
    errors: list = field(default_factory=list)


def _mapped_nationality(text: str) -> str:
    code = map_text(text)
    return text if code is None else code


def check_row(row: dict, programmes: set, categories: dict) -> CheckedRow:
    """Turn one raw row into clean values, collecting every problem (messages in the user's language)."""
    errors = []
    checked = CheckedRow(row=row["row"], household=_text(row, "household"),
                         is_reference=search_key(_text(row, "reference")) in _YES,
                         person={}, household_categories={})
    if not checked.household:
        errors.append(_("The household reference is missing."))
    first, last = _text(row, "first_name"), _text(row, "last_name")
    if not first or not last:
        errors.append(_("First and last name are required."))
    try:
        birth = _parse_date(row.get("birth_date"))
        if birth and birth > timezone.localdate():
            errors.append(_("The date of birth cannot be in the future."))
    except ValueError:
        birth = None
        errors.append(_("Date of birth not understood (use DD/MM/YYYY): %(value)s") % {"value": row.get("birth_date")})
    amka = re.sub(r"\s", "", _text(row, "amka"))
    if len(amka) == 10 and amka.isdigit():
        amka = "0" + amka  # a spreadsheet stored the AMKA as a number and dropped its leading zero
    if amka:
        try:
            validate_amka(amka, birth)
        except ValidationError as exc:
            errors.extend(str(m) for m in exc.messages)
    sex_text = _text(row, "sex")
    sex = _SEX.get(search_key(sex_text), None) if sex_text else ""
    if sex is None:
        errors.append(_("Sex not understood: %(value)s (use F, M or X).") % {"value": sex_text})
        sex = ""
    person_categories = {}
    for word in re.split(r"[,;/|]+", _text(row, "categories")):
        if not word.strip():
            continue
        code = categories.get(search_key(word))
        if code is None:
            errors.append(_("Unknown category: %(code)s.") % {"code": word.strip()})
        elif code in HOUSEHOLD_CATEGORIES:
            checked.household_categories[code] = Declared.YES.value
        else:
            person_categories[code] = Declared.YES.value
    other_id = _text(row, "other_id")
    checked.person = {
        "first_name": first, "last_name": last, "father_name": _text(row, "father_name"),
        "birth_date": birth.isoformat() if birth else None, "sex": sex,
        # The country's code when the text names one; else the text, kept for staff to resolve.
        "nationality": _mapped_nationality(_text(row, "nationality")),
        "amka": amka, "other_id": other_id, "other_id_kind": "temporary" if other_id else "",
        "phone": _text(row, "phone"), "categories": person_categories,
    }
    checked.address, checked.area = _text(row, "address"), _text(row, "area")
    checked.programme = _text(row, "programme")
    if checked.programme:
        if checked.programme not in programmes:
            errors.append(_("Unknown programme code: %(code)s.") % {"code": checked.programme})
        try:
            start, end = _parse_date(row.get("start")), _parse_date(row.get("end"))
        except ValueError:
            start = end = None
            errors.append(_("Enrolment dates not understood (use DD/MM/YYYY)."))
        else:
            if not start or not end:
                errors.append(_("A programme needs both a start and an end date."))
            elif end < start:
                errors.append(_("The end date must be on or after the start date."))
        checked.start = start.isoformat() if start else ""
        checked.end = end.isoformat() if end else ""
        checked.decision = _text(row, "decision")
    checked.errors = errors
    return checked


def check_rows(rows: list[dict]) -> list[list[dict]]:
    """Check every row and group them by household. Returns groups of plain dicts (JSON-ready)."""
    programmes = set(Programme.objects.values_list("code", flat=True))
    categories = _category_lookup()
    groups: dict[str, list[CheckedRow]] = {}
    for row in rows:
        checked = check_row(row, programmes, categories)
        groups.setdefault(checked.household or f"?{checked.row}", []).append(checked)
    result = []
    for members in groups.values():
        references = [m for m in members if m.is_reference]
        if len(references) > 1:
            for m in references[1:]:
                m.errors.append(_("Only one reference person per household."))
        elif not references:
            members[0].is_reference = True
        result.append([m.__dict__ for m in members])
    return result


def summary_of_check(groups) -> dict:
    rows = [r for g in groups for r in g]
    bad_groups = [g for g in groups if any(r["errors"] for r in g)]
    return {"rows": len(rows), "households": len(groups), "rows_with_errors": sum(1 for r in rows if r["errors"]),
            "households_rejected": len(bad_groups)}


# --- Writing ----------------------------------------------------------------------------------


def _new_counts():
    return {"households_created": 0, "households_found": 0, "people_created": 0, "people_found": 0,
            "enrolments_created": 0, "households_rejected": 0, "warnings": 0}


def _person_from(data, household) -> Person:
    values = dict(data)
    values["birth_date"] = date.fromisoformat(values["birth_date"]) if values["birth_date"] else None
    return Person(household=household, **values)


def _same_person(existing: Person, new: Person) -> bool:
    if new.amka and existing.amka:
        return new.amka == existing.amka
    key = identity_key(new.first_name, new.last_name, new.birth_date)
    if key:
        return key == existing.identity_key
    return search_key(new.full_name) == search_key(existing.full_name)


def import_group(group: list[dict], *, by, counts: dict, report: list) -> None:
    """Write one household (all its rows or none). Errors were found by check_rows."""
    if any(r["errors"] for r in group):
        counts["households_rejected"] += 1
        for r in group:
            for message in r["errors"]:
                report.append({"row": r["row"], "level": "error", "message": message})
            if not r["errors"]:
                report.append({"row": r["row"], "level": "error",
                               "message": _("Not imported: another row of the same household has errors.")})
        return
    reference_row = next(r for r in group if r["is_reference"])
    reference = _person_from(reference_row["person"], None)
    household = Household.objects.filter(import_reference=reference_row["household"]).first()
    if household is None and reference.amka:
        match = Person.objects.filter(amka=reference.amka, household__status=Household.Status.ACTIVE).first()
        household = match.household if match else None
    if household is not None and household.status != Household.Status.ACTIVE:
        counts["households_rejected"] += 1
        report.append({"row": reference_row["row"], "level": "error",
                       "message": _("This household was merged or anonymised; it is not imported again.")})
        return
    with transaction.atomic():
        if household is None:
            household = Household.objects.create(
                import_reference=reference_row["household"], address=reference_row["address"],
                area=reference_row["area"], legal_basis=Household.LegalBasis.PUBLIC_TASK,
                retention_until=timezone.localdate() + timedelta(days=365 * DEFAULT_RETENTION_YEARS),
                created_by=by,
            )
            audit(AuditLog.Action.CREATE, household, user=by, changes={"import": True})
            counts["households_created"] += 1
        else:
            counts["households_found"] += 1
        members = list(household.members.all())
        for r in group:
            for code, answer in r["household_categories"].items():
                household.categories.setdefault(code, answer)
            new = _person_from(r["person"], household)
            existing = next((m for m in members if _same_person(m, new)), None)
            if existing is not None:
                counts["people_found"] += 1
            else:
                for duplicate in find_duplicates([new], exclude_household_id=household.pk):
                    counts["warnings"] += 1
                    report.append({"row": r["row"], "level": "warning", "message": duplicate.message})
                new.is_reference = r["is_reference"] and not any(m.is_reference for m in members)
                new.relation = Person.Relation.REFERENCE if new.is_reference else Person.Relation.OTHER
                new.full_clean()
                new.save()
                if new.nationality_recorded:
                    counts["warnings"] += 1
                    report.append({"row": r["row"], "level": "warning", "message": _(
                        "Nationality “%(text)s” names no country: kept as written for staff to resolve "
                        "(counted as not declared until then).") % {"text": new.nationality_recorded}})
                members.append(new)
                audit(AuditLog.Action.CREATE, new, user=by, changes={"household": household.pk, "import": True})
                counts["people_created"] += 1
            if r["programme"]:
                programme = Programme.objects.get(code=r["programme"])
                start, end = date.fromisoformat(r["start"]), date.fromisoformat(r["end"])
                if household.enrolments.filter(programme=programme, start=start).exists():
                    continue
                if household.enrolments.filter(programme=programme, start__lte=end, end__gte=start).exists():
                    counts["warnings"] += 1
                    report.append({"row": r["row"], "level": "warning", "message": _(
                        "The household is already enrolled in this programme for part of that period.")})
                    continue
                enrolment = Enrolment.objects.create(household=household, programme=programme, start=start,
                                                     end=end, decision_reference=r["decision"], created_by=by)
                audit(AuditLog.Action.CREATE, enrolment, user=by, changes={"household": household.pk, "import": True})
                counts["enrolments_created"] += 1
        household.save(update_fields=["categories", "updated_at"])


def import_groups(groups, *, by, dry_run: bool, counts: dict, report: list) -> None:
    """Import households one transaction each; a dry run rolls everything back at the end."""
    with transaction.atomic():
        for group in groups:
            try:
                import_group(group, by=by, counts=counts, report=report)
            except (ValidationError, DistributionError) as exc:  # a rule the row check could not see
                counts["households_rejected"] += 1
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                report.extend({"row": group[0]["row"], "level": "error", "message": str(m)} for m in messages)
        if dry_run:
            transaction.set_rollback(True)


# --- Web imports in steps ---------------------------------------------------------------------


@transaction.atomic
def create_import_job(filename: str, content: bytes, *, by) -> ImportJob:
    rows = read_table(filename, content)
    groups = check_rows(rows)
    job = ImportJob.objects.create(filename=filename[:200], created_by=by, groups=groups, total_groups=len(groups),
                                   counts=summary_of_check(groups))
    audit(AuditLog.Action.CREATE, job, user=by, changes={"rows": len(rows)})
    return job


@transaction.atomic
def start_import(job: ImportJob, *, dry_run: bool, by) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.PREVIEW:
        raise DistributionError(_("This import has already been run; upload the file again."))
    job.status, job.dry_run, job.position, job.report = ImportJob.Status.RUNNING, dry_run, 0, []
    job.counts = {**job.counts, **_new_counts()}
    job.save()
    return job


def process_next_chunk(job: ImportJob, *, by, size: int | None = None) -> ImportJob:
    """One step of a running import (called by each progress poll). Safe if two polls overlap."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.RUNNING:
            return job
        chunk = job.groups[job.position:job.position + (size or CHUNK_SIZE)]
        counts, report = dict(job.counts), list(job.report)
        import_groups(chunk, by=by, dry_run=job.dry_run, counts=counts, report=report)
        job.counts, job.report = counts, report
        job.position += len(chunk)
        if job.position >= job.total_groups:
            job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
            if not job.dry_run:
                job.groups = []  # the list's personal data is not kept once imported
            audit(AuditLog.Action.CHANGE, job, user=by, changes={"finished": True, "dry_run": job.dry_run,
                                                                 **{k: v for k, v in counts.items()}})
        job.save()
    return job


def import_file(path: str, *, dry_run: bool, by=None) -> tuple[dict, list]:
    """The management command's entry point: the same checks and writes as the web import."""
    with open(path, "rb") as handle:
        content = handle.read()
    groups = check_rows(read_table(path, content))
    counts, report = {**summary_of_check(groups), **_new_counts()}, []
    import_groups(groups, by=by, dry_run=dry_run, counts=counts, report=report)
    return counts, report
