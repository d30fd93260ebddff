"""Response-clock thresholds: pure rules, no database.

The clock runs from the moment the call was received. It warns at 75 % of the
target, breaches at 100 %, then re-escalates every 15 minutes until the first unit
is at scene. An incident with no unit is "unresourced" and alerts once its grade's
allowance has passed since it became unresourced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

WARNING_FRACTION = 0.75
REESCALATE_EVERY = timedelta(minutes=15)

# Clock levels, as stored on Escalation.level.
WARNING = "clock_warning"
BREACHED = "clock_breached"
REESCALATED = "clock_reescalated"
UNRESOURCED = "unresourced"

# Incident.clock_state values.
STATE_NONE = "none"
STATE_RUNNING = "running"
STATE_WARNING = "warning"
STATE_BREACHED = "breached"
STATE_STOPPED = "stopped"


@dataclass(frozen=True)
class Alert:
    """One escalation that is due: level, cycle, the deadline it is keyed by, due time."""

    level: str
    cycle: int
    basis: datetime
    due_at: datetime


@dataclass(frozen=True)
class ClockPlan:
    state: str
    warning_at: datetime | None
    # Escalations due at `now` (the sweep writes each once).
    due: list[Alert] = field(default_factory=list)
    # The next moment after `now` at which something falls due; None when nothing will.
    next_at: datetime | None = None


def warning_moment(received_at: datetime, response_due_at: datetime) -> datetime:
    return received_at + (response_due_at - received_at) * WARNING_FRACTION


def clock_state(
    *,
    now: datetime,
    response_due_at: datetime | None,
    warning_at: datetime | None,
    first_arrival_at: datetime | None,
) -> str:
    if response_due_at is None:
        return STATE_NONE
    if first_arrival_at is not None:
        return STATE_STOPPED
    if now >= response_due_at:
        return STATE_BREACHED
    if warning_at is not None and now >= warning_at:
        return STATE_WARNING
    return STATE_RUNNING


def reescalation_cycle(now: datetime, response_due_at: datetime) -> int:
    """How many full 15-minute periods have passed since the breach (0 before the first)."""
    if now < response_due_at:
        return 0
    return int((now - response_due_at) / REESCALATE_EVERY)


def unresourced_alert_moment(
    unresourced_since: datetime | None, allowance: timedelta | None
) -> datetime | None:
    if unresourced_since is None or allowance is None:
        return None
    return unresourced_since + allowance


def plan(
    *,
    now: datetime,
    received_at: datetime,
    response_due_at: datetime | None,
    first_arrival_at: datetime | None,
    open_: bool = True,
    unresourced_since: datetime | None = None,
    unresourced_allowance: timedelta | None = None,
) -> ClockPlan:
    """Everything the sweep needs to know about one incident's clock at `now`.

    A sweep that comes late (the worker was down) still records the warning it missed,
    once, before the breach, so every due warning and breach is on the record; of the
    re-escalations it missed only the latest cycle is raised.
    """
    if response_due_at is None:
        return ClockPlan(state=STATE_NONE, warning_at=None)
    warn = warning_moment(received_at, response_due_at)
    state = clock_state(
        now=now, response_due_at=response_due_at, warning_at=warn, first_arrival_at=first_arrival_at
    )
    if state == STATE_STOPPED or not open_:
        return ClockPlan(state=STATE_STOPPED, warning_at=warn)

    due: list[Alert] = []
    upcoming: list[datetime] = []
    if now >= response_due_at:
        # The warning and the breach stay due (each written once, by its unique key; a
        # warning already written is not raised again); then the latest re-escalation.
        due.append(Alert(WARNING, 0, response_due_at, warn))
        due.append(Alert(BREACHED, 0, response_due_at, response_due_at))
        cycle = reescalation_cycle(now, response_due_at)
        if cycle:
            moment = response_due_at + REESCALATE_EVERY * cycle
            due.append(Alert(REESCALATED, cycle, response_due_at, moment))
        upcoming.append(response_due_at + REESCALATE_EVERY * (cycle + 1))
    elif now >= warn:
        due.append(Alert(WARNING, 0, response_due_at, warn))
        upcoming.append(response_due_at)
    else:
        upcoming.append(warn)

    alert_at = unresourced_alert_moment(unresourced_since, unresourced_allowance)
    if alert_at is not None:
        if now >= alert_at:
            due.append(Alert(UNRESOURCED, 0, unresourced_since, alert_at))
        else:
            upcoming.append(alert_at)

    return ClockPlan(state=state, warning_at=warn, due=due, next_at=min(upcoming))


# --- urgency, for boards ------------------------------------------------------------------

STATE_RANK = {"breached": 0, "unresourced": 1, "warning": 2, "unacknowledged": 3}


def urgency_key(state: str, response_due_at: datetime | None) -> tuple:
    """Most urgent first: by state, then the earliest deadline; no deadline last."""
    return (
        STATE_RANK.get(state, len(STATE_RANK)),
        response_due_at is None,
        response_due_at or datetime.max.replace(tzinfo=None),
    )
