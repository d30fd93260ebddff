"""Services of the geography part of dispatch: unit positions and predicted breaches.

A position report updates the unit's last known position with one conditional UPDATE (a
report older than the last known goes to the history only). The history keeps a sample
a while or a distance apart; a publisher sends the samples kept since its last run to the
maps in one event a second, so the event log grows by one row a second, not one a ping.

The predicted-breach sweep raises an escalation, as the clock's are raised (exactly once
per incident and deadline, by a unique constraint), when no available unit can reach an
unresourced incident before its deadline at the estimated speed of the incident's area.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cad.kernel.errors import InvalidInput, RoleRefused
from cad.kernel.events import publish, service_transaction
from cad.kernel.moments import iso
from cad.kernel.policy import allows, require
from cad.kernel.policy import roles as policy_roles
from cad.models import Grade, Incident
from dispatch import geo
from dispatch.models import Escalation, PositionFeed, Unit, UnitPosition

POSITION_AUDIENCE = policy_roles("hears.unit_position")
PREDICTION_AUDIENCE = policy_roles("hears.clock")
# A device's clock may run a little ahead of the server's; further ahead is an error.
FUTURE_TOLERANCE = timedelta(seconds=30)


def sample_every() -> timedelta:
    return timedelta(seconds=settings.CAD_POSITION_SAMPLE_SECONDS)


def stale_after() -> timedelta:
    return timedelta(seconds=settings.CAD_POSITION_STALE_SECONDS)


def speed_kmh(area: str) -> float:
    speeds = settings.CAD_ETA_SPEED_KMH
    return speeds.get(area) or speeds["urban"]


# One statement on the common path: the unit's own terminal (or any unit for the AVL feed
# and admin), and only a report newer than the last known one.
_UPDATE_LAST_KNOWN = """
UPDATE dispatch_unit
   SET lat = %(lat)s, lon = %(lon)s, position_at = %(at)s, speed = %(speed)s,
       heading = %(heading)s
 WHERE callsign = %(callsign)s AND (%(any)s OR terminal_user_id = %(actor)s)
   AND (position_at IS NULL OR position_at <= %(at)s)
RETURNING id, sampled_at, sampled_lat, sampled_lon, status
"""
# Compare and set: of two reports racing past the sample interval, one is kept.
_CLAIM_SAMPLE = """
UPDATE dispatch_unit SET sampled_at = %s, sampled_lat = %s, sampled_lon = %s
 WHERE id = %s AND sampled_at IS NOT DISTINCT FROM %s
