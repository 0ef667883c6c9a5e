"""core.scanning: one reading of what a scanner typed, for every station."""

import pytest

from core.scanning import GREEK_CAPITALS, GREEK_SMALL, LATIN_KEYS, StationAnswer, display, scanned_text
from distribution.identifiers import parse_code, qr_payload
from events.services.door import normalise_code
from inventory.codes import normalize_code


def test_every_key_typed_on_the_greek_layout_reads_as_its_latin_capital():
    assert GREEK_SMALL == "αβψδεφγηιξκλμνοπ;ρστθωςχυζ" and GREEK_CAPITALS == "ΑΒΨΔΕΦΓΗΙΞΚΛΜΝΟΠ:ΡΣΤΘΩ΅ΧΥΖ"
    assert scanned_text(GREEK_SMALL) == scanned_text(GREEK_CAPITALS) == LATIN_KEYS == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert scanned_text(" kyp-000123\r\n") == "KYP-000123"
    assert scanned_text(None) == scanned_text("") == ""
    assert scanned_text("Ά") == "Ά"  # an accented letter is no key of a code: left for the station to refuse


@pytest.mark.parametrize("latin", ["KYP-000123", "EVT-7QW2", "KC1-ABCDEFGHIJKLMNOP"])
def test_the_three_stations_read_a_code_typed_on_the_greek_layout_as_typed_on_the_latin_one(latin):
    greek = latin.translate(str.maketrans(LATIN_KEYS, GREEK_CAPITALS))
    assert normalize_code(greek) == normalize_code(latin) == latin  # stock pages
    assert normalise_code(greek.lower()) == normalise_code(latin) == latin  # the door
    assert parse_code(greek) == parse_code(latin)  # the card scan
    assert parse_code(qr_payload("ABCDEFGHIJKLMNOP").translate(str.maketrans("ABCDEFGHIJKLMNOP", GREEK_SMALL[:16]))) \
        == ("token", "ABCDEFGHIJKLMNOP")


def test_a_station_answer_carries_what_the_widget_shows():
    answer = StationAnswer(422, {"outcome": "unknown_card", "message": "…",
                                 "display": display("bad", "Άγνωστη κάρτα", ["…", 3])})
    assert answer.outcome == "unknown_card" and answer.http_status == answer.status == 422 and not answer.replay
    assert answer.body["display"] == {"level": "bad", "headline": "Άγνωστη κάρτα", "lines": ["…", "3"]}
