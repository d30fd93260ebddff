"""Every action that changes dispatch state, one function each.

Each service runs in one transaction: it checks the actor's role and the state
(locking rows where two people could race), writes the rows and publishes the
events. Lock order, to avoid deadlocks: units (by id), then incidents (by id),
then diverts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cad.kernel import heartbeats
from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.kernel.events import publish, service, service_transaction
from cad.kernel.moments import iso
from cad.kernel.policy import allows, require
from cad.kernel.policy import roles as policy_roles
from cad.models import GRADE_ORDER, Area, Grade, Incident, NarrativeEntry
from dispatch import clocks, geo_services
from dispatch.models import (
    Assignment,
    DeadlineChange,
    Divert,
    Escalation,
    Unit,
    UnitPosition,
    UnitStatusChange,
    VictimCallback,
)
from dispatch.selectors import unresourced_allowance

DIVERT_TAG = "DIVERT"

# Audiences (roles) by kind of event.
CONTROL = policy_roles("hears.dispatch")
# QART reviews every divert: its tag list follows them live.
DIVERT_AUDIENCE = policy_roles("hears.divert")
SUPERVISION = policy_roles("hears.clock")

CLOCK_EVENT_KINDS = {
    Escalation.Level.CLOCK_WARNING: "incident.clock.warning",
    Escalation.Level.CLOCK_BREACHED: "incident.clock.breached",
    Escalation.Level.CLOCK_REESCALATED: "incident.clock.reescalated",
    Escalation.Level.UNRESOURCED: "incident.unresourced",
}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _terminal_users(*units: Unit) -> list[int]:
    return [unit.terminal_user_id for unit in units if unit.terminal_user_id]


def _incident_terminal_users(incident: Incident) -> list[int]:
    """Terminals of every unit currently on the incident: they must see its clock too."""
    return list(
        Assignment.objects.filter(incident=incident, status__in=Assignment.ACTIVE)
        .exclude(unit__terminal_user__isnull=True)
        .values_list("unit__terminal_user_id", flat=True)
    )


def _incident_data(incident: Incident, **extra) -> dict:
    data = {
        "incident": incident.pk,
        "reference": incident.reference,
        "grade": incident.grade,
        "clock_state": incident.clock_state,
        "response_due_at": iso(incident.response_due_at),
        "warning_at": iso(incident.warning_at),
        "resourced": incident.resourced,
    }
    data.update(extra)
    return data


def _lock_incidents(*ids: int) -> dict[int, Incident]:
    rows = Incident.objects.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk")
    return {incident.pk: incident for incident in rows}


def _lock_unit(unit: Unit | str) -> Unit:
    callsign = unit.callsign if isinstance(unit, Unit) else str(unit)
    try:
        return Unit.objects.select_for_update().get(callsign=callsign.upper())
    except Unit.DoesNotExist:
        raise InvalidInput({"unit": [f"No unit with callsign {callsign}."]}) from None


# --- response clocks ----------------------------------------------------------------------


def _deploys(incident: Incident) -> bool:
    """Whether the incident needs a unit: graded with an attendance clock, open, not attended."""
    return (
        incident.status == Incident.Status.OPEN
        and incident.grade not in (None, "", Grade.RESOLVED_WITHOUT_DEPLOYMENT)
        and incident.response_due_at is not None
        and incident.first_arrival_at is None
    )


def _clock_plan(incident: Incident, now: datetime) -> clocks.ClockPlan:
    unresourced_since = None
    if _deploys(incident) and not incident.resourced:
        unresourced_since = incident.unresourced_since
    return clocks.plan(
        now=now,
        received_at=incident.received_at,
        response_due_at=incident.response_due_at,
        first_arrival_at=incident.first_arrival_at,
        open_=incident.status == Incident.Status.OPEN,
        unresourced_since=unresourced_since,
        unresourced_allowance=unresourced_allowance(incident.grade),
    )


def _escalation_exists(incident: Incident, alert: clocks.Alert) -> bool:
    return Escalation.objects.filter(
        incident=incident,
        level=alert.level,
        cycle=alert.cycle,
        basis=alert.basis,
        assignment__isnull=True,
        divert__isnull=True,
    ).exists()


CLOCK_FIELDS = [
    "warning_at",
    "clock_state",
    "next_alert_at",
    "resourced",
    "unresourced_since",
]


def _refresh_clock(incident: Incident, now: datetime, *, save: bool = True) -> None:
    """Recompute the resourcing and the clock fields of a locked incident and save them
    (unless the caller saves the incident itself, clock fields included)."""
    has_unit = Assignment.objects.filter(incident=incident, status__in=Assignment.ACTIVE).exists()
    incident.resourced = has_unit
    if has_unit or not _deploys(incident):
        incident.unresourced_since = None
    elif incident.unresourced_since is None:
        incident.unresourced_since = now
    plan = _clock_plan(incident, now)
    incident.warning_at = plan.warning_at
    incident.clock_state = plan.state
    pending = [alert for alert in plan.due if not _escalation_exists(incident, alert)]
    # Something already due and not yet raised: the next sweep takes it at once.
    incident.next_alert_at = now if pending else plan.next_at
    if save:
        incident.save(update_fields=CLOCK_FIELDS)


def _grade_rank(grade: str | None) -> int:
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def clock_reschedule(*, incident: Incident, now: datetime | None = None, save: bool = True) -> None:
    """Recompute an incident's clock after (re)grading.

    Called inside the grading transaction, after `grade` and `response_due_at` are
    set (the deadline always runs from `received_at`). Sets `warning_at` (75 % of the
    target), `clock_state` as of now, `next_alert_at` and the resourcing fields, and saves
    them unless `save` is false (the caller then saves the incident). A re-grade moves the
    deadline; assignment and divert never do.
    """
    now = _now(now)
    _refresh_clock(incident, now, save=save)
    last = DeadlineChange.objects.filter(incident=incident).order_by("-at", "-id").first()
    grade = incident.grade or ""
    if last is None or (last.grade, last.response_due_at) != (grade, incident.response_due_at):
        DeadlineChange.objects.create(
            incident=incident,
            grade=grade,
            response_due_at=incident.response_due_at,
            at=now,
            downgrade=last is not None and _grade_rank(grade) > _grade_rank(last.grade),
        )


def _raise_clock_alert(incident: Incident, alert: clocks.Alert, now: datetime) -> bool:
    """Write one clock escalation and publish it; False when it was already written."""
    try:
        with transaction.atomic():
            _, created = Escalation.objects.get_or_create(
                incident=incident,
                level=alert.level,
                cycle=alert.cycle,
                basis=alert.basis,
                assignment=None,
                divert=None,
                defaults={"due_at": alert.due_at, "raised_at": now},
            )
    except IntegrityError:  # raised by a racing sweep that committed first
        created = False
    if not created:
        return False
    if alert.level == Escalation.Level.CLOCK_BREACHED:
        _keep_positions_at_breach(incident, now)
    roles = SUPERVISION
    publish(
        CLOCK_EVENT_KINDS[alert.level],
        incident=incident,
        roles=roles,
        users=_incident_terminal_users(incident),
        at=now,
        data=_incident_data(
            incident,
            state="unresourced" if alert.level == clocks.UNRESOURCED else incident.clock_state,
            level=alert.level,
            cycle=alert.cycle,
            due_at=iso(alert.due_at),
            unresourced_since=iso(incident.unresourced_since),
        ),
    )
    if (
        alert.level in VICTIM_CALLBACK_LEVELS
        and incident.domestic_abuse
        and incident.first_arrival_at is None
    ):
        _raise_victim_callback(incident, alert.level, now)
    return True


def _keep_positions_at_breach(incident: Incident, now: datetime) -> None:
    """QART asks where the units were when the clock breached: those on the incident and
    those diverted from it keep their last known position in their history."""
    units = Unit.objects.filter(
        Q(assignments__incident=incident, assignments__status__in=Assignment.ACTIVE)
        | Q(diverts__from_incident=incident)
    ).distinct()
    for unit in units:
        geo_services.position_snapshot(
            unit, reason=UnitPosition.Reason.BREACH, now=now, incident=incident
        )


# --- calling the victim back ----------------------------------------------------------------

# A domestic abuse incident with no unit at scene that loses its unit, warns or breaches:
# the victim is called back (told where help is, the risk re-checked), within this time.
VICTIM_CALLBACK_LEVELS = (
    Escalation.Level.UNRESOURCED,
    Escalation.Level.CLOCK_WARNING,
    Escalation.Level.CLOCK_BREACHED,
)
CALLBACK_AUDIENCE = policy_roles("hears.victim_callback")
OUTCOME_MAX = 2000


def victim_callback_due() -> timedelta:
    return timedelta(minutes=getattr(settings, "CAD_VICTIM_CALLBACK_MINUTES", 5))


def _callback_data(callback: VictimCallback, **extra) -> dict:
    incident = callback.incident
    return _incident_data(
        incident,
        callback=callback.pk,
        reason=callback.reason,
        status=callback.status,
        due_at=iso(callback.due_at),
        **extra,
    )


def _raise_victim_callback(incident: Incident, reason: str, now: datetime) -> bool:
    """Open the task once: while one is open for the incident, no second is raised."""
    try:
        with transaction.atomic():
            callback = VictimCallback.objects.create(
                incident=incident, reason=reason, raised_at=now, due_at=now + victim_callback_due()
            )
    except IntegrityError:  # already open (or a racing sweep opened it)
        return False
    publish(
        "incident.victim_callback",
        incident=incident,
        roles=CALLBACK_AUDIENCE,
        at=now,
        data=_callback_data(
            callback,
            summary=f"Call the victim back on {incident.reference}: "
            f"{callback.reason_words}. Tell her where help is and re-check the risk.",
        ),
    )
    return True


def victim_callback_record(
    *, actor, callback_id: int, outcome: str, now: datetime | None = None
) -> VictimCallback:
    """The dispatcher or call handler records the call back: what she was told, how she is."""
    require(actor, "victim_callback.record")
    now = _now(now)
    outcome = outcome.strip() if isinstance(outcome, str) else ""
    if not outcome:
        raise InvalidInput({"outcome": ["Say what the victim was told and how she is."]})
    if len(outcome) > OUTCOME_MAX:
        raise InvalidInput({"outcome": [f"At most {OUTCOME_MAX} characters."]})
    with service_transaction():
        callback = (
            VictimCallback.objects.select_for_update(of=("self",))
            .select_related("incident")
            .get(pk=callback_id)
        )
        if callback.status == VictimCallback.Status.DONE:
            raise Conflict(f"The call back on {callback.incident.reference} is already recorded.")
        callback.status = VictimCallback.Status.DONE
        callback.done_at, callback.done_by, callback.outcome = now, actor, outcome
        callback.save(update_fields=["status", "done_at", "done_by", "outcome"])
        publish(
            "incident.victim_callback_done",
            incident=callback.incident,
            actor=actor,
            roles=CALLBACK_AUDIENCE,
            at=now,
            data=_callback_data(
                callback, summary=f"Victim called back on {callback.incident.reference}"
            ),
        )
    return callback


def victim_callback_sweep(*, now: datetime | None = None, batch: int = 100) -> int:
    """A call back not done in time goes to the supervisor, once."""
    now = _now(now)
    due = VictimCallback.objects.filter(status=VictimCallback.Status.OPEN, due_at__lte=now)
    if not due.exists():
        return 0
    raised = 0
    while True:
        with service_transaction():
            rows = list(
                due.select_for_update(skip_locked=True, of=("self",))
                .select_related("incident")
                .order_by("due_at")[:batch]
            )
            for callback in rows:
                callback.status = VictimCallback.Status.ESCALATED
                callback.escalated_at = now
                callback.save(update_fields=["status", "escalated_at"])
                publish(
                    "incident.victim_callback_overdue",
                    incident=callback.incident,
                    roles=CALLBACK_AUDIENCE,
                    at=now,
                    data=_callback_data(
                        callback,
                        summary=f"The victim on {callback.incident.reference} has not been "
                        "called back: with the supervisor.",
                    ),
                )
                raised += 1
        if len(rows) < batch:
            return raised


def _sweep_incident(incident: Incident, now: datetime) -> int:
    if incident.status != Incident.Status.OPEN:
        incident.next_alert_at = None
        incident.save(update_fields=["next_alert_at"])
        return 0
    plan = _clock_plan(incident, now)
    incident.warning_at = plan.warning_at
    incident.clock_state = plan.state
    incident.next_alert_at = plan.next_at
    raised = sum(_raise_clock_alert(incident, alert, now) for alert in plan.due)
    incident.save(update_fields=["warning_at", "clock_state", "next_alert_at"])
    return raised


# Its last run is recorded: readiness fails when the clocks stop being swept.
@heartbeats.sweep("clock")
def clock_sweep(*, now: datetime | None = None, batch: int = 100) -> int:
    """Raise every clock escalation that is due; returns how many were raised.

    Selects only rows whose `next_alert_at` has come (partial index), locks them
    with SKIP LOCKED so a second sweep running at the same time takes other rows,
    and commits per batch so alerts reach screens while a long backlog is worked.
    """
    now = _now(now)
    raised = 0
    # The common case is nothing due: one index probe, no transaction.
    if not Incident.objects.filter(next_alert_at__lte=now).exists():
        return 0
    while True:
        with service_transaction():
            rows = list(
                Incident.objects.select_for_update(skip_locked=True)
                .filter(next_alert_at__lte=now)
                .order_by("next_alert_at")[:batch]
            )
            for incident in rows:
                raised += _sweep_incident(incident, now)
        if len(rows) < batch:
            return raised


# --- units --------------------------------------------------------------------------------


def _publish_status_change(unit: Unit, *, actor, incident: Incident | None, now, **extra):
    """Tell the control room and the unit's own terminal that its status changed."""
    publish(
        "unit.status_changed",
        actor=actor,
        incident=incident,
        unit_callsign=unit.callsign,
        roles=CONTROL,
        users=_terminal_users(unit),
        at=now,
        data={
            "callsign": unit.callsign,
            "status": unit.status,
            "incident": incident.pk if incident else None,
            "reference": incident.reference if incident else None,
            **extra,
        },
    )


