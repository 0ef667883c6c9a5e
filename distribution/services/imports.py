"""Importing household lists (CSV or XLSX), e.g. the KEA beneficiary list.

One row is one person; rows with the same household reference form one household; the row marked
as reference person (or else the first row) is the reference person. The columns are documented in
the README ("Household lists") and in `COLUMNS` below; Greek or English headers are accepted.

Rules: every row is checked before anything is written (the preview shows the errors); a household
is written in one transaction, so a bad row rejects its whole household and nothing of it is saved;
a household already imported (same reference, or the same reference person's AMKA) and people
already in it are recognised, so importing the same file twice creates nothing new.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog
from core.text import search_key, strip_accents

from ..models import (
    CATEGORY_SINGULAR_NAMES,
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
from .import_files import ImportFileError, read_table  # noqa: F401 - callers read files through this module

PERSON_IMPORT_FIELDS = ["first_name", "last_name", "father_name", "birth_date", "sex", "nationality", "amka",
                        "other_id", "other_id_kind", "phone", "categories"]
CHUNK_SIZE = 100  # households per step of a web import (one htmx poll)
DEFAULT_RETENTION_YEARS = getattr(settings, "KYPSELI_RETENTION_YEARS", 5)

_YES = {search_key(w) for w in ["yes", "y", "x", "1", "true", "ναι", "ν"]}
# Sex codes as Greek and English forms write them, compared after accents and case are removed. The
# Greek capitals that look like Latin ones (Α, Μ, Χ) are accepted in either alphabet.
_SEX_WORDS = {
    "F": ["F", "Θ", "Γ", "female", "woman", "θήλυ", "θηλυκό", "γυναίκα"],
    "M": ["M", "Μ", "A", "Α", "male", "man", "άρρεν", "αρσενικό", "άνδρας", "άντρας"],
    "X": ["X", "Χ", "other", "άλλο"],
}


def _plain(text: str) -> str:
    return strip_accents(str(text)).casefold().strip().rstrip(".")


_SEX = {_plain(word): code for code, words in _SEX_WORDS.items() for word in words}


def _category_lookup():
    lookup = {}
    for category in Category:
        for name in (category.value, category.label, str(category.label),
                     *CATEGORY_SINGULAR_NAMES.get(category, ())):
            lookup[search_key(str(name))] = category.value
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for category in Category:
                lookup[search_key(str(category.label))] = category.value
    return lookup


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
    warnings: list = field(default_factory=list)


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
    except ValueError:
        birth = None
        errors.append(_("Date of birth not understood (use DD/MM/YYYY): %(value)s") % {"value": row.get("birth_date")})
    amka = re.sub(r"\s", "", _text(row, "amka"))
    if len(amka) == 10 and amka.isdigit():
        amka = "0" + amka  # a spreadsheet stored the AMKA as a number and dropped its leading zero
    sex_text = _text(row, "sex")
    sex = _SEX.get(_plain(sex_text), None) if sex_text else ""
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
    checked.errors = _unique(errors + row_errors(checked.__dict__, programmes=programmes))
    return checked


def _unique(messages):
    return list(dict.fromkeys(str(m) for m in messages))


def _model_errors(instance, *, fields) -> list[str]:
    """The model's own validation of `fields` (lengths, choices, validators) and its clean(), named by
    field: the same checks as a form or the API, so that a row the check passes is a row the run can save."""
    exclude = [f.name for f in instance._meta.fields if f.name not in fields]
    messages = []
    for step in (lambda: instance.clean_fields(exclude=exclude), instance.clean):
        try:
            step()
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.extend(exc.messages)
                continue
            for name, errors in exc.message_dict.items():
                label = instance._meta.get_field(name).verbose_name if name in fields else ""
                messages.extend(f"{label}: {m}" if label else m for m in errors)
    return messages


def row_errors(row: dict, *, programmes=None) -> list[str]:
    """What the models refuse in one checked row (a plain dict, as kept in the import job). The check
    before the preview and the run before writing call this same function, so they agree."""
    person = _person_from(row["person"], None)
    errors = _model_errors(person, fields=PERSON_IMPORT_FIELDS)
    household = Household(import_reference=row["household"], address=row["address"], area=row["area"],
                          categories=row["household_categories"])
    errors += _model_errors(household, fields=["import_reference", "address", "area", "categories"])
    if row["programme"]:
        if programmes is None:
            programmes = set(Programme.objects.filter(code=row["programme"]).values_list("code", flat=True))
        if row["programme"] not in programmes:
            errors.append(_("Unknown programme code: %(code)s.") % {"code": row["programme"]})
        elif row["start"] and row["end"]:
            enrolment = Enrolment(start=date.fromisoformat(row["start"]), end=date.fromisoformat(row["end"]),
                                  decision_reference=row["decision"])
            errors += _model_errors(enrolment, fields=["start", "end", "decision_reference"])
    return errors


def check_rows(rows: list[dict]) -> list[list[dict]]:
    """Check every row and group them by household. Returns groups of plain dicts (JSON-ready).

    Rows are also compared with each other: an AMKA in two rows is an error (one person, one row),
    and the same name and birth date in two households is a warning. With these settled here, what
    the run does with one household depends only on that household and on what was saved before the
    import, so a dry run in steps reports exactly what the real run will do.
    """
    programmes = set(Programme.objects.values_list("code", flat=True))
    categories = _category_lookup()
    groups: dict[str, list[CheckedRow]] = {}
    for row in rows:
        checked = check_row(row, programmes, categories)
        groups.setdefault(checked.household or f"?{checked.row}", []).append(checked)
    by_amka, by_identity = {}, {}
    for key, members in groups.items():
        references = [m for m in members if m.is_reference]
        if len(references) > 1:
            for m in references[1:]:
                m.errors.append(_("Only one reference person per household."))
        elif not references:
            members[0].is_reference = True
        for m in members:
            if m.person["amka"]:
                by_amka.setdefault(m.person["amka"], []).append(m)
            birth = date.fromisoformat(m.person["birth_date"]) if m.person["birth_date"] else None
            identity = identity_key(m.person["first_name"], m.person["last_name"], birth)
            if identity:
                by_identity.setdefault(identity, []).append((key, m))
    for amka, same in by_amka.items():
        if len(same) > 1:
            for m in same:
                m.errors.append(_("AMKA %(amka)s is in more than one row of this list (rows %(rows)s).") % {
                    "amka": amka, "rows": ", ".join(str(o.row) for o in same if o is not m)})
    for same in by_identity.values():
        for key, m in same:
            others = [o for other_key, o in same if other_key != key]
            if others:
                m.warnings.append(_("The same name and date of birth are in another household of this list "
                                    "(rows %(rows)s).") % {"rows": ", ".join(str(o.row) for o in others)})
    return [[m.__dict__ for m in members] for members in groups.values()]


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


def _reject(group, errors_by_row, counts, report):
    counts["households_rejected"] += 1
    for r in group:
        for message in errors_by_row.get(r["row"], []):
            report.append({"row": r["row"], "level": "error", "message": message})
        if not errors_by_row.get(r["row"]):
            report.append({"row": r["row"], "level": "error",
                           "message": _("Not imported: another row of the same household has errors.")})


def import_group(group: list[dict], *, by, counts: dict, report: list, since=None, job=None) -> None:
    """Write one household (all its rows or none), and say per row what was done.

    The rows are validated again with the check's own function (row_errors) before anything is
    written. The counts and the report are added to `counts` and `report` only once the household's
    transaction has committed, so nothing rolled back is ever counted. `since`: people registered
    from this moment on (by this import) are not reported as possible duplicates; the check compared
    the rows of the list with each other already.
    """
    errors_by_row = {r["row"]: _unique(r["errors"] + (row_errors(r) if not r["errors"] else []))
                     for r in group}
    if any(errors_by_row.values()):
        _reject(group, errors_by_row, counts, report)
        return
    mine, lines = _new_counts(), []
    try:
        with transaction.atomic():
            _write_group(group, by=by, counts=mine, lines=lines, since=since, job=job)
    except (ValidationError, DistributionError) as exc:  # a rule the row check could not see
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        _reject(group, {group[0]["row"]: _unique(messages)}, counts, report)
        return
    for key, value in mine.items():
        counts[key] += value
    report.extend(lines)


def _write_group(group, *, by, counts, lines, since, job=None):
    def say(row, message, level="info"):
        lines.append({"row": row["row"], "level": level, "message": str(message)})
        if level == "warning":
            counts["warnings"] += 1

    reference_row = next(r for r in group if r["is_reference"])
    reference = _person_from(reference_row["person"], None)
    household = Household.objects.filter(import_reference=reference_row["household"]).first()
    if household is None and reference.amka:
        match = Person.objects.filter(amka=reference.amka, household__status=Household.Status.ACTIVE).first()
        household = match.household if match else None
    if household is not None and household.status != Household.Status.ACTIVE:
        raise DistributionError(_("This household was merged or anonymised; it is not imported again."))
    if household is None:
        household = Household.objects.create(
            import_reference=reference_row["household"], address=reference_row["address"],
            area=reference_row["area"], legal_basis=Household.LegalBasis.PUBLIC_TASK,
            retention_until=timezone.localdate() + timedelta(days=365 * DEFAULT_RETENTION_YEARS),
            created_by=by, import_job=job,
        )
        audit(AuditLog.Action.CREATE, household, user=by, changes={"import": True})
        counts["households_created"] += 1
        say(reference_row, _("New household."))
    else:
        counts["households_found"] += 1
        say(reference_row, _("Household already registered (number %(number)s).") % {"number": household.pk})
    members = list(household.members.all())
    for r in group:
        for message in r.get("warnings", []):
            say(r, message, "warning")
        for code, answer in r["household_categories"].items():
            household.categories.setdefault(code, answer)
        new = _person_from(r["person"], household)
        existing = next((m for m in members if _same_person(m, new)), None)
        if existing is not None:
            counts["people_found"] += 1
            say(r, _("Person already registered in this household: nothing to add."))
        else:
            for duplicate in find_duplicates([new], exclude_household_id=household.pk, registered_before=since):
                say(r, duplicate.message, "warning")
            new.is_reference = r["is_reference"] and not any(m.is_reference for m in members)
            new.relation = Person.Relation.REFERENCE if new.is_reference else Person.Relation.OTHER
            new.full_clean()
            new.save()
            members.append(new)
            audit(AuditLog.Action.CREATE, new, user=by, changes={"household": household.pk, "import": True})
            counts["people_created"] += 1
            say(r, _("Reference person added.") if new.is_reference else _("Member added."))
            if new.nationality_recorded:
                say(r, _("Nationality “%(text)s” names no country: kept as written for staff to resolve "
                         "(counted as not declared until then).") % {"text": new.nationality_recorded}, "warning")
        if r["programme"]:
            programme = Programme.objects.get(code=r["programme"])
            start, end = date.fromisoformat(r["start"]), date.fromisoformat(r["end"])
            if household.enrolments.filter(programme=programme, start=start).exists():
                say(r, _("Already enrolled in %(programme)s from that date.") % {"programme": programme.code})
                continue
            if household.enrolments.filter(programme=programme, start__lte=end, end__gte=start).exists():
                say(r, _("The household is already enrolled in this programme for part of that period."),
                    "warning")
                continue
            enrolment = Enrolment.objects.create(household=household, programme=programme, start=start,
                                                 end=end, decision_reference=r["decision"], created_by=by)
            audit(AuditLog.Action.CREATE, enrolment, user=by, changes={"household": household.pk, "import": True})
            counts["enrolments_created"] += 1
            say(r, _("Enrolled in %(programme)s from %(start)s to %(end)s.") % {
                "programme": programme.code, "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(end, "SHORT_DATE_FORMAT")})
    household.save(update_fields=["categories", "updated_at"])


def import_groups(groups, *, by, dry_run: bool, counts: dict, report: list, since=None, job=None) -> None:
    """Import households one transaction each; a dry run rolls everything back at the end."""
    since = since or timezone.now()
    with transaction.atomic():
        for group in groups:
            import_group(group, by=by, counts=counts, report=report, since=since, job=job)
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
    job.started_at = timezone.now()
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
        import_groups(chunk, by=by, dry_run=job.dry_run, counts=counts, report=report, since=job.started_at,
                      job=job)
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
