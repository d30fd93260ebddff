"""Validation of an intelligence log's input (pure: no database).

Used by the API, the bulk import and the demo data alike, so a log is either
whole and valid or not written at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cad.kernel.errors import InvalidInput
from cad.kernel.gazetteer import uprn_value
from cad.kernel.normalise import name_key, phone_key
from intelligence.rules import HANDLING_CODES, KINDS, address_keys, parse_dob

SUMMARY_MAX = 300
# Clocks disagree a little; a log from further in the future is a typing error.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass
class CleanPerson:
    name: str
    dob: date | None
    name_key: str
    role: str = ""


@dataclass
class CleanAddress:
    address: str
    postcode: str
    keys: dict[str, str]
    # Given by the source (its gazetteer's UPRN); else the service looks it up.
    uprn: int | None = None


@dataclass
class CleanPhone:
    number: str
    phone_key: str


@dataclass
class CleanLog:
    kind: str
    summary: str
    details: str
    occurred_at: datetime
    handling_code: str
    source: str
    source_ref: str | None
    persons: list[CleanPerson] = field(default_factory=list)
    addresses: list[CleanAddress] = field(default_factory=list)
    phones: list[CleanPhone] = field(default_factory=list)


def _text(value, *, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def parse_moment(value) -> datetime:
    """An aware datetime from a datetime or ISO text (naive means the force's local time)."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = _text(value)
        if not text:
            raise ValueError("empty")
        moment = parse_datetime(text)
        if moment is None:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def clean_log(data: dict, *, now: datetime) -> CleanLog:
    """Validate one log; InvalidInput with every field error at once."""
    errors: dict[str, list[str]] = {}

    kind = _text(data.get("kind"))
    if kind not in KINDS:
        errors["kind"] = [f"Unknown kind {kind!r}; one of: {', '.join(sorted(KINDS))}."]

    summary = _text(data.get("summary"))
    if not summary:
        errors["summary"] = ["A summary is required."]
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = [f"At most {SUMMARY_MAX} characters."]

    occurred_at = None
    try:
        occurred_at = parse_moment(data.get("occurred_at"))
        if occurred_at > now + FUTURE_TOLERANCE:
            errors["occurred_at"] = ["Cannot be in the future."]
    except (TypeError, ValueError):
        errors["occurred_at"] = ["A date and time (ISO 8601) is required."]

    handling_code = _text(data.get("handling_code")) or "OFFICIAL-SENSITIVE"
    if handling_code not in HANDLING_CODES:
        errors["handling_code"] = [f"One of: {', '.join(HANDLING_CODES)}."]

    source_ref = _text(data.get("source_ref")) or None
    if source_ref and len(source_ref) > 100:
        errors["source_ref"] = ["At most 100 characters."]

    persons, person_errors = _clean_persons(data.get("persons") or [], now=now)
    addresses, address_errors = _clean_addresses(data.get("addresses") or [])
    phones, phone_errors = _clean_phones(data.get("phones") or [])
    for name, messages in (
        ("persons", person_errors),
        ("addresses", address_errors),
        ("phones", phone_errors),
    ):
        if messages:
            errors[name] = messages
    if not (persons or addresses or phones) and not (
        person_errors or address_errors or phone_errors
    ):
        errors["subjects"] = [
            "At least one person, address or phone number is required: "
            "a log with no subject can never be found by a check."
        ]

    if errors:
        raise InvalidInput(errors)
    return CleanLog(
        kind=kind,
        summary=summary,
        details=_text(data.get("details")),
        occurred_at=occurred_at,
        handling_code=handling_code,
        source=_text(data.get("source"), limit=100),
        source_ref=source_ref,
        persons=persons,
        addresses=addresses,
        phones=phones,
    )


def _as_list(value) -> list | None:
    return value if isinstance(value, list | tuple) else None


def _clean_persons(raw, *, now: datetime) -> tuple[list[CleanPerson], list[str]]:
    items = _as_list(raw)
    if items is None:
        return [], ["A list of {name, dob} objects is required."]
    persons, errors = [], []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(f"Person {index}: an object with name and dob is required.")
            continue
        name = _text(item.get("name"), limit=200)
        key = name_key(name)
        if not key:
            errors.append(f"Person {index}: a name with letters is required.")
            continue
        try:
            dob = parse_dob(item.get("dob"))
        except (TypeError, ValueError):
            errors.append(f"Person {index}: date of birth must be YYYY-MM-DD.")
            continue
        if dob and dob > now.date():
            errors.append(f"Person {index}: date of birth cannot be in the future.")
            continue
        persons.append(
            CleanPerson(name=name, dob=dob, name_key=key, role=_text(item.get("role"), limit=32))
        )
    return persons, errors


def _clean_addresses(raw) -> tuple[list[CleanAddress], list[str]]:
    items = _as_list(raw)
    if items is None:
        return [], ["A list of {address, postcode} objects is required."]
    addresses, errors = [], []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(f"Address {index}: an object with address and postcode is required.")
            continue
        address = _text(item.get("address"), limit=300)
        postcode = _text(item.get("postcode"), limit=16)
        keys = address_keys(address, postcode)
        if not keys["address_key"]:
            errors.append(f"Address {index}: a street address is required.")
            continue
        if len(keys["address_key"]) > 200 or len(keys["premises_key"]) > 64:
            errors.append(f"Address {index}: too many numbers to be one address.")
            continue
        if postcode and not keys["postcode_key"]:
            errors.append(f"Address {index}: {postcode!r} is not a UK postcode.")
            continue
        uprn = item.get("uprn")
        if uprn in (None, ""):
            uprn = None
        else:  # a CSV or JSON Lines import writes it as text
            uprn, why = uprn_value(uprn)
            if why:
                errors.append(f"Address {index}: {why[0].lower()}{why[1:]}")
                continue
        addresses.append(CleanAddress(address=address, postcode=postcode, keys=keys, uprn=uprn))
    return addresses, errors


def _clean_phones(raw) -> tuple[list[CleanPhone], list[str]]:
    items = _as_list(raw)
    if items is None:
        return [], ["A list of phone numbers is required."]
    phones, errors, seen = [], [], set()
    for index, item in enumerate(items, start=1):
        number = _text(item, limit=64)
        key = phone_key(number)
        if not key:
            errors.append(f"Phone {index}: {number!r} is not a phone number.")
            continue
        if key not in seen:
            seen.add(key)
            phones.append(CleanPhone(number=number, phone_key=key))
    return phones, errors


def report_bound(value: str, field_name: str) -> datetime | None:
    """A report's from/to bound: an ISO date (midnight, local time) or date-time."""
    if not value:
        return None
    try:
        return parse_moment(value)
    except ValueError:
        raise InvalidInput({field_name: ["An ISO 8601 date or date-time is required."]}) from None
