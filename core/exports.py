"""The one way out for every spreadsheet: CSV and XLSX files built from rows of values.

Every list page (django-tables2, through `core.views_base.FilteredTableView`), the movement report,
the no-show lists and the report workbooks (`reports.documents.to_xlsx`) write their cells through
`safe_cell`, and every CSV/XLSX answer is built by `export_response`, which writes the audit entry
only once the file exists.

What `safe_cell` does to a cell (OWASP, "CSV Injection"):
- numbers, dates and booleans stay what they are (numbers stay numbers in the workbook);
- control characters are removed (NUL, BEL, ESC…: they have no place in a name, and openpyxl
  refuses them, which used to break the whole file); tab, newline and carriage return are kept
  inside a text;
- a text that begins with `=`, `+`, `-`, `@`, tab or carriage return is written as text with a
  leading apostrophe, so that no spreadsheet runs it as a formula (`=HYPERLINK(…)` typed as a phone
  number stays visible text). A text that is a plain number ("-5", "+30") is left alone: it cannot
  run anything.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 controls except tab, newline, carriage return; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def safe_text(text: str) -> str:
    """A text as it may go into a spreadsheet cell: no control characters, no formula."""
    text = CONTROL_CHARACTERS.sub("", text)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_cell(value):
    """A value as it may go into a spreadsheet cell (see the module's text)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | time):
        if isinstance(value, datetime) and timezone.is_aware(value):
            # Spreadsheets have no time zones: local time, as on the pages.
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, Promise):
        value = str(value)
    return safe_text(value if isinstance(value, str) else str(value))


def dataset(headers, rows, *, title: str = ""):
    """A tablib Dataset of safe cells."""
    import tablib

    sheet_title = CONTROL_CHARACTERS.sub("", str(title))[:31] or None
    data = tablib.Dataset(headers=[safe_cell(h) for h in headers], title=sheet_title)
    for row in rows:
        data.append([safe_cell(value) for value in row])
    return data


def file_response(content, *, export_format: str, filename: str, audit_action=None, audit_obj=None,
                  audit_repr: str | None = None, audit_changes: dict | None = None) -> HttpResponse:
    """An attachment answer for a file already built, audited now that it exists."""
    from .audit import audit
    from .models import AuditLog

    response = HttpResponse(content, content_type=FORMATS[export_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit(audit_action or AuditLog.Action.EXPORT, audit_obj, object_repr=audit_repr or filename,
          changes=audit_changes)
    return response


def export_response(headers, rows, *, export_format: str, filename: str, title: str = "", audit_obj=None,
                    audit_repr: str | None = None, audit_changes: dict | None = None) -> HttpResponse:
    """A CSV or XLSX download of rows (each a list of values, in the order of `headers`)."""
    if export_format not in FORMATS:
        raise ValueError(f"not an export format: {export_format}")
    content = dataset(headers, rows, title=title).export(export_format)
    if export_format == "csv":
        # The byte-order mark makes Excel read the file as UTF-8 (Greek letters).
        content = "\ufeff" + content
    return file_response(content, export_format=export_format, filename=filename, audit_obj=audit_obj,
                         audit_repr=audit_repr, audit_changes=audit_changes)


def exports(*formats: str, param: str = "format"):
    """Mark a view that answers `?<param>=<format>` with a file.

    The export test finds every such view from the URL configuration (list pages are found by their
    `export_formats`), so a new export is checked for formula injection as soon as it exists.
    """

    def mark(view):
        view.export_formats = formats
        view.export_trigger_param = param
        return view

    return mark
