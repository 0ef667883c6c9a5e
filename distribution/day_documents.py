"""The signature list (κατάσταση παραλαβής) of a distribution day, as a PDF in Greek for the funder's file."""

import io
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.codes import register_pdf_fonts
from core.models import Centre
from inventory.services.stock import format_quantity


def _upper(text: str) -> str:
    """Greek capitals are written without accents: "Κατάσταση" -> "ΚΑΤΑΣΤΑΣΗ"."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped.upper())


def _basket_text(collection) -> str:
    parts = []
    for line in collection.basket:
        quantity = line.get("quantity", "")
        try:
            quantity = format_quantity(Decimal(quantity))  # "2,5", "1.000" in Greek
        except (InvalidOperation, TypeError, ValueError):
            pass
        parts.append(f"{line.get('name', '')} × {quantity}")
    return ", ".join(parts)


def _name(collection) -> str:
    people = getattr(collection.household, "reference_people", None)
    reference = people[0] if people else None
    name = reference.full_name if reference else ""
    if collection.collector_id:
        # A label, not "by <name>": a Greek name after a preposition would need its case.
        name = f"{name} ({_('Authorised person')}: {collection.collector.name})"
    return name


def signature_list_pdf(day, collections, *, language="el") -> bytes:
    """One row per collection: A/A, card number, name, basket, time, station, signature."""
    regular, bold = register_pdf_fonts()
    centre = Centre.current()
    out = io.BytesIO()
    with translation.override(language):
        title = _("Signature list of a distribution")
        doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                topMargin=12 * mm, bottomMargin=14 * mm, title=title, author=centre.name)
        small = ParagraphStyle("small", fontName=regular, fontSize=8, leading=10)
        normal = ParagraphStyle("normal", fontName=regular, fontSize=9.5, leading=12)
        heading = ParagraphStyle("heading", fontName=bold, fontSize=14, leading=18)
        story = [
            Paragraph(centre.name, ParagraphStyle("centre", fontName=bold, fontSize=10, leading=13)),
            Paragraph(" · ".join(x for x in [centre.address, centre.phones, centre.email] if x), small),
            Spacer(1, 4 * mm),
            Paragraph(_upper(title), heading),
            Paragraph(_("Date: %(date)s · Location: %(location)s · Programme: %(programme)s · Hours: %(hours)s") % {
                "date": formats.date_format(day.date, "d/m/Y"), "location": day.location.name,
                "programme": day.programme.name, "hours": f"{day.starts_at:%H:%M}–{day.ends_at:%H:%M}"}, normal),
            Spacer(1, 4 * mm),
        ]
        header = [_("No."), _("Card number"), _("Name"), _("Basket"), _("Time"), _("Station"), _("Signature")]
        rows = [[Paragraph(f"<b>{text}</b>", small) for text in header]]
        for index, collection in enumerate(collections, start=1):
            rows.append([
                str(index),
                collection.card.display_number if collection.card_id else "",
                Paragraph(_name(collection), small),
                Paragraph(_basket_text(collection), small),
                formats.time_format(timezone.localtime(collection.at), "H:i"),
                Paragraph(collection.station, small),
                "",
            ])
        if not collections:
            rows.append(["", "", Paragraph(_("No collections recorded."), small), "", "", "", ""])
        widths = [12 * mm, 24 * mm, 55 * mm, 88 * mm, 16 * mm, 28 * mm, 50 * mm]
        # Rows tall enough to sign in.
        table = Table(rows, colWidths=widths, repeatRows=1, minRowHeights=[0] + [11 * mm] * (len(rows) - 1))
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), regular, 8.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        story.append(table)
        story.append(Spacer(1, 6 * mm))
        story.append(Paragraph(_("Households: %(n)s · People: %(people)s") % {
            "n": len(collections), "people": sum(c.household_size for c in collections)}, normal))
        story.append(Spacer(1, 10 * mm))
        story.append(Paragraph(_("The person in charge of the distribution (name, signature, stamp)"), normal))
        footer_text = centre.funding_notice
        page_label = _("Page")

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(regular, 7)
        if footer_text:
            canvas.drawString(12 * mm, 7 * mm, footer_text[:190])
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 7 * mm, f"{page_label} {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