"""


def unit_position_report(
    *,
    actor,
    unit: Unit | str,
    lat,
    lon,
    at: datetime | None = None,
    speed=None,
    heading=None,
    now: datetime | None = None,
) -> dict:
    """Record where a unit is: its own terminal, or the AVL feed or an admin for any unit.

    Returns {"callsign", "accepted": "current"|"history", "sampled"}. Bad coordinates
    are refused (400) before anything is written; another unit's terminal gets 403.
    """
    require(actor, "unit.position")
    now = now or timezone.now()
    fix, errors = geo.check_fix(lat, lon, speed, heading)
    at = at or now
    if at > now + FUTURE_TOLERANCE:
        errors["at"] = ["The position's time is in the future."]
    if errors:
        raise InvalidInput(errors)
    callsign = unit.callsign if isinstance(unit, Unit) else str(unit).upper()
    with transaction.atomic(), connection.cursor() as cursor:
        # A position is superseded within seconds: its commit need not wait for the disk
        # (a crash loses at most the last moment's reports, which the devices send again).
        # Alerts, diverts and the rest keep the database's synchronous commit.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            _UPDATE_LAST_KNOWN,
            {
                "lat": fix.lat,
                "lon": fix.lon,
                "at": at,
                "speed": fix.speed,
                "heading": fix.heading,
                "callsign": callsign,
                "any": allows(actor, "unit.position_any"),
                "actor": actor.pk,
            },
        )
        current = cursor.fetchone()
        sampled = (
            current is not None
            and _sample_due(current, at, fix)
            and _keep_sample(current, at, fix, now)
        )
    if current is None:
        # Not written: no such unit (Unit.DoesNotExist), another unit's (403), or older.
        row = Unit.objects.values("pk", "terminal_user_id").get(callsign=callsign)
        if not allows(actor, "unit.position_any") and row["terminal_user_id"] != actor.pk:
            raise RoleRefused("A unit terminal reports its own unit's position only.")
        UnitPosition.objects.create(
            unit_id=row["pk"],
            lat=fix.lat,
            lon=fix.lon,
            at=at,
            speed=fix.speed,
            heading=fix.heading,
            reason=UnitPosition.Reason.LATE,
            recorded_at=now,
        )
        return {"callsign": callsign, "accepted": "history", "sampled": True}
    return {"callsign": callsign, "accepted": "current", "sampled": sampled}


def _sample_due(current: tuple, at: datetime, fix: geo.Fix) -> bool:
    _, sampled_at, sampled_lat, sampled_lon, _ = current
    return geo.sample_due(
        at=at,
        lat=fix.lat,
        lon=fix.lon,
        sampled_at=sampled_at,
        sampled_lat=sampled_lat,
        sampled_lon=sampled_lon,
        every=sample_every(),
        metres=settings.CAD_POSITION_SAMPLE_METRES,
    )


def _keep_sample(current: tuple, at: datetime, fix: geo.Fix, now: datetime) -> bool:
    """Keep the report in the history, unless a racing report of the unit already did."""
    unit_id, sampled_at = current[0], current[1]
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SAMPLE, [at, fix.lat, fix.lon, unit_id, sampled_at])
        if cursor.rowcount != 1:
            return False
    _history_row(unit_id, fix, at, UnitPosition.Reason.SAMPLE, now).save()
    return True


# --- positions in batches (AVL feeds) -----------------------------------------------------

# A feed's poll of every vehicle fits; a larger batch is split by the feed.
BATCH_MAX = 2000

# The same rule as one report's, for many units in one statement: newer than the last known.
_UPDATE_LAST_KNOWN_BATCH = """
UPDATE dispatch_unit u
   SET lat = v.lat, lon = v.lon, position_at = v.at, speed = v.speed, heading = v.heading
  FROM (VALUES %s) AS v (callsign, lat, lon, at, speed, heading)
 WHERE u.callsign = v.callsign AND (u.position_at IS NULL OR u.position_at <= v.at)
RETURNING u.id, u.sampled_at, u.sampled_lat, u.sampled_lon, u.status, u.callsign
"""
_BATCH_ROW = "(%s, %s::float8, %s::float8, %s::timestamptz, %s::float8, %s::float8)"
# Compare and set, as for one report: of a batch racing another report, one sample is kept.
_CLAIM_SAMPLES = """
UPDATE dispatch_unit u
   SET sampled_at = v.at, sampled_lat = v.lat, sampled_lon = v.lon
  FROM (VALUES %s) AS v (id, at, lat, lon, was)
 WHERE u.id = v.id AND u.sampled_at IS NOT DISTINCT FROM v.was