def _record_status(unit: Unit, *, actor, now: datetime) -> None:
    unit.status_changed_at = now
    unit.save(update_fields=["status", "incident", "status_changed_at"])
    UnitStatusChange.objects.create(
        unit=unit,
        status=unit.status,
        incident_id=unit.incident_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=now,
    )


@service
def unit_create(*, actor, callsign: str, area: str = Area.URBAN) -> Unit:
    require(actor, "unit.create")
    callsign = (callsign or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if not callsign or len(callsign) > 32 or not callsign.replace("-", "").isalnum():
        errors["callsign"] = ["A callsign of 1 to 32 letters, digits or hyphens is required."]
    elif Unit.objects.filter(callsign=callsign).exists():
        errors["callsign"] = [f"A unit with callsign {callsign} exists."]
    if area not in Area.values:
        errors["area"] = [f"Area must be one of: {', '.join(Area.values)}."]
    if errors:
        raise InvalidInput(errors)
    unit = Unit.objects.create(callsign=callsign, area=area, status_changed_at=timezone.now())
    publish(
        "unit.created",
        actor=actor,
        unit_callsign=unit.callsign,
        roles=CONTROL,
        data={"callsign": unit.callsign, "area": unit.area, "status": unit.status},
    )
    return unit


def _committed_elsewhere(unit: Unit, incident: Incident) -> Incident | None:
    """The other open incident this unit is committed to, if any."""
    if unit.incident_id is None or unit.status not in Assignment.ACTIVE:
        return None
    current = Incident.objects.get(pk=unit.incident_id)
    if current.status != Incident.Status.OPEN:
        return None
    return current


def _end_active_assignment(unit: Unit, *, status: str, now: datetime) -> Assignment | None:
    active = (
        Assignment.objects.select_for_update()
        .filter(unit=unit, status__in=Assignment.ACTIVE)
        .first()
    )
    if active is not None:
        active.status = status
        active.ended_at = now
        active.ack_due_at = None
        active.save(update_fields=["status", "ended_at", "ack_due_at"])
    return active


def _circulate(incident: Incident) -> list[int]:
    """The whole narrative goes to the unit: every line, recorded by id."""
    return list(
        NarrativeEntry.objects.filter(incident=incident)
        .order_by("at", "id")
        .values_list("id", flat=True)
    )


def _assign(
    *,
    actor,
    unit: Unit,
    incident: Incident,
    now: datetime,
    reason: str = "assign",
    divert: Divert | None = None,
) -> Assignment:
    """Commit a locked unit to a locked incident (shared by assign, divert, override, replace)."""
    unit.status = Unit.Status.ASSIGNED
    unit.incident = incident
    _record_status(unit, actor=actor, now=now)
    assignment = Assignment.objects.create(
        incident=incident,
        unit=unit,
        status=Assignment.Status.ASSIGNED,
        assigned_by=actor if actor is not None and actor.is_authenticated else None,
        assigned_at=now,
        reason=reason,
        circulated_at=now,
        circulated_entry_ids=_circulate(incident),
        ack_due_at=now + timedelta(seconds=settings.CAD_ASSIGNMENT_ACK_SECONDS),
    )
    _refresh_clock(incident, now)
    publish(
        "unit.assigned",
        actor=actor,
        incident=incident,
        unit_callsign=unit.callsign,
        roles=CONTROL,
        users=_terminal_users(unit),
        at=now,
        data=_incident_data(
            incident,
            assignment=assignment.pk,
            callsign=unit.callsign,
            reason=reason,
            ack_due_at=iso(assignment.ack_due_at),
            narrative_lines=len(assignment.circulated_entry_ids),
        ),
    )
    if reason != "override":
        _satisfy_replacement(
            incident=incident, assignment=assignment, actor=actor, now=now, divert=divert
        )
    return assignment


def _check_assignable(unit: Unit, incident: Incident) -> None:
    if incident.status != Incident.Status.OPEN:
        raise Conflict(f"Incident {incident.reference} is closed.")
    if unit.incident_id == incident.pk and unit.status in Assignment.ACTIVE:
        raise Conflict(f"Unit {unit.callsign} is already assigned to {incident.reference}.")
    other = _committed_elsewhere(unit, incident)
    if other is not None:
        raise Conflict(
            f"Unit {unit.callsign} is committed to open incident {other.reference}; "
            "use divert to move it."
        )
    if unit.status == Unit.Status.UNAVAILABLE:
        raise Conflict(f"Unit {unit.callsign} is unavailable.")


@service
def unit_assign(
    *, actor, incident: Incident | int, unit: Unit | str, now: datetime | None = None
) -> Assignment:
    """Send an available unit to an incident. 409 if it is committed elsewhere (divert it)."""
    require(actor, "unit.assign")
    now = _now(now)
    unit = _lock_unit(unit)
    incident_id = incident.pk if isinstance(incident, Incident) else incident
    incident = _lock_incidents(incident_id).get(incident_id)
    if incident is None:
        raise Incident.DoesNotExist
    _check_assignable(unit, incident)
    # A stale commitment to a closed incident ends here.
    _end_active_assignment(unit, status=Assignment.Status.CLEARED, now=now)
    return _assign(actor=actor, unit=unit, incident=incident, now=now)


@service
def assignment_acknowledge(
    *, actor, assignment: Assignment | int, now: datetime | None = None
) -> Assignment:
    """The unit confirms it has received the whole incident."""
    require(actor, "assignment.acknowledge")
    now = _now(now)
    assignment_id = assignment.pk if isinstance(assignment, Assignment) else assignment
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("unit", "incident")
        .get(pk=assignment_id)
    )
    if assignment.unit.terminal_user_id != actor.pk:
        raise RoleRefused("Only the terminal of the assigned unit can acknowledge.")
    if assignment.status not in Assignment.ACTIVE:
        raise Conflict(f"This assignment has ended ({assignment.get_status_display().lower()}).")
    if assignment.acknowledged_at is not None:
        raise Conflict("This assignment is already acknowledged.")
    assignment.acknowledged_at = now
    assignment.ack_due_at = None
    assignment.save(update_fields=["acknowledged_at", "ack_due_at"])
    incident = assignment.incident
    publish(
        "assignment.acknowledged",
        actor=actor,
        incident=incident,
        unit_callsign=assignment.unit.callsign,
        roles=CONTROL,
        users=_terminal_users(assignment.unit),
        at=now,
        data={
            "assignment": assignment.pk,
            "incident": incident.pk,
            "reference": incident.reference,
            "grade": incident.grade,
            "callsign": assignment.unit.callsign,
            "acknowledged_at": iso(now),
        },
    )
    return assignment


