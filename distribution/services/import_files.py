"""Reading a household list as rows: the file's type (CSV or a workbook, whatever its name), its
encoding (UTF-8 with or without BOM, UTF-16, Windows-1253) and delimiter, its header mapped to the
columns of `COLUMNS`. Anything that is neither text nor a workbook is refused clearly."""

import csv
import io
import unicodedata

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import search_key
from core.uploads import IMPORT_MAX_BYTES

from . import DistributionError

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


class ImportFileError(DistributionError):
    """The file cannot be read as a list (type, encoding, columns)."""

    code = "import_file"
    status = 422



# --- Reading files ----------------------------------------------------------------------------


# The columns a list must have, named as the user reads them in the message about missing ones.
REQUIRED_COLUMNS = {"household": gettext_lazy("household reference"), "last_name": gettext_lazy("last name"),
                    "first_name": gettext_lazy("first name")}
_DELIMITERS = ";,\t|"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and .doc) container


def read_table(filename: str, content: bytes) -> list[dict]:
    """Rows of a CSV or XLSX file as {canonical column: text or date, "row": line number}.

    The kind of file is read from its content, not its name: an Excel workbook saved as "list.csv" is
    read as a workbook; anything that is neither a workbook nor text is refused with a clear message.
    """
    if len(content) > IMPORT_MAX_BYTES:
        raise ImportFileError(_("The file is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(len(content)), "limit": filesizeformat(IMPORT_MAX_BYTES)})
    if content.startswith(_ZIP):
        raw_rows = _read_xlsx(content)
    elif content.startswith(_OLE):
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as .xlsx or as CSV and upload it again."))
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("The file could not be read as an Excel workbook (.xlsx)."))
    else:
        raw_rows = _read_csv(content)
    if not raw_rows:
        raise ImportFileError(_("The file is empty."))
    header, *body = raw_rows
    columns = _columns_of(header)
    missing = [label for name, label in REQUIRED_COLUMNS.items() if name not in columns]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s. See the list of columns on this page.")
                              % {"columns": ", ".join(str(m) for m in missing)})
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


def _columns_of(header) -> list:
    return [_HEADER_KEYS.get(search_key(str(h or ""))) for h in header]


def decode_text(content: bytes) -> str:
    """The text of a CSV file: UTF-8 or UTF-16 (with or without a byte-order mark) or Greek Windows
    (cp1253, what Excel saves as "CSV" in Greece). Raises ImportFileError for anything that is not text."""
    if content.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        # UTF-16 without a mark: the ASCII characters (separators, digits, line ends) leave their NUL
        # halves all on one side, odd bytes for little-endian and even ones for big-endian.
        sample = content[:4000]
        even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
        if odd_nuls >= 2 and even_nuls * 4 < odd_nuls:
            encodings = ["utf-16-le"]
        elif even_nuls >= 2 and odd_nuls * 4 < even_nuls:
            encodings = ["utf-16-be"]
        else:
            encodings = ["utf-8", "cp1253"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text.lstrip("\ufeff")
    raise ImportFileError(_("This file is not a list that can be read: upload a .csv or .xlsx file."))


def _looks_binary(text: str) -> bool:
    """NUL, or more than the odd stray control character: a picture, a PDF or a program, not a list."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    return "\x00" in text or controls > max(2, len(sample) // 200)


def _read_csv(content: bytes) -> list[list]:
    text = decode_text(content)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter_of(text)))


def _delimiter_of(text: str) -> str:
    """The delimiter is the one that splits the header line into the most known columns (then the most
    cells): the data rows, where one irregular line can mislead a statistical guess, are not consulted."""
    first_line = next(iter(text.splitlines()), "")

    def score(delimiter):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return (sum(1 for c in _columns_of(cells) if c), len(cells))

    return max(_DELIMITERS, key=score)


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The file could not be read as an Excel workbook (.xlsx).")) from exc
    return rows
