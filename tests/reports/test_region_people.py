"""People are matched across centres by a keyed hash of their AMKA (core.matching)."""


import pytest

from core.matching import match_key, normalise_amka

pytestmark = pytest.mark.django_db

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
AMKA = "01017012345"
KEY = "k" * 20 + "a-person-match-key-for-the-tests"


@pytest.fixture(autouse=True)
def _matching_key(settings):
    settings.PERSON_MATCH_KEY = KEY


def test_the_match_key_is_the_amkas_keyed_hash_and_names_no_one_without_the_key(settings):
    assert normalise_amka(" 010170-12345 ") == AMKA and normalise_amka("123") == ""
    key = match_key(AMKA)
    assert key == match_key("010170 12345") and len(key) == 64 and AMKA not in key
    assert match_key("01017012346") != key and match_key("") is None
    settings.PERSON_MATCH_KEY = "another-installation-" + "x" * 20
    assert match_key(AMKA) != key, "another installation's key gives other keys"
    settings.PERSON_MATCH_KEY = ""
    assert match_key(AMKA) is None, "no key: nobody is matched"