@service
def unit_status_set(*, actor, unit: Unit | str, status: str, now: datetime | None = None) -> Unit:
    """A unit (its own terminal) or a dispatcher changes the unit's status.

    `at_scene` stops the incident's clock at the first arrival; `available` or
    `unavailable` ends the assignment, and an incident left with no unit before
    anyone arrived is unresourced again.
    """
    require(actor, "unit.set_status")
    now = _now(now)
    if status not in Unit.Status.values:
        raise InvalidInput({"status": [f"Status must be one of: {', '.join(Unit.Status.values)}."]})
    unit = _lock_unit(unit)
    if not allows(actor, "unit.set_any_status") and unit.terminal_user_id != actor.pk:
        raise RoleRefused("A unit terminal can only change its own unit's status.")
    if status == unit.status:
        return unit
    incident = None
    if unit.incident_id is not None:
        incident = _lock_incidents(unit.incident_id)[unit.incident_id]
        unit.incident = incident  # the row just locked: the caller's response reads it
    active = (
        Assignment.objects.select_for_update()
        .filter(unit=unit, status__in=Assignment.ACTIVE)
        .first()
    )
    on_incident = active is not None and incident is not None
    if status in (Unit.Status.ASSIGNED, Unit.Status.EN_ROUTE, Unit.Status.AT_SCENE) and not (
        on_incident and incident.status == Incident.Status.OPEN
    ):
        raise Conflict(f"Unit {unit.callsign} has no open incident; it must be assigned first.")
    previous = unit.status
    unit.status = status
    stopped = False
    if status in (Unit.Status.AVAILABLE, Unit.Status.UNAVAILABLE):
        if active is not None:
            active.status = Assignment.Status.CLEARED
            active.ended_at = now
            active.ack_due_at = None
            active.save(update_fields=["status", "ended_at", "ack_due_at"])
        unit.incident = None
    else:
        active.status = status
        fields = ["status"]
        if status in (Unit.Status.EN_ROUTE, Unit.Status.AT_SCENE) and active.ack_due_at:
            # The unit is responding: no acknowledgement alert needed any more.
            active.ack_due_at = None
            fields.append("ack_due_at")
        if status == Unit.Status.AT_SCENE and active.arrived_at is None:
            active.arrived_at = now
            fields.append("arrived_at")
        active.save(update_fields=fields)
        if status == Unit.Status.AT_SCENE and incident.first_arrival_at is None:
            incident.first_arrival_at = now
            incident.save(update_fields=["first_arrival_at"])
            stopped = True
    _record_status(unit, actor=actor, now=now)
    if incident is not None:
        _refresh_clock(incident, now)
    _publish_status_change(
        unit,
        actor=actor,
        incident=incident,
        now=now,
        previous=previous,
        resourced=incident.resourced if incident else None,
    )
    if stopped:
        publish(
            "incident.clock.stopped",
            actor=actor,
            incident=incident,
            unit_callsign=unit.callsign,
            roles=CONTROL,
            users=_incident_terminal_users(incident),
            at=now,
            data=_incident_data(
                incident,
                callsign=unit.callsign,
                first_arrival_at=iso(now),
                within_target=incident.response_due_at is None or now <= incident.response_due_at,
            ),
        )
    return unit


