"""End to end through call handling: Ms A's 999 call is checked automatically when the
incident is created, and the seven logs are on the incident before anyone grades it."""

import pytest

from cad.models import Event
from intelligence import demo
from intelligence.models import IntelligenceCheck
from tests.factories import SEED_CASE_CALL, ensure_opening_codes


@pytest.fixture
def seeded(make_user):
    ensure_opening_codes()
    demo.seed(users={"intelligence": make_user("intelligence")}, password="unused")


def test_999_call_carries_all_seven_logs_before_grading(seeded, api_for):
    response = api_for("call_handler").post(
        "/api/v1/incidents/",
        SEED_CASE_CALL,
        format="json",
    )
    assert response.status_code == 201, response.content
    incident = response.json()
    assert incident["grade"] is None
    intel = incident["intelligence"]
    assert intel["checked_at"] is not None
    assert len(intel["hits"]) == 7
    assert {hit["kind"] for hit in intel["hits"]} == {
        "domestic_abuse",
        "marac",
        "dvds",
        "safeguarding_children",
    }
    check = IntelligenceCheck.objects.get(incident_id=incident["id"])
    assert check.trigger == "automatic"
    assert Event.objects.filter(kind="intelligence.checked", incident_id=incident["id"]).exists()
