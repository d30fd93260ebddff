"""Schemathesis against the published OpenAPI schema, with every role's token.

No operation may answer with a 5xx or with a status its schema does not declare, and every
response must match the schema, whoever calls it and whatever they send. Each operation's
cases come from schemathesis's Hypothesis strategy and are sent in-process to the WSGI
application.
"""

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
    assert {"400", "401", "403", "409"} <= set(create)
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