RETURNING u.id
"""
_CLAIM_ROW = "(%s::bigint, %s::timestamptz, %s::float8, %s::float8, %s::timestamptz)"


def _checked_batch(positions, now: datetime) -> list[tuple[str, geo.Fix, datetime]]:
    """(callsign, fix, at) of every item, or InvalidInput naming each bad one by index
    ("positions[3].lat"): one bad item refuses the batch, so nothing of it is written."""
    errors: dict[str, list[str]] = {}
    if not isinstance(positions, list) or not positions:
        raise InvalidInput({"positions": ["A non-empty list of positions."]})
    if len(positions) > BATCH_MAX:
        raise InvalidInput({"positions": [f"At most {BATCH_MAX} positions a batch."]})
    checked, seen = [], set()
    for index, item in enumerate(positions):
        where = f"positions[{index}]"
        if not isinstance(item, dict):
            errors[where] = ["A position object."]
            continue
        callsign = item.get("callsign")
        if not isinstance(callsign, str) or not callsign.strip():
            errors[f"{where}.callsign"] = ["A unit's callsign."]
            callsign = None
        else:
            callsign = callsign.strip().upper()
            if callsign in seen:
                errors[f"{where}.callsign"] = ["One position a unit a batch: send the newest."]
            seen.add(callsign)
        fix, bad = geo.check_fix(
            item.get("lat"), item.get("lon"), item.get("speed"), item.get("heading")
        )
        at = item.get("at") or now
        if at > now + FUTURE_TOLERANCE:
            bad["at"] = ["The position's time is in the future."]
        errors.update({f"{where}.{field}": messages for field, messages in bad.items()})
        if callsign and fix is not None and not bad:
            checked.append((callsign, fix, at))
    if errors:
        raise InvalidInput(errors)
    return checked


def unit_positions_report(*, actor, positions, now: datetime | None = None) -> list[dict]:
    """Record a batch of positions from the AVL feed (or an admin): one a unit, any units.

    The rules are one report's: bad coordinates or times refuse the whole batch (400,
    nothing written); a position older than the unit's last known goes to its history
    only; the history keeps a sample a while or a distance apart; the maps hear of kept
    samples from the publisher. A callsign the system does not know is answered
    "unknown" and the rest are applied. Returns, in the batch's order,
    {"callsign", "accepted": "current"|"history"|"unknown", "sampled"}.
    """
    from psycopg2.extras import execute_values

    require(actor, "unit.position_any")
    now = now or timezone.now()
    checked = _checked_batch(positions, now)
    by_callsign = {callsign: (fix, at) for callsign, fix, at in checked}
    results = dict.fromkeys(by_callsign, ("unknown", False))
    history: list[UnitPosition] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # as one report's: see above
        current = execute_values(
            cursor.cursor,
            _UPDATE_LAST_KNOWN_BATCH,
            # In callsign order, so that two batches sharing units tend to lock them alike.
            [
                (c, f.lat, f.lon, at, f.speed, f.heading)
                for c, f, at in sorted(checked, key=lambda item: item[0])
            ],
            template=_BATCH_ROW,
            page_size=len(checked),
            fetch=True,
        )
        due = {}
        for row in current:
            callsign = row[5]
            fix, at = by_callsign[callsign]
            results[callsign] = ("current", False)
            if _sample_due(row[:5], at, fix):
                due[row[0]] = (callsign, fix, at, row[1])
        if due:
            claimed = execute_values(
                cursor.cursor,
                _CLAIM_SAMPLES,
                [(pk, at, fix.lat, fix.lon, was) for pk, (_, fix, at, was) in sorted(due.items())],
                template=_CLAIM_ROW,
                page_size=len(due),
                fetch=True,
            )
            for (pk,) in claimed:
                callsign, fix, at, _ = due[pk]
                results[callsign] = ("current", True)
                history.append(_history_row(pk, fix, at, UnitPosition.Reason.SAMPLE, now))
        # Not written: older than the last known (history only) or no such unit.
        rest = [callsign for callsign, (accepted, _) in results.items() if accepted == "unknown"]
        for pk, callsign in Unit.objects.filter(callsign__in=rest).values_list("pk", "callsign"):
            fix, at = by_callsign[callsign]
            results[callsign] = ("history", True)
            history.append(_history_row(pk, fix, at, UnitPosition.Reason.LATE, now))
        UnitPosition.objects.bulk_create(history)
    return [
        {"callsign": callsign, "accepted": results[callsign][0], "sampled": results[callsign][1]}
        for callsign, _, _ in checked
    ]


def _history_row(unit_id: int, fix: geo.Fix, at: datetime, reason: str, now: datetime):
    return UnitPosition(
        unit_id=unit_id,
        lat=fix.lat,
        lon=fix.lon,
        at=at,
        speed=fix.speed,
        heading=fix.heading,
        reason=reason,
        recorded_at=now,
    )


# Longer than any position report's transaction.
SETTLE = timedelta(seconds=2)


def publish_positions(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Send the maps every position kept since the last run, in one event (the beat runs
    this every second): the newest of each unit. Returns how many units moved.

    One event a second, not one a report, keeps the event log and the screens' work flat
    however many units report; a second publisher waits on the feed's row lock."""
    now = now or timezone.now()
    with service_transaction():
        PositionFeed.objects.get_or_create(pk=1)
        feed = PositionFeed.objects.select_for_update().get(pk=1)
        rows = list(
            UnitPosition.objects.filter(
                pk__gt=feed.last_position_id, reason=UnitPosition.Reason.SAMPLE
            )
            .order_by("pk")
            .values_list("pk", "unit__callsign", "unit__status", "lat", "lon", "at", "recorded_at")[
                :limit
            ]
        )
        if not rows:
            return 0
        newest: dict[str, dict] = {}
        for _, callsign, status, lat, lon, at, _ in rows:
            newest[callsign] = {
                "callsign": callsign,
                "status": status,
                "lat": lat,
                "lon": lon,
                "position_at": at.isoformat(),
            }
        # Ids are drawn before commit: a report committing late may hold a lower id than
        # one already sent. The feed moves past a row only once it is older than any
        # report still in flight; the newer ones are sent again (the same place, harmless).
        settled = [row[0] for row in rows if row[6] <= now - SETTLE]
        if settled:
            feed.last_position_id = max(settled)
        feed.published_at = now
        feed.save(update_fields=["last_position_id", "published_at"])
        publish(
            "position.sampled",
            roles=POSITION_AUDIENCE,
            at=now,
            data={"units": list(newest.values()), "upto": rows[-1][0]},
        )
    return len(newest)


