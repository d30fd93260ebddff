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
- parse_address: the premises split into flat, building number, street (suffixes written
  out, "ACACIA AVENUE"), building name and postcode; "Flat 2, 14 Acacia Ave" and
  "2, 14 Acacia Avenue" give flat 2 of number 14.
- building_keys: the premises without the flat ("<POSTCODE>|<number>" and
  "<number>|<street>"), so "14 Acacia Avenue" and "Flat 2, 14 Acacia Avenue" are found
  as the same building.
- name_key: Metaphone of first and last name, so "Jon Smyth" ~ "John Smith";
  titles ("Dr", "Mrs") and apostrophes are ignored, initials count only when alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


# --- premises: flat, building number and street ---------------------------------------------

TOKEN_RE = re.compile(r"\d+[A-Z]?\b|[A-Z]+")
# Words before a number that make it a flat (sub-unit) number, not the building's.
FLAT_MARKERS = {"FLAT", "FLATS", "APARTMENT", "APT", "UNIT", "ROOM", "SUITE", "MAISONETTE"}
# The written-out form of each street suffix, so a prefix typed so far ("ACACIA AVEN")
# matches the stored street ("ACACIA AVENUE") however the suffix was abbreviated.
SUFFIX_WORDS = {
    abbreviation: full
    for full, abbreviation in STREET_SUFFIXES.items()
    if full not in {"AV", "HOUSE"}
}
SUFFIX_WORDS.update({"AV": "AVENUE", "AVE": "AVENUE", "WAY": "WAY"})
STREET_ENDS = set(SUFFIX_WORDS.values())
STREET_MAX_WORDS = 4


@dataclass(frozen=True)
class ParsedAddress:
    postcode: str = ""  # postcode_key form ("SW1A1AA")
    flat: str = ""  # sub-unit numbers, "-" between them ("2", "2-B")
    number: str = ""  # the building's number ("14", "14A")
    street: str = ""  # street words with the suffix written out ("ACACIA AVENUE")
    building: str = ""  # a building's name before its number ("ROSE HOUSE")
    others: tuple[str, ...] = ()  # every other word (town, district)
    # The street's words as typed ("ACACIA AV"): a last word typed so far may look like an
    # abbreviation of a suffix ("MILL GR") and be the start of another word ("MILL GREEN").
    street_typed: str = ""

    @property
    def street_abbreviated(self) -> str:
        """The street as address_key writes it ("ACACIA AVE")."""
        return " ".join(STREET_SUFFIXES.get(word, word) for word in self.street.split())


def _take_street(words: list[str]) -> list[str]:
    # A suffix word first is a name ("St Johns Road", "Park Lane"), not the street's end.
    street: list[str] = []
    for word in words:
        street.append(SUFFIX_WORDS.get(word, word) if street else word)
        if (len(street) > 1 and street[-1] in STREET_ENDS) or len(street) == STREET_MAX_WORDS:
            break
    return street


def parse_address(address: str | None, postcode: str | None = "") -> ParsedAddress:
    """Split an address as typed into flat, building number, street and the rest.

    A number after "Flat"/"Apartment"/"Unit" is a flat; of the other numbers, the last one
    followed by a word is the building's number and any before it are flats ("2, 14 Acacia
    Avenue"). The street is the words after the building number up to its suffix (or the
    first words, when there is no number or nothing follows it).
    """
    text = fold(address or "")
    code = postcode_key(postcode)
    found = POSTCODE_RE.search(text)
    if found:
        code = code or postcode_key(found.group(0))
        text = text[: found.start()] + " " + text[found.end() :]
    tokens = TOKEN_RE.findall(text)
    flats: list[str] = []
    unmarked: list[int] = []  # positions of numbers with no flat word before them
    for position, token in enumerate(tokens):
        if not token[0].isdigit():
            continue
        if position and tokens[position - 1] in FLAT_MARKERS:
            flats.append(token)
        else:
            unmarked.append(position)

    def is_word(position: int) -> bool:
        return (
            position < len(tokens)
            and not tokens[position][0].isdigit()
            and tokens[position] not in ADDRESS_NOISE
            and tokens[position] not in FLAT_MARKERS
        )

    building_at = next(
        (position for position in reversed(unmarked) if is_word(position + 1)),
        unmarked[-1] if unmarked else None,
    )
    flats += [tokens[position] for position in unmarked if position != building_at]
    words = [
        (position, token)
        for position, token in enumerate(tokens)
        if not token[0].isdigit() and token not in ADDRESS_NOISE and token not in FLAT_MARKERS
    ]
    if building_at is not None:
        after = [word for position, word in words if position > building_at]
        before = [word for position, word in words if position < building_at]
        street = _take_street(after) or _take_street(before)
        building = before if after else []
    else:
        after, before = [word for _, word in words], []
        street = _take_street(after)
        building = []
    typed = (after if after else before)[: len(street)]
    used = len(street) if after else 0
    rest = after[used:] if after else before[len(street) :]
    return ParsedAddress(
        postcode=code,
        flat="-".join(flats),
        number=tokens[building_at] if building_at is not None else "",
        street=" ".join(street),
        building=" ".join(building),
        others=tuple(rest),
        street_typed=" ".join(typed),
    )


def building_keys(address: str | None, postcode: str | None = "") -> dict[str, str]:
    """The keys of the building an address is in, whatever flat: "building_premises_key"
    ("<POSTCODE>|<number>", "" without a postcode) and "building_street_key"
    ("<number>|<street>", "" without a street). Both "" when there is no building number.
    """
    parsed = parse_address(address, postcode)
    if not parsed.number:
        return {"building_premises_key": "", "building_street_key": ""}
    premises = f"{parsed.postcode}|{parsed.number}" if parsed.postcode else ""
    street = f"{parsed.number}|{parsed.street_abbreviated}" if parsed.street else ""
    return {
        "building_premises_key": premises[:PREMISES_KEY_MAX],
        "building_street_key": street[:ADDRESS_KEY_MAX],
    }


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
