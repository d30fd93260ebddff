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


# --- refused in one place (cad.kernel.bad_input) ---------------------------------------

QUERY_CASES = [
    ("intelligence", "/api/v1/intelligence/logs/?kind=%00", "kind"),
    ("intelligence", "/api/v1/intelligence/logs/1/?reason=a%00b", "reason"),
    ("supervisor", "/api/v1/intelligence/access-report/?user=%00", "user"),
    ("qart", "/api/v1/diverts/?user=%00", "user"),
    ("qart", "/api/v1/diverts/?unit=%00", "unit"),
    ("qart", "/api/v1/diverts/?incident=%00", "incident"),
    ("qart", "/api/v1/diverts/?to=9999-12-31", "to"),
    ("qart", "/api/v1/diverts/?from=0001-01-01", "from"),
    ("qart", "/api/v1/reports/diverts/?to=9999-12-31", "to"),
    ("qart", "/api/v1/reports/diverts/?from=0001-01-01", "from"),
    ("qart", "/api/v1/diverts/?page=9223372036854775808", "page"),
    ("qart", "/api/v1/diverts/?page=9223372036854775807", "page"),
    ("dispatcher", "/api/v1/incidents/?status=%00", "status"),
]


@pytest.mark.parametrize(("role", "path", "field"), QUERY_CASES)
def test_hostile_query_parameters_get_a_json_400_naming_the_field(api_for, role, path, field):
    response = api_for(role).get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert field in response.json()


@pytest.mark.parametrize(
    ("role", "path", "body", "field"),
    [
        ("call_handler", "/api/v1/intelligence/requests/", {"question": "a\u0000b"}, "question"),
        ("call_handler", "/api/v1/contacts/", {"channel": "101", "summary": "\u0000"}, "summary"),
        (
            "call_handler",
            "/api/v1/incidents/",
            {"persons": [{"name": "A\u0000"}]},
            "persons.0.name",
        ),
    ],
)
def test_nul_characters_in_a_json_body_are_refused_and_nothing_written(
    api_for, role, path, body, field
):
    response = api_for(role).post(path, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists() and not Incident.objects.exists()


def test_a_body_beyond_the_limit_gets_json_not_an_html_page(handler):
    response = handler.generic(
        "POST", "/api/v1/contacts/", b"x" * (3 * 1024 * 1024), "application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert not Contact.objects.exists()


def test_report_pages_refuse_out_of_range_dates_without_a_server_error(make_user):
    client = Client()
    client.force_login(make_user("qart"))
    response = client.get("/reports/diverts/", {"to": "9999-12-31"})
    assert response.status_code in (200, 400)
    assert b"between the years" in response.content


def test_a_nul_in_a_page_form_is_refused_before_the_view(make_user):
    client = Client()
    client.force_login(make_user("supervisor"))
    response = client.post("/availability/", {"user": "a\x00b", "reason": "x"})
    assert response.status_code == 400
    assert b"NUL characters" in response.content


def test_unknown_api_paths_answer_json(api_for):
    response = api_for("dispatcher").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


EXTREMES = ["9999-12-31", "0001-01-01", "9999-12-31T23:59:59+14:00", "a\x00b", "9" * 30, "-1"]
READERS = ["qart", "supervisor", "intelligence", "dispatcher", "admin", "oic", "unit"]


def test_no_query_parameter_of_any_operation_turns_an_extreme_value_into_a_500(api_for, anon_api):
    """Every GET operation's every documented parameter, with values that overflow dates
    and integers or hold a NUL, for every reading role: an answer, never a server error."""
    schema = anon_api.get("/api/v1/schema/", {"format": "json"}).json()
    clients = [api_for(role) for role in READERS]
    tried = 0
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        url = path
        for name, value in (("id", "1"), ("callsign", "X1"), ("username", "someone")):
            url = url.replace(f"{{{name}}}", value)
        url = url.replace("{log_id}", "1").replace("{request_id}", "1").replace("{scheme_id}", "1")
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        for name in names:
            for value in EXTREMES:
                for client in clients:
                    response = client.get(url, {name: value})
                    tried += 1
                    assert response.status_code < 500, (path, name, value, response.status_code)
    assert tried > 500
    print(f"extreme values: {tried} requests, {len(READERS)} roles")
