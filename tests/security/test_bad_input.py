"""Bad input is refused with field errors and nothing written; hostile text is escaped."""

import json

import pytest
from django.test import Client

from cad.models import Contact, Incident
from dispatch.models import Unit
from schemes.models import Scheme

HOSTILE = "<script>alert('x')</script>' OR 1=1; DROP TABLE cad_incident; --"
ESCAPED = "&lt;script&gt;alert("


def incident_body(**overrides):
    body = {
        "channel": "999",
        "caller_phone": "07700 900123",
        "caller_name": "Ms A",
        "address": "14 Acacia Avenue",
        "postcode": "SW1A 1AA",
        "area": "urban",
        "narrative": "Someone is banging on my door",
        "opening_code": "suspicious_circumstances",
        "persons": [{"name": "Ms A", "dob": "1985-03-02", "role": "victim"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def handler(api_for):
    return api_for("call_handler")


def test_an_oversized_narrative_is_refused_and_nothing_written(handler):
    response = handler.post(
        "/api/v1/incidents/", incident_body(narrative="x" * 100_000), format="json"
    )
    assert response.status_code == 400
    assert "narrative" in response.json()
    assert not Incident.objects.exists()


def test_invalid_utf8_is_a_400(handler):
    response = handler.generic(
        "POST", "/api/v1/incidents/", b'{"narrative": "\xff\xfe"}', "application/json"
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_malformed_json_is_a_400(handler):
    response = handler.generic("POST", "/api/v1/contacts/", b'{"channel": ', "application/json")
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_huge_json_is_refused(handler):
    body = json.dumps(incident_body(narrative="y" * (3 * 1024 * 1024))).encode()
    response = handler.generic("POST", "/api/v1/incidents/", body, "application/json")
    assert response.status_code in (400, 413)
    assert not Incident.objects.exists()


def test_deeply_nested_json_is_refused(handler):
    body = ("[" * 5000 + "]" * 5000).encode()
    response = handler.generic("POST", "/api/v1/contacts/", body, "application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("channel", "carrier_pigeon"),
        ("area", "lunar"),
        ("persons", [{"name": "A", "role": "bystander"}]),
        ("persons", [{"name": "A", "dob": "3026-01-01", "role": "victim"}]),
        ("persons", [{"name": "A", "dob": "-0001-01-01", "role": "victim"}]),
        ("persons", "not a list"),
        ("opening_code", "no_such_code"),
    ],
)
def test_unknown_enums_and_impossible_values_on_incident_creation(handler, field, value):
    response = handler.post("/api/v1/incidents/", incident_body(**{field: value}), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Incident.objects.exists()


def test_unknown_grade_is_refused_and_nothing_changes(handler):
    incident = handler.post("/api/v1/incidents/", incident_body(), format="json").json()
    response = handler.post(
        f"/api/v1/incidents/{incident['id']}/grade/", {"grade": "URGENT"}, format="json"
    )
    assert response.status_code == 400
    assert "grade" in response.json()
    assert Incident.objects.get(id=incident["id"]).grade is None


def test_unknown_unit_status_is_refused(api_for):
    Unit.objects.create(callsign="ALPHA7")
    response = api_for("dispatcher").post(
        "/api/v1/units/ALPHA7/status/", {"status": "flying"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()
    assert Unit.objects.get(callsign="ALPHA7").status == "available"


@pytest.mark.parametrize("ends_at", ["9999-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "tomorrow"])
def test_scheme_end_dates_far_future_past_or_garbage_are_refused(api_for, make_user, ends_at):
    oic = make_user("oic")
    response = api_for(user=oic).post(
        "/api/v1/schemes/",
        {
            "victim_name": "Ms A",
            "address": "14 Acacia Avenue",
            "postcode": "SW1A 1AA",
            "phones": ["07700 900123"],
            "oic": oic.username,
            "reason": "Threat to kill",
            "ends_at": ends_at,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()
    assert not Scheme.objects.exists()


def test_negative_response_target_is_refused(api_for):
    response = api_for("admin").post(
        "/api/v1/response-targets/",
        {"grade": "IMMEDIATE", "area": "urban", "seconds": -5},
        format="json",
    )
    assert response.status_code == 400
    assert "seconds" in response.json()


def test_hostile_text_is_stored_verbatim_and_rendered_escaped_on_every_page(api_for, make_user):
    handler = api_for("call_handler")
    created = handler.post(
        "/api/v1/incidents/",
        incident_body(
            caller_name=HOSTILE,
            address=HOSTILE,
            narrative=HOSTILE,
            persons=[{"name": HOSTILE, "role": "suspect"}],
        ),
        format="json",
    )
    assert created.status_code == 201, created.content
    incident = Incident.objects.get(id=created.json()["id"])
    assert incident.caller_name == HOSTILE  # stored as given: SQL is parameterised
    handler.post(f"/api/v1/incidents/{incident.id}/entries/", {"text": HOSTILE}, format="json")
    contact = handler.post(
        "/api/v1/contacts/",
        {"channel": "101", "caller_name": HOSTILE, "summary": HOSTILE, "address": HOSTILE},
        format="json",
    )
    assert contact.status_code == 201, contact.content
    pages = {
        "call_handler": [
            f"/incidents/{incident.id}/",
            "/incidents/",
            f"/contacts/{contact.json()['id']}/",
        ],
        "dispatcher": ["/dispatch/board/", f"/incidents/{incident.id}/"],
        "supervisor": ["/dispatch/overdue/", "/follow-ups/"],
    }
    for role, paths in pages.items():
        browser = Client()
        browser.force_login(make_user(role))
        for path in paths:
            html = browser.get(path).content.decode()
            assert "<script>alert(" not in html, f"unescaped on {path}"
    browser = Client()
    browser.force_login(make_user("call_handler"))
    assert ESCAPED in browser.get(f"/incidents/{incident.id}/").content.decode()
