import pytest

from core.models import Location
from core.text import filter_by_search, search_key, search_terms


@pytest.mark.parametrize(
    "typed",
    ["Παπαδόπουλος", "ΠΑΠΑΔΟΠΟΥΛΟΣ", "Παπαδοπουλος", "papadopoulos", "PAPADOPOULOS", "papadopulos"],
)
def test_every_spelling_of_a_greek_name_has_the_same_key(typed):
    assert search_key(typed) == search_key("Παπαδόπουλος")


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("ΓΙΩΡΓΟΣ", "Γιώργος"),
        ("Γιώργος", "giorgos"),
        ("Χρήστος", "Christos"),
        ("Κυριακή", "Kiriaki"),
        ("Κυριακή", "kyriaki"),
        ("Μπάμπης", "Mpampis"),
        ("Μπάμπης", "Bambis"),
        ("Φωτεινή", "Foteini"),
        ("Φωτεινή", "Photini"),
        ("Ευάγγελος", "Evangelos"),
        ("Σαλή", "SALI"),
        ("Αϊσέ", "aise"),
    ],
)
def test_greeklish_and_greek_meet(stored, typed):
    assert search_key(typed) in search_key(stored)


def test_different_names_do_not_match():
    assert search_key("Παπαδόπουλος") != search_key("Παπαγεωργίου")
    assert search_key("Νίκος") not in search_key("Μαρία Κωστα")


def test_key_is_plain_ascii_words():
    key = search_key("  Ελένη-Μαρία  Ο'Νίλ, 1990 ")
    assert key.isascii()
    assert key.split() == ["eleni", "maria", "o", "nil", "1990"]
    assert search_key(None) == "" and search_key("") == ""


def test_search_terms_are_unique_and_longest_first():
    assert search_terms("ΓΙΩΡΓΟΣ γιώργος Πα") == ["giorgos", "pa"]


@pytest.mark.django_db
def test_filter_by_search_finds_a_location_however_it_is_typed():
    Location.objects.create(name="Παράρτημα Ρομά", address="Δράμα")
    Location.objects.create(name="Αποθήκη Κέντρου", address="Δράμα")
    for typed in ["ρομα", "ΡΟΜΆ", "roma", "parartima", "drama roma"]:
        names = list(filter_by_search(Location.objects.all(), typed).values_list("name", flat=True))
        assert names == ["Παράρτημα Ρομά"], typed
    assert filter_by_search(Location.objects.all(), "δραμα").count() == 2
