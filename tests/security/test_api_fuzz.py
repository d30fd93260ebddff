"""Schemathesis against the published OpenAPI schema, with every role's token.

No operation may answer with a 5xx or with a status its schema does not declare, and every
response must match the schema, whoever calls it and whatever they send. Each operation's
cases come from schemathesis's Hypothesis strategy and are sent in-process to the WSGI
application.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cad.kernel.roles import ALL_ROLES
from cad.kernel.tokens import issue_token

EXAMPLES_PER_OPERATION = 4


@pytest.fixture
def api_schema(db):
    # As Django's test client does: keep the test's connection (and its transaction)
    # open across the in-process requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(make_user):
    headers = {"anonymous": {}}
    for role in ALL_ROLES:
        _, token_key = issue_token(make_user(role, username=f"fuzz-{role}"))
        headers[role] = {"Authorization": f"Token {token_key}"}
    return headers


def describe(error: BaseException) -> str:
    parts = getattr(error, "exceptions", None) or [error]
    return " | ".join(" ".join(str(part).split()[:30]) for part in parts)


def test_no_server_errors_and_responses_match_the_schema(api_schema, role_headers):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40  # the whole API, not an empty schema
    called = []
    failures = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            for role, headers in role_headers.items():
                response = case.call(headers=headers)
                called.append(response.status_code)
                assert response.status_code < 500, (
                    f"{role}: {case.method} {case.formatted_path} -> {response.status_code}"
                )
                case.validate_response(
                    response,
                    checks=[
                        not_a_server_error,
                        status_code_conformance,
                        content_type_conformance,
                        response_headers_conformance,
                        response_schema_conformance,
                    ],
                )

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as error:  # report every operation at the end
            failures.append(f"{operation.method.upper()} {operation.path}: {describe(error)}")

    print(
        f"fuzz: {len(called)} requests, {len(role_headers)} callers, {len(operations)} operations"
    )
    assert failures == []
    assert len(called) >= len(operations) * len(role_headers)
    assert any(status < 300 for status in called)  # permitted roles really got through


def test_the_schema_declares_each_operations_error_responses(anon_api, db):
    schema = anon_api.get("/api/v1/schema/", {"format": "json"}).json()
    create = schema["paths"]["/api/v1/incidents/"]["post"]["responses"]
    assert {"400", "401", "403"} <= set(create) and "409" not in set(create)
    grade = schema["paths"]["/api/v1/incidents/{id}/grade/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409"} <= set(grade)
    detail = schema["paths"]["/api/v1/incidents/{id}/"]["get"]["responses"]
    assert {"400", "401", "403", "404"} <= set(detail)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in token and "401" not in token
    assert create["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_a_real_incident_matches_its_typed_schema(api_schema, role_headers):
    """The incident's fields, as the schema types them, on a graded DA incident with a
    narrative, persons, intelligence, flags and a grade history."""
    from tests.factories import incident_factory

    incident = incident_factory(
        grade="IMMEDIATE",
        narrative="My ex is outside banging on the door, he says he'll kill me.",
        persons=[{"name": "Ms A", "dob": "1985-03-02", "role": "victim"}],
        domestic_abuse=True,
    )
    operation = api_schema["/api/v1/incidents/{id}/"]["GET"]
    case = operation.Case(path_parameters={"id": incident.pk})
    response = case.call(headers=role_headers["dispatcher"])
    assert response.status_code == 200
    assert response.json()["risk_reasons"]
    case.validate_response(response, checks=[response_schema_conformance])


# --- real answers, one of each typed shape -----------------------------------------------

REAL_ANSWER_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SEED_PHONE = "07700 900777"
SEED_ADDRESS = "9 Typed Close, Testham"
SEED_POSTCODE = "TE1 1ST"
THREAT = "My ex is outside banging on the door, he says he'll kill me."


def unnamed_fields(value, schema: dict, components: dict, where: str = "") -> list[str]:
    """Fields of `value` that its schema does not name (maps the schema leaves open aside):
    the schema must describe the whole answer, not only part of it."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    found = []
    for part in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        found += unnamed_fields(value, part, components, where)
    if isinstance(value, list) and "items" in schema:
        for item in value:
            found += unnamed_fields(item, schema["items"], components, f"{where}[]")
    elif isinstance(value, dict) and schema.get("properties"):
        named = schema["properties"]
        found += [f"{where}.{key}" for key in value if key not in named]
        for key, item in value.items():
            if key in named:
                found += unnamed_fields(item, named[key], components, f"{where}.{key}")
    return sorted(set(found))


