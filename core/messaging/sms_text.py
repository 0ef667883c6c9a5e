"""The length of an SMS, and fitting a text into two parts."""


# --- SMS length --------------------------------------------------------------------------------
# An SMS is sent in GSM-7 when every character is in the GSM 03.38 alphabet (160 characters, 153
# per part when split), else in UCS-2 (70, 67 per part): any Greek lower-case letter means UCS-2.
# Each SMS of Kypseli fits in SMS_MAX_SEGMENTS parts: cheaper, and it arrives whole on old phones.

SMS_MAX_SEGMENTS = 2
_GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


def sms_units(text: str) -> tuple[bool, int]:
    """(is GSM-7, length in that encoding's units): an extended GSM character counts twice, a
    character outside the Basic Multilingual Plane counts twice in UCS-2 (UTF-16)."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in text):
        return True, sum(2 if c in _GSM7_EXTENDED else 1 for c in text)
    return False, len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    gsm, units = sms_units(text)
    single, part = (160, 153) if gsm else (70, 67)
    return 1 if units <= single else -(-units // part)


def sms_capacity(text: str, segments: int = SMS_MAX_SEGMENTS) -> int:
    gsm, _units = sms_units(text)
    single, part = (160, 153) if gsm else (70, 67)
    return single if segments == 1 else part * segments


def fit_sms(template: str, values: dict, *, shrink=()) -> str:
    """`template % values`, within SMS_MAX_SEGMENTS parts: when too long, the values named in
    `shrink` (free texts such as a place or a title; the longest loses a character at a time) are cut
    and end in "…"; what
    the person needs to act (date, time, phone, link) is never in `shrink`. As a last resort the
    text itself is cut, so that no SMS ever goes out longer."""
    values = {key: str(value) for key, value in values.items()}
    text = template % values
    cut = {key: values[key] for key in shrink if f"%({key})s" in template}  # each without its "…"
    while sms_segments(text) > SMS_MAX_SEGMENTS:
        candidates = [key for key in cut if len(cut[key]) > 1]  # each pass makes one strictly shorter
        if not candidates:
            return text[:sms_capacity(text) - 1] + "…"
        key = max(candidates, key=lambda k: len(cut[k]))  # the longest loses a character: fair to both
        cut[key] = cut[key][:-1].rstrip(" ,.·") or cut[key][:1]
        values[key] = cut[key] + "…"
        text = template % values
    return text


def first_phone(phones: str) -> str:
    """The first of the centre's phone numbers ("25210 23456, 25210 34567" → "25210 23456")."""
    for separator in (",", ";", "/", " - "):
        phones = phones.split(separator)[0]
    return phones.strip()
