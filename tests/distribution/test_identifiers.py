from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core import scanning
from distribution import identifiers as ids


def test_valid_amka_with_matching_birth_date_passes():
    amka = ids.make_amka(date(1980, 5, 17), 42)
    assert amka.startswith("170580")
    ids.validate_amka(amka, date(1980, 5, 17))


@pytest.mark.parametrize(("amka", "code"), [
    ("1705800042", "amka_format"),      # 10 digits
    ("1705800042a", "amka_format"),
    ("32058000421", "amka_date"),       # day 32
    ("17138000421", "amka_date"),       # month 13
])
def test_malformed_amka_is_refused_with_a_reason(amka, code):
    with pytest.raises(ValidationError) as info:
        ids.validate_amka(amka)
    assert info.value.code == code


def test_wrong_check_digit_is_refused():
    good = ids.make_amka(date(1980, 5, 17), 42)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as info:
        ids.validate_amka(bad)
    assert info.value.code == "amka_check"


def test_amka_must_match_the_birth_date():
    amka = ids.make_amka(date(1980, 5, 17), 42)
    with pytest.raises(ValidationError) as info:
        ids.validate_amka(amka, date(1980, 5, 18))
    assert info.value.code == "amka_birth_date"


def test_leap_day_amka_is_accepted():
    ids.validate_amka(ids.make_amka(date(2004, 2, 29), 1), date(2004, 2, 29))


def test_card_number_check_digit_catches_typos_and_swaps():
    number = ids.card_number_for_serial(1234)
    assert ids.card_number_is_valid(number)
    for i in range(len(number)):
        for d in "0123456789":
            if d != number[i]:
                assert not ids.card_number_is_valid(number[:i] + d + number[i + 1:])
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            assert not ids.card_number_is_valid(swapped)


def test_tokens_are_80_random_bits_in_base32():
    tokens = {ids.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) == 16 and set(t) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for t in tokens)
    assert ids.hash_token("A" * 16) != ids.hash_token("B" * 16)
    assert len(ids.hash_token("A" * 16)) == 64


@pytest.mark.parametrize("typed", ["0000-1234", "00001234", "k 0000 1234", "K-0000-1234", " 0000-1234\n"])
def test_typed_card_numbers_are_understood(typed):
    number = ids.card_number_for_serial(123)
    assert number == "00001234"
    assert ids.parse_code(typed) == ("number", number)


def test_scanned_codes_are_understood_even_through_a_greek_keyboard_layout():
    token = "ABCDEFGHQRSTUVWX"
    assert ids.parse_code(ids.qr_payload(token)) == ("token", token)
    assert ids.parse_code(ids.barcode_payload(token)) == ("token", token)
    assert ids.parse_code(token.lower()) == ("token", token)
    greek = (ids.qr_payload(token)).translate(str.maketrans(scanning.LATIN_KEYS, scanning.GREEK_CAPITALS))
    assert greek != ids.qr_payload(token)
    assert ids.parse_code(greek) == ("token", token)


@pytest.mark.parametrize("junk", ["", "hello", "0000-1235", "KC1-SHORT", "1" * 40])
def test_anything_else_is_not_a_code(junk):
    assert ids.parse_code(junk) is None
