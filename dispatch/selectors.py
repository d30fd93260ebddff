"""Reads of the dispatch app: assignments, units, boards and the unit terminal."""

from __future__ import annotations

import importlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from cad.kernel.moments import iso
from cad.models import GRADE_ORDER, Grade, Incident, NarrativeEntry, OpeningCode
from dispatch import clocks
from dispatch.geo_selectors import divert_geography, position_of
from dispatch.models import (
    Assignment,
    DeadlineChange,
    Divert,
    Escalation,
    Unit,
    VictimCallback,
)

log = logging.getLogger(__name__)


def assignments_for_incident(incident: Incident | int) -> list[dict]:
    """Every assignment of the incident, oldest first, as in API.md's incident representation."""
    incident_id = incident.pk if isinstance(incident, Incident) else incident
    rows = (
        Assignment.objects.filter(incident_id=incident_id)
        .select_related("unit")
        .order_by("assigned_at", "id")
    )
    return [
        {
            "id": row.pk,
            "unit": row.unit.callsign,
            "status": row.status,
            "acknowledged_at": iso(row.acknowledged_at),
        }
        for row in rows
    ]


def assignment_representation(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "unit": assignment.unit.callsign,
        "incident": assignment.incident_id,
        "reference": assignment.incident.reference,
        "status": assignment.status,
        "reason": assignment.reason,
        "assigned_at": iso(assignment.assigned_at),
        "acknowledged_at": iso(assignment.acknowledged_at),
        "ack_due_at": iso(assignment.ack_due_at),
        "circulated_at": iso(assignment.circulated_at),
        "circulated_entries": len(assignment.circulated_entry_ids),
    }


def divert_representation(divert: Divert) -> dict:
    return {
        "id": divert.pk,
        "unit": divert.unit.callsign,
        "from_incident": divert.from_incident_id,
        "from_reference": divert.from_incident.reference,
        "to_incident": divert.to_incident_id,
        "to_reference": divert.to_incident.reference,
        "status": divert.status,
        "reason": divert.reason,
        "dispatcher": divert.dispatcher.username,
        "created_at": iso(divert.created_at),
        "review_due_at": iso(divert.review_due_at),
        "decision": divert.decision or None,
        "rationale": divert.rationale,
        "controller": divert.controller.username if divert.controller else None,
        "reviewed_at": iso(divert.reviewed_at),
        "replacement_due_at": iso(divert.replacement_due_at),
        "replacement_unit": divert.replacement_unit.callsign if divert.replacement_unit else None,
        "replaced_by": divert.replaced_by.username if divert.replaced_by else None,
        "replaced_at": iso(divert.replaced_at),
        "challenge_referred_to": divert.challenge_referred_to or None,
        "challenge_referred_at": iso(divert.challenge_referred_at),
        "challenge_resolved_at": iso(divert.challenge_resolved_at),
    }


def divert_with_relations(divert_id: int) -> Divert:
    return Divert.objects.select_related(
        "unit",
        "from_incident",
        "to_incident",
        "dispatcher",
        "controller",
        "replacement_unit",
        "replaced_by",
    ).get(pk=divert_id)


# --- units ---------------------------------------------------------------------------------


def units_list() -> list[dict]:
    rows = Unit.objects.select_related("incident").order_by("callsign")
    return [unit_row(unit) for unit in rows]


def unit_row(unit: Unit) -> dict:
    incident = unit.incident
    committed = incident is not None and incident.status == Incident.Status.OPEN
    return {
        "callsign": unit.callsign,
        "status": unit.status,
        "incident": incident.pk if incident else None,
        "reference": incident.reference if incident else None,
        "grade": incident.grade if incident else None,
        "area": unit.area,
        "available": unit.status == Unit.Status.AVAILABLE
        or (unit.status != Unit.Status.UNAVAILABLE and not committed),
        "status_changed_at": iso(unit.status_changed_at),
        "position": position_of(unit),
    }


def unit_for_terminal(user) -> Unit | None:
    return Unit.objects.filter(terminal_user=user).select_related("incident").first()