# What a terminal may say to control, and how the dispatcher's alert reads it.
UNIT_MESSAGES = {
    "unable_to_attend": "unable to attend",
    "message": "message",
}
UNIT_MESSAGE_MAX = 500


def unit_message(
    *, actor, unit: Unit | str, kind: str, text: str, now: datetime | None = None
) -> dict:
    """A unit's terminal says no ("unable to attend", with why) or sends control a message.

    Control (dispatchers, supervisors) is alerted at once by the event; the assignment is
    left as it is for the dispatcher to decide on (send another unit, or keep this one).
    """
    require(actor, "unit.message")
    now = _now(now)
    errors: dict[str, list[str]] = {}
    if kind not in UNIT_MESSAGES:
        errors["kind"] = [f"Kind must be one of: {', '.join(UNIT_MESSAGES)}."]
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        errors["text"] = ["Say why (unable to attend) or what (message): it is required."]
    elif len(text) > UNIT_MESSAGE_MAX:
        errors["text"] = [f"At most {UNIT_MESSAGE_MAX} characters."]
    if errors:
        raise InvalidInput(errors)
    with service_transaction():
        unit = _lock_unit(unit)
        if unit.terminal_user_id != actor.pk:
            raise RoleRefused("A unit terminal can only speak for its own unit.")
        active = (
            Assignment.objects.filter(unit=unit, status__in=Assignment.ACTIVE)
            .select_related("incident")
            .first()
        )
        if kind == "unable_to_attend" and active is None:
            raise Conflict(f"Unit {unit.callsign} has no assignment to decline.")
        incident = active.incident if active is not None else None
        label = UNIT_MESSAGES[kind]
        where = f" to {incident.reference}" if incident is not None else ""
        data = {
            "callsign": unit.callsign,
            "kind": kind,
            "text": text,
            "incident": incident.pk if incident else None,
            "reference": incident.reference if incident else None,
            "assignment": active.pk if active else None,
            "summary": f"{unit.callsign} {label}{where}: {text}",
        }
        publish(
            f"unit.{kind}",
            actor=actor,
            incident=incident,
            unit_callsign=unit.callsign,
            roles=CONTROL,
            users=_terminal_users(unit),
            at=now,
            data=data,
        )
    return {**data, "at": now.isoformat()}


