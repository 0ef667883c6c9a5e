"""A report as plain tables, and its XLSX (openpyxl) and PDF (ReportLab, Greek fonts) renderings.

Every report page builds a `Document` (title, subtitle, tables, footnotes); the same object is
rendered as HTML by the template, as a workbook and as a PDF, so the three always hold the same
numbers. Numbers stay numbers in the workbook (with a number format), and are written with a
decimal comma in the PDF and on the page (Greek first).
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.exports import CONTROL_CHARACTERS, safe_cell
from core.models import Centre


@dataclass
class Column:
    label: str
    kind: str = "text"  # text, int, eur, dec (3 decimals), tonnes (6 decimals), pct
    width: float = 1.0


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]
    # Optional per-row link (drill-down) and indent level, same length as rows.
    links: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    note: str = ""

    def cells(self):
        """Rows as (value, formatted text, kind, link of the row) for templates."""
        for index, row in enumerate(self.rows):
            link = self.links[index] if index < len(self.links) else None
            level = self.levels[index] if index < len(self.levels) else 0
            yield level, link, [(value, format_value(value, column.kind), column.kind)
                                for value, column in zip(row, self.columns, strict=True)]


@dataclass
class Document:
    title: str
    subtitle: str
    tables: list[Table]
    footnotes: list = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.now)
    filename: str = "report"
    # Who issues it, at the top of the XLSX and PDF, and the PDF's footer: the current centre's name,
    # address and contacts and its funding notice unless given (the region's reports name the area).
    issuer: list[str] | None = None
    notice: str | None = None


DECIMALS = {"int": 0, "eur": 2, "dec": 3, "tonnes": 6, "pct": 1}
XLSX_FORMATS = {"int": "#,##0", "eur": "#,##0.00", "dec": "#,##0.000", "tonnes": "0.000000", "pct": "0.0"}


def format_value(value, kind: str) -> str:
    if value is None or value == "":
        return "—" if kind != "text" else ""
    if kind in DECIMALS:
        return number_format(value, decimal_pos=DECIMALS[kind], force_grouping=True, use_l10n=True)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _centre_lines(document: Document) -> list[str]:
    if document.issuer is not None:
        return [line for line in document.issuer if line]
    centre = Centre.current()
    lines = [centre.name, centre.address, " · ".join(x for x in [centre.phones, centre.email] if x)]
    return [line for line in lines if line]


def _append(sheet, values):
    """One row of the workbook, every cell through core.exports.safe_cell (no formulas, no control characters)."""
    sheet.append([safe_cell(value) for value in values])


def to_xlsx(document: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = CONTROL_CHARACTERS.sub("", str(document.title))[:31].replace("/", "-").replace(":", "")
    bold = Font(bold=True)
    _append(sheet, [str(document.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    _append(sheet, [document.subtitle])
    for line in _centre_lines(document):
        _append(sheet, [line])
    _append(sheet, [_("Generated on %(when)s") % {"when": format_value(document.generated_at, "text")}])
    widths: dict[int, int] = {}
    for table in document.tables:
        _append(sheet, [])
        _append(sheet, [str(table.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        _append(sheet, [str(column.label) for column in table.columns])
        for position in range(1, len(table.columns) + 1):
            cell = sheet.cell(row=sheet.max_row, column=position)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, row in enumerate(table.rows):
            level = table.levels[index] if index < len(table.levels) else 0
            values = []
            for value, column in zip(row, table.columns, strict=True):
                if isinstance(value, Decimal):
                    value = float(value) if column.kind in ("tonnes", "dec") else value
                elif isinstance(value, Promise):
                    value = str(value)
                elif isinstance(value, datetime):
                    value = timezone.localtime(value).replace(tzinfo=None)
                values.append(value)
            _append(sheet, values)
            for position, column in enumerate(table.columns):
                cell = sheet.cell(row=sheet.max_row, column=position + 1)
                if column.kind in XLSX_FORMATS:
                    cell.number_format = XLSX_FORMATS[column.kind]
                elif isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
                if position == 1 and level:
                    cell.alignment = Alignment(indent=level * 2)
        for position, column in enumerate(table.columns, start=1):
            widths[position] = max(widths.get(position, 10), min(70, int(14 * column.width)))
        if table.note:
            _append(sheet, [str(table.note)])
    if document.footnotes:
        _append(sheet, [])
        _append(sheet, [_("Notes")])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for number, note in enumerate(document.footnotes, start=1):
            _append(sheet, [f"{number}. {note}"])
    for position, width in widths.items():
        sheet.column_dimensions[get_column_letter(position)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(document: Document) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from core.codes import register_pdf_fonts

    regular, bold = register_pdf_fonts()
    wide = any(len(t.columns) > 5 for t in document.tables)
    pagesize = landscape(A4) if wide else A4
    body = ParagraphStyle("body", fontName=regular, fontSize=8.5, leading=10.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    number = ParagraphStyle("number", parent=body, alignment=TA_RIGHT)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=11, leading=14, spaceBefore=8,
                             spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=15, leading=19)
    header_cell = ParagraphStyle("header", parent=body, fontName=bold)

    def esc(text) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    story = [Paragraph(esc(document.title), title), Paragraph(esc(document.subtitle), body)]
    for line in _centre_lines(document):
        story.append(Paragraph(esc(line), small))
    story.append(Paragraph(esc(_("Generated on %(when)s") % {"when": format_value(document.generated_at, "text")}),
                           small))
    usable = pagesize[0] - 30 * mm
    for table in document.tables:
        story.append(Paragraph(esc(table.title), heading))
        total_weight = sum(c.width for c in table.columns)
        widths = [usable * c.width / total_weight for c in table.columns]
        data = [[Paragraph(esc(c.label), header_cell) for c in table.columns]]
        for level, _link, cells in table.cells():
            row = []
            for position, (_value, text, kind) in enumerate(cells):
                if kind == "text":
                    indent = "&nbsp;" * 4 * level if position == 1 else ""
                    row.append(Paragraph(indent + esc(text), body))
                else:
                    row.append(Paragraph(esc(text), number))
            data.append(row)
        if len(data) == 1:
            data.append([Paragraph(esc(_("No data for this period.")), body)] + [""] * (len(widths) - 1))
        pdf_table = PdfTable(data, colWidths=widths, repeatRows=1)
        pdf_table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(pdf_table)
        if table.note:
            story.append(Paragraph(esc(table.note), small))
    if document.footnotes:
        story.append(Spacer(1, 6))
        story.append(Paragraph(esc(_("Notes")), heading))
        for position, note in enumerate(document.footnotes, start=1):
            story.append(Paragraph(esc(f"{position}. {note}"), small))
    notice = document.notice if document.notice is not None else Centre.current().funding_notice
    author = document.issuer[0] if document.issuer else Centre.current().name

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7)
        if notice:
            canvas.drawString(15 * mm, 8 * mm, notice[:180])
        canvas.drawRightString(pagesize[0] - 15 * mm, 8 * mm, f"{doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=document.title, author=author)
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
