"""Dispatch fixtures: incidents created and graded through the call-handling services; units."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from cad.models import Incident
from dispatch.models import Unit

T0 = datetime(2026, 3, 1, 23, 54, tzinfo=UTC)


@pytest.fixture
def make_incident(make_user):
    """make_incident(grade="PRIORITY", received_at=T0, narrative=[...]) → a graded open incident.

    Created and graded through the call-handling services (tests.factories), so the
    clock is set by incident_grade calling clock_reschedule, as in production. Narrative
    lines after the first are appended with incident_add_entry, one second apart."""
    author = make_user("call_handler")

    def make(
        grade: str | None = "PRIORITY",
        *,
        received_at: datetime = T0,
        graded_at: datetime | None = None,
        area: str = "urban",
        narrative: list[str] = ("Caller reports someone banging on her door.",),
    ) -> Incident:
        from cad.calls.services import incident_add_entry
        from tests.factories import incident_factory

        lines = list(narrative) or ["Call received."]
        incident = incident_factory(
            actor=author, area=area, received_at=received_at, narrative=lines[0]
        )
        for index, text in enumerate(lines[1:], start=1):
            incident_add_entry(
                actor=author,
                incident=incident,
                text=text,
                now=received_at + timedelta(seconds=index),
            )
        if grade:
            incident = regrade(incident, grade, now=graded_at or received_at, actor=author)
        return Incident.objects.get(pk=incident.pk)

    return make


def regrade(incident: Incident, grade: str, *, now: datetime, actor=None) -> Incident:
    """Grade or re-grade through incident_grade (which calls dispatch's clock_reschedule)."""
    from cad.calls.services import incident_grade
    from tests.factories import role_user

    grading = {"rationale": "Graded in a dispatch test.", "da_rationale": "Not domestic."}
    if grade == "SCHEDULED":
        grading["appointment_at"] = now + timedelta(hours=4)
    incident_grade(
        actor=actor or role_user("supervisor"),
        incident=Incident.objects.get(pk=incident.pk),
        grade=grade,
        now=now,
        **grading,
    )
    return Incident.objects.get(pk=incident.pk)


@pytest.fixture
def make_unit(db):
    counter = itertools.count(1)

    def make(callsign: str | None = None, *, terminal_user=None, area: str = "urban") -> Unit:
        return Unit.objects.create(
            callsign=callsign or f"TU{next(counter)}", area=area, terminal_user=terminal_user
        )

    return make


@pytest.fixture
def roles(make_user):
    """One user per control-room role."""
    return {
        name: make_user(name)
        for name in ("dispatcher", "controller", "inspector", "supervisor", "admin", "unit")
    }


def reload(obj):
    obj.refresh_from_db()
    return obj