def unit_status_history(unit: Unit, limit: int = 50):
    return unit.status_history.select_related("incident", "actor").order_by("-at", "-id")[:limit]


# --- circulation: the whole incident for the unit -----------------------------------------


def _optional(module: str, name: str):
    """A selector of another app, or None while that app does not provide it."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def scheme_lookup_for(incident: Incident):
    lookup = _optional("schemes.selectors", "scheme_lookup")
    if lookup is None:
        return None
    try:
        return lookup(
            phone=incident.caller_phone, address=incident.address, postcode=incident.postcode
        )
    except TypeError:
        return lookup(incident=incident)


def intelligence_for(incident: Incident):
    summary = _optional("intelligence.selectors", "check_summary")
    if summary is None:
        return None
    return summary(incident=incident)


def divert_side(incident: Incident) -> dict:
    """What a controller or inspector weighs for one incident of a divert: its words, its
    flags with their reasons, its intelligence, its schemes and its clock."""
    return {
        "incident": incident,
        "opening_code_label": OpeningCode.label_for(incident.opening_code),
        "flags": incident.risk_flags or [],
        "narrative": list(
            NarrativeEntry.objects.filter(incident=incident)
            .select_related("author")
            .order_by("at", "id")
        ),
        "intel": intelligence_for(incident),
        "scheme_lookup": scheme_lookup_for(incident),
    }


def with_sides(diverts) -> list:
    """Diverts, each with the incident it left (A) and the one it went to (B) side by side."""
    diverts = list(diverts)
    for divert in diverts:
        divert.sides = [
            ("Left (A)", "from", divert_side(divert.from_incident)),
            ("Sent to (B)", "to", divert_side(divert.to_incident)),
        ]
        divert.geo = divert_geography(divert)
    return diverts


def circulation(assignment: Assignment) -> dict:
    """Everything the unit receives: the whole narrative, flags, tags and the deadline."""
    incident = assignment.incident
    entries = NarrativeEntry.objects.filter(incident=incident).select_related("author")
    return {
        "assignment": assignment_representation(assignment),
        "incident": {
            "id": incident.pk,
            "reference": incident.reference,
            "status": incident.status,
            "grade": incident.grade,
            "opening_code": incident.opening_code,
            "opening_code_label": OpeningCode.label_for(incident.opening_code),
            "address": incident.address,
            "postcode": incident.postcode,
            "caller_name": incident.caller_name,
            "caller_phone": incident.caller_phone,
            "received_at": iso(incident.received_at),
            "response_due_at": iso(incident.response_due_at),
            "warning_at": iso(incident.warning_at),
            "clock_state": incident.clock_state,
            "domestic_abuse": incident.domestic_abuse,
            "risk_flags": incident.risk_flags,
            "tags": list(incident.tags),
            "narrative": [
                {
                    "id": entry.pk,
                    "at": iso(entry.at),
                    "author": entry.author.username,
                    "text": entry.text,
                }
                for entry in entries
            ],
            "persons": [
                {"name": person.name, "dob": iso(person.dob), "role": person.role}
                for person in incident.persons.all()
            ],
        },
    }


# --- boards ------------------------------------------------------------------------------


def _grade_rank(grade: str | None) -> int:
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def dispatcher_incidents(now: datetime | None = None) -> list[Incident]:
    """Open incidents by urgency: running clocks by deadline, then ungraded, then the rest."""
    now = now or timezone.now()
    incidents = list(
        Incident.objects.filter(status=Incident.Status.OPEN)
        .annotate(opening_code_label=OpeningCode.label_of_incident())
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status__in=Assignment.ACTIVE).select_related(
                    "unit"
                ),
                to_attr="active_assignments",
            )
        )
        .order_by("response_due_at", "received_at")
    )

    def key(incident: Incident):
        stopped = incident.first_arrival_at is not None or incident.response_due_at is None
        return (
            stopped,
            incident.response_due_at is None,
            incident.response_due_at or incident.received_at,
            _grade_rank(incident.grade),
        )

    incidents.sort(key=key)
    return incidents


def overdue_rows(now: datetime | None = None) -> list[dict]:
    """The supervisor's overdue board (API.md): warning, breached, unresourced and
    unacknowledged incidents, most urgent first (state, then the earliest deadline)."""
    now = now or timezone.now()
    ack_after = timedelta(seconds=settings.CAD_ASSIGNMENT_ACK_SECONDS)
    unacked = Assignment.objects.filter(
        incident=OuterRef("pk"),
        status=Assignment.Status.ASSIGNED,
        acknowledged_at__isnull=True,
        assigned_at__lte=now - ack_after,
    )
    # A predicted breach (no available unit can arrive in time) for the current deadline.
    predicted = Escalation.objects.filter(
        incident=OuterRef("pk"),
        level=Escalation.Level.PREDICTED_BREACH,
        basis=OuterRef("response_due_at"),
    )
    candidates = (
        Incident.objects.filter(status=Incident.Status.OPEN)
        .exclude(grade__isnull=True)
        .exclude(grade=Grade.RESOLVED_WITHOUT_DEPLOYMENT)
        .annotate(unacknowledged=Exists(unacked), predicted_breach=Exists(predicted))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status__in=Assignment.ACTIVE).select_related(
                    "unit"
                ),
                to_attr="active_assignments",
            )
        )
    )
    # Only incidents that can be in one of the states: clock not stopped or a unit pending.
    candidates = candidates.filter(Q(first_arrival_at__isnull=True) | Q(unacknowledged=True))
    rows = []
    for incident in candidates:
        states = []
        attended = incident.first_arrival_at is not None
        due = incident.response_due_at
        if due is not None and not attended:
            if now >= due:
                states.append("breached")
            elif incident.warning_at is not None and now >= incident.warning_at:
                states.append("warning")
        allowance = unresourced_allowance(incident.grade)
        if (
            not attended
            and not incident.resourced
            and incident.unresourced_since is not None
            and (
                # Its unit was taken by a divert: on the board at once, not after the
                # allowance a never-assigned incident gets (the alert still waits for it).
                "DIVERT" in incident.tags
                or (allowance is not None and now >= incident.unresourced_since + allowance)
            )
        ):
            states.append("unresourced")
        predicted_breach = (
            incident.predicted_breach
            and not attended
            and not incident.resourced
            and "breached" not in states
        )
        if predicted_breach and "unresourced" not in states:
            # No unit can arrive in time: on the board now, not when the clock runs out.
            states.append("unresourced")
        if incident.unacknowledged:
            states.append("unacknowledged")
        if not states:
            continue
        states.sort(key=lambda s: clocks.STATE_RANK[s])
        rows.append(
            {
                "incident": incident.pk,
                "reference": incident.reference,
                "grade": incident.grade,
                "response_due_at": iso(due),
                "warning_at": iso(incident.warning_at),
                "state": states[0],
                "states": states,
                "predicted_breach": predicted_breach,
                "clock_state": incident.clock_state,
                "resourced": incident.resourced,
                "unresourced_since": iso(incident.unresourced_since),
                "tags": list(incident.tags),
                "units": [a.unit.callsign for a in incident.active_assignments],
                "area": incident.area,
                # The risk, so that "somebody behind closed doors" keeps the focus.
                "domestic_abuse": incident.domestic_abuse,
                "address": incident.address,
                "postcode": incident.postcode,
            }
        )
    rows.sort(key=lambda row: clocks.urgency_key(row["state"], _parse(row["response_due_at"])))
    return rows


def _parse(value: str | None):
    return datetime.fromisoformat(value) if value else None


def unresourced_allowance(grade: str | None) -> timedelta | None:
    seconds = settings.CAD_UNRESOURCED_ALERT_SECONDS.get(grade or "")
    return timedelta(seconds=seconds) if seconds else None


def diverts_awaiting(status: str):
    return (
        Divert.objects.filter(status=status, from_incident__status=Incident.Status.OPEN)
        .select_related("unit", "from_incident", "to_incident", "dispatcher", "controller")
        .order_by("created_at", "id")
    )


def divert_review_queue():
    return diverts_awaiting(Divert.Status.AWAITING_REVIEW)


def replacement_queue():
    return diverts_awaiting(Divert.Status.AWAITING_REPLACEMENT)


def recent_overrides(hours: int = 12):
    since = timezone.now() - timedelta(hours=hours)
    return (
        Divert.objects.filter(status=Divert.Status.OVERRIDDEN, reviewed_at__gte=since)
        .select_related("unit", "from_incident", "to_incident", "controller")
        .order_by("-reviewed_at", "-id")
    )


def terminal_user_ids(incident: Incident | int) -> list[int]:
    """Terminals of the units on an incident: publish to these so units see every change."""
    incident_id = incident.pk if isinstance(incident, Incident) else incident
    return list(
        Assignment.objects.filter(incident_id=incident_id, status__in=Assignment.ACTIVE)
        .exclude(unit__terminal_user__isnull=True)
        .values_list("unit__terminal_user_id", flat=True)
    )


def diverted_without_replacement():
    return (
        Divert.objects.filter(
            status__in=[Divert.Status.AWAITING_REVIEW, Divert.Status.AWAITING_REPLACEMENT],
            from_incident__status=Incident.Status.OPEN,
        )
        .select_related("unit", "from_incident", "to_incident", "dispatcher")
        .order_by("created_at", "id")
    )


def downgraded_incidents() -> list[Incident]:
    """Open incidents whose latest grade change lowered the grade, or graded below the
    engine's recommendation and not yet reviewed by a supervisor."""
    latest_is_downgrade = Subquery(
        DeadlineChange.objects.filter(incident=OuterRef("pk"))
        .order_by("-at", "-id")
        .values("downgrade")[:1]
    )
    candidates = DeadlineChange.objects.filter(
        downgrade=True, incident__status=Incident.Status.OPEN
    ).values("incident_id")
    regraded = (
        Incident.objects.filter(pk__in=candidates)
        .annotate(latest_downgrade=latest_is_downgrade)
        .filter(latest_downgrade=True)
        .values_list("pk", flat=True)
    )
    below = Incident.objects.filter(
        status=Incident.Status.OPEN, below_recommendation=True, downgrade_reviewed_at__isnull=True
    ).values_list("pk", flat=True)
    return list(
        Incident.objects.filter(Q(pk__in=regraded) | Q(pk__in=below)).order_by(
            "response_due_at", "received_at"
        )
    )


