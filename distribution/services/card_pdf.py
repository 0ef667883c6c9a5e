"""Card PDF: ID-1 cards (85.6 × 54 mm) on A4, 2 × 5 per page, with cut marks.

Drawn with ReportLab as vectors (QR and Code128 from core.codes), so they print sharply on any
office printer and scan back from paper. Only the first name of the reference person, the card
number, the validity and the centre's details are printed: nothing else personal.
"""

import io
from contextlib import contextmanager

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.codes import draw_code128, draw_qr, register_pdf_fonts
from core.models import Centre

from ..identifiers import barcode_payload, format_card_number, qr_payload

CARD_W, CARD_H = 85.6 * mm, 54 * mm
COLUMNS, ROWS = 2, 5
PAGE_W, PAGE_H = A4
GAP = 4 * mm  # space between cards, so a slightly off cut never eats into the next card
MARGIN_X = (PAGE_W - COLUMNS * CARD_W - (COLUMNS - 1) * GAP) / 2
MARGIN_Y = (PAGE_H - ROWS * CARD_H - (ROWS - 1) * GAP) / 2
MARK = 5 * mm  # cut mark length, drawn in the page margin


def _card_origin(index):
    col, row = index % COLUMNS, (index // COLUMNS) % ROWS
    x = MARGIN_X + col * (CARD_W + GAP)
    y = PAGE_H - MARGIN_Y - (row + 1) * CARD_H - row * GAP
    return x, y


def _cut_marks(canvas):
    """Marks in the page margins, in line with every card edge (none inside the sheet)."""
    canvas.setLineWidth(0.25)
    left, right = MARGIN_X, PAGE_W - MARGIN_X
    bottom, top = MARGIN_Y, PAGE_H - MARGIN_Y
    offset = 1.5 * mm
    for col in range(COLUMNS):
        for edge in (MARGIN_X + col * (CARD_W + GAP), MARGIN_X + col * (CARD_W + GAP) + CARD_W):
            canvas.line(edge, top + offset, edge, top + offset + MARK)
            canvas.line(edge, bottom - offset, edge, bottom - offset - MARK)
    for row in range(ROWS):
        for edge in (top - row * (CARD_H + GAP), top - row * (CARD_H + GAP) - CARD_H):
            canvas.line(left - offset, edge, left - offset - MARK, edge)
            canvas.line(right + offset, edge, right + offset + MARK, edge)


def _fit(canvas, text, font, size, width):
    """Shrink the font until the text fits the width (long names, long centre names)."""
    while size > 5 and canvas.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _draw_card(canvas, x, y, card, token, centre, labels, fonts):
    regular, bold = fonts
    household = card.household
    reference = household.reference_person
    first_name = reference.first_name if reference else ""
    # Header: the centre's name.
    canvas.setFont(bold, _fit(canvas, centre.name, bold, 7, CARD_W - 8 * mm))
    canvas.drawString(x + 4 * mm, y + CARD_H - 6 * mm, centre.name)
    # QR code on the left (its quiet zone is the white space around it).
    qr_size = 25 * mm
    draw_qr(canvas, qr_payload(token), x + 4 * mm, y + 16 * mm, qr_size, fixed_mask=True)
    # Text on the right.
    tx = x + 33 * mm
    width = CARD_W - 33 * mm - 3 * mm
    canvas.setFont(regular, 6.5)
    canvas.drawString(tx, y + CARD_H - 12 * mm, labels["title"])
    size = _fit(canvas, first_name, bold, 14, width)
    canvas.setFont(bold, size)
    canvas.drawString(tx, y + CARD_H - 18.5 * mm, first_name)
    canvas.setFont(regular, 6.5)
    canvas.drawString(tx, y + CARD_H - 23.5 * mm, labels["number"])
    canvas.setFont(bold, 11)
    canvas.drawString(tx, y + CARD_H - 28 * mm, format_card_number(card.number))
    canvas.setFont(regular, 6.5)
    valid = card.valid_until.strftime("%d/%m/%Y") if card.valid_until else ""
    canvas.drawString(tx, y + CARD_H - 32.5 * mm, f"{labels['valid']} {valid}")
    canvas.setFont(regular, _fit(canvas, centre.address, regular, 5.5, width))
    canvas.drawString(tx, y + CARD_H - 35.8 * mm, centre.address)
    phones = f"{labels['phones']} {centre.phones}" if centre.phones else ""
    canvas.setFont(regular, _fit(canvas, phones, regular, 5.5, width))
    canvas.drawString(tx, y + CARD_H - 38.6 * mm, phones)
    # Code128 along the bottom, with quiet zones of at least 10 modules on both sides.
    draw_code128(canvas, barcode_payload(token), x + 9 * mm, y + 4 * mm, CARD_W - 18 * mm, 9 * mm)


@contextmanager
def _binary_streams():
    """Compressed page streams without the ASCII85 layer (pure Python in ReportLab, and 25% larger)."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def render_cards(items, *, language="el") -> bytes:
    """PDF bytes for [(card, token), ...]; cards need `household` with its members prefetched."""
    fonts = register_pdf_fonts()
    centre = Centre.current()
    with translation.override(language):
        labels = {"title": _("Household card"), "number": _("Card number"), "valid": _("Valid until"),
                  "phones": _("Tel.")}
        document_title = _("Household cards")
    out = io.BytesIO()
    with _binary_streams():
        canvas = Canvas(out, pagesize=A4, pageCompression=1)
        canvas.setTitle(document_title)
        canvas.setAuthor(centre.name)
        per_page = COLUMNS * ROWS
        for index, (card, token) in enumerate(items):
            if index and index % per_page == 0:
                canvas.showPage()
            if index % per_page == 0:
                _cut_marks(canvas)
            x, y = _card_origin(index)
            _draw_card(canvas, x, y, card, token, centre, labels, fonts)
        if not items:
            canvas.setFont(fonts[0], 12)
            canvas.drawString(MARGIN_X, PAGE_H / 2, _("No cards to print."))
        canvas.showPage()
        canvas.save()
    return out.getvalue()
