"""What the web process itself measures as screens are served (prometheus-client).

- the deadline-to-frame latency: from an escalation's deadline (`due_at` in its data) to the
  moment a live screen is sent its frame; the sweep, the commit, the poke and the screen's
  read all count. Frames replayed to a screen that (re)connects are not observed: their lateness
  is the screen's absence, not the system's.
- the screens connected to this process.

Each web process counts its own; with several processes in one container or host,
PROMETHEUS_MULTIPROC_DIR makes prometheus-client share them through files (cad.metrics).
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import Gauge, Histogram

DEADLINE_TO_FRAME = Histogram(
    "cad_deadline_to_frame_seconds",
    "From an escalation's deadline to its frame being sent to a live screen",
    ["kind"],
    buckets=(0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0),
)
SCREENS_CONNECTED = Gauge(
    "cad_screens_connected",
    "Screens (websockets) connected to this web process",
    multiprocess_mode="livesum",
)


# The escalations whose frames carry the deadline they were raised for (`due_at`).
ESCALATION_KINDS = frozenset(
    {
        "incident.clock.warning",
        "incident.clock.breached",
        "incident.clock.reescalated",
        "incident.unresourced",
        "assignment.unacknowledged",
        "divert.review_overdue",
        "divert.replacement_overdue",
    }
)


def observe_frame(frame: dict, sent_at: datetime) -> None:
    """Observe a live frame of an escalation: how long after its deadline it was sent."""
    if frame.get("kind") not in ESCALATION_KINDS:
        return
    data = frame.get("data") or {}
    due_at = data.get("due_at") if isinstance(data, dict) else None
    if not isinstance(due_at, str):
        return
    try:
        deadline = datetime.fromisoformat(due_at)
    except (TypeError, ValueError):
        return
    DEADLINE_TO_FRAME.labels(kind=frame.get("kind", "")).observe(
        max(0.0, (sent_at - deadline).total_seconds())
    )