@service
def incident_units_release(
    *, actor, incident: Incident, now: datetime | None = None, locked_by_caller: bool = False
) -> int:
    """When an incident is closed: free its units and stop its clock. Returns units freed.

    With `locked_by_caller`, `incident` is the caller's locked instance, which the caller
    saves afterwards, clock fields included (one read and one write fewer)."""
    now = _now(now)
    units = list(
        Unit.objects.select_for_update(of=("self",))
        .filter(assignments__incident=incident, assignments__status__in=Assignment.ACTIVE)
        .order_by("pk")
    )
    if not locked_by_caller:
        incident = _lock_incidents(incident.pk)[incident.pk]
    for unit in units:
        _end_active_assignment(unit, status=Assignment.Status.CLEARED, now=now)
        unit.status = Unit.Status.AVAILABLE
        unit.incident = None
        _record_status(unit, actor=actor, now=now)
        _publish_status_change(unit, actor=actor, incident=incident, now=now, released=True)
    _refresh_clock(incident, now, save=not locked_by_caller)
    return len(units)


# --- assignment acknowledgement sweep ---------------------------------------------------


def assignment_ack_sweep(*, now: datetime | None = None, batch: int = 100) -> int:
    """Alert the dispatcher about every assignment not acknowledged in time."""
    now = _now(now)
    raised = 0
    if not Assignment.objects.filter(ack_due_at__lte=now).exists():
        return 0
    while True:
        with service_transaction():
            rows = list(
                Assignment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("unit", "incident")
                .filter(ack_due_at__lte=now)
                .order_by("ack_due_at")[:batch]
            )
            for assignment in rows:
                due = assignment.ack_due_at
                assignment.ack_due_at = None
                assignment.save(update_fields=["ack_due_at"])
                if assignment.status not in Assignment.ACTIVE or assignment.acknowledged_at:
                    continue
                _, created = Escalation.objects.get_or_create(
                    assignment=assignment,
                    level=Escalation.Level.UNACKNOWLEDGED,
                    defaults={
                        "incident": assignment.incident,
                        "basis": assignment.assigned_at,
                        "due_at": due,
                        "raised_at": now,
                    },
                )
                if not created:
                    continue
                raised += 1
                incident = assignment.incident
                publish(
                    "assignment.unacknowledged",
                    incident=incident,
                    unit_callsign=assignment.unit.callsign,
                    roles=policy_roles("hears.unacknowledged"),
                    users=[assignment.assigned_by_id] if assignment.assigned_by_id else [],
                    at=now,
                    data={
                        "assignment": assignment.pk,
                        "incident": incident.pk,
                        "reference": incident.reference,
                        "grade": incident.grade,
                        "callsign": assignment.unit.callsign,
                        "state": "unacknowledged",
                        "assigned_at": iso(assignment.assigned_at),
                        "due_at": iso(due),
                        "response_due_at": iso(incident.response_due_at),
                    },
                )
        if len(rows) < batch:
            return raised


