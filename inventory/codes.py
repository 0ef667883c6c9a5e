"""Barcodes as scanned: clean them up, recognise EAN/UPC, check their check digit.

A USB barcode scanner is a keyboard: it "types" the code and presses Enter. When the computer's
keyboard layout is Greek, the letters of our own labels ("KYP-000123") arrive as the Greek letters
on the same keys ("ΚΥΠ-000123"); `normalize_code` maps them back (core.scanning, as every station
does), so the scan works in either layout.
"""

import re

from core.scanning import scanned_text

_SPACES = re.compile(r"\s+")


def normalize_code(text: str | None) -> str:
    """The stored form of a scanned or typed code: no spaces, Latin capitals, UPC-A as EAN-13."""
    code = _SPACES.sub("", scanned_text(text))
    if code.isdigit() and len(code) == 12:
        code = "0" + code  # UPC-A is EAN-13 with a leading zero; scanners send either form
    return code


def ean_check_digit(digits: str) -> int:
    """The GS1 check digit for the digits before it (EAN-8, UPC-A, EAN-13)."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        total += int(digit) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_ean(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14) and ean_check_digit(code[:-1]) == int(code[-1])


def looks_like_ean(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14)