def position_snapshot(
    unit: Unit, *, reason: str, now: datetime, incident: Incident | None = None
) -> UnitPosition | None:
    """Keep the unit's last known position in its history at a moment QART looks back at
    (a divert, a breach). Nothing when the unit has never reported a position."""
    known = Unit.objects.filter(pk=unit.pk).values("lat", "lon", "position_at").first()
    if not known or known["lat"] is None or known["position_at"] is None:
        return None
    return UnitPosition.objects.create(
        unit_id=unit.pk,
        lat=known["lat"],
        lon=known["lon"],
        at=known["position_at"],
        reason=reason,
        incident=incident,
        recorded_at=now,
    )


# --- predicted breach -------------------------------------------------------------------

# Unresourced incidents with a running clock and a place, not yet alerted for their
# deadline. Those whose remembered unit (BreachWatch) is still available and in reach are
# safe: one join. The rest are probed: any available unit within reach, by a box on the
# units' (lat, lon) index and then the exact distance. None found: a predicted breach.
_PREDICTED = """
WITH cand AS (
  SELECT i.id, i.lat, i.lon, i.response_due_at,
         EXTRACT(EPOCH FROM (i.response_due_at - %(now)s))
           * (CASE WHEN i.area = 'rural' THEN %(rural)s ELSE %(urban)s END) / 3.6 AS reach
    FROM cad_incident i
   WHERE i.status = 'open' AND NOT i.resourced AND i.first_arrival_at IS NULL
     AND i.response_due_at > %(now)s AND i.lat IS NOT NULL AND i.lon IS NOT NULL
     AND i.grade IS NOT NULL AND i.grade <> %(rwd)s
     AND NOT EXISTS (
       SELECT 1 FROM dispatch_escalation e
        WHERE e.incident_id = i.id AND e.level = %(level)s AND e.cycle = 0
          AND e.basis = i.response_due_at
          AND e.assignment_id IS NULL AND e.divert_id IS NULL)
), safe AS (
  SELECT c.id FROM cand c
    JOIN dispatch_breachwatch w ON w.incident_id = c.id
    JOIN dispatch_unit wu ON wu.id = w.unit_id
   WHERE wu.status = 'available' AND wu.lat IS NOT NULL
     AND 2 * %(radius)s * asin(LEAST(1, sqrt(
          power(sin(radians(wu.lat - c.lat) / 2), 2)
          + cos(radians(c.lat)) * cos(radians(wu.lat))
            * power(sin(radians(wu.lon - c.lon) / 2), 2)))) <= c.reach
), probe AS (
  SELECT c.*, degrees(c.reach / %(radius)s) AS dlat,
         LEAST(180, degrees(c.reach / %(radius)s)
           / GREATEST(cos(radians(LEAST(89, abs(c.lat) + degrees(c.reach / %(radius)s)))),
                      1e-6)) AS dlon
    FROM cand c WHERE c.id NOT IN (SELECT id FROM safe)
)
SELECT c.id, c.response_due_at,
       -- A unit well inside the reach first: it stays a witness while units move.
       COALESCE(
       (SELECT u.id FROM dispatch_unit u
         WHERE u.status = 'available' AND u.lat IS NOT NULL
           AND u.lat BETWEEN c.lat - c.dlat * %(slack)s AND c.lat + c.dlat * %(slack)s
           AND u.lon BETWEEN c.lon - c.dlon * %(slack)s AND c.lon + c.dlon * %(slack)s
           AND 2 * %(radius)s * asin(LEAST(1, sqrt(
               power(sin(radians(u.lat - c.lat) / 2), 2)
               + cos(radians(c.lat)) * cos(radians(u.lat))
                 * power(sin(radians(u.lon - c.lon) / 2), 2)))) <= c.reach * %(slack)s
         LIMIT 1),
       (SELECT u.id FROM dispatch_unit u
         WHERE u.status = 'available' AND u.lat IS NOT NULL
           AND u.lat BETWEEN c.lat - c.dlat AND c.lat + c.dlat
           AND u.lon BETWEEN c.lon - c.dlon AND c.lon + c.dlon
           AND 2 * %(radius)s * asin(LEAST(1, sqrt(
               power(sin(radians(u.lat - c.lat) / 2), 2)
               + cos(radians(c.lat)) * cos(radians(u.lat))
                 * power(sin(radians(u.lon - c.lon) / 2), 2)))) <= c.reach
         LIMIT 1)) AS witness
  FROM probe c
 ORDER BY c.response_due_at, c.id
"""
# A remembered unit is first sought within this share of the reach, so that it stays
# able to arrive while units move and the time left runs down.
WITNESS_SLACK = 0.6
_REMEMBER = """
INSERT INTO dispatch_breachwatch (incident_id, unit_id, checked_at) VALUES %s
ON CONFLICT (incident_id) DO UPDATE SET unit_id = EXCLUDED.unit_id,
                                        checked_at = EXCLUDED.checked_at
"""


