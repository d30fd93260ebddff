"""JSON logs with a request id and the actor, and never the seed case's people or phone.

Ms A's call is taken, checked, graded, dispatched, escalated and closed through the API,
the project's loggers at DEBUG and Django's at INFO, with a refusal and a bad input on the
way; then the captured log is searched for her name, her ex-husband's, their daughter's,
her phone number in every form, her address and the intelligence text."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter

from cad.kernel.log_context import ContextFilter
from cad.models import Incident
from dispatch import tasks
from dispatch.models import Unit
from intelligence import demo
from intelligence.models import IntelligenceLog
from tests.factories import SEED_CASE_CALL, ensure_opening_codes

SECRETS = [
    "Ms A",
    "Brookes",
    "Daniel",
    "Lily",
    "07700 900123",
    "07700900123",
    "7700900123",
    "Acacia",
    "SW1A 1AA",
    "1986-03-14",
    "pushed and punched",
    "ex-husband",
]


@pytest.fixture
def captured_log():
    """Every record of every logger, formatted as deployed (settings.LOGGING's JSON)."""
    formatter_config = dict(settings.LOGGING["formatters"]["json"])
    formatter_config.pop("()")
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter(**formatter_config))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    # The project's loggers at DEBUG, Django's and the rest at INFO: more than is deployed.
    names = ["", "cad", "dispatch", "intelligence", "schemes", "reports", "celery", "axes"]
    levels = {name: logging.getLogger(name).level for name in names}
    root.addHandler(handler)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG if name else logging.INFO)
    yield buffer
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_a_full_run_logs_requests_with_id_and_actor_and_no_personal_details(
    captured_log, make_user, api_for
):
    ensure_opening_codes()
    demo.seed(users={"intelligence": make_user("intelligence")}, password="unused")
    call_handler = api_for("call_handler")
    response = call_handler.post(
        "/api/v1/incidents/",
        SEED_CASE_CALL,
        format="json",
        HTTP_X_REQUEST_ID="call-ms-a-0001",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "call-ms-a-0001"
    incident_id = response.json()["id"]
    # Bad input that carries her details: refused, and the refusal logged without them.
    bad = call_handler.post(
        "/api/v1/incidents/",
        {"caller_phone": "07700 900123", "caller_name": "Ms A", "area": "nowhere"},
        format="json",
    )
    assert bad.status_code == 400
    graded = call_handler.post(
        f"/api/v1/incidents/{incident_id}/grade/",
        {
            "grade": "IMMEDIATE",
            "domestic_abuse": True,
            "rationale": "Ms A's ex-husband, Daniel Brookes, at her door (07700 900123).",
        },
        format="json",
    )
    assert graded.status_code == 200, graded.content
    # Intelligence read in full, with a reason naming her.
    intelligence = api_for("intelligence")
    log_id = IntelligenceLog.objects.filter(summary__icontains="assault").first().pk
    full = intelligence.get(
        f"/api/v1/intelligence/logs/{log_id}/", {"reason": "Ms A calling about Daniel Brookes"}
    )
    assert full.status_code == 200
    # A wrong role, and an unknown search: refusals and 404s are logged.
    assert (
        api_for("qart")
        .post(f"/api/v1/incidents/{incident_id}/grade/", {"grade": "PRIORITY"}, format="json")
        .status_code
        == 403
    )
    check = call_handler.get(
        "/api/v1/intelligence/check/", {"phone": "07700 900123", "name": "Lily Brookes"}
    )
    assert check.status_code == 200
    # Dispatch, an overdue clock swept by the task, the unit at scene, closed.
    Unit.objects.create(callsign="ALPHA1", area="urban")
    dispatcher = api_for("dispatcher")
    assert (
        dispatcher.post(
            f"/api/v1/incidents/{incident_id}/assign/", {"unit": "ALPHA1"}, format="json"
        ).status_code
        == 201
    )
    Incident.objects.filter(pk=incident_id).update(received_at=timezone.now() - timedelta(hours=1))
    tasks.clock_sweep()
    assert (
        dispatcher.post(
            "/api/v1/units/ALPHA1/status/", {"status": "at_scene"}, format="json"
        ).status_code
        == 200
    )
    closed = dispatcher.post(
        f"/api/v1/incidents/{incident_id}/close/",
        {"closing_code": "domestic_recorded", "summary": "Ms A safe; Daniel Brookes arrested."},
        format="json",
    )
    assert closed.status_code == 200, closed.content
    # A page, signed in.
    page = Client()
    page.force_login(call_handler.user)
    assert page.get(f"/incidents/{incident_id}/").status_code in (200, 404)

    text = captured_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    requests = [line for line in lines if line["logger"] == "cad.request"]
    assert len(requests) >= 10
    first = requests[0]
    assert first["request_id"] == "call-ms-a-0001"
    assert first["actor"] == call_handler.user.username
    assert first["path"] == "/api/v1/incidents/"
    assert first["status"] == 201
    assert {line["status"] for line in requests} >= {200, 201, 400, 403}
    assert len({line["request_id"] for line in requests}) == len(requests)
    assert any(line["logger"] == "cad.security" for line in lines)
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert leaked == [], f"the log names {leaked}"
