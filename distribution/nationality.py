"""Nationality: a country of ISO 3166 (django-countries, with its Greek and English names), "stateless"
or not declared, and reading what staff type into one of those.

A person's nationality is stored as a code (`Person.nationality`): an ISO 3166-1 alpha-2 code, "XX"
for stateless people (the code ISO 3166 leaves for such uses), or "" when not declared. What the ESF+
indicators need is its group (`group_of`): Greek, another EU member state, a third country (stateless
people are third-country nationals too), or not declared; EU membership is decided by the code.

Texts typed before the list existed, and those in imported files, are mapped once by `map_text`
(migration 0007 and the import): it matches, accent-, case- and Greek/Latin-insensitively
(`core.text.search_key`), the country names of django-countries in Greek and English, ISO alpha-2 and
alpha-3 codes, and the words people use for nationality (Greek masculine and feminine nouns and the
adjective, "Ρουμάνος", "Ρουμάνα", "Ρουμανική(ς)", and English adjectives). A text it cannot read is
kept as typed (`Person.nationality_recorded`) and listed for staff to resolve; until then it counts
as not declared.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.text import search_key

STATELESS = "XX"
GREECE = "GR"
EU_MEMBER_STATES = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
                              "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})

# The groups the reports need; kept on the person (`Person.nationality_group`) through anonymisation.
GREEK, OTHER_EU, THIRD_COUNTRY, NOT_DECLARED = "GR", "EU", "TC", ""
GROUP_CHOICES = [(GREEK, _("Greek")), (OTHER_EU, _("Other EU member state")),
                 (THIRD_COUNTRY, _("Third country (or stateless)")), (NOT_DECLARED, _("Not declared"))]

# The words for a national: (masculine noun, feminine noun(s), adjective as in "Ρουμανική υπηκοότητα",
# English adjective(s)). Every EU member state, and the third countries the centre sees most.
DEMONYMS = {
    "AT": ["Αυστριακός", "Αυστριακή", "Αυστριακή", "Austrian"],
    "BE": ["Βέλγος", "Βελγίδα", "Βελγική", "Belgian"],
    "BG": ["Βούλγαρος", "Βουλγάρα", "Βουλγαρίδα", "Βουλγαρική", "Bulgarian"],
    "HR": ["Κροάτης", "Κροάτισσα", "Κροατική", "Croatian", "Croat"],
    "CY": ["Κύπριος", "Κύπρια", "Κυπρία", "Κυπριακή", "Cypriot"],
    "CZ": ["Τσέχος", "Τσέχα", "Τσεχίδα", "Τσεχική", "Czech", "Czech Republic"],
    "DK": ["Δανός", "Δανή", "Δανέζα", "Δανική", "Danish", "Dane"],
    "EE": ["Εσθονός", "Εσθονή", "Εσθονέζα", "Εσθονική", "Estonian"],
    "FI": ["Φινλανδός", "Φινλανδή", "Φινλανδέζα", "Φινλανδική", "Finnish", "Finn"],
    "FR": ["Γάλλος", "Γαλλίδα", "Γαλλική", "French"],
    "DE": ["Γερμανός", "Γερμανίδα", "Γερμανική", "German"],
    "GR": ["Έλληνας", "Ελληνίδα", "Ελληνική", "Ελληνικό", "Ελλάς", "Greek", "Hellenic", "EL"],
    "HU": ["Ούγγρος", "Ουγγαρέζα", "Ουγγρίδα", "Ουγγρική", "Hungarian"],
    "IE": ["Ιρλανδός", "Ιρλανδή", "Ιρλανδέζα", "Ιρλανδική", "Irish"],
    "IT": ["Ιταλός", "Ιταλίδα", "Ιταλική", "Italian"],
    "LV": ["Λετονός", "Λετονή", "Λετονέζα", "Λετονική", "Latvian"],
    "LT": ["Λιθουανός", "Λιθουανή", "Λιθουανέζα", "Λιθουανική", "Lithuanian"],
    "LU": ["Λουξεμβούργιος", "Λουξεμβούργια", "Λουξεμβουργιανή", "Λουξεμβουργιανός", "Luxembourgish",
           "Luxembourger"],
    "MT": ["Μαλτέζος", "Μαλτέζα", "Μαλτεζική", "Μαλτέζικη", "Maltese"],
    "NL": ["Ολλανδός", "Ολλανδή", "Ολλανδέζα", "Ολλανδική", "Ολλανδία", "Dutch", "Holland"],
    "PL": ["Πολωνός", "Πολωνή", "Πολωνέζα", "Πολωνική", "Polish", "Pole"],
    "PT": ["Πορτογάλος", "Πορτογαλίδα", "Πορτογαλέζα", "Πορτογαλική", "Portuguese"],
    "RO": ["Ρουμάνος", "Ρουμάνα", "Ρουμανίδα", "Ρουμανική", "Romanian"],
    "SK": ["Σλοβάκος", "Σλοβάκα", "Σλοβακίδα", "Σλοβακική", "Slovak", "Slovakian"],
    "SI": ["Σλοβένος", "Σλοβένα", "Σλοβενίδα", "Σλοβενική", "Slovenian", "Slovene"],
    "ES": ["Ισπανός", "Ισπανίδα", "Ισπανική", "Spanish", "Spaniard"],
    "SE": ["Σουηδός", "Σουηδή", "Σουηδέζα", "Σουηδική", "Swedish", "Swede"],
    # Third countries
    "AL": ["Αλβανός", "Αλβανίδα", "Αλβανή", "Αλβανική", "Albanian"],
    "SY": ["Σύρος", "Σύρια", "Συρίδα", "Συριακή", "Syrian"],
    "AF": ["Αφγανός", "Αφγανή", "Αφγανίδα", "Αφγανική", "Afghan", "Afghani"],
    "PK": ["Πακιστανός", "Πακιστανή", "Πακιστανική", "Pakistani"],
    "IQ": ["Ιρακινός", "Ιρακινή", "Iraqi"],
    "IR": ["Ιρανός", "Ιρανή", "Ιρανική", "Iranian", "Persian"],
    "GE": ["Γεωργιανός", "Γεωργιανή", "Georgian"],
    "UA": ["Ουκρανός", "Ουκρανή", "Ουκρανίδα", "Ουκρανική", "Ukrainian"],
    "RU": ["Ρώσος", "Ρωσίδα", "Ρωσική", "Russian"],
    "TR": ["Τούρκος", "Τουρκάλα", "Τουρκική", "Turkish", "Turk"],
    "AM": ["Αρμένιος", "Αρμένισσα", "Αρμενική", "Armenian"],
    "MD": ["Μολδαβός", "Μολδαβή", "Μολδαβέζα", "Μολδαβική", "Moldovan", "Moldavian"],
    "RS": ["Σέρβος", "Σέρβα", "Σερβίδα", "Σερβική", "Serbian", "Serb"],
    "EG": ["Αιγύπτιος", "Αιγύπτια", "Αιγυπτία", "Αιγυπτιακή", "Egyptian"],
    "MA": ["Μαροκινός", "Μαροκινή", "Moroccan"],
    "DZ": ["Αλγερινός", "Αλγερινή", "Algerian"],
    "BD": ["Μπαγκλαντεσιανός", "Μπαγκλαντεσιανή", "Bangladeshi"],
    "IN": ["Ινδός", "Ινδή", "Ινδική", "Indian"],
    "SO": ["Σομαλός", "Σομαλή", "Σομαλική", "Somali", "Somalian"],
    "ER": ["Ερυθραίος", "Ερυθραία", "Eritrean"],
    "NG": ["Νιγηριανός", "Νιγηριανή", "Nigerian"],
    "PS": ["Παλαιστίνιος", "Παλαιστίνια", "Παλαιστινιακή", "Palestinian", "Palestine"],
    "SD": ["Σουδανός", "Σουδανή", "Sudanese"],
    "PH": ["Φιλιππινέζος", "Φιλιππινέζα", "Filipino", "Filipina", "Philippine"],
    "CN": ["Κινέζος", "Κινέζα", "Κινεζική", "Chinese"],
    "GB": ["Βρετανός", "Βρετανίδα", "Βρετανική", "British", "United Kingdom", "UK", "Αγγλία", "Άγγλος"],
    "US": ["Αμερικανός", "Αμερικανίδα", "Αμερικανική", "American", "USA", "ΗΠΑ"],
}
STATELESS_WORDS = ["Ανιθαγενής", "Ανιθαγενείς", "Άπατρις", "Stateless", "XXA", "Χωρίς υπηκοότητα",
                   "Without nationality", "Apatride"]
UNDECLARED_WORDS = ["Άγνωστη", "Άγνωστο", "Άγνωστη υπηκοότητα", "Δεν δηλώθηκε", "Δ/Δ", "ΔΔ", "Unknown",
                    "Not declared", "n/a", "na", "-", "?", "—"]
# Words around the nationality that say nothing about which ("Ελληνικής υπηκοότητας").
FILLER_WORDS = ["υπηκοότητα", "υπηκοότητας", "υπήκοος", "ιθαγένεια", "ιθαγένειας", "nationality", "national",
                "citizen", "citizenship", "χώρα", "country"]


def nationality_choices():
    """The choices of `Person.nationality`: every country of ISO 3166 (in the active language), then
    stateless. Not declared is the empty value."""
    return [*((code, name) for code, name in countries), (STATELESS, _("Stateless"))]


def group_of(code: str) -> str:
    """The group of a nationality code for the reports: GREEK, OTHER_EU, THIRD_COUNTRY or NOT_DECLARED."""
    if not code:
        return NOT_DECLARED
    if code == GREECE:
        return GREEK
    return OTHER_EU if code in EU_MEMBER_STATES else THIRD_COUNTRY


def _genitive(word: str) -> list[str]:
    """"Ρουμανική" -> also "Ρουμανικής" (as in "Ρουμανικής υπηκοότητας")."""
    return [word, word + "ς"] if word.endswith(("ή", "α", "ια")) else [word]


def _build_index() -> tuple[dict, dict]:
    words: dict[str, str] = {}
    for code, forms in DEMONYMS.items():
        for form in forms:
            for word in _genitive(form):
                words.setdefault(search_key(word), code)
    for language in ("el", "en"):
        with translation.override(language):
            for code, name in countries:
                words.setdefault(search_key(str(name)), code)
                for word in _genitive(str(name)):
                    words.setdefault(search_key(word), code)
    for word in STATELESS_WORDS:
        words[search_key(word)] = STATELESS
    for word in UNDECLARED_WORDS:
        words[search_key(word)] = ""
    codes = {code: code for code, _name in countries}
    codes.update({countries.alpha3(code): code for code in codes})
    codes.update({"XX": STATELESS, "XXA": STATELESS, "EL": GREECE})
    return words, codes


_INDEX: tuple[dict, dict] | None = None
_FILLER = None


def map_text(text: str) -> str | None:
    """The nationality code a typed text names ("" for an empty or "unknown" text), or None when the
    text cannot be read as one (it is then kept for staff to resolve)."""
    global _INDEX, _FILLER
    if _INDEX is None:
        _INDEX = _build_index()
        _FILLER = {search_key(word) for word in FILLER_WORDS}
    words, codes = _INDEX
    raw = (text or "").strip()
    if not raw:
        return ""
    if raw.upper() in codes and raw.isalpha() and len(raw) in (2, 3):
        return codes[raw.upper()]
    key = search_key(raw)
    if key in words:
        return words[key]
    if not key:  # punctuation only ("-", "?")
        return ""
    plain = " ".join(w for w in key.split() if w not in _FILLER)
    if plain in words:
        return words[plain]
    return None


def name_of(code: str) -> str:
    """The country's name in the active language ("Stateless" for XX, "" for not declared)."""
    if not code:
        return ""
    if code == STATELESS:
        return str(_("Stateless"))
    return str(countries.name(code) or code)