def predicted_breaches(now: datetime) -> list[tuple[int, datetime]]:
    """(incident id, deadline) of every incident no available unit can reach in time.

    Remembers, for each incident found safe, the unit that can reach it (BreachWatch), so
    that the next sweep checks that unit first."""
    from psycopg2.extras import execute_values

    available = Unit.objects.filter(status=Unit.Status.AVAILABLE)
    if available.exists() and not available.filter(lat__isnull=False).exists():
        return []  # units to send but none with a position: nothing can be predicted
    with connection.cursor() as cursor:
        cursor.execute(
            _PREDICTED,
            {
                "now": now,
                "urban": speed_kmh("urban"),
                "rural": speed_kmh("rural"),
                "rwd": Grade.RESOLVED_WITHOUT_DEPLOYMENT,
                "level": Escalation.Level.PREDICTED_BREACH,
                "radius": geo.EARTH_RADIUS_M,
                "slack": WITNESS_SLACK,
            },
        )
        rows = cursor.fetchall()
        found = [(pk, witness, now) for pk, _, witness in rows if witness is not None]
        if found:
            execute_values(cursor.cursor, _REMEMBER, found, page_size=1000)
    return [(pk, deadline) for pk, deadline, witness in rows if witness is None]


_RAISE_PREDICTED = """
INSERT INTO dispatch_escalation
       (incident_id, level, cycle, basis, due_at, raised_at, assignment_id, divert_id)
SELECT t.pk, %(level)s, 0, t.due, t.due, %(now)s, NULL, NULL
  FROM unnest(%(pks)s::bigint[], %(dues)s::timestamptz[]) AS t(pk, due)
 ORDER BY t.due, t.pk
ON CONFLICT DO NOTHING
RETURNING incident_id
"""