def other_supervisor_items() -> list[dict]:
    """Items other apps put on the supervisor's board (follow-ups, schemes, intelligence)."""
    items: list[dict] = []
    for module in ("cad.calls.selectors", "intelligence.selectors", "schemes.selectors"):
        provider = _optional(module, "supervisor_board_items")
        if provider is None:
            continue
        try:
            for item in provider() or []:
                entry = dict(item) if isinstance(item, dict) else {"summary": str(item)}
                entry.setdefault("source", module.split(".")[0])
                items.append(entry)
        except Exception:  # another app's board must never take this one down
            log.exception("supervisor board items from %s failed", module)
    return items


def open_escalations_count(now: datetime | None = None) -> int:
    return Escalation.objects.filter(
        incident__status=Incident.Status.OPEN,
        level__in=[Escalation.Level.CLOCK_BREACHED, Escalation.Level.CLOCK_REESCALATED],
    ).count()


def open_victim_callbacks() -> list:
    """Victims to call back, the overdue first, then by when they are due."""
    return list(
        VictimCallback.objects.filter(status__in=VictimCallback.OPEN_STATUSES)
        .select_related("incident")
        .order_by("-status", "due_at")
    )


def victim_callback_representation(callback) -> dict:
    return {
        "id": callback.pk,
        "incident": callback.incident_id,
        "reference": callback.incident.reference,
        "reason": callback.reason,
        "status": callback.status,
        "raised_at": iso(callback.raised_at),
        "due_at": iso(callback.due_at),
        "escalated_at": iso(callback.escalated_at),
        "done_at": iso(callback.done_at),
        "done_by": callback.done_by.username if callback.done_by else None,
        "outcome": callback.outcome,
    }
