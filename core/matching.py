"""Matching a person across centres without sharing who she is: a keyed hash of her AMKA.

The region counts a person who received support at two centres in a period once where the ESF+
regulation counts people (participants, end recipients). Centres do not share their people: what leaves
a centre's figures is `match_key(amka)`, HMAC-SHA256 of the normalised AMKA under `PERSON_MATCH_KEY`, an
installation secret from the environment, and only in memory, to be counted (never shown, never stored).
Not SECRET_KEY: rotating the session secret must not change the matching, and whoever learns the match
key cannot forge sessions. Without the key a match key names no one; a plain hash would (an AMKA is
11 digits: every value can be hashed and looked up in minutes). People without an AMKA cannot be matched
and are counted by each centre; with no key set, nobody is matched (and the report says so).
"""

import functools
import hashlib
import hmac

from django.conf import settings

DOMAIN = b"kypseli/person-match/amka/v1:"  # a key used for nothing else, versioned


def normalise_amka(value) -> str:
    """The AMKA's 11 digits ("" when it is not 11 digits once spaces and dashes are left out)."""
    if isinstance(value, str) and len(value) == 11 and value.isascii() and value.isdigit():
        return value  # as stored, most often: no character to leave out
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return digits if len(digits) == 11 else ""


def matching_key() -> bytes:
    return (getattr(settings, "PERSON_MATCH_KEY", "") or "").encode()


def match_key(amka) -> str | None:
    """The person's match key (hex), the same at every centre of the installation; None without an AMKA
    or without the installation's key."""
    return match_keyer()(amka)


def match_keyer():
    """`match_key` with the installation's key looked up once: for the many people of a report."""
    key = matching_key()
    if not key:
        return lambda amka: None
    keyed = _keyed(key)

    def key_of(amka) -> str | None:
        digits = normalise_amka(amka)
        if not digits:
            return None
        mac = keyed.copy()  # HMAC(key, DOMAIN + digits), the key's set-up done once, not per person
        mac.update(digits.encode())
        return mac.hexdigest()

    return key_of


@functools.lru_cache(maxsize=4)
def _keyed(key: bytes):
    """The HMAC under `key` that has read DOMAIN: copied for each AMKA (a region's report hashes ~100,000)."""
    return hmac.new(key, DOMAIN, hashlib.sha256)
