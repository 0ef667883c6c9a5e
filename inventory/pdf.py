"""PDF documents: sheets of Code128 labels, and the donor's receipt (in Greek)."""

import io

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.codes import code128_bars, draw_code128, register_pdf_fonts
from core.models import Centre

from .services.stock import format_quantity
from .units import with_unit

# A4 sheet of 3 × 8 labels of 70 × 37 mm (the common "24 per sheet" self-adhesive format).
LABEL_COLUMNS, LABEL_ROWS = 3, 8
LABEL_WIDTH, LABEL_HEIGHT = 70 * mm, 37.125 * mm
QUIET_MODULES = 10  # Code128 needs at least 10 module widths of white on each side


def _fit(canvas, text, font, size, width):
    """Shorten text with an ellipsis so that it fits the width."""
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def label_sheet(labels) -> bytes:
    """labels: a list of (item or title text, code) — one label each, filling sheets left to right, top to bottom."""
    regular, bold = register_pdf_fonts()
    out = io.BytesIO()
    canvas = pdf_canvas.Canvas(out, pagesize=A4)
    canvas.setTitle(_("Labels"))
    page_width, page_height = A4
    margin_x = (page_width - LABEL_COLUMNS * LABEL_WIDTH) / 2
    margin_y = (page_height - LABEL_ROWS * LABEL_HEIGHT) / 2
    per_page = LABEL_COLUMNS * LABEL_ROWS
    for index, (item, code) in enumerate(labels):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        col, row = slot % LABEL_COLUMNS, slot // LABEL_COLUMNS
        x = margin_x + col * LABEL_WIDTH
        y = page_height - margin_y - (row + 1) * LABEL_HEIGHT
        inner = LABEL_WIDTH - 8 * mm
        canvas.setFont(bold, 9)
        title = item if isinstance(item, str) else item.name_el
        canvas.drawString(x + 4 * mm, y + LABEL_HEIGHT - 7 * mm, _fit(canvas, title, bold, 9, inner))
        modules = len(code128_bars(code)) + 2 * QUIET_MODULES
        module = min(inner / modules, 0.5 * mm)
        bars_width = module * (modules - 2 * QUIET_MODULES)
        bars_x = x + (LABEL_WIDTH - bars_width) / 2
        draw_code128(canvas, code, bars_x, y + 9 * mm, bars_width, 17 * mm)
        canvas.setFont(regular, 9)
        canvas.drawCentredString(x + LABEL_WIDTH / 2, y + 4.5 * mm, code)
    canvas.save()
    return out.getvalue()


def _received_quantity(line) -> str:
    """"24 τεμάχια", or for a line received in packs "2 × κιβώτιο × 12 = 24 τεμάχια"."""
    units = with_unit(line.quantity, line.item.unit)
    if not line.pack_units:
        return units
    return _("%(packs)s × %(pack)s × %(per_pack)s = %(units)s") % {
        "packs": format_quantity(line.packs), "pack": line.pack_name, "per_pack": line.pack_units, "units": units}


def donation_receipt(donation, *, with_value: bool = False) -> bytes:
    """The donor's receipt: always in Greek, with the centre's details and every line received.
    `with_value` adds each line's estimated € value (the item's value per unit) and the total, as a
    business donor needs for its books."""
    regular, bold = register_pdf_fonts()
    centre = Centre.current()
    with translation.override("el"):
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                bottomMargin=16 * mm, title=_("Donation receipt"), author=centre.name)
        normal = ParagraphStyle("n", fontName=regular, fontSize=10, leading=13)
        small = ParagraphStyle("s", parent=normal, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
        heading = ParagraphStyle("h", parent=normal, fontName=bold, fontSize=15, leading=19, spaceAfter=6)
        strong = ParagraphStyle("b", parent=normal, fontName=bold)
        contacts = " · ".join(p for p in [centre.address, centre.phones and f"{_('Tel.')} {centre.phones}",
                                          centre.email] if p)
        story = [Paragraph(centre.name, strong), Paragraph(contacts, small), Spacer(1, 8 * mm),
                 Paragraph(_("Donation receipt"), heading)]
        donor = donation.donor
        facts = [
            (_("Number"), donation.number),
            (_("Date"), formats.date_format(donation.date, "SHORT_DATE_FORMAT")),
            (_("Donor"), donor.name),
            (_("Kind of donor"), donor.get_kind_display()),
        ]
        if donor.tax_number:
            facts.append((_("Tax number (ΑΦΜ)"), donor.tax_number))
        if donor.address:
            facts.append((_("Address"), donor.address))
        facts.append((_("Received at"), donation.location.name))
        fact_table = Table([[Paragraph(k, strong), Paragraph(v, normal)] for k, v in facts],
                           colWidths=[45 * mm, 125 * mm])
        fact_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        story += [fact_table, Spacer(1, 6 * mm),
                  Paragraph(_("We thank you for your donation. We received the following goods:"), normal),
                  Spacer(1, 3 * mm)]
        # Headers in whole words: the columns are wide enough for "Ποσότητα" and "Λήξη" in bold.
        headers = [_("Item"), _("Quantity"), _("Lot"), _("Expiry date")] + ([_("Value (€)")] if with_value else [])
        rows = [[Paragraph(h, strong) for h in headers]]
        total_kg = total_eur = 0
        for line in donation.lines.select_related("item"):
            total_kg += line.quantity * line.item.weight_kg
            value = line.quantity * line.item.unit_value_eur
            total_eur += value
            rows.append([
                Paragraph(line.item.name_el, normal), Paragraph(_received_quantity(line), normal),
                Paragraph(line.lot or "—", normal),
                formats.date_format(line.expiry_date, "SHORT_DATE_FORMAT") if line.expiry_date else "—",
            ] + ([formats.number_format(value, 2, use_l10n=True, force_grouping=True)] if with_value else []))
        # The quantity column fits "2 × κιβώτιο × 12 = 24 τεμάχια" (a line received in packs) on a line or two.
        widths = [52 * mm, 46 * mm, 24 * mm, 26 * mm, 26 * mm] if with_value else [64 * mm, 52 * mm, 28 * mm, 30 * mm]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), regular), ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ] + ([("ALIGN", (4, 1), (4, -1), "RIGHT")] if with_value else [])))
        story += [table, Spacer(1, 4 * mm),
                  Paragraph(_("Total weight: about %(kg)s kg.") % {"kg": format_quantity(round(total_kg, 1))},
                            normal)]
        if with_value:
            story.append(Paragraph(_("Estimated total value: %(eur)s €.") % {
                "eur": formats.number_format(total_eur, 2, use_l10n=True, force_grouping=True)}, normal))
        story += [
                  Spacer(1, 16 * mm),
                  Paragraph(_("For the centre"), normal), Spacer(1, 14 * mm),
                  Paragraph("……………………………………", normal),
                  Paragraph(donation.received_by.get_full_name() if donation.received_by else "", small)]
        if centre.funding_notice:
            story += [Spacer(1, 12 * mm), Paragraph(centre.funding_notice, small)]
        doc.build(story)
        return out.getvalue()
