"""QR codes, Code128 barcodes and PDF fonts shared by cards, labels and tickets.

Everything here renders in memory; callers put the result into an HTML page (SVG/PNG data) or a
ReportLab PDF (an ImageReader). Greek text in PDFs needs a TrueType font with Greek glyphs:
DejaVu Sans from Debian's fonts-dejavu-core, or the folder in the KYPSELI_FONT_DIR setting.
"""

import base64
import io
from functools import lru_cache
from pathlib import Path

import barcode
import qrcode
import qrcode.image.svg
from barcode.writer import ImageWriter, SVGWriter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FONT_REGULAR = "KypseliSans"
FONT_BOLD = "KypseliSans-Bold"
_FONT_DIRS = [
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
]


def qr_matrix(text: str, *, error_correction=qrcode.constants.ERROR_CORRECT_M):
    """The QR code's modules as rows of booleans (for drawing straight into a PDF)."""
    code = qrcode.QRCode(error_correction=error_correction, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(text: str, *, box_size: int = 10) -> str:
    """An inline SVG QR code (scales to any size on screen and prints sharply)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(text)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode")


def qr_png(text: str, *, box_size: int = 8) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return out.getvalue()


def qr_png_data_uri(text: str, *, box_size: int = 8) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(text, box_size=box_size)).decode()


def code128_svg(text: str, *, module_height: float = 12.0, write_text: bool = True) -> str:
    out = io.BytesIO()
    barcode.get("code128", text, writer=SVGWriter()).write(
        out, options={"module_height": module_height, "write_text": write_text, "quiet_zone": 4}
    )
    return out.getvalue().decode()


def code128_png(text: str, *, module_width: float = 0.3, module_height: float = 12.0, dpi: int = 300,
                write_text: bool = False) -> bytes:
    out = io.BytesIO()
    barcode.get("code128", text, writer=ImageWriter()).write(
        out,
        options={"module_width": module_width, "module_height": module_height, "dpi": dpi,
                 "write_text": write_text, "quiet_zone": 4},
    )
    return out.getvalue()


def code128_bars(text: str) -> str:
    """The Code128 pattern as a string of '1' (bar) and '0' (space) modules, without quiet zones.

    Drawing the bars as PDF rectangles keeps them sharp at any printer resolution.
    """
    return barcode.get("code128", text).build()[0]


def _find_font(filename: str) -> Path:
    dirs = [getattr(settings, "KYPSELI_FONT_DIR", None), *_FONT_DIRS]
    for folder in dirs:
        if folder and (Path(folder) / filename).exists():
            return Path(folder) / filename
    raise ImproperlyConfigured(
        f"Font {filename} not found. Install Debian's fonts-dejavu-core or set KYPSELI_FONT_DIR."
    )


@lru_cache(maxsize=1)
def register_pdf_fonts() -> tuple[str, str]:
    """Register the Greek-capable fonts with ReportLab once; returns (regular, bold) names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_REGULAR, str(_find_font("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_find_font("DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT_REGULAR, normal=FONT_REGULAR, bold=FONT_BOLD)
    return FONT_REGULAR, FONT_BOLD


def fill_module_runs(canvas, rows, x: float, y: float, module_w: float, module_h: float):
    """Fill the dark runs of a module grid (QR or barcode) as raw PDF rectangles in module units.

    ReportLab formats every coordinate of `path.rect` in pure Python, which dominates the time for a
    thousand cards; a scaling matrix lets each rectangle be written with small integers, and runs of
    dark modules become one rectangle each (sharp on any printer). `rows` are lists of booleans, top
    row first; (x, y) is the grid's bottom-left corner.
    """
    height = len(rows)
    ops = [f"q 0 g {module_w:.5f} 0 0 {module_h:.5f} {x:.3f} {y:.3f} cm"]
    for index, cells in enumerate(rows):
        row_y = height - 1 - index
        start = None
        for col, dark in enumerate([*cells, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                ops.append(f"{start} {row_y} {col - start} 1 re")
                start = None
    ops.append("f Q")
    canvas.addLiteral("\n".join(ops))


def draw_qr(canvas, text: str, x: float, y: float, size: float, *, fixed_mask: bool = False):
    """Draw a QR code as vector squares with its bottom-left corner at (x, y).

    `fixed_mask=True` skips scoring the eight mask patterns (qrcode builds the symbol eight times for
    that): allowed by the QR standard, and several times faster for batches of a thousand cards.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                         mask_pattern=0 if fixed_mask else None)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    fill_module_runs(canvas, matrix, x, y, size / len(matrix), size / len(matrix))


def draw_code128(canvas, text: str, x: float, y: float, width: float, height: float):
    """Draw a Code128 barcode as vector bars filling the given box (quiet zones are the caller's)."""
    bars = code128_bars(text)
    fill_module_runs(canvas, [[bit == "1" for bit in bars]], x, y, width / len(bars), height)
