"""Reads of the geography part of dispatch: positions, the nearest available units, the
map and where units were at the moments QART looks back at.

Distances are great-circle ("straight line"), computed in SQL over plain float columns
(no PostGIS); ETAs divide them by the estimated speed of the incident's area.
"""

from __future__ import annotations

import math
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils import timezone

from cad.kernel.moments import iso
from cad.models import AddressPoint, Incident
from dispatch import clocks, geo
from dispatch.geo_services import speed_kmh, stale_after
from dispatch.models import Escalation, Unit, UnitPosition

RECOMMENDATIONS_MAX = 200


def great_circle_m(lat: float, lon: float, lat_field: str = "lat", lon_field: str = "lon"):
    """The haversine distance in metres from (lat, lon) to each row's point, in SQL."""
    number = FloatField()

    def value(x: float) -> Value:
        return Value(float(x), output_field=number)

    half_dlat = Radians(F(lat_field) - value(lat)) / value(2)
    half_dlon = Radians(F(lon_field) - value(lon)) / value(2)
    h = Power(Sin(half_dlat), value(2)) + value(math.cos(math.radians(lat))) * Cos(
        Radians(F(lat_field))
    ) * Power(Sin(half_dlon), value(2))
    distance = value(2 * geo.EARTH_RADIUS_M) * ASin(Least(value(1), Sqrt(h), output_field=number))
    # LEAST skips NULLs: a row with no position has no distance, not the far side of Earth.
    return Case(
        When(**{f"{lat_field}__isnull": True}, then=Value(None)),
        When(**{f"{lon_field}__isnull": True}, then=Value(None)),
        default=distance,
        output_field=number,
    )


def position_of(unit: Unit, now: datetime | None = None) -> dict | None:
    """The unit's last known position as `GET /api/v1/units/` shows it, or None."""
    if unit.lat is None or unit.lon is None or unit.position_at is None:
        return None
    now = now or timezone.now()
    return {
        "lat": unit.lat,
        "lon": unit.lon,
        "at": iso(unit.position_at),
        "stale": geo.is_stale(unit.position_at, now, stale_after()),
    }


def recommendations(
    incident: Incident, *, now: datetime | None = None, limit: int = 20
) -> list[dict]:
    """Available units, nearest first (straight line), each with an ETA estimate.

    Units with no known position come last, by callsign, with no distance; so does
    every unit when the incident has no place yet.
    """
    now = now or timezone.now()
    limit = max(1, min(limit, RECOMMENDATIONS_MAX))
    units = Unit.objects.filter(status=Unit.Status.AVAILABLE)
    located = incident.lat is not None and incident.lon is not None
    if located:
        units = units.annotate(distance_m=great_circle_m(incident.lat, incident.lon)).order_by(
            F("distance_m").asc(nulls_last=True), "callsign"
        )
    else:
        units = units.annotate(distance_m=Value(None, output_field=FloatField())).order_by(
            "callsign"
        )
    rows = units.values_list("callsign", "status", "position_at", "distance_m")[:limit]
    speed = speed_kmh(incident.area)
    after = stale_after()
    return [
        {
            "unit": callsign,
            "status": status,
            "distance_m": round(distance) if distance is not None else None,
            "eta_s": geo.eta_seconds(distance, speed) if distance is not None else None,
            "position_at": iso(position_at),
            "stale": geo.is_stale(position_at, now, after),
        }
        for callsign, status, position_at, distance in rows
    ]


def nearest_replacement(incident: Incident, now: datetime | None = None) -> dict | None:
    """The nearest available unit for an incident (a diverted unit's replacement)."""
    if incident.lat is None or incident.lon is None:
        return None
    rows = recommendations(incident, now=now, limit=1)
    return rows[0] if rows and rows[0]["distance_m"] is not None else None


# --- the map -------------------------------------------------------------------------------


def map_config() -> dict:
    """What the map needs before its data: the basemap (none by default) and its centre."""
    lat, lon = settings.CAD_MAP_CENTRE
    return {
        "tile_url": settings.CAD_MAP_TILE_URL,
        "attribution": settings.CAD_MAP_ATTRIBUTION,
        "centre": [lat, lon],
    }


