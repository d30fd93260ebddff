"""The terminal can say no: "unable to attend" or "message control", each with why; control
is alerted at once (the event reaches dispatchers and supervisors), the audit keeps it."""

import pytest

from cad.models import Event
from dispatch import services

pytestmark = pytest.mark.django_db


def url(callsign):
    return f"/api/v1/units/{callsign}/messages/"


def test_unable_to_attend_alerts_control_with_the_reason(api_for, roles, make_incident, make_unit):
    incident = make_incident("IMMEDIATE")
    unit = make_unit("ALPHA1", terminal_user=roles["unit"])
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=unit)
    terminal = api_for(user=roles["unit"])
    response = terminal.post(
        url("ALPHA1"),
        {"kind": "unable_to_attend", "text": "Vehicle fault, blue lights out"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == incident.reference and body["kind"] == "unable_to_attend"
    event = Event.objects.get(kind="unit.unable_to_attend")
    assert event.incident_id == incident.pk and event.actor_id == roles["unit"].pk
    assert "Vehicle fault" in event.data["summary"] and "ALPHA1" in event.data["summary"]
    # Control hears it: the dispatcher's and the supervisor's event reads include it.
    for role in ("dispatcher", "supervisor"):
        frames = api_for(user=roles[role]).get("/api/v1/events/?since=0").json()
        assert "unit.unable_to_attend" in [frame["kind"] for frame in frames]
    # The assignment is left for the dispatcher to decide on.
    assert unit.assignments.get().status == "assigned"


def test_a_message_needs_no_assignment(api_for, roles, make_unit):
    make_unit("BRAVO1", terminal_user=roles["unit"])
    response = api_for(user=roles["unit"]).post(
        url("BRAVO1"), {"kind": "message", "text": "Refuelling, 10 minutes"}, format="json"
    )
    assert response.status_code == 201 and response.json()["reference"] is None
    assert Event.objects.filter(kind="unit.message").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "unable_to_attend", "text": ""}, "text"),
        ({"kind": "unable_to_attend", "text": "   "}, "text"),
        ({"kind": "unable_to_attend", "text": "x" * 501}, "text"),
        ({"kind": "shrug", "text": "why"}, "kind"),
        ({"text": "why"}, "kind"),
    ],
)
def test_bad_input_is_400_and_nothing_is_written(api_for, roles, make_unit, body, field):
    make_unit("ALPHA1", terminal_user=roles["unit"])
    response = api_for(user=roles["unit"]).post(url("ALPHA1"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Event.objects.filter(kind__startswith="unit.").exclude(kind="unit.created").exists()


def test_refusals(api_for, roles, make_unit, make_user):
    make_unit("ALPHA1", terminal_user=roles["unit"])
    make_unit("ALPHA2", terminal_user=make_user("unit"))
    terminal = api_for(user=roles["unit"])
    # Not its own unit: 403.
    other = terminal.post(url("ALPHA2"), {"kind": "message", "text": "hello"}, format="json")
    assert other.status_code == 403
    # Nothing to decline: 409.
    idle = terminal.post(url("ALPHA1"), {"kind": "unable_to_attend", "text": "busy"}, format="json")
    assert idle.status_code == 409
    # The wrong role: 403.
    for role in ("dispatcher", "call_handler", "supervisor"):
        refused = api_for(role).post(
            url("ALPHA1"), {"kind": "message", "text": "hi"}, format="json"
        )
        assert refused.status_code == 403
    assert (
        api_for("unit")
        .post(url("NOPE9"), {"kind": "message", "text": "x"}, format="json")
        .status_code
        == 404
    )
    assert not Event.objects.filter(kind__in=["unit.message", "unit.unable_to_attend"]).exists()
