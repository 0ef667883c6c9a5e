"""Greek-aware search keys.

People type names with or without accents, in capitals, or in Latin letters ("Παπαδόπουλος",
"ΠΑΠΑΔΟΠΟΥΛΟΣ", "papadopoulos"). `search_key` maps all of them to one plain, lower-case Latin
form that is stored beside the record (an indexed column) and compared with the key of what the
user typed. It is deliberately forgiving: Greek vowels that sound alike (η, ι, υ, ει, οι) collapse
to "i", ω and ο to "o", double letters to one, and the usual Greeklish spellings (ou/u, ph/f,
ch/h, mp/b, nt/d, gg/ng) meet their Greek originals. The Latin letters of ELOT 743 and of Greeklish
meet too: χ written ch, kh, h or x ("Chatzidakis", "Xatzidakis"), ξ written x or ks, and αυ/ευ
written av/ev or af/ef ("Efthymios"); so χ and ξ share one letter of the key, as do φ and β after α
or ε. A search may find a few extra names; it never misses one spelled the other way.

SMS Greeklish meets too: η written h after a consonant ("Elenh", "Dhmhtrhs"; an h that starts a word or
follows a vowel or c, k, p, s, t stays the h of χ: "Hristos", "Mihalis", "Ahmet"), θ written 8, ξ written
3, ευ/αυ written eu/au or ey ("Eustathios"), -της written -ths, γι written yi ("Panayiotis"), γκ written
nk (ELOT 743 inside a word). A word typed in Greek with
a few Latin letters that look the same (a phone switching keyboards: "ΠAΠAΔOΠOYΛOΣ" with Latin A, O, Y) is
read as all Greek. In a search box, a Latin u may be υ ("Kuriakos") as well as ου ("Mustafa"): the
search tries both (`search_alternatives`).
"""

import re
import unicodedata

# Greek digraphs first (on accent-free, lower-case text), then single letters.
_GREEK_DIGRAPHS = [
    ("ου", "u"), ("αι", "e"), ("ει", "i"), ("οι", "i"), ("υι", "i"),
    ("μπ", "b"), ("ντ", "d"), ("γκ", "g"), ("γγ", "ng"), ("γχ", "nh"),
    ("αυ", "av"), ("ευ", "ev"), ("ηυ", "iv"),
]
# The one Greek-to-Latin table: each letter's Latin spelling (ELOT 743, simplified), used as it is for
# readable spellings (`latin_spelling`: user names). The search key departs from it in two letters so
# that Greeklish spellings meet: υ as i (it sounds i), χ as h (the Latin rules below turn ch, kh and
# x into h too).
GREEK_TO_LATIN = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
_GREEK_LETTERS = {**GREEK_TO_LATIN, "υ": "i", "χ": "h"}
_GREEK_TO_LATIN = str.maketrans(GREEK_TO_LATIN)
# Latin spellings reduced to the same form ("ou" before "u", "ch" before "h" and so on).
_LATIN_RULES = [
    ("ou", "u"), ("ph", "f"), ("ch", "h"), ("kh", "h"), ("ks", "h"), ("x", "h"), ("ai", "e"), ("ei", "i"),
    ("oi", "i"), ("af", "av"), ("ef", "ev"), ("eu", "ev"), ("ey", "ev"), ("au", "av"), ("yi", "gi"),
    ("mp", "b"), ("mb", "b"), ("nt", "d"), ("gk", "g"), ("nk", "g"), ("gg", "ng"), ("y", "i"), ("w", "o"),
    ("c", "k"), ("j", "i"), ("q", "k"),
]
# SMS Greeklish, before the rules above: θ as 8, ξ as 3 (in a word with letters; numbers stay numbers),
# and η as h after a consonant that does not make a pair with h (ch, kh, ph, sh, th stay pairs).
_SMS_H = re.compile(r"(?<=[bdfglmnrvz38])h")
_SMS_DIGITS = {"8": "th", "3": "ks"}
_SMS_ENDING = re.compile(r"ths$")  # "-της" typed "-ths" (no Greek name ends in θς)
# Latin capitals (and a few small letters) that look like Greek ones, read as Greek in a Greek word.
_LOOKALIKES = str.maketrans("ABEHIKMNOPTXYZaeikoptux", "ΑΒΕΗΙΚΜΝΟΡΤΧΥΖαεικορτυχ")
_GREEK = re.compile(r"[\u0370-\u03ff]")
_LATIN_LETTERS = re.compile(r"[a-z]")
_WORD_BREAK = re.compile(r"[\s,.;:/\-_'()\"]+")
_GREEK_DIGRAPH_RE = re.compile("|".join(d for d, _ in _GREEK_DIGRAPHS))
_GREEK_DIGRAPH_MAP = dict(_GREEK_DIGRAPHS)
_LATIN_RE = re.compile("|".join(d for d, _ in _LATIN_RULES))
_LATIN_MAP = dict(_LATIN_RULES)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLES = re.compile(r"([a-z])\1+")


