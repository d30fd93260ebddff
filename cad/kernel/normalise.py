"""Normalised subject keys shared by call handling, intelligence and schemes.

Pure functions, no database. A key is what is stored in an indexed column and
matched exactly; an empty string means "nothing usable to match on".

- phone_key: E.164 via phonenumbers, default region GB.
  "07700 900123", "+44 7700 900123" and "447700900123" → "+447700900123".
- postcode_key: upper case without spaces ("sw1a 1aa" → "SW1A1AA").
- address_key: "<POSTCODE>|<numbers>|<street tokens>"; flat and house numbers
  are sorted so "Flat 2, 14 Acacia Ave" and "14 Acacia Avenue, flat 2" agree.
- premises_key: "<POSTCODE>|<numbers>", the part that must agree for a match
  when a postcode is known (street spellings vary more than numbers do).
- name_key: Metaphone of first and last name, so "Jon Smyth" ~ "John Smith";
  titles ("Dr", "Mrs") and apostrophes are ignored, initials count only when alone.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish
import phonenumbers

DEFAULT_REGION = "GB"

POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b")
NUMBER_RE = re.compile(r"\b(\d+[A-Z]?)\b")
WORD_RE = re.compile(r"[A-Z]+")

STREET_SUFFIXES = {
    "AVENUE": "AVE",
    "AV": "AVE",
    "ROAD": "RD",
    "STREET": "ST",
    "LANE": "LN",
    "DRIVE": "DR",
    "CLOSE": "CL",
    "COURT": "CT",
    "CRESCENT": "CRES",
    "GARDENS": "GDNS",
    "PLACE": "PL",
    "SQUARE": "SQ",
    "TERRACE": "TER",
    "GROVE": "GR",
    "PARK": "PK",
    "WAY": "WAY",
    "HOUSE": "HO",
}
SUFFIX_VALUES = set(STREET_SUFFIXES.values())
# Titles and suffixes say nothing about who a person is.
NAME_TITLES = {"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "SIR", "DAME", "LADY", "LORD"}
NAME_TITLES |= {"REV", "MASTER", "JR", "JNR", "SR", "SNR"}
# Words that say what kind of number follows, not where the premises are.
ADDRESS_NOISE = {"FLAT", "APARTMENT", "APT", "UNIT", "NO", "NUMBER", "THE", "OF", "AND"}


def fold(text: str) -> str:
    """Upper case ASCII with accents removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return decomposed.encode("ascii", "ignore").decode("ascii").upper()


def phone_key(raw: str | None, region: str = DEFAULT_REGION) -> str:
    """E.164 for a possible number, "" for anything else (letters, too short, empty)."""
    if not raw or not raw.strip():
        return ""
    text = raw.strip()
    if re.search(r"[A-Za-z]", text):
        return ""
    digits = re.sub(r"[^\d+]", "", text)
    # "447700900123": international digits without the plus.
    if not digits.startswith(("+", "0")) and len(digits) > 10:
        digits = "+" + digits
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def postcode_key(raw: str | None) -> str:
    text = re.sub(r"\s+", "", fold(raw or ""))
    return text if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", text) else ""


def _split_address(address: str, postcode: str) -> tuple[str, list[str], list[str]]:
    text = fold(address)
    code = postcode_key(postcode)
    found = POSTCODE_RE.search(text)
    if found:
        code = code or postcode_key(found.group(0))
        text = text[: found.start()] + " " + text[found.end() :]
    numbers = sorted(set(NUMBER_RE.findall(text)))
    words = [
        STREET_SUFFIXES.get(word, word)
        for word in WORD_RE.findall(NUMBER_RE.sub(" ", text))
        if word not in ADDRESS_NOISE
    ]
    return code, numbers, words


# The widths of the key columns: a key is for matching, so an absurdly long address or
# name is matched on its first characters instead of failing to save.
ADDRESS_KEY_MAX = 200
PREMISES_KEY_MAX = 64
NAME_KEY_MAX = 64


def address_key(address: str | None, postcode: str | None = "") -> str:
    code, numbers, words = _split_address(address or "", postcode or "")
    if not (numbers or words):
        return ""
    # Street words up to the first street suffix: towns and districts are spelt too many ways.
    street_words: list[str] = []
    for word in words:
        street_words.append(word)
        if word in SUFFIX_VALUES or len(street_words) == 3:
            break
    street = " ".join(street_words)
    return f"{code}|{'-'.join(numbers)}|{street}"[:ADDRESS_KEY_MAX]


def premises_key(address: str | None, postcode: str | None = "") -> str:
    code, numbers, _ = _split_address(address or "", postcode or "")
    if not code or not numbers:
        return ""
    return f"{code}|{'-'.join(numbers)}"[:PREMISES_KEY_MAX]


def name_key(name: str | None) -> str:
    # "O'Neill" and "ONeill" are one name.
    text = fold(name or "").replace("'", "")
    words = [w for w in WORD_RE.findall(text) if w not in NAME_TITLES]
    # Initials only count when there is nothing else ("Ms A").
    words = [w for w in words if len(w) > 1] or words
    if not words:
        return ""
    parts = [words[0]] if len(words) == 1 else [words[0], words[-1]]
    return " ".join(jellyfish.metaphone(part) for part in parts)[:NAME_KEY_MAX]
