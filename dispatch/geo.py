"""Distances, travel-time estimates and position rules: pure, no database.

Distances are great-circle ("straight line") on a spherical Earth: a road route is
longer, so an ETA from them is an estimate and is labelled so on every screen. The
same formula runs in SQL (`dispatch.selectors`) where many units are ranked at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from cad.kernel.coordinates import LAT_RANGE, LON_RANGE, coordinate

# Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8

SPEED_MAX_MS = 150.0  # faster than any police vehicle: a feed error


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def eta_seconds(distance_m: float, speed_kmh: float) -> int:
    """Seconds to cover a straight-line distance at an average speed (rounded up)."""
    if speed_kmh <= 0:
        raise ValueError("speed must be positive")
    return math.ceil(distance_m / (speed_kmh / 3.6))


def reach_m(seconds: float, speed_kmh: float) -> float:
    """How far (straight line) a unit gets in `seconds` at `speed_kmh`: the inverse of ETA."""
    return max(0.0, seconds) * speed_kmh / 3.6


def degrees_box(lat: float, radius_m: float) -> tuple[float, float]:
    """Half-height and half-width in degrees of a box holding every point within
    `radius_m` of latitude `lat` (a cheap index pre-filter before the exact distance)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = math.cos(math.radians(min(89.0, abs(lat) + dlat)))
    dlon = 180.0 if coslat <= 0 else min(180.0, dlat / coslat)
    return dlat, dlon


def _number(value, name: str, low: float, high: float, errors: dict) -> float | None:
    number, why = coordinate(value, name, low, high)
    if why:
        errors[name] = [why]
    return number


@dataclass(frozen=True)
class Fix:
    """One position report, checked."""

    lat: float
    lon: float
    speed: float | None = None  # metres a second
    heading: float | None = None  # degrees from north


def check_fix(lat, lon, speed=None, heading=None) -> tuple[Fix | None, dict[str, list[str]]]:
    """(the fix, {}) when every value is valid, else (None, errors by field)."""
    errors: dict[str, list[str]] = {}
    lat = _number(lat, "lat", *LAT_RANGE, errors)
    lon = _number(lon, "lon", *LON_RANGE, errors)
    if speed is not None:
        speed = _number(speed, "speed", 0.0, SPEED_MAX_MS, errors)
    if heading is not None:
        heading = _number(heading, "heading", 0.0, 360.0, errors)
    if errors:
        return None, errors
    return Fix(lat, lon, speed, heading), {}


def sample_due(
    *,
    at: datetime,
    lat: float,
    lon: float,
    sampled_at: datetime | None,
    sampled_lat: float | None,
    sampled_lon: float | None,
    every: timedelta,
    metres: float,
) -> bool:
    """Whether a position joins the history: the first, one `every` after the last sample,
    or one that has moved `metres` from it. Pings in between update the last known only."""
    if sampled_at is None or sampled_lat is None or sampled_lon is None:
        return True
    if at - sampled_at >= every:
        return True
    return great_circle_m(sampled_lat, sampled_lon, lat, lon) >= metres


def is_stale(position_at: datetime | None, now: datetime, after: timedelta) -> bool:
    """A position older than `after` is stale (shown as such; still ranked)."""
    return position_at is None or now - position_at > after


def breach_predicted(
    *, now: datetime, deadline: datetime, best_eta_s: int | None, any_unit: bool
) -> bool:
    """No available unit can reach the incident before its deadline.

    `best_eta_s` is the shortest estimate among available units with a known position;
    `any_unit` whether there is an available unit at all. With available units none of
    which has a position the answer is unknown, and nothing is predicted.
    """
    if now >= deadline:
        return False  # the clock itself has breached: its own escalation says so
    if best_eta_s is None:
        return not any_unit
    return now + timedelta(seconds=best_eta_s) > deadline
