"""Identifiers: AMKA validation, card numbers with a check digit, card tokens and scanned codes.

Nothing here touches the database, so the rules are easy to test on their own.

* AMKA (Αριθμός Μητρώου Κοινωνικής Ασφάλισης): 11 digits; the first six are the birth date as
  DDMMYY and the last is a Luhn check digit over all eleven.
* Card number: 7 serial digits and one Damm check digit (catches every single wrong digit and
  every swap of two neighbouring digits), printed as ``0000-0123``. It identifies a card; it is
  not a secret (a typed number is the fallback when a card does not scan).
* Card token: 80 random bits as 16 characters of RFC 4648 base32 (A–Z, 2–7). Only its SHA-256
  is stored. The QR code carries ``KC1-<token>``, the Code128 barcode the bare token.
"""

import base64
import hashlib
import re
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.scanning import scanned_text

# --- AMKA -------------------------------------------------------------------------------------


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(digits: str) -> str:
    for candidate in "0123456789":
        if luhn_is_valid(digits + candidate):
            return candidate
    raise AssertionError("unreachable")


def amka_birth_date_matches(amka: str, birth_date: date) -> bool:
    """True when the AMKA's first six digits are the birth date as DDMMYY."""
    return amka[:6] == birth_date.strftime("%d%m%y")


def validate_amka(amka: str, birth_date: date | None = None) -> None:
    """Raise ValidationError (Greek and English messages) when the AMKA is not valid."""
    if not re.fullmatch(r"\d{11}", amka or ""):
        raise ValidationError(_("The AMKA must be exactly 11 digits."), code="amka_format")
    try:
        date(2000, int(amka[2:4]), int(amka[0:2]))  # 2000 is a leap year: 29/02 is allowed
    except ValueError:
        raise ValidationError(
            _("The first six digits of the AMKA must be a birth date (DDMMYY)."), code="amka_date"
        ) from None
    if not luhn_is_valid(amka):
        raise ValidationError(_("The AMKA's check digit is wrong: please check the number."), code="amka_check")
    if birth_date is not None and not amka_birth_date_matches(amka, birth_date):
        raise ValidationError(
            _("The AMKA does not match the date of birth (its first six digits are DDMMYY)."),
            code="amka_birth_date",
        )


def make_amka(birth_date: date, serial: int) -> str:
    """A valid AMKA for the birth date (demo data and tests)."""
    body = birth_date.strftime("%d%m%y") + f"{serial % 10000:04d}"
    return body + luhn_check_digit(body)


# --- Card numbers -----------------------------------------------------------------------------

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2), (7, 0, 9, 2, 1, 5, 4, 8, 6, 3), (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6), (6, 1, 2, 3, 0, 4, 5, 9, 7, 8), (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4), (8, 9, 4, 5, 3, 6, 2, 0, 1, 7), (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
CARD_SERIAL_DIGITS = 7
CARD_NUMBER_LENGTH = CARD_SERIAL_DIGITS + 1


def damm_digit(digits: str) -> str:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return str(interim)


def card_number_for_serial(serial: int) -> str:
    body = f"{serial:0{CARD_SERIAL_DIGITS}d}"
    if len(body) != CARD_SERIAL_DIGITS:
        raise ValueError("card serial out of range")
    return body + damm_digit(body)


def card_number_is_valid(number: str) -> bool:
    return bool(re.fullmatch(rf"\d{{{CARD_NUMBER_LENGTH}}}", number)) and damm_digit(number) == "0"


def format_card_number(number: str | None) -> str:
    """``00000123`` -> ``0000-0123`` (how it is printed and shown)."""
    if not number:
        return ""
    return f"{number[:4]}-{number[4:]}"


# --- Tokens and scanned codes -----------------------------------------------------------------

TOKEN_BITS = 80
TOKEN_LENGTH = TOKEN_BITS // 5  # base32: 5 bits per character
QR_PREFIX = "KC1-"  # "Kypseli card, payload version 1"
_BASE32 = re.compile(rf"[A-Z2-7]{{{TOKEN_LENGTH}}}")


def new_token() -> str:
    """A fresh card token: 80 bits from the operating system's CSPRNG, base32 without padding."""
    return base64.b32encode(secrets.token_bytes(TOKEN_BITS // 8)).decode("ascii")


def hash_token(token: str) -> str:
    # 80 random bits cannot be brute-forced, so a plain SHA-256 (no salt, no stretching) is enough
    # and lets the scan station find the card with one indexed lookup.
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def qr_payload(token: str) -> str:
    return QR_PREFIX + token


def barcode_payload(token: str) -> str:
    return token


def parse_code(code: str) -> tuple[str, str] | None:
    """What a scanner or a person typed -> ("token", TOKEN) or ("number", DIGITS), else None.

    Accepts the QR text (``KC1-…``), the bare token (Code128), or a card number typed with or
    without spaces, dashes, a leading K, in any case, even through a Greek keyboard layout.
    """
    if not code:
        return None
    # A keyboard-wedge scanner on a PC with the Greek layout types Greek letters: core.scanning maps them back.
    text = re.sub(r"[\s\-_./]+", "", scanned_text(code))
    prefix = QR_PREFIX.replace("-", "")
    if len(text) == len(prefix) + TOKEN_LENGTH and text.startswith(prefix):
        text = text[len(prefix):]
    if _BASE32.fullmatch(text):
        return ("token", text)
    if text.startswith("K"):
        text = text[1:]
    if card_number_is_valid(text):
        return ("number", text)
    return None