def map_state(*, now: datetime | None = None) -> dict:
    """Open incidents with a place (grade and clock state) and units with a position
    (status and staleness), as the map draws them."""
    now = now or timezone.now()
    after = stale_after()
    incidents = (
        Incident.objects.filter(status=Incident.Status.OPEN, lat__isnull=False, lon__isnull=False)
        .order_by("response_due_at", "received_at")
        .values(
            "pk",
            "reference",
            "grade",
            "response_due_at",
            "warning_at",
            "first_arrival_at",
            "resourced",
            "lat",
            "lon",
            "address",
            "domestic_abuse",
        )
    )
    units = (
        Unit.objects.filter(lat__isnull=False, lon__isnull=False)
        .order_by("callsign")
        .values("callsign", "status", "lat", "lon", "position_at", "incident__reference")
    )
    return {
        "incidents": [
            {
                "id": row["pk"],
                "reference": row["reference"],
                "grade": row["grade"],
                # As of now: the stored state is as of the last sweep.
                "clock_state": clocks.clock_state(
                    now=now,
                    response_due_at=row["response_due_at"],
                    warning_at=row["warning_at"],
                    first_arrival_at=row["first_arrival_at"],
                ),
                "response_due_at": iso(row["response_due_at"]),
                "resourced": row["resourced"],
                "lat": row["lat"],
                "lon": row["lon"],
                "address": row["address"],
                "domestic_abuse": row["domestic_abuse"],
            }
            for row in incidents
        ],
        "units": [
            {
                "callsign": row["callsign"],
                "status": row["status"],
                "lat": row["lat"],
                "lon": row["lon"],
                "position_at": iso(row["position_at"]),
                "stale": geo.is_stale(row["position_at"], now, after),
                "incident": row["incident__reference"],
            }
            for row in units
        ],
        "server_time": now.isoformat(),
    }


def map_schemes() -> list[dict]:
    """Addresses of special schemes in force, placed by their gazetteer UPRN (a scheme with
    no UPRN is not on the map). Ids only: the scheme's details stay on its own page."""
    scheme = apps.get_model("schemes", "Scheme")
    uprns = scheme.objects.filter(
        status__in=["active", "review_due", "second_stage"], uprn__isnull=False
    ).values_list("pk", "uprn")
    points = dict(
        AddressPoint.objects.filter(uprn__in=[uprn for _, uprn in uprns]).values_list("uprn", "lat")
    )
    lons = dict(AddressPoint.objects.filter(uprn__in=list(points)).values_list("uprn", "lon"))
    return [
        {"id": pk, "lat": points[uprn], "lon": lons[uprn]} for pk, uprn in uprns if uprn in points
    ]


# --- where units were: for QART -------------------------------------------------------------


def position_when(unit: Unit, when: datetime) -> UnitPosition | None:
    """The unit's position known at `when`: its latest kept position at or before then."""
    return (
        UnitPosition.objects.filter(unit=unit, at__lte=when, reason__in=_KNOWN_REASONS)
        .order_by("-at", "-id")
        .first()
    )


_KNOWN_REASONS = [choice.value for choice in UnitPosition.Reason]


def _distance_to(position: UnitPosition | None, incident: Incident) -> int | None:
    if position is None or incident.lat is None or incident.lon is None:
        return None
    return round(geo.great_circle_m(position.lat, position.lon, incident.lat, incident.lon))


def divert_geography(divert, *, now: datetime | None = None) -> dict:
    """Where the diverted unit was when it was diverted and when the incident it left
    breached its clock, how far from each incident (straight line); and, while the
    incident it left is open and unresourced, the nearest available replacement."""
    now = now or timezone.now()
    from_incident, to_incident = divert.from_incident, divert.to_incident
    at_divert = position_when(divert.unit, divert.created_at)
    breach = (
        Escalation.objects.filter(
            incident=from_incident,
            level=Escalation.Level.CLOCK_BREACHED,
            raised_at__gte=divert.created_at,
        )
        .order_by("raised_at", "id")
        .first()
    )
    at_breach = position_when(divert.unit, breach.raised_at) if breach else None
    replacement = None
    if from_incident.status == Incident.Status.OPEN and not from_incident.resourced:
        replacement = nearest_replacement(from_incident, now)
    return {
        "at_divert": at_divert,
        "at_divert_from_m": _distance_to(at_divert, from_incident),
        "at_divert_to_m": _distance_to(at_divert, to_incident),
        "breach": breach,
        "at_breach": at_breach,
        "at_breach_from_m": _distance_to(at_breach, from_incident),
        "replacement": replacement,
        "known": at_divert is not None or replacement is not None or breach is not None,
    }
