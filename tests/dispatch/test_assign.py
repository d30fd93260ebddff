"""Assigning units: circulation of the whole incident, 409s, the row lock, acknowledgement."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.models import Event, Incident, NarrativeEntry
from dispatch import selectors, services
from dispatch.models import Assignment, Escalation, Unit
from tests.dispatch.conftest import T0, reload

NARRATIVE = [
    "Caller reports someone banging on her door and buzzing the buzzer.",
    "She believes it may be her ex-husband.",
    "Court order mentioned; caller frightened; children in the flat.",
]


def test_assign_circulates_every_narrative_line(make_incident, make_unit, roles):
    incident = make_incident("PRIORITY", narrative=NARRATIVE)
    unit = make_unit(terminal_user=roles["unit"])
    assignment = services.unit_assign(
        actor=roles["dispatcher"], incident=incident, unit=unit.callsign, now=T0
    )
    lines = list(NarrativeEntry.objects.filter(incident=incident).values_list("id", flat=True))
    assert assignment.circulated_entry_ids == lines
    package = selectors.circulation(assignment)
    assert [line["text"] for line in package["incident"]["narrative"]] == NARRATIVE
    unit = reload(unit)
    assert unit.status == "assigned" and unit.incident_id == incident.pk
    assert reload(incident).resourced is True
    assert reload(incident).unresourced_since is None
    event = Event.objects.get(kind="unit.assigned", incident=incident)
    assert f"user.{roles['unit'].pk}" in event.audience
    assert event.data["narrative_lines"] == 3
    assert not any(text in str(event.data) for text in NARRATIVE)
    assert selectors.assignments_for_incident(incident) == [
        {"id": assignment.pk, "unit": unit.callsign, "status": "assigned", "acknowledged_at": None}
    ]
    assert unit.status_history.get().status == "assigned"


def test_unit_committed_elsewhere_is_409(make_incident, make_unit, roles):
    first, second = make_incident(), make_incident()
    unit = make_unit()
    services.unit_assign(actor=roles["dispatcher"], incident=first, unit=unit, now=T0)
    with pytest.raises(Conflict, match="use divert"):
        services.unit_assign(actor=roles["dispatcher"], incident=second, unit=unit, now=T0)
    with pytest.raises(Conflict, match="already assigned"):
        services.unit_assign(actor=roles["dispatcher"], incident=first, unit=unit, now=T0)
    assert Assignment.objects.count() == 1


def test_unavailable_unit_and_closed_incident_are_409(make_incident, make_unit, roles):
    incident = make_incident()
    unit = make_unit()
    Unit.objects.filter(pk=unit.pk).update(status="unavailable")
    with pytest.raises(Conflict, match="unavailable"):
        services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=unit, now=T0)
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    with pytest.raises(Conflict, match="closed"):
        services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=make_unit(), now=T0)


def test_a_unit_left_on_a_closed_incident_can_be_assigned(make_incident, make_unit, roles):
    old, new = make_incident(), make_incident()
    unit = make_unit()
    services.unit_assign(actor=roles["dispatcher"], incident=old, unit=unit, now=T0)
    Incident.objects.filter(pk=old.pk).update(status="closed")
    services.unit_assign(actor=roles["dispatcher"], incident=new, unit=unit, now=T0)
    assert list(Assignment.objects.order_by("id").values_list("status", flat=True)) == [
        "cleared",
        "assigned",
    ]


def test_assign_roles_and_unknown_unit(make_incident, make_unit, roles, make_user):
    incident = make_incident()
    with pytest.raises(RoleRefused):
        services.unit_assign(actor=make_user("call_handler"), incident=incident, unit=make_unit())
    with pytest.raises(InvalidInput) as error:
        services.unit_assign(actor=roles["inspector"], incident=incident, unit="NOPE9")
    assert "unit" in error.value.errors
    assert not Assignment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_assigning_one_unit_exactly_one_wins(make_incident, make_unit, make_user):
    first, second = make_incident(), make_incident()
    unit = make_unit()
    dispatchers = [make_user("dispatcher"), make_user("dispatcher")]
    barrier = threading.Barrier(2)
    outcomes = []

    def run(actor, incident):
        try:
            barrier.wait()
            services.unit_assign(actor=actor, incident=incident, unit=unit.callsign)
            outcomes.append("assigned")
        except Conflict:
            outcomes.append("conflict")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(dispatchers[0], first)),
        threading.Thread(target=run, args=(dispatchers[1], second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["assigned", "conflict"]
    assert Assignment.objects.filter(unit=unit, status="assigned").count() == 1
    assert Event.objects.filter(kind="unit.assigned").count() == 1


def test_acknowledge_by_the_units_own_terminal(make_incident, make_unit, roles, make_user):
    incident = make_incident()
    unit = make_unit(terminal_user=roles["unit"])
    assignment = services.unit_assign(
        actor=roles["dispatcher"], incident=incident, unit=unit, now=T0
    )
    with pytest.raises(RoleRefused):
        services.assignment_acknowledge(actor=make_user("unit"), assignment=assignment)
    with pytest.raises(RoleRefused):
        services.assignment_acknowledge(actor=roles["dispatcher"], assignment=assignment)
    services.assignment_acknowledge(
        actor=roles["unit"], assignment=assignment, now=T0 + timedelta(seconds=20)
    )
    assignment = reload(assignment)
    assert assignment.acknowledged_at == T0 + timedelta(seconds=20)
    assert assignment.ack_due_at is None
    with pytest.raises(Conflict, match="already acknowledged"):
        services.assignment_acknowledge(actor=roles["unit"], assignment=assignment)
    # No alert follows an acknowledged assignment.
    assert services.assignment_ack_sweep(now=T0 + timedelta(minutes=5)) == 0


def test_unacknowledged_assignment_alerts_the_dispatcher_once(
    make_incident, make_unit, roles, settings
):
    settings.CAD_ASSIGNMENT_ACK_SECONDS = 30
    incident = make_incident()
    assignment = services.unit_assign(
        actor=roles["dispatcher"], incident=incident, unit=make_unit(), now=T0
    )
    assert assignment.ack_due_at == T0 + timedelta(seconds=30)
    assert services.assignment_ack_sweep(now=T0 + timedelta(seconds=29)) == 0
    assert services.assignment_ack_sweep(now=T0 + timedelta(seconds=30)) == 1
    assert services.assignment_ack_sweep(now=T0 + timedelta(seconds=90)) == 0
    event = Event.objects.get(kind="assignment.unacknowledged")
    assert "role.dispatcher" in event.audience
    assert f"user.{roles['dispatcher'].pk}" in event.audience
    assert event.data["assignment"] == assignment.pk
    assert Escalation.objects.get(assignment=assignment).level == "unacknowledged"
    rows = selectors.overdue_rows(now=T0 + timedelta(seconds=31))
    assert [(row["incident"], row["state"]) for row in rows] == [(incident.pk, "unacknowledged")]


def test_unit_status_flow_and_terminal_rules(make_incident, make_unit, roles, make_user):
    incident = make_incident()
    unit = make_unit(terminal_user=roles["unit"])
    with pytest.raises(Conflict, match="assigned first"):
        services.unit_status_set(actor=roles["unit"], unit=unit, status="en_route")
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=unit, now=T0)
    with pytest.raises(RoleRefused):
        services.unit_status_set(actor=make_user("unit"), unit=unit, status="en_route")
    with pytest.raises(InvalidInput):
        services.unit_status_set(actor=roles["unit"], unit=unit, status="lunch")
    services.unit_status_set(
        actor=roles["unit"], unit=unit, status="en_route", now=T0 + timedelta(minutes=1)
    )
    services.unit_status_set(
        actor=roles["unit"], unit=unit, status="at_scene", now=T0 + timedelta(minutes=9)
    )
    services.unit_status_set(
        actor=roles["unit"], unit=unit, status="available", now=T0 + timedelta(minutes=40)
    )
    history = list(unit.status_history.values_list("status", flat=True))
    assert history == ["assigned", "en_route", "at_scene", "available"]
    assignment = Assignment.objects.get(unit=unit)
    assert assignment.status == "cleared"
    assert assignment.arrived_at == T0 + timedelta(minutes=9)
    incident = reload(incident)
    assert incident.first_arrival_at == T0 + timedelta(minutes=9)
    # Attended: leaving afterwards does not make it unresourced.
    assert incident.unresourced_since is None and incident.clock_state == "stopped"


def test_a_unit_leaving_before_arrival_leaves_the_incident_unresourced(
    make_incident, make_unit, roles
):
    incident = make_incident()
    unit = make_unit()
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=unit, now=T0)
    services.unit_status_set(
        actor=roles["dispatcher"], unit=unit, status="unavailable", now=T0 + timedelta(minutes=3)
    )
    incident = reload(incident)
    assert incident.resourced is False
    assert incident.unresourced_since == T0 + timedelta(minutes=3)
    assert reload(unit).incident_id is None


def test_unit_create_by_admin_only(roles):
    unit = services.unit_create(actor=roles["admin"], callsign="delta7", area="rural")
    assert unit.callsign == "DELTA7"
    with pytest.raises(InvalidInput):
        services.unit_create(actor=roles["admin"], callsign="DELTA7", area="urban")
    with pytest.raises(InvalidInput):
        services.unit_create(actor=roles["admin"], callsign="X Y", area="moon")
    with pytest.raises(RoleRefused):
        services.unit_create(actor=roles["dispatcher"], callsign="ECHO1", area="urban")


def test_closing_releases_units_and_stops_the_clock(make_incident, make_unit, roles):
    incident = make_incident()
    first, second = make_unit(), make_unit()
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=first, now=T0)
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=second, now=T0)
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    assert services.incident_units_release(actor=roles["dispatcher"], incident=incident) == 2
    assert set(Unit.objects.values_list("status", "incident")) == {("available", None)}
    incident = reload(incident)
    assert incident.next_alert_at is None and incident.clock_state == "stopped"
    assert not Assignment.objects.filter(status__in=Assignment.ACTIVE).exists()
