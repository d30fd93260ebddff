"""WGS84 coordinates as they arrive in requests and files: pure, no database.

A coordinate is a number in range or it is refused: text, booleans, NaN and infinities
are errors (400, nothing written), never coerced.
"""

from __future__ import annotations

import math

LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)


def coordinate(value, label: str, low: float, high: float, *, text_ok: bool = False):
    """(number, None) or (None, why). `text_ok` accepts "51.5" (a CSV cell), not "abc"."""
    if isinstance(value, str) and text_ok:
        try:
            value = float(value.strip())
        except ValueError:
            return None, f"{label} must be a number."
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"{label} must be a number."
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        return None, f"{label} must be between {low:g} and {high:g}."
    return number, None


def lat_lon(lat, lon, *, text_ok: bool = False) -> tuple[float | None, float | None, dict]:
    """Both coordinates and the errors by field ({"lat": [...], "lon": [...]})."""
    errors: dict[str, list[str]] = {}
    lat_value, why = coordinate(lat, "Latitude", *LAT_RANGE, text_ok=text_ok)
    if why:
        errors["lat"] = [why]
    lon_value, why = coordinate(lon, "Longitude", *LON_RANGE, text_ok=text_ok)
    if why:
        errors["lon"] = [why]
    return lat_value, lon_value, errors
