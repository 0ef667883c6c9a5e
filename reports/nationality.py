"""Which recorded nationality texts are of the EU, which of third countries, which say nothing.

Nationality is typed by staff as free text ("Ελληνική", "Αλβανία", "Syrian", "GR"). The ESF+
indicator "third-country nationals" needs to know which are outside the European Union, so each
distinct text is matched (accent-, case- and Greek/Latin-insensitively, with core.text.search_key)
against the 27 member states' names, adjectives and ISO codes in Greek and English. A text that
names no member state is a third country (stateless people are third-country nationals too); an
empty text, or one that only says "unknown", is not declared. The report lists the texts it
counted as third countries, so that staff can see and correct a misspelt entry.
"""

from dataclasses import dataclass

from core.text import search_key

GREEK = "GR"

# ISO code: names, adjectives and codes in Greek and English (any of them identifies the country).
EU_MEMBER_STATES = {
    "AT": ["Αυστρία", "Αυστριακή", "Αυστριακός", "Austria", "Austrian", "AUT"],
    "BE": ["Βέλγιο", "Βελγική", "Βέλγος", "Belgium", "Belgian", "BEL"],
    "BG": ["Βουλγαρία", "Βουλγαρική", "Βούλγαρος", "Bulgaria", "Bulgarian", "BGR"],
    "HR": ["Κροατία", "Κροατική", "Κροάτης", "Croatia", "Croatian", "HRV"],
    "CY": ["Κύπρος", "Κυπριακή", "Κύπριος", "Cyprus", "Cypriot", "CYP"],
    "CZ": ["Τσεχία", "Τσεχική", "Τσέχος", "Czechia", "Czech Republic", "Czech", "CZE"],
    "DK": ["Δανία", "Δανική", "Δανός", "Denmark", "Danish", "DNK"],
    "EE": ["Εσθονία", "Εσθονική", "Εσθονός", "Estonia", "Estonian", "EST"],
    "FI": ["Φινλανδία", "Φινλανδική", "Φινλανδός", "Finland", "Finnish", "FIN"],
    "FR": ["Γαλλία", "Γαλλική", "Γάλλος", "France", "French", "FRA"],
    "DE": ["Γερμανία", "Γερμανική", "Γερμανός", "Germany", "German", "DEU"],
    "GR": ["Ελλάδα", "Ελλάς", "Ελληνική", "Έλληνας", "Ελληνίδα", "Ελληνικής υπηκοότητας", "Greece", "Greek",
           "Hellenic", "GRC", "EL"],
    "HU": ["Ουγγαρία", "Ουγγρική", "Ούγγρος", "Hungary", "Hungarian", "HUN"],
    "IE": ["Ιρλανδία", "Ιρλανδική", "Ιρλανδός", "Ireland", "Irish", "IRL"],
    "IT": ["Ιταλία", "Ιταλική", "Ιταλός", "Italy", "Italian", "ITA"],
    "LV": ["Λετονία", "Λετονική", "Λετονός", "Latvia", "Latvian", "LVA"],
    "LT": ["Λιθουανία", "Λιθουανική", "Λιθουανός", "Lithuania", "Lithuanian", "LTU"],
    "LU": ["Λουξεμβούργο", "Λουξεμβουργιανή", "Λουξεμβούργιος", "Luxembourg", "Luxembourgish", "LUX"],
    "MT": ["Μάλτα", "Μαλτέζικη", "Μαλτεζική", "Μαλτέζος", "Malta", "Maltese", "MLT"],
    "NL": ["Ολλανδία", "Κάτω Χώρες", "Ολλανδική", "Ολλανδός", "Netherlands", "Dutch", "NLD"],
    "PL": ["Πολωνία", "Πολωνική", "Πολωνός", "Poland", "Polish", "POL"],
    "PT": ["Πορτογαλία", "Πορτογαλική", "Πορτογάλος", "Portugal", "Portuguese", "PRT"],
    "RO": ["Ρουμανία", "Ρουμανική", "Ρουμάνος", "Romania", "Romanian", "ROU"],
    "SK": ["Σλοβακία", "Σλοβακική", "Σλοβάκος", "Slovakia", "Slovak", "SVK"],
    "SI": ["Σλοβενία", "Σλοβενική", "Σλοβένος", "Slovenia", "Slovenian", "SVN"],
    "ES": ["Ισπανία", "Ισπανική", "Ισπανός", "Spain", "Spanish", "ESP"],
    "SE": ["Σουηδία", "Σουηδική", "Σουηδός", "Sweden", "Swedish", "SWE"],
}
UNDECLARED_WORDS = ["Άγνωστη", "Άγνωστο", "Άγνωστη υπηκοότητα", "Δεν δηλώθηκε", "Δ/Δ", "Unknown", "Not declared",
                    "n/a", "-", "?"]

_KEY_TO_COUNTRY = {search_key(text): code for code, texts in EU_MEMBER_STATES.items()
                   for text in texts + [code]}
_UNDECLARED_KEYS = {search_key(text) for text in UNDECLARED_WORDS}


def member_state(text: str) -> str | None:
    """The ISO code of the EU member state the text names, or None."""
    return _KEY_TO_COUNTRY.get(search_key(text or ""))


def is_undeclared(text: str) -> bool:
    return not (text or "").strip() or search_key(text) in _UNDECLARED_KEYS


@dataclass(frozen=True)
class Classified:
    greek: tuple
    other_eu: tuple
    third_country: tuple
    undeclared: tuple

    @property
    def foreign(self) -> tuple:
        return self.other_eu + self.third_country


def classify(texts) -> Classified:
    groups = {"greek": [], "other_eu": [], "third_country": [], "undeclared": []}
    for text in sorted(set(texts)):
        if is_undeclared(text):
            groups["undeclared"].append(text)
            continue
        code = member_state(text)
        groups["greek" if code == GREEK else "other_eu" if code else "third_country"].append(text)
    return Classified(**{key: tuple(values) for key, values in groups.items()})
