"""Pure rules of the special-scheme lifecycle: limits, review stages and their due times.

No database here. The services hand in a snapshot of a scheme (`Snapshot`) and get
back which stages are due; the sweep writes one task row per scheme, stage and cycle
(and sequence, for the repeating overdue escalation), so running it twice is harmless.

Stages, in the order they fall due within one cycle (a cycle is one planned end date;
an extension starts the next):
- `not_informed_oic`: the victim has not been told about the scheme `inform_days` after
  it started → reminder to the OIC;
- `not_informed_manager`: still not told `inform_days` after that reminder → the BCU
  crime manager;
- `first`: `review_lead_days` before the planned end → status `review_due`, task to the OIC;
- `second`: no OIC decision `second_stage_days` after the first stage (or the planned end
  arrives first) → status `second_stage`, task to the BCU crime manager;
- `overdue`: the planned end has passed without a decision. The scheme stays in force;
  escalations repeat every `overdue_repeat_days` after the last one (sequence 0, 1, ...).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_MONTHS = 6

STAGE_NOT_INFORMED_OIC = "not_informed_oic"
STAGE_NOT_INFORMED_MANAGER = "not_informed_manager"
STAGE_FIRST = "first"
STAGE_SECOND = "second"
STAGE_OVERDUE = "overdue"
REVIEW_STAGES = (STAGE_FIRST, STAGE_SECOND, STAGE_OVERDUE)
STAGE_LABELS = {
    STAGE_NOT_INFORMED_OIC: "Tell the victim (reminder)",
    STAGE_NOT_INFORMED_MANAGER: "Victim not told: crime manager",
    STAGE_FIRST: "First-stage review",
    STAGE_SECOND: "Second-stage review",
    STAGE_OVERDUE: "Decision overdue",
}
INFORM_STAGES = (STAGE_NOT_INFORMED_OIC, STAGE_NOT_INFORMED_MANAGER)


@dataclass(frozen=True)
class Timings:
    inform_days: int = 7
    review_lead_days: int = 14
    second_stage_days: int = 14
    overdue_repeat_days: int = 7
    max_months: int = MAX_MONTHS


@dataclass(frozen=True)
class Stage:
    name: str
    sequence: int
    due_at: datetime


@dataclass
class Snapshot:
    """What the rules need to know about one scheme in its current cycle."""

    starts_at: datetime
    ends_at: datetime
    cycle: int
    in_force: bool = True
    # The victim has been told (explain/informed) or it is recorded as unsafe to contact.
    inform_settled: bool = False
    # A decision to let the scheme end at its planned end is on record.
    decided: bool = False
    # Stages already written for this cycle: {(name, sequence): created_at}.
    done: dict[tuple[str, int], datetime] = field(default_factory=dict)
    # Inform stages are not tied to a cycle; those already written: {(name, seq): at}.
    inform_done: dict[tuple[str, int], datetime] = field(default_factory=dict)


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months, clamping the day (31 Aug + 6 months → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def latest_end(start: datetime, timings: Timings = Timings()) -> datetime:
    return add_months(start, timings.max_months)


def end_errors(
    *, start: datetime, ends_at: datetime, now: datetime, timings: Timings = Timings()
) -> list[str]:
    """Why a planned end is not allowed (empty list when it is)."""
    if ends_at <= now:
        return ["The planned end must be in the future."]
    limit = latest_end(start, timings)
    if ends_at > limit:
        return [
            f"The planned end can be at most {timings.max_months} months after "
            f"{start:%d %b %Y} (no later than {limit:%d %b %Y %H:%M})."
        ]
    return []


def next_stages(snap: Snapshot, timings: Timings = Timings()) -> list[Stage]:
    """The next pending stage of each track, with the time it falls due."""
    if not snap.in_force:
        return []
    stages: list[Stage] = []
    inform_step = timedelta(days=timings.inform_days)
    if not snap.inform_settled:
        if (STAGE_NOT_INFORMED_OIC, 0) not in snap.inform_done:
            stages.append(Stage(STAGE_NOT_INFORMED_OIC, 0, snap.starts_at + inform_step))
        elif (STAGE_NOT_INFORMED_MANAGER, 0) not in snap.inform_done:
            # The OIC gets the same time again after the reminder before it goes up.
            reminded = snap.inform_done[(STAGE_NOT_INFORMED_OIC, 0)]
            stages.append(Stage(STAGE_NOT_INFORMED_MANAGER, 0, reminded + inform_step))
    if snap.decided:
        return stages
    first = snap.done.get((STAGE_FIRST, 0))
    if first is None:
        stages.append(
            Stage(STAGE_FIRST, 0, snap.ends_at - timedelta(days=timings.review_lead_days))
        )
        return stages
    second = snap.done.get((STAGE_SECOND, 0))
    if second is None:
        due = min(first + timedelta(days=timings.second_stage_days), snap.ends_at)
        stages.append(Stage(STAGE_SECOND, 0, max(due, first)))
        return stages
    overdue = sorted(seq for name, seq in snap.done if name == STAGE_OVERDUE)
    if not overdue:
        stages.append(Stage(STAGE_OVERDUE, 0, max(snap.ends_at, second)))
        return stages
    # Repeats count from the last escalation written, so a late sweep never bunches them.
    last = snap.done[(STAGE_OVERDUE, overdue[-1])]
    repeat = timedelta(days=timings.overdue_repeat_days)
    stages.append(Stage(STAGE_OVERDUE, overdue[-1] + 1, last + repeat))
    return stages


def due_stages(snap: Snapshot, now: datetime, timings: Timings = Timings()) -> list[Stage]:
    """Every stage due at `now`, oldest first; marks them done on the snapshot as it goes."""
    found: list[Stage] = []
    while True:
        ready = [stage for stage in next_stages(snap, timings) if stage.due_at <= now]
        if not ready:
            return found
        for stage in sorted(ready, key=lambda s: s.due_at):
            found.append(stage)
            # A stage is recorded as written when the sweep runs, which is `now`.
            target = snap.inform_done if stage.name in INFORM_STAGES else snap.done
            target[(stage.name, stage.sequence)] = now


def next_due(snap: Snapshot, timings: Timings = Timings()) -> datetime | None:
    pending = next_stages(snap, timings)
    return min((stage.due_at for stage in pending), default=None)


def expiry_due(*, ends_at: datetime, decided: bool, now: datetime) -> bool:
    """A recorded decision to let the scheme end takes effect at the planned end."""
    return decided and ends_at <= now
