"""The overdue board shows an incident whose unit was diverted as unresourced at once.

A never-assigned incident waits for its grade's allowance before it counts as
unresourced; an incident that lost its only unit to a divert must not wait: the
supervisor watches the divert procedure from its first second (issue 8, step 6).
"""

from datetime import UTC, datetime, timedelta

import pytest

from cad.models import Event
from dispatch import selectors, services
from dispatch.models import Unit
from tests.factories import incident_factory, role_user

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 23, 54, tzinfo=UTC)


def states_of(incident, now):
    return {row["incident"]: row for row in selectors.overdue_rows(now=now)}.get(incident.pk)


def test_a_diverted_incident_is_unresourced_on_the_board_before_the_allowance(settings):
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {"IMMEDIATE": 60, "PRIORITY": 300}
    dispatcher = role_user("dispatcher")
    call_a = incident_factory(grade="IMMEDIATE", received_at=T0)
    call_b = incident_factory(grade="IMMEDIATE", received_at=T0 + timedelta(seconds=30))
    never_assigned = incident_factory(grade="IMMEDIATE", received_at=T0 + timedelta(seconds=40))
    unit = Unit.objects.create(callsign="ALPHA1", area="urban")
    services.unit_assign(
        actor=dispatcher, incident=call_a, unit=unit, now=T0 + timedelta(seconds=20)
    )
    divert = services.unit_divert(
        actor=dispatcher,
        unit=unit,
        to_incident=call_b,
        reason="Knife",
        now=T0 + timedelta(seconds=50),
    )

    row = states_of(call_a, T0 + timedelta(seconds=51))
    assert row is not None
    assert row["state"] == "unresourced" and row["states"] == ["unresourced"]
    assert row["tags"] == ["DIVERT"] and row["resourced"] is False
    # The never-assigned one still gets its allowance, and nothing is alerted yet.
    assert states_of(never_assigned, T0 + timedelta(seconds=51)) is None
    assert not Event.objects.filter(kind="incident.unresourced").exists()

    # Replaced: off the board again (the DIVERT tag stays for QART).
    controller, inspector = role_user("controller"), role_user("inspector")
    services.divert_review(
        actor=controller, divert=divert, decision="approve", rationale="B first", now=T0
    )
    Unit.objects.create(callsign="BRAVO2", area="urban")
    services.divert_replace(
        actor=inspector, divert=divert, unit="BRAVO2", now=T0 + timedelta(seconds=55)
    )
    assert states_of(call_a, T0 + timedelta(seconds=56)) is None
