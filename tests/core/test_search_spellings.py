"""Names as people type them: ELOT 743 (passports), English-style spellings, SMS Greeklish (h for η,
8 for θ, 3 for ξ, w for ω, eu for ευ), Latin letters that look Greek inside a Greek word, and the
spellings of Roma and Muslim-minority names of Thrace and Drama. Each must find the Greek name, and
different names must stay apart."""

import pytest

from core.models import Location
from core.text import filter_by_search, search_key

CORPUS = {
    # common Greek names
    "Δημήτρης": ["Dimitris", "Dhmhtrhs", "Dimitrhs", "DIMITRIS", "ΔHMHTPHΣ"],
    "Δημήτριος": ["Dimitrios", "Dhmhtrios"],
    "Ευστάθιος": ["Efstathios", "Eustathios", "Evstathios", "Eysta8ios"],
    "Ευάγγελος": ["Evangelos", "Euaggelos", "Evaggelos"],
    "Θεόδωρος": ["Theodoros", "8eodwros", "Theodwros"],
    "Χρήστος": ["Christos", "Xristos", "Hristos", "Xrhstos", "Chrystos"],
    "Γεώργιος": ["Georgios", "Gewrgios"],
    "Γιάννης": ["Giannis", "Yiannis", "Giannhs"],
    "Ιωάννης": ["Ioannis", "Iwannhs", "Ioannhs"],
    "Κυριάκος": ["Kyriakos", "Kiriakos", "Kuriakos"],
    "Αικατερίνη": ["Aikaterini", "Ekaterini", "Aikaterinh"],
    "Ξανθή": ["Xanthi", "Ksanthi", "3an8h"],
    "Αλέξης": ["Alexis", "Aleksis", "Ale3hs"],
    "Παναγιώτης": ["Panagiotis", "Panagiwths", "Panayiotis"],
    "Σταυρούλα": ["Stavroula", "Staurula", "Stavrula"],
    "Ευτυχία": ["Eftychia", "Eutyxia", "Eftihia"],
    "Ελένη": ["Eleni", "Elenh", "ELENI"],
    "Μιχάλης": ["Michalis", "Mihalis", "Mixalis"],
    "Παπαδόπουλος": ["Papadopoulos", "Papadopulos", "ΠAΠAΔOΠOYΛOΣ"],  # the last with Latin A, O, Y
    # Muslim-minority names (Pomak and Turkish speakers of Thrace and Drama)
    "Αχμέτ": ["Ahmet", "Achmet", "Axmet"],
    "Μεχμέτ": ["Mehmet", "Mechmet", "Mexmet"],
    "Χασάν": ["Hasan", "Hassan", "Chasan", "Xasan"],
    "Χουσεΐν": ["Housein", "Husein", "Xousein"],
    "Φατμέ": ["Fatme", "Fatmé"],
    "Αϊσέ": ["Aise", "Aisé"],
    "Εμινέ": ["Emine"],
    "Ισμαήλ": ["Ismail"],
    "Μουσταφά": ["Moustafa", "Mustafa"],
    "Σαμπρί": ["Sabri", "Sampri"],
    # Roma names of the area
    "Μπάμπης": ["Bampis", "Mpampis", "Babis"],
    "Σαλή": ["Sali", "Salh"],
    "Ζαφείρης": ["Zafiris", "Zafeiris", "Zafeirhs"],
}
APART = [
    ("Δημήτρης", "Δήμητρα"), ("Χρήστος", "Χριστίνα"), ("Γιώργος", "Γεωργία"), ("Ελένη", "Ελευθερία"),
    ("Μαρία", "Μάριος"), ("Αχμέτ", "Μεχμέτ"), ("Χασάν", "Χουσεΐν"), ("Φατμέ", "Φατίμα"),
    ("Κυριάκος", "Κυριακή"), ("Νίκος", "Νίκη"), ("Αλέξης", "Αλεξάνδρα"),
]


@pytest.mark.parametrize(("name", "spelling"), [(n, s) for n, spellings in CORPUS.items() for s in spellings])
@pytest.mark.django_db
def test_every_spelling_finds_the_greek_name(name, spelling):
    Location.objects.create(name=name, address="Δράμα")
    Location.objects.create(name="Κέντρο Κοινότητας", address="Δράμα")
    assert list(filter_by_search(Location.objects.all(), spelling).values_list("name", flat=True)) == [name]


# A stored Latin u may be υ or ου: the search tries both for what is typed, not for what is kept.
ONLY_AS_TYPED = {"Kuriakos", "Staurula", "Stavrula"}


@pytest.mark.parametrize(("name", "spelling"), [(n, s) for n, spellings in CORPUS.items() for s in spellings
                                                if s not in ONLY_AS_TYPED])
@pytest.mark.django_db
def test_the_greek_name_finds_a_record_kept_in_latin_letters(name, spelling):
    """The other way: a name stored as typed from a foreign document is found by the Greek spelling."""
    Location.objects.create(name=spelling, address="Drama")
    assert filter_by_search(Location.objects.all(), name).count() == 1


@pytest.mark.parametrize(("one", "other"), APART)
def test_different_names_stay_apart(one, other):
    assert search_key(one) not in search_key(other) and search_key(other) not in search_key(one)
    for a, b in [(one, other), (other, one)]:
        for spelling in CORPUS.get(a, []):
            assert search_key(spelling) != search_key(b), (spelling, b)


def test_numbers_stay_numbers():
    assert search_key("ΑΜΚΑ 01018012345") == "amka 01018012345"
    assert search_key("6971234568") == "6971234568"
