"""Pure rules of the intelligence app (no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from cad.kernel.normalise import (
    address_key,
    building_keys,
    name_key,
    phone_key,
    postcode_key,
    premises_key,
)
from intelligence import RISK_KINDS

KIND_CHOICES = [
    ("domestic_abuse", "Domestic abuse"),
    ("marac", "MARAC"),
    ("dvds", "Domestic violence disclosure scheme"),
    ("safeguarding_children", "Safeguarding (children)"),
    ("safeguarding_adults", "Safeguarding (adults)"),
    ("threat_to_life", "Threat to life"),
    ("warning_marker", "Warning marker"),
    ("other", "Other"),
]
KINDS = frozenset(value for value, _ in KIND_CHOICES)
KIND_LABELS = dict(KIND_CHOICES)

# Government Security Classifications; OFFICIAL-SENSITIVE is the usual code for intelligence.
HANDLING_CODES = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET")
DEFAULT_HANDLING_CODE = "OFFICIAL-SENSITIVE"

# "same_building": the log is on another flat of the building (or the whole building when
# a flat was asked about): shown, but ranked below a match on the address itself.
MATCH_ORDER = ("phone", "address", "same_building", "person")
SAME_BUILDING = "same_building"


def is_risk(kind: str) -> bool:
    return kind in RISK_KINDS


def street_key(key: str) -> str:
    """The address key without its postcode: "<numbers>|<street>" ("" if either is missing)."""
    parts = key.split("|")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        return ""
    return f"{parts[1]}|{parts[2]}"


def address_keys(address: str | None, postcode: str | None) -> dict[str, str]:
    """Every key stored for (or matched against) an address."""
    full = address_key(address, postcode)
    return {
        "address_key": full,
        "premises_key": premises_key(address, postcode),
        "street_key": street_key(full),
        "postcode_key": full.split("|", 1)[0] if full else postcode_key(postcode),
        **building_keys(address, postcode),
    }


def parse_dob(value) -> date | None:
    """A date of birth from a date or an ISO string; ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    return date.fromisoformat(text)


def person_key(name: str | None, dob) -> tuple[str, date | None]:
    return name_key(name), parse_dob(dob)


def order_matched_on(matched: set[str] | list[str]) -> list[str]:
    # On the address itself, the log is not also "same building".
    kinds = [kind for kind in MATCH_ORDER if kind in matched]
    return [kind for kind in kinds if kind != SAME_BUILDING or "address" not in kinds]


def building_only(matched_on: list[str]) -> bool:
    """Found through the building alone (a name may agree too), not the address or phone."""
    return SAME_BUILDING in matched_on and not {"address", "phone"} & set(matched_on)


def hit_sort_key(hit: dict) -> tuple:
    """Risk kinds first, then those on the address before those on the building, then the
    most matched, then the most recent."""
    occurred = hit.get("occurred_at") or ""
    return (
        0 if is_risk(hit["kind"]) else 1,
        building_only(hit["matched_on"]),
        -len(hit["matched_on"]),
        _desc(occurred),
        hit["id"],
    )


def _desc(text: str) -> str:
    # Reverse the order of ISO strings without parsing them.
    return "".join(chr(0x10FFFF - ord(char)) for char in text)


def request_due_at(requested_at: datetime, answer_seconds: int) -> datetime:
    return requested_at + timedelta(seconds=answer_seconds)


def overdue_severity(*, due_at: datetime, answer_seconds: int, now: datetime) -> str:
    """Overdue requests warn; one more answer period later they are a danger."""
    return "danger" if now >= due_at + timedelta(seconds=answer_seconds) else "warning"


__all__ = [
    "HANDLING_CODES",
    "KINDS",
    "KIND_CHOICES",
    "address_keys",
    "is_risk",
    "parse_dob",
    "person_key",
    "phone_key",
    "street_key",
]
