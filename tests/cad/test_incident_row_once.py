"""Grading and closing read the incident's row once (locked) and write it once; a missing
incident is still a 404 whatever else is wrong with the request."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cad.models import Event, Incident
from dispatch.models import Assignment, Unit
from dispatch.services import unit_assign
from tests.factories import incident_factory, role_user

pytestmark = pytest.mark.django_db

INCIDENT_READ = re.compile(r'^SELECT .* FROM "cad_incident" WHERE "cad_incident"\."id" = ')
INCIDENT_WRITE = re.compile(r'^UPDATE "cad_incident" SET ')


def incident_statements(queries) -> tuple[list[str], list[str]]:
    """(reads, writes) of the incident's own row in the whole request."""
    statements = [query["sql"] for query in queries]
    reads = [sql for sql in statements if INCIDENT_READ.match(sql)]
    writes = [sql for sql in statements if INCIDENT_WRITE.match(sql)]
    return reads, writes


def post_reading_and_writing_once(client, path: str, body: dict):
    """POST `path`; the incident's row must be read once, locked, and written once.
    Returns the response and that one write."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, body, format="json")
    assert response.status_code == 200, response.content
    reads, writes = incident_statements(queries.captured_queries)
    assert len(reads) == 1 and reads[0].endswith("FOR UPDATE")
    assert len(writes) == 1
    return response, writes[0]


def test_grading_reads_the_incident_once_locked_and_writes_it_once(api_for):
    incident = incident_factory(narrative="Noise outside.", opening_code="concern_for_safety")
    client = api_for("call_handler")
    response, write = post_reading_and_writing_once(
        client,
        f"/api/v1/incidents/{incident.id}/grade/",
        {"grade": "PRIORITY", "rationale": "Neighbour dispute.", "da_rationale": "No."},
    )
    # The one write carries the grade and the clock together.
    assert "\"grade\" = 'PRIORITY'" in write and "\"clock_state\" = 'running'" in write
    body = response.json()
    assert (body["grade"], body["clock_state"], body["resourced"]) == ("PRIORITY", "running", False)
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.grade, stored.clock_state) == ("PRIORITY", "running")
    assert stored.warning_at is not None and stored.next_alert_at is not None


def test_closing_reads_the_incident_once_locked_frees_its_unit_and_writes_it_once(api_for):
    incident = incident_factory(grade="PRIORITY", rationale="Graded.", da_rationale="No.")
    unit = Unit.objects.create(callsign="RW1", area="urban")
    unit_assign(actor=role_user("dispatcher"), incident=incident, unit=unit)
    client = api_for("dispatcher")
    response, write = post_reading_and_writing_once(
        client,
        f"/api/v1/incidents/{incident.id}/close/",
        {"closing_code": "attended_resolved", "summary": "Words of advice."},
    )
    assert "\"status\" = 'closed'" in write and "\"clock_state\" = 'stopped'" in write
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.status, stored.clock_state, stored.next_alert_at) == ("closed", "stopped", None)
    assert Unit.objects.get(pk=unit.pk).status == Unit.Status.AVAILABLE
    assert Assignment.objects.get(unit=unit).status == Assignment.Status.CLEARED
    assert Event.objects.filter(kind="incident.closed", incident=incident).count() == 1
    assert response.json()["status"] == "closed"


@pytest.mark.parametrize(
    ("action", "good", "bad"),
    [
        ("grade", {"grade": "PRIORITY", "rationale": "r"}, {"grade": "NOT_A_GRADE"}),
        ("grade", {"grade": "PRIORITY", "rationale": "r"}, {"thrive": "not an object"}),
        ("close", {"closing_code": "attended_resolved", "summary": "s"}, {"summary": ""}),
        ("close", {"closing_code": "attended_resolved", "summary": "s"}, {"closing_code": "x"}),
    ],
)
def test_a_missing_incident_is_404_whatever_the_body(api_for, action, good, bad):
    role = "call_handler" if action == "grade" else "dispatcher"
    client = api_for(role)
    events_before = Event.objects.count()
    missing = (Incident.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1000
    for body in (good, bad, {}):
        response = client.post(f"/api/v1/incidents/{missing}/{action}/", body, format="json")
        assert response.status_code == 404, (body, response.content)
    # The same bad body on an incident that exists is a 400, and nothing is written.
    incident = incident_factory(narrative="Noise outside.")
    events_before = Event.objects.count()
    response = client.post(f"/api/v1/incidents/{incident.id}/{action}/", bad, format="json")
    assert response.status_code == 400, response.content
    assert Event.objects.count() == events_before
