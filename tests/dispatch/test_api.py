"""The dispatch API exactly as API.md: paths, fields, status codes, roles."""

import pytest

from cad.models import AccessRefusal, NarrativeEntry
from dispatch.models import Divert, Unit
from tests.dispatch.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(api_for, roles):
    return {name: api_for(user=user) for name, user in roles.items()}


def test_units_list_and_create(clients, make_unit, anon_api):
    make_unit("ALPHA1")
    created = clients["admin"].post(
        "/api/v1/units/", {"callsign": "bravo9", "area": "rural"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["callsign"] == "BRAVO9"
    listed = clients["dispatcher"].get("/api/v1/units/").json()
    assert [{k: row[k] for k in ("callsign", "status", "incident")} for row in listed] == [
        {"callsign": "ALPHA1", "status": "available", "incident": None},
        {"callsign": "BRAVO9", "status": "available", "incident": None},
    ]
    bad = clients["admin"].post("/api/v1/units/", {"callsign": "", "area": "sea"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"callsign", "area"}
    refused = clients["dispatcher"].post("/api/v1/units/", {"callsign": "X1"}, format="json")
    assert refused.status_code == 403
    assert AccessRefusal.objects.filter(path="/api/v1/units/", method="POST").exists()
    assert anon_api.get("/api/v1/units/").status_code == 401
    assert clients["unit"].get("/api/v1/units/").status_code == 403


def test_assign_acknowledge_and_status(clients, make_incident, make_unit, roles):
    incident = make_incident("PRIORITY", narrative=["line one", "line two"])
    make_unit("ALPHA1", terminal_user=roles["unit"])
    response = clients["dispatcher"].post(
        f"/api/v1/incidents/{incident.pk}/assign/", {"unit": "ALPHA1"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["unit"] == "ALPHA1" and body["status"] == "assigned"
    assert body["acknowledged_at"] is None
    # The terminal reads the whole incident.
    package = clients["unit"].get(f"/api/v1/assignments/{body['id']}/").json()
    assert [line["text"] for line in package["incident"]["narrative"]] == ["line one", "line two"]
    ack = clients["unit"].post(f"/api/v1/assignments/{body['id']}/acknowledge/")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    assert clients["unit"].post(f"/api/v1/assignments/{body['id']}/acknowledge/").status_code == 409
    status = clients["unit"].post(
        "/api/v1/units/alpha1/status/", {"status": "at_scene"}, format="json"
    )
    assert status.status_code == 200 and status.json()["status"] == "at_scene"
    bad = clients["unit"].post("/api/v1/units/ALPHA1/status/", {"status": "nap"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()
    assert (
        clients["dispatcher"]
        .post("/api/v1/units/NOPE/status/", {"status": "available"}, format="json")
        .status_code
        == 404
    )


def test_assign_conflict_is_409_with_detail(clients, make_incident, make_unit):
    first, second = make_incident(), make_incident()
    make_unit("ALPHA1")
    clients["dispatcher"].post(
        f"/api/v1/incidents/{first.pk}/assign/", {"unit": "ALPHA1"}, format="json"
    )
    response = clients["inspector"].post(
        f"/api/v1/incidents/{second.pk}/assign/", {"unit": "ALPHA1"}, format="json"
    )
    assert response.status_code == 409
    assert "divert" in response.json()["detail"]


def test_assign_refusals(clients, make_incident, make_unit, anon_api):
    incident = make_incident()
    make_unit("ALPHA1")
    url = f"/api/v1/incidents/{incident.pk}/assign/"
    assert clients["supervisor"].post(url, {"unit": "ALPHA1"}, format="json").status_code == 403
    assert AccessRefusal.objects.filter(path=url).exists()
    assert anon_api.post(url, {"unit": "ALPHA1"}, format="json").status_code == 401
    missing = clients["dispatcher"].post(url, {}, format="json")
    assert missing.status_code == 400 and "unit" in missing.json()
    assert (
        clients["dispatcher"]
        .post("/api/v1/incidents/999999/assign/", {"unit": "ALPHA1"}, format="json")
        .status_code
        == 404
    )


def test_another_units_terminal_cannot_read_or_acknowledge(
    clients, make_incident, make_unit, make_user, api_for
):
    incident = make_incident()
    make_unit("ALPHA1", terminal_user=make_user("unit"))
    assignment = (
        clients["dispatcher"]
        .post(f"/api/v1/incidents/{incident.pk}/assign/", {"unit": "ALPHA1"}, format="json")
        .json()
    )
    stranger = clients["unit"]
    assert stranger.get(f"/api/v1/assignments/{assignment['id']}/").status_code == 403
    assert stranger.post(f"/api/v1/assignments/{assignment['id']}/acknowledge/").status_code == 403
    assert (
        stranger.post(
            "/api/v1/units/ALPHA1/status/", {"status": "en_route"}, format="json"
        ).status_code
        == 403
    )
    assert AccessRefusal.objects.filter(user=stranger.user).count() == 3


def test_divert_review_replacement_over_the_api(clients, make_incident, make_unit):
    call_a, call_b = make_incident("PRIORITY"), make_incident("IMMEDIATE")
    make_unit("ALPHA1")
    make_unit("BRAVO1")
    clients["dispatcher"].post(
        f"/api/v1/incidents/{call_a.pk}/assign/", {"unit": "ALPHA1"}, format="json"
    )
    response = clients["dispatcher"].post(
        "/api/v1/units/ALPHA1/divert/",
        {"to_incident": call_b.pk, "reason": "Immediate nearby"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("unit", "from_incident", "to_incident", "status")} == {
        "unit": "ALPHA1",
        "from_incident": call_a.pk,
        "to_incident": call_b.pk,
        "status": "awaiting_review",
    }
    divert_id = body["id"]
    assert (
        clients["dispatcher"]
        .post(
            f"/api/v1/diverts/{divert_id}/review/",
            {"decision": "approve", "rationale": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    bad = clients["controller"].post(
        f"/api/v1/diverts/{divert_id}/review/", {"decision": "", "rationale": ""}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"decision", "rationale"}
    reviewed = clients["controller"].post(
        f"/api/v1/diverts/{divert_id}/review/",
        {"decision": "approve", "rationale": "B threat to life"},
        format="json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "awaiting_replacement"
    replaced = clients["inspector"].post(
        f"/api/v1/diverts/{divert_id}/replacement/", {"unit": "BRAVO1"}, format="json"
    )
    assert replaced.status_code == 200
    assert replaced.json()["status"] == "replaced"
    assert replaced.json()["replacement_unit"] == "BRAVO1"
    again = clients["inspector"].post(
        f"/api/v1/diverts/{divert_id}/replacement/", {"unit": "BRAVO1"}, format="json"
    )
    assert again.status_code == 409
    assert Divert.objects.get().status == "replaced"


def test_divert_errors(clients, make_incident, make_unit):
    call_b = make_incident()
    make_unit("ALPHA1")
    free = clients["dispatcher"].post(
        "/api/v1/units/ALPHA1/divert/", {"to_incident": call_b.pk, "reason": "x"}, format="json"
    )
    assert free.status_code == 409
    bad = clients["dispatcher"].post("/api/v1/units/ALPHA1/divert/", {}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"to_incident", "reason"}
    assert (
        clients["controller"].post("/api/v1/units/ALPHA1/divert/", {}, format="json").status_code
        == 403
    )
    assert (
        clients["dispatcher"].post("/api/v1/units/NOPE/divert/", {}, format="json").status_code
        == 404
    )


def test_override_and_challenge_over_the_api(clients, make_incident, make_unit):
    call_a, call_b = make_incident("PRIORITY"), make_incident("IMMEDIATE")
    make_unit("ALPHA1")
    clients["dispatcher"].post(
        f"/api/v1/incidents/{call_a.pk}/assign/", {"unit": "ALPHA1"}, format="json"
    )
    divert_id = (
        clients["dispatcher"]
        .post(
            "/api/v1/units/ALPHA1/divert/", {"to_incident": call_b.pk, "reason": "x"}, format="json"
        )
        .json()["id"]
    )
    overridden = clients["controller"].post(
        f"/api/v1/diverts/{divert_id}/review/",
        {"decision": "override", "rationale": "DA risk at A"},
        format="json",
    )
    assert overridden.json()["status"] == "overridden"
    assert Unit.objects.get(callsign="ALPHA1").incident_id == call_a.pk
    challenge = clients["inspector"].post(
        f"/api/v1/diverts/{divert_id}/challenge/",
        {"challenge": "BCU manager disagrees", "referred_to": "Duty officer"},
        format="json",
    )
    assert challenge.status_code == 200 and challenge.json()["challenge_referred_at"]
    outcome = clients["supervisor"].post(
        f"/api/v1/diverts/{divert_id}/challenge/outcome/", {"outcome": "Stands"}, format="json"
    )
    assert outcome.status_code == 200 and outcome.json()["challenge_resolved_at"]


def test_overdue_board_states_and_order(clients, make_incident, make_unit, settings, anon_api):
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {"IMMEDIATE": 60, "PRIORITY": 60}
    # Received long ago: breached and unresourced.
    breached = make_incident("PRIORITY", received_at=T0)
    make_unit("ALPHA1")
    clients["dispatcher"].post(
        f"/api/v1/incidents/{breached.pk}/assign/", {"unit": "ALPHA1"}, format="json"
    )
    unresourced = make_incident("IMMEDIATE", received_at=T0)
    rows = clients["supervisor"].get("/api/v1/boards/overdue/").json()
    assert [(row["incident"], row["state"]) for row in rows] == [
        (unresourced.pk, "breached"),
        (breached.pk, "breached"),
    ]
    assert set(rows[0]) >= {"incident", "reference", "grade", "response_due_at", "state"}
    assert rows[0]["states"] == ["breached", "unresourced"]
    assert clients["dispatcher"].get("/api/v1/boards/overdue/").status_code == 403
    assert anon_api.get("/api/v1/boards/overdue/").status_code == 401
    for role in ("inspector", "controller"):
        assert clients[role].get("/api/v1/boards/overdue/").status_code == 200


def test_narrative_added_after_assignment_is_in_the_terminal_package(
    clients, make_incident, make_unit, roles
):
    incident = make_incident(narrative=["first"])
    make_unit("ALPHA1", terminal_user=roles["unit"])
    assignment = (
        clients["dispatcher"]
        .post(f"/api/v1/incidents/{incident.pk}/assign/", {"unit": "ALPHA1"}, format="json")
        .json()
    )
    NarrativeEntry.objects.create(
        incident=incident, at=T0, author=roles["dispatcher"], text="second"
    )
    package = clients["unit"].get(f"/api/v1/assignments/{assignment['id']}/").json()
    assert [line["text"] for line in package["incident"]["narrative"]] == ["first", "second"]


ENDPOINTS = [
    ("get", "/api/v1/units/", "unit"),
    ("post", "/api/v1/units/", "dispatcher"),
    ("post", "/api/v1/units/ALPHA1/status/", "controller"),
    ("post", "/api/v1/incidents/{incident}/assign/", "call_handler"),
    ("get", "/api/v1/assignments/1/", "qart"),
    ("post", "/api/v1/assignments/1/acknowledge/", "dispatcher"),
    ("post", "/api/v1/units/ALPHA1/divert/", "inspector"),
    ("post", "/api/v1/diverts/1/review/", "supervisor"),
    ("post", "/api/v1/diverts/1/replacement/", "controller"),
    ("post", "/api/v1/diverts/1/challenge/", "unit"),
    ("post", "/api/v1/diverts/1/challenge/outcome/", "controller"),
    ("get", "/api/v1/boards/overdue/", "call_handler"),
]


@pytest.mark.parametrize(("method", "path", "wrong_role"), ENDPOINTS)
def test_every_endpoint_refuses_the_wrong_role_and_anonymous(
    api_for, anon_api, make_incident, method, path, wrong_role
):
    path = path.format(incident=make_incident().pk)
    client = api_for(wrong_role)
    response = getattr(client, method)(path, {}, format="json")
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(user=client.user, path=path).exists()
    assert getattr(anon_api, method)(path, {}, format="json").status_code == 401


def test_the_incident_representation_carries_the_assignments_and_clock(
    clients, make_incident, make_unit
):
    incident = make_incident("PRIORITY")
    make_unit("ALPHA1")
    assignment = (
        clients["dispatcher"]
        .post(f"/api/v1/incidents/{incident.pk}/assign/", {"unit": "ALPHA1"}, format="json")
        .json()
    )
    body = clients["supervisor"].get(f"/api/v1/incidents/{incident.pk}/").json()
    assert body["assignments"] == [
        {"id": assignment["id"], "unit": "ALPHA1", "status": "assigned", "acknowledged_at": None}
    ]
    assert body["resourced"] is True
    assert body["response_due_at"].startswith("2026-03-02T00:54")
    assert body["clock_state"] in {"running", "warning", "breached"}