# --- the divert procedure -------------------------------------------------------------------


def _divert_data(divert: Divert, **extra) -> dict:
    data = {
        "divert": divert.pk,
        "status": divert.status,
        "callsign": divert.unit.callsign,
        "from_incident": divert.from_incident_id,
        "from_reference": divert.from_incident.reference,
        "from_grade": divert.from_incident.grade,
        "to_incident": divert.to_incident_id,
        "to_reference": divert.to_incident.reference,
        "to_grade": divert.to_incident.grade,
        "response_due_at": iso(divert.from_incident.response_due_at),
        "review_due_at": iso(divert.review_due_at),
        "replacement_due_at": iso(divert.replacement_due_at),
    }
    data.update(extra)
    return data


@service
def unit_divert(
    *,
    actor,
    unit: Unit | str,
    to_incident: Incident | int | None,
    reason: str,
    now: datetime | None = None,
) -> Divert:
    """Move a committed unit from its incident (A) to another (B).

    A is tagged DIVERT and is unresourced if no other unit is on it; a controller
    review opens with its own deadline.
    """
    require(actor, "unit.divert")
    now = _now(now)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say why the unit is diverted."]
    to_id = to_incident.pk if isinstance(to_incident, Incident) else to_incident
    if to_id is None or not Incident.objects.filter(pk=to_id).exists():
        errors["to_incident"] = ["An existing incident is required."]
    if errors:
        raise InvalidInput(errors)
    unit = _lock_unit(unit)
    if unit.incident_id is None or unit.status not in Assignment.ACTIVE:
        raise Conflict(f"Unit {unit.callsign} is not committed to an incident; assign it instead.")
    if unit.incident_id == to_id:
        raise Conflict(f"Unit {unit.callsign} is already on that incident.")
    locked = _lock_incidents(unit.incident_id, to_id)
    from_incident, to_incident = locked[unit.incident_id], locked[to_id]
    if from_incident.status != Incident.Status.OPEN:
        raise Conflict(f"Unit {unit.callsign}'s incident is closed; assign it instead.")
    if to_incident.status != Incident.Status.OPEN:
        raise Conflict(f"Incident {to_incident.reference} is closed.")

    from_assignment = _end_active_assignment(unit, status=Assignment.Status.DIVERTED, now=now)
    # Where the unit was when it was taken: kept for QART.
    geo_services.position_snapshot(
        unit, reason=UnitPosition.Reason.DIVERT, now=now, incident=from_incident
    )
    if DIVERT_TAG not in from_incident.tags:
        from_incident.tags = [*from_incident.tags, DIVERT_TAG]
        from_incident.save(update_fields=["tags"])
    _refresh_clock(from_incident, now)
    to_assignment = _assign(actor=actor, unit=unit, incident=to_incident, now=now, reason="divert")
    review_due = now + timedelta(seconds=settings.CAD_DIVERT_REVIEW_SECONDS)
    divert = Divert.objects.create(
        unit=unit,
        from_incident=from_incident,
        to_incident=to_incident,
        from_assignment=from_assignment,
        to_assignment=to_assignment,
        from_grade=from_incident.grade or "",
        to_grade=to_incident.grade or "",
        dispatcher=actor,
        reason=reason,
        created_at=now,
        status=Divert.Status.AWAITING_REVIEW,
        review_due_at=review_due,
        next_alert_at=review_due,
    )
    publish(
        "unit.diverted",
        actor=actor,
        incident=from_incident,
        unit_callsign=unit.callsign,
        divert_id=divert.pk,
        roles=DIVERT_AUDIENCE,
        users=_terminal_users(unit),
        at=now,
        data=_divert_data(divert, resourced=from_incident.resourced, tags=list(from_incident.tags)),
    )
    return divert


def _lock_divert(divert: Divert | int) -> Divert:
    divert_id = divert.pk if isinstance(divert, Divert) else divert
    return (
        Divert.objects.select_for_update(of=("self",))
        .select_related("unit", "from_incident", "to_incident")
        .get(pk=divert_id)
    )


