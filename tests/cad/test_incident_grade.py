"""incident_grade: floor and DA prompt enforced, THRIVE captured, the deadline from the time
the call was received, every change an event, downgrades flagged for the supervisor."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cad.calls import selectors
from cad.calls.services import incident_grade
from cad.models import AccessRefusal, Event, GradeChange, Incident
from tests.cad.conftest import SEED_WORDS
from tests.factories import incident_factory

pytestmark = pytest.mark.django_db


def grade_url(incident):
    return f"/api/v1/incidents/{incident.id}/grade/"


def snapshot(incident):
    incident = Incident.objects.get(pk=incident.pk)
    return (
        incident.grade,
        incident.response_due_at,
        incident.domestic_abuse,
        incident.clock_state,
        GradeChange.objects.filter(incident=incident).count(),
        Event.objects.filter(kind="incident.graded").count(),
    )


@pytest.fixture
def seed_incident(handler_api):
    return incident_factory(
        actor=handler_api.user,
        narrative=SEED_WORDS,
        opening_code="suspicious_circumstances",
        caller_phone="07700 900123",
        address="14 Acacia Avenue",
        postcode="SW1A 1AA",
        received_at=timezone.now() - timedelta(minutes=3),
    )


def test_the_da_prompt_unanswered_is_400_and_nothing_changes(handler_api, seed_incident):
    before = snapshot(seed_incident)
    response = handler_api.post(grade_url(seed_incident), {"grade": "IMMEDIATE"}, format="json")
    assert response.status_code == 400
    assert "domestic_abuse" in response.json()
    assert snapshot(seed_incident) == before


def test_not_da_without_a_reason_is_400(handler_api, seed_incident):
    response = handler_api.post(
        grade_url(seed_incident), {"grade": "IMMEDIATE", "domestic_abuse": False}, format="json"
    )
    assert response.status_code == 400
    assert "da_rationale" in response.json() or "domestic_abuse" in response.json()


def test_immediate_and_domestic_abuse_sets_the_deadline_from_when_the_call_was_received(
    handler_api, seed_incident
):
    response = handler_api.post(
        grade_url(seed_incident),
        {
            "grade": "IMMEDIATE",
            "domestic_abuse": True,
            "thrive": {"threat": "Ex-husband at the door", "vulnerability": "Lives alone"},
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    incident = Incident.objects.get(pk=seed_incident.pk)
    assert body["grade"] == "IMMEDIATE" and body["domestic_abuse"] is True
    assert incident.response_due_at == incident.received_at + timedelta(minutes=15)
    assert body["clock_state"] == "running"  # set by dispatch's clock_reschedule
    assert incident.warning_at is not None
    assert incident.thrive == {"threat": "Ex-husband at the door", "vulnerability": "Lives alone"}
    event = Event.objects.get(kind="incident.graded")
    assert event.data["before"] is None and event.data["after"] == "IMMEDIATE"
    assert event.data["domestic_abuse"] is True
    assert not Event.objects.filter(kind="incident.downgrade_flagged").exists()


def test_a_current_domestic_threat_sets_an_immediate_floor_even_without_a_scheme(
    handler_api, seed_incident
):
    assert seed_incident.grade_floor == "IMMEDIATE"
    response = handler_api.post(
        grade_url(seed_incident),
        {"grade": "PRIORITY", "domestic_abuse": True},
        format="json",
    )
    assert response.status_code == 400
    assert "rationale" in response.json()
    assert Incident.objects.get(pk=seed_incident.pk).grade is None


def test_priority_below_the_immediate_recommendation_is_flagged_for_the_supervisor(
    handler_api, seed_incident
):
    response = handler_api.post(
        grade_url(seed_incident),
        {
            "grade": "PRIORITY",
            "rationale": "Caller now says it is a delivery driver; unit on the way",
            "da_rationale": "Caller unsure who it is",
        },
        format="json",
    )
    assert response.status_code == 200
    incident = Incident.objects.get(pk=seed_incident.pk)
    assert incident.below_recommendation is True
    assert incident.response_due_at == incident.received_at + timedelta(minutes=60)
    flagged = Event.objects.get(kind="incident.downgrade_flagged")
    assert flagged.data["reference"] == incident.reference
    assert "role.supervisor" in flagged.audience
    items = selectors.supervisor_board_items()
    assert [(item["kind"], item["severity"]) for item in items] == [("downgrade", "warn")]
    assert set(items[0]) >= {"kind", "title", "detail", "url", "at", "severity"}
    assert "recommended IMMEDIATE" in items[0]["title"]


def test_regrading_recomputes_the_deadline_from_the_same_moment_and_records_before_after(
    handler_api, seed_incident
):
    handler_api.post(
        grade_url(seed_incident),
        {"grade": "PRIORITY", "domestic_abuse": True, "rationale": "Caller says he has left"},
        format="json",
    )
    response = handler_api.post(grade_url(seed_incident), {"grade": "IMMEDIATE"}, format="json")
    assert response.status_code == 200  # the prompt was answered already
    incident = Incident.objects.get(pk=seed_incident.pk)
    assert incident.response_due_at == incident.received_at + timedelta(minutes=15)
    events = list(Event.objects.filter(kind="incident.graded").order_by("id"))
    assert [(e.data["before"], e.data["after"]) for e in events] == [
        (None, "PRIORITY"),
        ("PRIORITY", "IMMEDIATE"),
    ]
    assert [c.after for c in GradeChange.objects.filter(incident=incident)] == [
        "PRIORITY",
        "IMMEDIATE",
    ]
    assert incident.below_recommendation is False


def test_below_the_floor_without_rationale_is_400_and_nothing_changes(handler_api, seed_scheme):
    incident = incident_factory(
        actor=handler_api.user,
        narrative="Caller thinks someone is in the garden.",
        address="14 Acacia Avenue",
        postcode="SW1A 1AA",
    )
    assert incident.grade_floor == "IMMEDIATE"
    before = snapshot(incident)
    response = handler_api.post(grade_url(incident), {"grade": "PRIORITY"}, format="json")
    assert response.status_code == 400
    assert "below this incident's floor of IMMEDIATE" in response.json()["rationale"][0]
    assert snapshot(incident) == before

    allowed = handler_api.post(
        grade_url(incident),
        {"grade": "PRIORITY", "rationale": "Scheme victim confirmed away; caller is a neighbour"},
        format="json",
    )
    assert allowed.status_code == 200
    change = GradeChange.objects.get(incident=incident)
    assert change.below_floor is True
    assert change.rationale.startswith("Scheme victim confirmed away")


def test_response_targets_come_from_the_database(handler_api):
    call_command("set_response_target", "IMMEDIATE", "600", "--area", "rural")
    received = timezone.now() - timedelta(minutes=2)
    incident = incident_factory(area="rural", received_at=received)
    handler_api.post(grade_url(incident), {"grade": "IMMEDIATE"}, format="json")
    incident.refresh_from_db()
    assert incident.response_due_at == received + timedelta(seconds=600)


def test_scheduled_runs_to_the_agreed_appointment(handler_api):
    incident = incident_factory(opening_code="theft", narrative="Bike taken last week.")
    missing = handler_api.post(grade_url(incident), {"grade": "SCHEDULED"}, format="json")
    assert missing.status_code == 400 and "appointment_at" in missing.json()
    appointment = timezone.now() + timedelta(hours=20)
    response = handler_api.post(
        grade_url(incident),
        {"grade": "SCHEDULED", "appointment_at": appointment.isoformat()},
        format="json",
    )
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.response_due_at == appointment
    assert incident.appointment_at == appointment


def test_resolved_without_deployment_has_no_deadline(handler_api):
    incident = incident_factory(opening_code="information", narrative="Asked for opening times.")
    response = handler_api.post(
        grade_url(incident), {"grade": "RESOLVED_WITHOUT_DEPLOYMENT"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["response_due_at"] is None
    assert response.json()["clock_state"] == "none"


@pytest.mark.parametrize(
    "body",
    [
        {"grade": "URGENT"},
        {},
        {"grade": "IMMEDIATE", "thrive": {"colour": "red"}},
        {"grade": "IMMEDIATE", "domestic_abuse": "perhaps"},
    ],
)
def test_bad_grade_input_is_400(handler_api, body):
    incident = incident_factory()
    before = snapshot(incident)
    assert handler_api.post(grade_url(incident), body, format="json").status_code == 400
    assert snapshot(incident) == before


@pytest.mark.parametrize("role", ["dispatcher", "unit", "controller"])
def test_wrong_role_is_403_and_logged(api_for, role):
    incident = incident_factory()
    client = api_for(role)
    assert (
        client.post(grade_url(incident), {"grade": "IMMEDIATE"}, format="json").status_code == 403
    )
    assert AccessRefusal.objects.filter(user=client.user, path=grade_url(incident)).exists()
    assert Incident.objects.get(pk=incident.pk).grade is None


def test_a_supervisor_may_grade(api_for):
    incident = incident_factory()
    assert (
        api_for("supervisor")
        .post(grade_url(incident), {"grade": "PRIORITY"}, format="json")
        .status_code
        == 200
    )


def test_grading_a_closed_incident_is_409(handler_api):
    from cad.calls.services import incident_close

    incident = incident_factory(grade="PRIORITY")
    incident_close(
        actor=handler_api.user, incident=incident, closing_code="advice_given", summary="ok"
    )
    response = handler_api.post(grade_url(incident), {"grade": "IMMEDIATE"}, format="json")
    assert response.status_code == 409


def test_a_supervisor_reviews_a_downgrade_and_it_leaves_the_board(handler_api, api_for):
    incident = incident_factory(narrative=SEED_WORDS)
    incident_grade(
        actor=handler_api.user,
        incident=incident,
        grade="PRIORITY",
        domestic_abuse=True,
        rationale="Caller says he has left; she is safe with a neighbour",
    )
    assert selectors.supervisor_board_items()
    supervisor = api_for("supervisor")
    url = f"/api/v1/incidents/{incident.id}/downgrade-review/"
    assert api_for("call_handler").post(url).status_code == 403
    assert supervisor.post(url).status_code == 200
    assert selectors.supervisor_board_items() == []
    assert supervisor.post(url).status_code == 409


def test_admins_change_response_targets_through_the_api(api_for, handler_api):
    refused = handler_api.post(
        "/api/v1/response-targets/", {"grade": "PRIORITY", "seconds": 1800}, format="json"
    )
    assert refused.status_code == 403
    assert AccessRefusal.objects.filter(path="/api/v1/response-targets/").exists()
    admin = api_for("admin")
    response = admin.post(
        "/api/v1/response-targets/",
        {"grade": "PRIORITY", "seconds": 1800, "area": "urban"},
        format="json",
    )
    assert response.status_code == 200
    bad = admin.post(
        "/api/v1/response-targets/", {"grade": "PRIORITY", "seconds": 0}, format="json"
    )
    assert bad.status_code == 400 and "seconds" in bad.json()
    received = timezone.now()
    incident = incident_factory(received_at=received)
    handler_api.post(grade_url(incident), {"grade": "PRIORITY"}, format="json")
    incident.refresh_from_db()
    assert incident.response_due_at == received + timedelta(seconds=1800)


def test_the_django_admin_saves_targets_through_the_service(client, make_user):
    from cad.models import ResponseTarget

    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    target = ResponseTarget.objects.get(grade="IMMEDIATE", area="urban")
    response = client.post(
        f"/admin/cad/responsetarget/{target.pk}/change/",
        {"grade": "IMMEDIATE", "area": "urban", "seconds": "720"},
    )
    assert response.status_code == 302
    assert ResponseTarget.objects.get(pk=target.pk).seconds == 720
