"""Dispatch fixtures: incidents built directly (graded, clock set) and units."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from cad.models import Incident, NarrativeEntry, ResponseTarget
from dispatch import services
from dispatch.models import Unit

T0 = datetime(2026, 3, 1, 23, 54, tzinfo=UTC)
_numbers = itertools.count(1)


def target_seconds(grade: str, area: str = "urban") -> int:
    return ResponseTarget.objects.get(grade=grade, area=area).seconds


@pytest.fixture
def make_incident(make_user):
    """make_incident(grade="PRIORITY", received_at=T0, narrative=[...]) → a graded open incident.

    The clock is set the way incident_grade sets it: the deadline from received_at
    and the target, then `clock_reschedule` as of `graded_at` (default: received_at)."""
    author = make_user("call_handler")

    def make(
        grade: str | None = "PRIORITY",
        *,
        received_at: datetime = T0,
        graded_at: datetime | None = None,
        area: str = "urban",
        narrative: list[str] = ("Caller reports someone banging on her door.",),
    ) -> Incident:
        number = next(_numbers)
        with transaction.atomic():
            incident = Incident.objects.create(
                reference=f"CAD-TEST-{number:04d}",
                channel="999",
                received_at=received_at,
                opening_code="suspicious",
                area=area,
                address=f"{number} Test Street",
                postcode="AB1 2CD",
                created_by=author,
            )
            for index, text in enumerate(narrative):
                NarrativeEntry.objects.create(
                    incident=incident,
                    at=received_at + timedelta(seconds=index),
                    author=author,
                    text=text,
                )
            if grade:
                incident = regrade(incident, grade, now=graded_at or received_at)
        return incident

    return make


def regrade(incident: Incident, grade: str, *, now: datetime) -> Incident:
    """What incident_grade does to the clock: deadline from received_at, then reschedule."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        incident.grade = grade
        if grade in ("IMMEDIATE", "PRIORITY"):
            incident.response_due_at = incident.received_at + timedelta(
                seconds=target_seconds(grade, incident.area)
            )
        elif grade == "SCHEDULED":
            incident.response_due_at = now + timedelta(hours=4)
        else:
            incident.response_due_at = None
        incident.save(update_fields=["grade", "response_due_at"])
        services.clock_reschedule(incident=incident, now=now)
    return incident


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