@service
def divert_review(
    *,
    actor,
    divert: Divert | int,
    decision: str,
    rationale: str,
    now: datetime | None = None,
) -> Divert:
    """The controller weighs the comparative risk and approves or overrides the divert."""
    require(actor, "divert.review")
    now = _now(now)
    rationale = (rationale or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in Divert.Decision.values:
        errors["decision"] = ["Decision must be approve or override."]
    if not rationale:
        errors["rationale"] = ["Record the comparative risk of the two incidents."]
    if errors:
        raise InvalidInput(errors)
    divert_id = divert.pk if isinstance(divert, Divert) else divert
    # Lock order: unit, incidents, then the divert.
    unit_callsign = Divert.objects.values_list("unit__callsign", flat=True).get(pk=divert_id)
    unit = _lock_unit(unit_callsign)
    divert = _lock_divert(divert_id)
    if divert.status != Divert.Status.AWAITING_REVIEW:
        raise Conflict(f"This divert has already been reviewed ({divert.get_status_display()}).")
    locked = _lock_incidents(divert.from_incident_id, divert.to_incident_id)
    from_incident, to_incident = locked[divert.from_incident_id], locked[divert.to_incident_id]
    divert.from_incident, divert.to_incident, divert.unit = from_incident, to_incident, unit
    divert.controller = actor
    divert.decision = decision
    divert.rationale = rationale
    divert.reviewed_at = now
    return_assignment = None

    if decision == Divert.Decision.OVERRIDE:
        if from_incident.status != Incident.Status.OPEN:
            raise Conflict(f"Incident {from_incident.reference} is closed: nothing to return to.")
        to_active = (
            Assignment.objects.filter(pk=divert.to_assignment_id)
            .values_list("status", flat=True)
            .first()
        )
        if to_active in Assignment.ACTIVE:
            _end_active_assignment(unit, status=Assignment.Status.RECALLED, now=now)
        elif unit.status in Assignment.ACTIVE and _committed_elsewhere(unit, from_incident):
            raise Conflict(
                f"Unit {unit.callsign} has since been committed elsewhere; assign another unit."
            )
        elif unit.status == Unit.Status.UNAVAILABLE:
            raise Conflict(f"Unit {unit.callsign} is now unavailable; assign another unit.")
        else:
            _end_active_assignment(unit, status=Assignment.Status.CLEARED, now=now)
        _refresh_clock(to_incident, now)
        divert.status = Divert.Status.OVERRIDDEN
        divert.next_alert_at = None
        return_assignment = _assign(
            actor=actor, unit=unit, incident=from_incident, now=now, reason="override"
        )
        divert.return_assignment = return_assignment
    else:
        divert.status = Divert.Status.AWAITING_REPLACEMENT
        divert.replacement_due_at = now + timedelta(seconds=settings.CAD_DIVERT_REPLACEMENT_SECONDS)
        divert.next_alert_at = divert.replacement_due_at
    divert.save()
    publish(
        "divert.reviewed",
        actor=actor,
        incident=from_incident,
        unit_callsign=unit.callsign,
        divert_id=divert.pk,
        roles=DIVERT_AUDIENCE,
        users=_terminal_users(unit) if return_assignment else [],
        at=now,
        data=_divert_data(
            divert,
            decision=decision,
            sent_back=return_assignment is not None,
            assignment=return_assignment.pk if return_assignment else None,
        ),
    )
    if decision == Divert.Decision.APPROVE:
        # A unit already sent to A since the divert is its replacement.
        newer = (
            Assignment.objects.filter(
                incident=from_incident,
                status__in=Assignment.ACTIVE,
                assigned_at__gte=divert.created_at,
            )
            .exclude(pk=divert.from_assignment_id)
            .order_by("assigned_at", "id")
            .first()
        )
        if newer is not None:
            _mark_replaced(divert, assignment=newer, actor=newer.assigned_by or actor, now=now)
    return divert


def _mark_replaced(divert: Divert, *, assignment: Assignment, actor, now: datetime) -> None:
    divert.status = Divert.Status.REPLACED
    divert.replacement_unit = assignment.unit
    divert.replacement_assignment = assignment
    divert.replaced_by = actor
    divert.replaced_at = now
    divert.next_alert_at = None
    divert.save(
        update_fields=[
            "status",
            "replacement_unit",
            "replacement_assignment",
            "replaced_by",
            "replaced_at",
            "next_alert_at",
        ]
    )
    publish(
        "divert.replaced",
        actor=actor,
        incident=divert.from_incident,
        unit_callsign=assignment.unit.callsign,
        divert_id=divert.pk,
        roles=DIVERT_AUDIENCE,
        at=now,
        data=_divert_data(
            divert,
            replacement_unit=assignment.unit.callsign,
            assignment=assignment.pk,
            replaced_at=iso(now),
        ),
    )


def _satisfy_replacement(
    *, incident: Incident, assignment: Assignment, actor, now: datetime, divert: Divert | None
) -> None:
    """A new unit on an incident whose diverted unit awaits replacement is that replacement."""
    if divert is None:
        divert = (
            Divert.objects.select_for_update(of=("self",))
            .select_related("unit", "from_incident", "to_incident")
            .filter(from_incident=incident, status=Divert.Status.AWAITING_REPLACEMENT)
            .order_by("created_at", "id")
            .first()
        )
    if divert is not None:
        divert.from_incident = incident
        _mark_replaced(divert, assignment=assignment, actor=actor, now=now)


@service
def divert_replace(
    *, actor, divert: Divert | int, unit: Unit | str, now: datetime | None = None
) -> Divert:
    """The ops-room inspector (or a dispatcher tasked by them) sends another unit to A."""
    require(actor, "divert.replace")
    now = _now(now)
    if not unit:
        raise InvalidInput({"unit": ["A unit callsign is required."]})
    unit = _lock_unit(unit)
    divert_id = divert.pk if isinstance(divert, Divert) else divert
    from_id = Divert.objects.values_list("from_incident_id", flat=True).get(pk=divert_id)
    incident = _lock_incidents(from_id)[from_id]
    divert = _lock_divert(divert_id)
    if divert.status == Divert.Status.AWAITING_REVIEW:
        raise Conflict("The controller has not reviewed this divert yet.")
    if divert.status != Divert.Status.AWAITING_REPLACEMENT:
        raise Conflict(f"This divert needs no replacement ({divert.get_status_display()}).")
    _check_assignable(unit, incident)
    _end_active_assignment(unit, status=Assignment.Status.CLEARED, now=now)
    _assign(actor=actor, unit=unit, incident=incident, now=now, reason="replacement", divert=divert)
    return divert


@service
def divert_challenge_refer(
    *,
    actor,
    divert: Divert | int,
    challenge: str,
    referred_to: str,
    now: datetime | None = None,
) -> Divert:
    """Record a challenge to an override and its referral to the dispatch duty officer."""
    require(actor, "divert.challenge")
    now = _now(now)
    challenge, referred_to = (challenge or "").strip(), (referred_to or "").strip()
    errors: dict[str, list[str]] = {}
    if not challenge:
        errors["challenge"] = ["Record who challenges the override and why."]
    if not referred_to:
        errors["referred_to"] = ["Name the dispatch duty officer it is referred to."]
    if errors:
        raise InvalidInput(errors)
    divert = _lock_divert(divert)
    if divert.status != Divert.Status.OVERRIDDEN:
        raise Conflict("Only an overridden divert can be challenged.")
    if divert.challenge_referred_at is not None:
        raise Conflict("A challenge to this override has already been referred.")
    divert.challenge_by = actor
    divert.challenge_reason = challenge
    divert.challenge_referred_to = referred_to
    divert.challenge_referred_at = now
    divert.save(
        update_fields=[
            "challenge_by",
            "challenge_reason",
            "challenge_referred_to",
            "challenge_referred_at",
        ]
    )
    publish(
        "divert.challenge_referred",
        actor=actor,
        incident=divert.from_incident,
        unit_callsign=divert.unit.callsign,
        divert_id=divert.pk,
        roles=policy_roles("hears.oversight"),
        at=now,
        data=_divert_data(divert, challenge_referred_at=iso(now)),
    )
    return divert


@service
def divert_challenge_resolve(
    *, actor, divert: Divert | int, outcome: str, now: datetime | None = None
) -> Divert:
    """The duty officer's decision on a referred challenge."""
    require(actor, "divert.resolve_challenge")
    now = _now(now)
    outcome = (outcome or "").strip()
    if not outcome:
        raise InvalidInput({"outcome": ["Record the duty officer's decision."]})
    divert = _lock_divert(divert)
    if divert.challenge_referred_at is None:
        raise Conflict("No challenge has been referred for this divert.")
    if divert.challenge_resolved_at is not None:
        raise Conflict("The challenge has already been decided.")
    divert.challenge_outcome = outcome
    divert.challenge_resolved_by = actor
    divert.challenge_resolved_at = now
    divert.save(
        update_fields=["challenge_outcome", "challenge_resolved_by", "challenge_resolved_at"]
    )
    publish(
        "divert.challenge_resolved",
        actor=actor,
        incident=divert.from_incident,
        unit_callsign=divert.unit.callsign,
        divert_id=divert.pk,
        roles=policy_roles("hears.oversight"),
        at=now,
        data=_divert_data(divert, challenge_resolved_at=iso(now)),
    )
    return divert


def divert_sweep(*, now: datetime | None = None, batch: int = 100) -> int:
    """Escalate reviews and replacements not done in time to the supervisor board."""
    now = _now(now)
    raised = 0
    if not Divert.objects.filter(next_alert_at__lte=now).exists():
        return 0
    while True:
        with service_transaction():
            rows = list(
                Divert.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("unit", "from_incident", "to_incident")
                .filter(next_alert_at__lte=now)
                .order_by("next_alert_at")[:batch]
            )
            for divert in rows:
                raised += _sweep_divert(divert, now)
        if len(rows) < batch:
            return raised


def _sweep_divert(divert: Divert, now: datetime) -> int:
    divert.next_alert_at = None
    divert.save(update_fields=["next_alert_at"])
    if divert.from_incident.status != Incident.Status.OPEN:
        return 0
    if divert.status == Divert.Status.AWAITING_REVIEW:
        level, kind, due = (
            Escalation.Level.REVIEW_OVERDUE,
            "divert.review_overdue",
            divert.review_due_at,
        )
        roles = policy_roles("hears.oversight")
    elif divert.status == Divert.Status.AWAITING_REPLACEMENT:
        level, kind, due = (
            Escalation.Level.REPLACEMENT_OVERDUE,
            "divert.replacement_overdue",
            divert.replacement_due_at,
        )
        roles = policy_roles("hears.clock")
    else:
        return 0
    if due is None or due > now:
        divert.next_alert_at = due
        divert.save(update_fields=["next_alert_at"])
        return 0
    _, created = Escalation.objects.get_or_create(
        divert=divert,
        level=level,
        defaults={
            "incident": divert.from_incident,
            "basis": divert.created_at,
            "due_at": due,
            "raised_at": now,
        },
    )
    if not created:
        return 0
    publish(
        kind,
        incident=divert.from_incident,
        unit_callsign=divert.unit.callsign,
        divert_id=divert.pk,
        roles=roles,
        at=now,
        data=_divert_data(divert, state="overdue", due_at=iso(due)),
    )
    return 1