def answer(
    api_schema, headers, method, path, expect, *, path_parameters=None, query=None, body=None
):  # noqa: E501
    """Call one operation as its schema describes it; the answer must match the schema and
    have no field the schema does not name."""
    extra = {} if body is None else {"body": body, "media_type": "application/json"}
    case = api_schema[path][method].Case(
        path_parameters=path_parameters or {}, query=query or {}, **extra
    )
    response = case.call(headers=headers)
    assert response.status_code == expect, f"{method} {path}: {response.text[:400]}"
    case.validate_response(response, checks=REAL_ANSWER_CHECKS)
    raw = api_schema.raw_schema
    described = raw["paths"][path][method.lower()]["responses"][str(expect)]
    typed = described["content"]["application/json"]["schema"]
    extra_fields = unnamed_fields(response.json(), typed, raw["components"]["schemas"])
    assert extra_fields == [], f"{method} {path}: fields the schema does not name"
    return response.json()


def test_real_answers_match_their_typed_schemas(api_schema, role_headers):
    """Contacts with follow-ups, the lookup, absences and re-routing, targets, the incident
    list and narrative, a unit's assignment and divert, schemes and a report: each answer,
    with its nested lists filled, as the schema types it."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from intelligence.services import intel_log_create
    from schemes.services import scheme_create, scheme_sweep_one
    from tests.factories import incident_factory

    users = get_user_model().objects
    now = timezone.now()
    log = intel_log_create(
        actor=users.get(username="fuzz-intelligence"),
        kind="domestic_abuse",
        summary="ABH by ex-partner, charged",
        occurred_at=now - timedelta(days=200),
        phones=[SEED_PHONE],
        addresses=[{"address": SEED_ADDRESS, "postcode": SEED_POSTCODE}],
        persons=[{"name": "Ms T", "dob": "1984-05-06"}],
    )
    scheme = scheme_create(
        actor=users.get(username="fuzz-oic"),
        victim_name="Ms T",
        address=SEED_ADDRESS,
        postcode=SEED_POSTCODE,
        phones=[SEED_PHONE],
        oic="fuzz-oic",
        reason="Threats from ex-partner",
        ends_at=now + timedelta(days=60),
        now=now - timedelta(days=8),
    )
    scheme_sweep_one(scheme_id=scheme.pk, now=now)  # not yet informed: a task is raised
    call = {"caller_phone": SEED_PHONE, "address": SEED_ADDRESS, "postcode": SEED_POSTCODE}
    handler, supervisor = role_headers["call_handler"], role_headers["supervisor"]
    due = (now + timedelta(hours=2)).isoformat()

    def contact(owner):
        return answer(
            api_schema,
            handler,
            "POST",
            "/api/v1/contacts/",
            201,
            body={
                "channel": "101",
                "caller_name": "Ms T",
                "summary": THREAT,
                "follow_up": {"owner": owner, "due_at": due},
                **call,
            },
        )

    first = contact("fuzz-call_handler")
    assert first["follow_up"] and first["schemes"] and first["intelligence"]["hits"]
    on_first = {"id": first["id"]}
    answer(api_schema, handler, "GET", "/api/v1/contacts/{id}/", 200, path_parameters=on_first)
    assert first["da_prompt"]  # the threat asks whether this is domestic abuse
    answer(
        api_schema,
        handler,
        "POST",
        "/api/v1/contacts/{id}/domestic-abuse/",
        200,
        path_parameters=on_first,
        body={"domestic_abuse": True},
    )
    answer(api_schema, handler, "GET", "/api/v1/follow-ups/", 200)
    acknowledged = answer(
        api_schema,
        handler,
        "POST",
        "/api/v1/contacts/{id}/acknowledge/",
        200,
        path_parameters=on_first,
    )
    assert acknowledged["acknowledged_by"] == "fuzz-call_handler"
    answer(
        api_schema,
        handler,
        "POST",
        "/api/v1/contacts/{id}/complete/",
        200,
        path_parameters=on_first,
        body={"outcome": "Called back: safe at her sister's."},
    )

    # The owner goes absent: the follow-up reaches the supervisor, who hands it on.
    second = contact("fuzz-dispatcher")
    absence = answer(
        api_schema,
        supervisor,
        "POST",
        "/api/v1/users/{username}/absence/",
        201,
        path_parameters={"username": "fuzz-dispatcher"},
        body={"starts_at": (now - timedelta(minutes=1)).isoformat(), "reason": "Sick"},
    )
    assert absence["rerouted_contacts"] == [second["id"]]
    answer(api_schema, supervisor, "GET", "/api/v1/absences/", 200, query={"current": "1"})
    queue = answer(
        api_schema, supervisor, "GET", "/api/v1/follow-ups/", 200, query={"scope": "supervisor"}
    )
    assert [item["contact"] for item in queue] == [second["id"]]
    answer(
        api_schema,
        supervisor,
        "POST",
        "/api/v1/contacts/{id}/reassign/",
        200,
        path_parameters={"id": second["id"]},
        body={"owner": "fuzz-controller", "due_at": due},
    )

    lookup = answer(
        api_schema,
        handler,
        "GET",
        "/api/v1/calls/lookup/",
        200,
        query={"phone": SEED_PHONE, "address": SEED_ADDRESS, "name": "Ms T"},
    )
    assert lookup["previous_contacts"] and lookup["schemes"] and lookup["intelligence"]["hits"]
    answer(api_schema, handler, "GET", "/api/v1/contacts/", 200, query={"phone": SEED_PHONE})
    answer(api_schema, handler, "GET", "/api/v1/opening-codes/", 200)
    admin = role_headers["admin"]
    answer(api_schema, admin, "GET", "/api/v1/response-targets/", 200)
    answer(
        api_schema,
        admin,
        "POST",
        "/api/v1/response-targets/",
        200,
        body={"grade": "PRIORITY", "seconds": 3600, "area": "rural"},
    )

    incident = incident_factory(
        grade="IMMEDIATE",
        narrative=THREAT,
        caller_name="Ms T",
        persons=[{"name": "Ms T", "dob": "1984-05-06", "role": "victim"}],
        domestic_abuse=True,
        **call,
    )
    on_incident = {"id": incident.pk}
    answer(api_schema, handler, "GET", "/api/v1/incidents/", 200)
    answer(
        api_schema,
        handler,
        "POST",
        "/api/v1/incidents/{id}/entries/",
        201,
        path_parameters=on_incident,
        body={"text": "Caller still on the line."},
    )
    answer(api_schema, admin, "POST", "/api/v1/units/", 201, body={"callsign": "TY1"})
    assignment = answer(
        api_schema,
        role_headers["dispatcher"],
        "POST",
        "/api/v1/incidents/{id}/assign/",
        201,
        path_parameters=on_incident,
        body={"unit": "TY1"},
    )
    detail = answer(
        api_schema,
        role_headers["dispatcher"],
        "GET",
        "/api/v1/incidents/{id}/",
        200,
        path_parameters=on_incident,
    )
    assert detail["assignments"] and detail["grade_history"] and detail["previous_contacts"]
    assert detail["schemes"] and detail["risk_reasons"] and detail["intelligence"]["hits"]
    circulated = answer(
        api_schema,
        role_headers["dispatcher"],
        "GET",
        "/api/v1/assignments/{id}/",
        200,
        path_parameters={"id": assignment["id"]},
    )
    assert circulated["incident"]["narrative"] and circulated["incident"]["risk_flags"]
    # A more urgent call: the unit is diverted to it, and the controller reviews.
    urgent = incident_factory(grade="IMMEDIATE", narrative="Man with a knife in the shop.")
    divert = answer(
        api_schema,
        role_headers["dispatcher"],
        "POST",
        "/api/v1/units/{callsign}/divert/",
        201,
        path_parameters={"callsign": "TY1"},
        body={"to_incident": urgent.pk, "reason": "Knife: greater risk to life"},
    )
    reviewed = answer(
        api_schema,
        role_headers["controller"],
        "POST",
        "/api/v1/diverts/{id}/review/",
        200,
        path_parameters={"id": divert["id"]},
        body={"decision": "approve", "rationale": "Knife outweighs the threat"},
    )
    assert reviewed["decision"] == "approve" and reviewed["controller"] == "fuzz-controller"
    answer(
        api_schema,
        supervisor,
        "GET",
        "/api/v1/diverts/{id}/timeline/",
        200,
        path_parameters={"id": divert["id"]},
    )
    answer(api_schema, supervisor, "GET", "/api/v1/diverts/", 200)
    answer(
        api_schema,
        role_headers["qart"],
        "POST",
        "/api/v1/diverts/{id}/qart-review/",
        201,
        path_parameters={"id": divert["id"]},
        body={"finding": "appropriate", "notes": "Knife call rightly first"},
    )
    answer(
        api_schema,
        role_headers["qart"],
        "GET",
        "/api/v1/diverts/{id}/qart-review/",
        200,
        path_parameters={"id": divert["id"]},
    )

    analyst = role_headers["intelligence"]
    on_log = {"log_id": log.pk}
    answer(
        api_schema,
        analyst,
        "GET",
        "/api/v1/intelligence/logs/{log_id}/",
        200,
        path_parameters=on_log,
        query={"reason": "Risk assessment for the open incident"},
    )
    answer(
        api_schema,
        analyst,
        "GET",
        "/api/v1/intelligence/logs/{log_id}/accesses/",
        200,
        path_parameters=on_log,
    )
    answer(
        api_schema,
        handler,
        "GET",
        "/api/v1/intelligence/check/",
        200,
        query={"phone": SEED_PHONE, "address": SEED_ADDRESS, "postcode": SEED_POSTCODE},
    )
    asked = answer(
        api_schema,
        handler,
        "POST",
        "/api/v1/intelligence/requests/",
        201,
        body={"incident": incident.pk, "question": "Any firearms at the address?"},
    )
    on_request = {"request_id": asked["id"]}
    answer(
        api_schema,
        analyst,
        "POST",
        "/api/v1/intelligence/requests/{request_id}/claim/",
        200,
        path_parameters=on_request,
    )
    answer(
        api_schema,
        analyst,
        "POST",
        "/api/v1/intelligence/requests/{request_id}/answer/",
        200,
        path_parameters=on_request,
        body={"answer": "No firearms known."},
    )
    answer(
        api_schema,
        role_headers["dispatcher"],
        "POST",
        "/api/v1/units/{callsign}/status/",
        200,
        path_parameters={"callsign": "TY1"},
        body={"status": "at_scene"},
    )

    oic = role_headers["oic"]
    on_scheme = {"scheme_id": scheme.pk}
    answer(
        api_schema,
        oic,
        "POST",
        "/api/v1/schemes/{scheme_id}/contacts/",
        201,
        path_parameters=on_scheme,
        body={"purpose": "explain", "method": "Phone", "outcome": "informed", "notes": "Safe"},
    )
    answer(
        api_schema,
        oic,
        "POST",
        "/api/v1/schemes/{scheme_id}/extend/",
        200,
        path_parameters=on_scheme,
        body={"ends_at": (now + timedelta(days=90)).isoformat(), "rationale": "Bail extended"},
    )
    full = answer(
        api_schema, oic, "GET", "/api/v1/schemes/{scheme_id}/", 200, path_parameters=on_scheme
    )
    assert full["contacts"] and full["decisions"] and full["tasks"] and full["timeline"]
    answer(api_schema, oic, "GET", "/api/v1/schemes/", 200)
    answer(api_schema, handler, "GET", "/api/v1/schemes/lookup/", 200, query={"phone": SEED_PHONE})
    report = answer(api_schema, supervisor, "GET", "/api/v1/reports/grading/", 200)
    assert report["tables"] and report["tables"][0]["columns"]
    answer(api_schema, supervisor, "GET", "/api/v1/events/", 200, query={"since": 0})

    # Every list and board of the populated system, as each role that may read it sees it.
    raw = api_schema.raw_schema
    components = raw["components"]["schemas"]
    lists = [path for path, item in raw["paths"].items() if "get" in item and "{" not in path]
    read, problems = set(), []
    for path in lists:
        for role, headers in role_headers.items():
            case = api_schema[path]["GET"].Case(query={})
            response = case.call(headers=headers)
            if response.status_code != 200:
                continue
            read.add(path)
            try:
                case.validate_response(response, checks=REAL_ANSWER_CHECKS)
            except (Exception, BaseExceptionGroup) as error:
                problems.append(f"{role} GET {path}: {describe(error)}")
            content = raw["paths"][path]["get"]["responses"]["200"]["content"]
            typed = content["application/json"]["schema"]
            for field in unnamed_fields(response.json(), typed, components):
                problems.append(f"{role} GET {path}: {field} not in the schema")
    assert not problems, "\n".join(problems)
    assert len(read) >= len(lists) - 3  # a few need a query (a check names its incident)
