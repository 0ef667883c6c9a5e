# ruff: noqa: E501  (the sample lists are real-width CSV lines)
"""Importing household lists: preview, per-row errors, all-or-nothing households, idempotence."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from distribution.identifiers import make_amka
from distribution.models import Enrolment, Household, ImportJob, Person
from distribution.services import imports
from tests.distribution.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield

AMKA_1 = make_amka(date(1980, 5, 17), 11)
AMKA_2 = make_amka(date(1975, 2, 3), 12)
GOOD_CSV = f"""Κωδικός νοικοκυριού;Υπεύθυνος;Επώνυμο;Όνομα;Πατρώνυμο;Ημερομηνία γέννησης;Φύλο;ΑΜΚΑ;Τηλέφωνο;Διεύθυνση;Κατηγορίες;Πρόγραμμα;Έναρξη;Λήξη;Απόφαση
KEA-1;ναι;Σαλή;Αϊσέ;Μουσταφά;17/05/1980;Θ;{AMKA_1};6971111111;Αγίας Σοφίας 3;ΚΕΑ, Ρομά;kea-basic;01/01/2026;31/12/2026;123/2026
KEA-1;;Σαλής;Ραμαδάν;;10/10/2012;Α;;;;child;;;;
KEA-2;ναι;Papadopoulos;Giorgos;;03/02/1975;M;{AMKA_2};;Κομνηνών 5;;kea-basic;01/02/2026;31/01/2027;124/2026
"""
BAD_CSV = f"""household,last_name,first_name,birth_date,amka,categories
H-1,Σαλή,Αϊσέ,17/05/1980,{AMKA_1[:-1]}9,
H-1,Σαλής,Ραμαδάν,10/10/2012,,
H-2,Ιωαννίδου,Ελένη,32/13/1990,,
H-3,Τσολάκη,Ζωή,01/01/1950,,unknown-category
H-4,Καραγιάννη,Σοφία,01/01/1960,,
"""


def run(content: bytes, name="list.csv", dry_run=False):
    groups = imports.check_rows(imports.read_table(name, content))
    counts, report = {**imports.summary_of_check(groups), **imports._new_counts()}, []
    imports.import_groups(groups, by=None, dry_run=dry_run, counts=counts, report=report)
    return counts, report


def test_good_csv_imports_households_members_categories_and_enrolments():
    ProgrammeFactory()
    counts, report = run(GOOD_CSV.encode())
    assert counts["households_created"] == 2 and counts["people_created"] == 3
    assert counts["enrolments_created"] == 2 and counts["households_rejected"] == 0
    household = Household.objects.get(import_reference="KEA-1")
    reference = household.members.get(is_reference=True)
    assert (reference.first_name, reference.amka, reference.sex) == ("Αϊσέ", AMKA_1, "F")
    assert household.categories == {"kea": "yes"} and reference.categories == {"roma": "yes"}
    assert household.members.get(first_name="Ραμαδάν").categories == {"child": "yes"}
    assert Enrolment.objects.get(household=household).decision_reference == "123/2026"
    assert household.retention_until is not None


def test_importing_the_same_file_twice_creates_nothing_new():
    ProgrammeFactory()
    run(GOOD_CSV.encode())
    before = (Household.objects.count(), Person.objects.count(), Enrolment.objects.count())
    counts, _report = run(GOOD_CSV.encode())
    assert (Household.objects.count(), Person.objects.count(), Enrolment.objects.count()) == before
    assert counts["households_found"] == 2 and counts["people_found"] == 3 and counts["households_created"] == 0


def test_same_list_as_xlsx_with_real_dates_is_recognised_too():
    ProgrammeFactory()
    run(GOOD_CSV.encode())
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD_CSV.strip().splitlines():
        sheet.append([date(int(v[6:]), int(v[3:5]), int(v[:2])) if re.fullmatch(r"\d\d/\d\d/\d{4}", v) else v
                      for v in line.split(";")])
    out = io.BytesIO()
    workbook.save(out)
    counts, _report = run(out.getvalue(), name="list.xlsx")
    assert counts["households_created"] == 0 and counts["people_created"] == 0


def test_bad_rows_are_reported_per_row_and_reject_their_whole_household():
    counts, report = run(BAD_CSV.encode())
    assert counts["households_rejected"] == 3 and counts["households_created"] == 1
    by_row = {}
    for entry in report:
        if entry["level"] == "error":
            by_row.setdefault(entry["row"], []).append(entry["message"])
    assert any("check digit" in m for m in by_row[2])
    assert by_row[3] == ["Not imported: another row of the same household has errors."]  # a good row, not saved
    assert any("Date of birth not understood" in m for m in by_row[4])
    assert any("Unknown category" in m for m in by_row[5])
    assert 6 not in by_row
    assert [e["message"] for e in report if e["row"] == 6] == ["New household.", "Reference person added."]
    assert list(Household.objects.values_list("import_reference", flat=True)) == ["H-4"]
    assert not Person.objects.filter(first_name="Ραμαδάν").exists()  # never half-imported


def test_dry_run_saves_nothing_but_reports_the_same():
    ProgrammeFactory()
    counts, _report = run(GOOD_CSV.encode(), dry_run=True)
    assert counts["households_created"] == 2
    assert Household.objects.count() == 0 and Person.objects.count() == 0


def test_duplicates_are_warned_on_import():
    Household.objects.create()
    Person.objects.create(household=Household.objects.get(), is_reference=True, first_name="Giorgos",
                          last_name="Papadopoulos", birth_date=date(1975, 2, 3))
    csv_text = "household,last_name,first_name,birth_date\nX-1,Παπαδόπουλος,Γιώργος,03/02/1975\n"
    counts, report = run(csv_text.encode())
    warnings = [e for e in report if e["level"] == "warning"]
    assert counts["warnings"] == len(warnings) == 1
    assert "already registered" in warnings[0]["message"]


def test_unreadable_files_and_missing_columns_get_a_clear_message():
    with pytest.raises(imports.ImportFileError, match="Missing columns: household reference, last name, first name"):
        imports.read_table("x.csv", b"foo,bar\n1,2\n")
    with pytest.raises(imports.ImportFileError, match=r"\.csv or \.xlsx"):
        imports.read_table("x.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4)
    with pytest.raises(imports.ImportFileError, match="Excel"):
        imports.read_table("x.xlsx", b"not a zip")


def test_management_command_has_the_same_rules(tmp_path, capsys):
    ProgrammeFactory()
    path = tmp_path / "kea.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    call_command("import_households", str(path), "--dry-run")
    assert "DRY RUN" in capsys.readouterr().out and Household.objects.count() == 0
    call_command("import_households", str(path))
    call_command("import_households", str(path))
    out = capsys.readouterr().out
    assert "households_created=0" in out.splitlines()[-1]
    assert Household.objects.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    call_command("import_households", str(bad), "--language", "el")
    out = capsys.readouterr().out
    assert "row 2: error:" in out and "row 4: error:" in out and "households_created=1" in out
    assert Household.objects.count() == 3


def _steps(client, job):
    page = ""
    while ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING:
        page = client.post(reverse("distribution:import_step", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    return page


def test_web_import_dry_run_first_then_import_in_steps(staff_client, monkeypatch):
    ProgrammeFactory()
    monkeypatch.setattr(imports, "CHUNK_SIZE", 1)  # one household per poll: exercise the steps
    upload = io.BytesIO((BAD_CSV + f"H-5,Σαλή,Αϊσέ,17/05/1980,{AMKA_1},Ρομά\n").encode())
    upload.name = "kea.csv"
    response = staff_client.post(reverse("distribution:import_upload"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportJob.Status.RUNNING and job.dry_run
    page = _steps(staff_client, job)
    assert 'data-testid="import-outcomes"' in page and Household.objects.count() == 0
    page = staff_client.get(reverse("distribution:import", args=[job.pk])).content.decode()
    assert "Νέο νοικοκυριό." in page and "01/01/1960" in page and "1960-01-01" not in page
    staff_client.post(reverse("distribution:import_again", args=[job.pk]))
    fresh = ImportJob.objects.exclude(pk=job.pk).get()
    steps = 0
    while ImportJob.objects.get(pk=fresh.pk).status == ImportJob.Status.RUNNING:
        staff_client.post(reverse("distribution:import_step", args=[fresh.pk]), HTTP_HX_REQUEST="true")
        steps += 1
    assert steps == fresh.total_groups
    fresh.refresh_from_db()
    assert fresh.groups == []  # the list's personal data do not stay in the job
    assert Household.objects.count() == fresh.counts["households_created"] == 2
    assert fresh.report == ImportJob.objects.get(pk=job.pk).report  # the dry run said exactly this


def test_upload_of_a_wrong_file_shows_the_error(staff_client):
    upload = io.BytesIO(b"nothing useful")
    upload.name = "list.csv"
    response = staff_client.post(reverse("distribution:import_upload"), {"file": upload})
    assert response.status_code == 200
    assert "Λείπουν στήλες: κωδικός νοικοκυριού, επώνυμο, όνομα." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_amka_stored_as_a_number_in_excel_keeps_its_leading_zero():
    amka = make_amka(date(1990, 3, 5), 77)
    assert amka.startswith("0")
    workbook = Workbook()
    workbook.active.append(["household", "last_name", "first_name", "birth_date", "amka"])
    workbook.active.append(["X-1", "Σαλή", "Αϊσέ", date(1990, 3, 5), int(amka)])
    out = io.BytesIO()
    workbook.save(out)
    counts, report = run(out.getvalue(), name="list.xlsx")
    assert counts["households_created"] == 1, report
    assert Person.objects.get().amka == amka


def test_category_labels_are_plural_and_imports_still_read_the_singular_words():
    from distribution.models import Category

    with translation.override("el"):
        labels = {str(c.label) for c in Category}
    assert {"Μετανάστες", "Άτομα με αναπηρία", "Παιδιά", "Δικαιούχοι ΚΕΑ", "Άνεργοι"} <= labels
    assert not {"Μετανάστης", "Άτομο με αναπηρία", "Παιδί", "Δικαιούχος ΚΕΑ", "Άνεργος"} & labels
    csv = """household,last_name,first_name,categories
S-1,Σαλή,Αϊσέ,"Δικαιούχος ΚΕΑ, Μετανάστρια, Άνεργη"
S-1,Σαλής,Ραμαδάν,"Παιδιά"
S-2,Smith,Anna,"Migrant, Persons with disabilities"
"""
    counts, report = run(csv.encode())
    assert counts["households_created"] == 2, report
    household = Household.objects.get(import_reference="S-1")
    assert household.categories == {"kea": "yes"}
    assert household.members.get(first_name="Αϊσέ").categories == {"migrant": "yes", "unemployed": "yes"}
    assert household.members.get(first_name="Ραμαδάν").categories == {"child": "yes"}
    assert Person.objects.get(first_name="Anna").categories == {"migrant": "yes", "disability": "yes"}