def strip_accents(text: str) -> str:
    """Remove accents and diaeresis: "Παπαδόπουλος" -> "Παπαδοπουλος"."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def latin_spelling(text: str) -> str:
    """A readable Latin spelling, lower case (ELOT 743, simplified): "Αϊσέ Μουσταφά" -> "aise moustafa"."""
    return strip_accents(text).lower().replace("ου", "ou").translate(_GREEK_TO_LATIN)


def _as_typed(word: str) -> str:
    """A word before its key: Latin look-alikes read as Greek in a Greek word (before lower-casing:
    a Latin Y is Υ, a small y is not), accents off, lower case."""
    if _GREEK.search(word):
        word = word.translate(_LOOKALIKES)
    return strip_accents(word).casefold()


def _word_key(word: str) -> str:
    if not _GREEK.search(word) and _LATIN_LETTERS.search(word):
        word = _SMS_ENDING.sub("tis", word)
        word = _SMS_H.sub("i", word)
        word = "".join(_SMS_DIGITS.get(ch, ch) for ch in word)
    word = _GREEK_DIGRAPH_RE.sub(lambda m: _GREEK_DIGRAPH_MAP[m.group(0)], word)
    word = "".join(_GREEK_LETTERS.get(ch, ch) for ch in word)
    word = _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group(0)], word)
    word = _NON_WORD.sub("", word)
    return _DOUBLES.sub(r"\1", word)


def search_key(text: str | None) -> str:
    """The search form of a text: words separated by single spaces, ASCII only."""
    if not text:
        return ""
    words = (_word_key(_as_typed(w)) for w in _WORD_BREAK.split(str(text)))
    return " ".join(w for w in words if w)


def search_terms(query: str | None) -> list[str]:
    """The keys of each word typed in a search box, longest first (most selective)."""
    return sorted(set(search_key(query).split()), key=len, reverse=True)


def search_alternatives(query: str | None) -> list[list[str]]:
    """Per word typed (longest first), the keys it may stand for: its key, and, where a Latin u was
    typed alone (not in ou), the key with υ's i there ("kuriakos" is Κυριάκος, "mustafa" Μουσταφά)."""
    words = [_as_typed(w) for w in _WORD_BREAK.split(str(query or "")) if w]
    alternatives = {}
    for word in words:
        key = _word_key(word)
        if not key:
            continue
        keys = [key]
        if not _GREEK.search(word) and re.search(r"(?<!o)u", word):
            keys.append(_word_key(re.sub(r"(?<!o)u", "y", word)))
        alternatives.setdefault(key, list(dict.fromkeys(keys)))
    return [alternatives[key] for key in sorted(alternatives, key=len, reverse=True)]


def filter_by_search(queryset, query: str | None, field: str = "search_text"):
    """Keep the rows whose search column contains every word typed (in any order), each in one of
    the spellings it may stand for (`search_alternatives`).

    On PostgreSQL a trigram index (see core.db.migration_ops.TrigramIndex) serves these lookups.
    """
    from django.db.models import Q

    for keys in search_alternatives(query):
        condition = Q()
        for key in keys:
            condition |= Q(**{f"{field}__contains": key})
        queryset = queryset.filter(condition)
    return queryset
