"""Import files as they come: encodings, Excel under another name, binary files, irregular rows; the
check before the preview validates exactly as the run; counts are what was committed; Greek sex codes."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from distribution.identifiers import make_amka
from distribution.models import Household, ImportJob, Person
from distribution.services import imports
from tests.distribution.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

AMKA = make_amka(date(1980, 5, 17), 11)
TEXT = ("Κωδικός νοικοκυριού;Επώνυμο;Όνομα;Ημερομηνία γέννησης;Φύλο;ΑΜΚΑ\n"
        f"Κ-1;Σαλή;Αϊσέ;17/05/1980;Γ;{AMKA}\n"
        "Κ-1;Σαλής;Ραμαδάν;10/10/2012;Α;\n")


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def names(rows):
    return [(r["household"], r["last_name"], r["first_name"], r["birth_date"]) for r in rows]


EXPECTED = [("Κ-1", "Σαλή", "Αϊσέ", "17/05/1980"), ("Κ-1", "Σαλής", "Ραμαδάν", "10/10/2012")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1253"])
def test_text_files_in_every_usual_encoding_read_the_same(encoding):
    assert names(imports.read_table("list.csv", TEXT.encode(encoding))) == EXPECTED


def test_crlf_and_comma_files_read_the_same():
    assert names(imports.read_table("list.txt", TEXT.replace(";", ",").replace("\n", "\r\n").encode())) == EXPECTED


def _workbook_bytes():
    workbook = Workbook()
    for line in TEXT.strip().splitlines():
        workbook.active.append(line.split(";"))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_excel_file_under_a_csv_name_is_read_as_excel():
    assert names(imports.read_table("list.csv", _workbook_bytes())) == EXPECTED


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "not a list that can be read"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01<< /Type /Catalog >>" + bytes(range(32)) * 50,
     "not a list that can be read"),
    (bytes(range(256)) * 40, "not a list that can be read"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, r"old Excel file \(\.xls\)"),
    (b"PK\x03\x04 a zip that is not a workbook", "Excel workbook"),
    (b"", "empty"),
])
def test_binary_and_broken_files_are_refused_clearly(content, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.read_table("list.csv", content)


def test_binary_upload_on_the_page_is_a_form_error_not_a_500(staff_client):
    upload = io.BytesIO(bytes(range(256)) * 40)
    upload.name = "photo.csv"
    response = staff_client.post(reverse("distribution:import_upload"), {"file": upload})
    assert response.status_code == 200 and "δεν είναι λίστα" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_file_over_the_limit_is_refused_on_the_form(staff_client, monkeypatch):
    monkeypatch.setattr("distribution.forms.IMPORT_MAX_BYTES", 100)
    upload = io.BytesIO(TEXT.encode() * 3)
    upload.name = "list.csv"
    response = staff_client.post(reverse("distribution:import_upload"), {"file": upload})
    assert response.status_code == 200 and "Το αρχείο είναι πολύ μεγάλο" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_one_irregular_row_does_not_defeat_the_delimiter():
    text = ("household;last_name;first_name;address\n"
            "A-1;Σαλή;Αϊσέ;Αγίας Σοφίας 3, 2ος, διαμ. 4, Δράμα, 66100, τηλ, 1, 2, 3\n"
            "A-2;Μουσταφά;Ορχάν\n"
            "A-3;Ιωαννίδου;Ελένη;Κομνηνών 5\n")
    rows = imports.read_table("list.csv", text.encode())
    assert [r["household"] for r in rows] == ["A-1", "A-2", "A-3"]
    assert rows[0]["address"].startswith("Αγίας Σοφίας 3, 2ος")


@pytest.mark.parametrize("code, sex", [("Γ", "F"), ("Θ", "F"), ("γυναίκα", "F"), ("F", "F"), ("Α", "M"),
                                       ("A", "M"), ("Μ", "M"), ("άνδρας", "M"), ("Χ", "X"), ("X", "X"),
                                       ("", "")])
def test_greek_and_latin_sex_codes(code, sex):
    content = f"household,last_name,first_name,sex\nA,Σαλή,Αϊσέ,{code}\n".encode()
    groups = imports.check_rows(imports.read_table("l.csv", content))
    assert groups[0][0]["errors"] == [] and groups[0][0]["person"]["sex"] == sex


def test_an_unknown_sex_code_names_the_greek_codes():
    content = "household,last_name,first_name,sex\nA,Σαλή,Αϊσέ,Q\n".encode()
    with translation.override("el"):
        groups = imports.check_rows(imports.read_table("l.csv", content))
    assert groups[0][0]["errors"] == ["Το φύλο δεν αναγνωρίστηκε: Q (γράψτε Θ ή Γ, Α ή Χ)."]


def run(groups, dry_run):
    counts, report = {**imports.summary_of_check(groups), **imports._new_counts()}, []
    imports.import_groups(groups, by=None, dry_run=dry_run, counts=counts, report=report)
    return counts, report


def test_the_check_refuses_what_the_run_would_refuse():
    long_name = "Α" * 10_000
    text = ("household,last_name,first_name,birth_date,address\n"
            f"L-1,{long_name},Αϊσέ,17/05/1980,\n"
            "L-2,Σαλής,Ραμαδάν,0001-01-01,\n"
            f"L-3,Ιωαννίδου,Ελένη,03/02/1975,{'δ' * 500}\n"
            "L-4,Τσολάκη,Ζωή,01/01/1950,\n")
    groups = imports.check_rows(imports.read_table("l.csv", text.encode()))
    errors = {g[0]["household"]: g[0]["errors"] for g in groups}
    assert errors["L-1"] == ["last name: Ensure this value has at most 80 characters (it has 10000)."]
    assert "date of birth: A birth date before 1900 is not plausible." in errors["L-2"]
    assert errors["L-3"] == ["address: Ensure this value has at most 200 characters (it has 500)."]
    assert errors["L-4"] == []
    assert imports.summary_of_check(groups)["households_rejected"] == 3
    counts, report = run(groups, dry_run=False)
    assert counts["households_rejected"] == 3 and counts["households_created"] == 1
    refused = {}
    for entry in report:
        if entry["level"] == "error":
            refused.setdefault(entry["row"], []).append(entry["message"])
    assert refused == {2: errors["L-1"], 3: errors["L-2"], 4: errors["L-3"]}
    # the run validates again with the same function: rows changed behind the check's back are refused too
    groups[3][0]["person"]["last_name"] = long_name
    groups[3][0]["household"] = "L-5"
    counts, report = run([groups[3]], dry_run=False)
    assert counts["households_rejected"] == 1 and report[0]["message"] == errors["L-1"][0]


def test_a_household_rolled_back_is_not_counted_as_created(monkeypatch):
    text = "household,last_name,first_name\nR-1,Σαλή,Αϊσέ\nR-1,Σαλής,Ραμαδάν\nR-2,Τσολάκη,Ζωή\n"
    groups = imports.check_rows(imports.read_table("l.csv", text.encode()))
    real_full_clean = Person.full_clean

    def refuse_ramadan(person, *args, **kwargs):  # a rule that only the database state decides
        if person.first_name == "Ραμαδάν":
            raise ValidationError("refused at the last moment")
        return real_full_clean(person, *args, **kwargs)

    monkeypatch.setattr(Person, "full_clean", refuse_ramadan)
    counts, report = run(groups, dry_run=False)
    assert counts["households_created"] == 1 == Household.objects.count()
    assert counts["people_created"] == 1 == Person.objects.count()
    assert counts["households_rejected"] == 1
    assert [e["message"] for e in report if e["row"] == 2] == ["refused at the last moment"]


def test_the_dry_run_in_steps_reports_exactly_what_the_real_run_does(monkeypatch):
    """Held together on a list with everything at once: found and new households, known and new
    people, duplicates in the database and within the list, enrolments, bad rows."""
    ProgrammeFactory()
    monkeypatch.setattr(imports, "CHUNK_SIZE", 1)
    existing = Household.objects.create(import_reference="E-1")
    Person.objects.create(household=existing, is_reference=True, first_name="Γιώργος", last_name="Παπαδόπουλος",
                          birth_date=date(1975, 2, 3))
    other = Household.objects.create()
    Person.objects.create(household=other, is_reference=True, first_name="Ελένη", last_name="Ιωαννίδου",
                          birth_date=date(1990, 1, 1))
    text = ("household;reference;last_name;first_name;birth_date;amka;programme;start;end\n"
            "E-1;ναι;Παπαδόπουλος;Γιώργος;03/02/1975;;kea-basic;01/01/2026;31/12/2026\n"
            "E-1;;Παπαδοπούλου;Μαρία;04/04/2004;;;;\n"
            "N-1;;Ioannidou;Eleni;01/01/1990;;;;\n"
            "N-2;;Σαλή;Αϊσέ;17/05/1980;;kea-basic;01/01/2026;31/12/2026\n"
            "N-3;;Σαλη;Αισε;17/05/1980;;;;\n"
            f"N-4;;Τσολάκη;Ζωή;01/01/1950;{AMKA};;;\n"
            f"N-4;;Τσολάκης;Νίκος;01/01/1950;{AMKA};;;\n"
            "N-5;;Καραγιάννη;Σοφία;01/01/1960;;nope;01/01/2026;31/12/2026\n")

    def job_run(dry_run):
        job = imports.create_import_job("list.csv", text.encode(), by=None)
        imports.start_import(job, dry_run=dry_run, by=None)
        while ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING:
            imports.process_next_chunk(job, by=None)
        return ImportJob.objects.get(pk=job.pk)

    dry = job_run(dry_run=True)
    assert Household.objects.count() == 2
    real = job_run(dry_run=False)
    assert real.report == dry.report and real.counts == dry.counts
    assert real.counts["households_created"] == 3 == Household.objects.count() - 2
    assert real.counts["households_found"] == 1 and real.counts["households_rejected"] == 2
    messages = {}
    for entry in real.report:
        messages.setdefault(entry["row"], []).append((entry["level"], entry["message"]))
    assert ("warning", "The same name and date of birth are in another household of this list (rows 6).") in messages[5]
    assert any(level == "warning" and "already registered" in m for level, m in messages[4])
    assert ("info", "Person already registered in this household: nothing to add.") in messages[2]