def predicted_breach_sweep(*, now: datetime | None = None) -> int:
    """Alert the dispatcher and the supervisor, once per incident and deadline, when no
    available unit can reach an unresourced incident before its deadline. Returns how
    many were raised. Two sweeps racing raise each one once (a unique constraint)."""
    now = now or timezone.now()
    due = predicted_breaches(now)
    if not due:
        return 0
    # One transaction and one INSERT for the sweep's alerts, not one of each per alert
    # (as deadlines near, a sweep raises several). ON CONFLICT skips only the alerts a
    # racing sweep raised first (it waits for that sweep's commit), and both insert in
    # the same order (deadline, id), so neither waits on the other in a circle.
    with service_transaction():
        with connection.cursor() as cursor:
            cursor.execute(
                _RAISE_PREDICTED,
                {
                    "level": Escalation.Level.PREDICTED_BREACH,
                    "now": now,
                    "pks": [pk for pk, _ in due],
                    "dues": [deadline for _, deadline in due],
                },
            )
            raised = {pk for (pk,) in cursor.fetchall()}
        incidents = Incident.objects.in_bulk(raised)
        for incident_id, _ in due:
            if incident_id in raised:
                announce_predicted_breach(incidents[incident_id], now)
    return len(raised)


def announce_predicted_breach(incident: Incident, now: datetime) -> None:
    """The event of a predicted breach just raised, with the nearest available unit."""
    from dispatch import geo_selectors  # selectors read; this module writes

    found = geo_selectors.recommendations(incident, now=now, limit=1)
    nearest = found[0] if found else None
    publish(
        "incident.breach_predicted",
        incident=incident,
        roles=PREDICTION_AUDIENCE,
        at=now,
        data={
            "incident": incident.pk,
            "reference": incident.reference,
            "grade": incident.grade,
            "clock_state": incident.clock_state,
            "response_due_at": iso(incident.response_due_at),
            "level": Escalation.Level.PREDICTED_BREACH,
            "nearest": nearest,
            "summary": _prediction_words(incident, nearest, now),
        },
    )


def _prediction_words(incident: Incident, nearest: dict | None, now: datetime) -> str:
    left = max(0, int((incident.response_due_at - now).total_seconds()))
    head = (
        f"{incident.reference} ({incident.grade}) will breach: "
        f"{left // 60} min {left % 60:02d} s left"
    )
    if nearest is None or nearest["eta_s"] is None:
        return f"{head} and no unit is available."
    km = nearest["distance_m"] / 1000
    eta = nearest["eta_s"]
    return (
        f"{head}; the nearest available unit, {nearest['unit']}, is {km:.1f} km away "
        f"(straight line), about {eta // 60} min {eta % 60:02d} s (estimate)."
    )
