"""The scanning toolkit shared by every scan station: the card scan at a distribution table, the
ticket check-in at an event's door, the barcode scan of the stock pages.

* `scanned_text(text)`: what a scanner or a keyboard sent, as the Latin capitals of the keys pressed.
  A USB or Bluetooth scanner is a keyboard: it "types" the code. With the computer's layout set to
  Greek, the Latin letters of a code arrive as the Greek letters on the same keys ("KC1-…" as
  "ΚΨ1-…", "EVT-7Q…" as "ΕΩΤ-7;…"); they are mapped back here, once for every station.
* `StationAnswer`: the answer to one scan, as core's scan station widget (static/js/scan-station.js)
  shows it and the API returns it: the HTTP status and a body with a stable `outcome` code, a
  translated `message` and `display` (`display(level, headline, lines)`), plus the members of the
  app's own answer (the household and its basket; the registration).
* Answering once per request id (retries of a scanner on a weak network): `core.idempotency`.
"""

from dataclasses import dataclass

# The standard Greek keyboard layout: the character each Latin key types (Shift for capitals, ";" and
# ":" on the Q key, "ς" and "΅" on the W key), and that Latin key.
LATIN_KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GREEK_CAPITALS = "ΑΒΨΔΕΦΓΗΙΞΚΛΜΝΟΠ:ΡΣΤΘΩ΅ΧΥΖ"
GREEK_SMALL = "αβψδεφγηιξκλμνοπ;ρστθωςχυζ"
GREEK_LAYOUT = str.maketrans(GREEK_CAPITALS + GREEK_SMALL, LATIN_KEYS + LATIN_KEYS.lower())


def scanned_text(text) -> str:
    """The code a scanner or a person typed, as Latin capitals: letters typed with the Greek layout
    become the Latin letters of their keys, surrounding spaces and line ends go. Each station then
    reads its own kind of code from it (`distribution.identifiers.parse_code`,
    `events.services.door.normalise_code`, `inventory.codes.normalize_code`)."""
    return str(text or "").translate(GREEK_LAYOUT).upper().strip()


def display(level: str, headline, lines, action=None) -> dict:
    """What the station widget shows in big type: `level` "ok" (hand over, admit), "warn" (look
    closer) or "bad" (refuse), a headline and the lines below it; `action`, the word the volunteer acts
    on ("Δώστε", "Μην δώσετε"), first and largest, so that nobody has to read a colour or an icon."""
    shown = {"level": level, "headline": str(headline), "lines": [str(line) for line in lines]}
    if action:
        shown["action"] = str(action)
    return shown


@dataclass
class StationAnswer:
    """The answer to one scan: `status` (HTTP) and `body` (`outcome`, `message`, `display`, and the
    app's members). `replay`: the answer stored for a request id already answered, given again."""

    status: int
    body: dict
    replay: bool = False

    @property
    def outcome(self) -> str:
        return self.body["outcome"]

    @property
    def http_status(self) -> int:
        return self.status
