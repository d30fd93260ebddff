"""The gazetteer: address points found from what a call handler types.

Plain indexed columns, no PostGIS or trigram extension (cad.models.AddressPoint):
- a number and a street prefix: `number = '14' AND street LIKE 'ACACIA AV%'`;
- a street prefix alone: `street LIKE 'ACACIA AV%'`, in index order;
- a postcode (whole, or its start): `postcode_key LIKE 'NT12%'`.
Each is one index range read of at most CANDIDATES rows; the candidates are then scored in
Python (`score`), so a lookup costs the same with 2,000 points or 2,000,000.

`resolve` is what incident creation, schemes and intelligence use on an address as typed:
the UPRN when exactly one point is that flat (or that house), else only the building's
place when every candidate is in one building.
"""

from __future__ import annotations

from dataclasses import dataclass

from cad.kernel.normalise import ParsedAddress, fold, parse_address, postcode_key
from cad.models import AddressPoint

CANDIDATES = 60
LIMIT = 10
MIN_STREET_CHARS = 3
POSTCODE_PREFIX_CHARS = 3  # "NT1": an outward code is enough to start looking
# A best match must score this much to be resolved without a handler choosing it.
CONFIDENT_SCORE = 0.8


def point_columns(address: str, postcode: str) -> dict[str, str]:
    """The search columns of an address point, from its address and postcode."""
    parsed = parse_address(address, postcode)
    return {
        "postcode_key": parsed.postcode,
        "number": parsed.number[:16],
        "flat": parsed.flat[:32],
        "street": parsed.street[:120],
        "building": parsed.building[:120],
    }


def _candidates(parsed: ParsedAddress, postcode_text: str) -> list[AddressPoint]:
    found: dict[int, AddressPoint] = {}
    fields = ("uprn", "address", "postcode", "lat", "lon", "postcode_key", "number", "flat")
    fields += ("street", "building")

    def take(queryset) -> None:
        for point in queryset.only(*fields)[:CANDIDATES]:
            found.setdefault(point.uprn, point)

    street = parsed.street if len(parsed.street) >= MIN_STREET_CHARS else ""
    code = parsed.postcode or postcode_text
    if code and len(code) >= POSTCODE_PREFIX_CHARS:
        # The postcode's own points first: a postcode holds tens of points, not thousands.
        points = AddressPoint.objects.filter(postcode_key__startswith=code)
        if parsed.number:
            points = points.filter(number=parsed.number)
        take(points.order_by("postcode_key", "number", "flat"))
    # The street as typed too when its last word was read as a suffix ("MILL GR" may be
    # "MILL GREEN", not "MILL GROVE"): one more index range, only then.
    prefixes = [street] if street else []
    if street and parsed.street_typed != street:
        prefixes.append(parsed.street_typed)
    if parsed.number:
        for prefix in prefixes:
            take(
                AddressPoint.objects.filter(
                    number=parsed.number, street__startswith=prefix
                ).order_by("number", "street")
            )
    if not parsed.number or not found:
        for prefix in prefixes:
            take(
                AddressPoint.objects.filter(street__startswith=prefix).order_by("street", "number")
            )
    return list(found.values())


def score(parsed: ParsedAddress, postcode_text: str, point: AddressPoint) -> float:
    """0..1: how well a point fits what was typed (street, number, flat, postcode, town)."""
    total = 0.0
    if parsed.street:
        if point.street == parsed.street:
            total += 0.35
        elif point.street.startswith(parsed.street):
            total += 0.35 * len(parsed.street) / max(len(point.street), 1)
        elif parsed.street_typed and point.street.startswith(parsed.street_typed):
            total += 0.35 * len(parsed.street_typed) / max(len(point.street), 1)
    else:
        total += 0.15  # a postcode alone says nothing about the street
    if parsed.number:
        total += 0.2 if point.number == parsed.number else 0.0
    elif not point.number:
        total += 0.1
    # A flat asked for and found; no flat asked for and the point is a whole house.
    if parsed.flat:
        total += 0.2 if point.flat == parsed.flat else 0.0
    elif not point.flat:
        total += 0.2
    else:
        total += 0.1
    code = parsed.postcode or postcode_text
    if code and point.postcode_key == code:
        total += 0.15
    elif code and point.postcode_key.startswith(code):
        total += 0.1
    elif not code:
        total += 0.05
    words = set(parsed.others) | set(parsed.building.split())
    if words:
        have = set(fold(point.address).replace(",", " ").split())
        total += 0.1 * len(words & have) / len(words)
    else:
        total += 0.05
    return round(min(total, 1.0), 3)


def _postcode_text(postcode: str) -> str:
    """A whole postcode's key, or the start of one as typed so far ("nt1 2" → "NT12")."""
    key = postcode_key(postcode)
    if key:
        return key
    text = "".join(fold(postcode or "").split())
    return text if text.isalnum() and len(text) <= 7 else ""


def point_dict(point: AddressPoint, value: float) -> dict:
    return {
        "uprn": point.uprn,
        "address": point.address,
        "postcode": point.postcode,
        "lat": point.lat,
        "lon": point.lon,
        "score": value,
    }


def _ranked(q: str, postcode: str) -> list[tuple[float, AddressPoint]]:
    parsed = parse_address(q, postcode)
    postcode_text = "" if parsed.postcode else _postcode_text(postcode)
    if not parsed.street and not parsed.postcode and len(postcode_text) < POSTCODE_PREFIX_CHARS:
        return []
    ranked = [
        (score(parsed, postcode_text, point), point) for point in _candidates(parsed, postcode_text)
    ]
    ranked.sort(key=lambda pair: (-pair[0], pair[1].street, pair[1].postcode_key, pair[1].uprn))
    return ranked


def geocode(q: str = "", postcode: str = "", limit: int = LIMIT) -> list[dict]:
    """Address points for what was typed, best first (the geocode API's body)."""
    return [point_dict(point, value) for value, point in _ranked(q, postcode)[:limit]]


@dataclass(frozen=True)
class Resolved:
    """What an address as typed resolves to: a UPRN only when it is one place."""

    uprn: int | None
    lat: float
    lon: float
    address: str


def resolve(address: str, postcode: str = "") -> Resolved | None:
    """The one address point an address names, or its building's place, or None."""
    if not (address or postcode):
        return None
    parsed = parse_address(address, postcode)
    if not parsed.number or not parsed.street:
        return None
    ranked = _ranked(address, postcode)
    same = [
        point
        for _, point in ranked
        if point.street == parsed.street
        and point.number == parsed.number
        and (not parsed.postcode or point.postcode_key == parsed.postcode)
    ]
    if not same:
        return None
    exact = [point for point in same if point.flat == parsed.flat]
    if len(exact) == 1 and ranked[0][0] >= CONFIDENT_SCORE:
        point = exact[0]
        return Resolved(uprn=point.uprn, lat=point.lat, lon=point.lon, address=point.address)
    # Several flats (or the same street in two towns): the building's place only if it is one.
    if len({point.postcode_key for point in same}) == 1:
        first = same[0]
        return Resolved(uprn=None, lat=first.lat, lon=first.lon, address="")
    return None
