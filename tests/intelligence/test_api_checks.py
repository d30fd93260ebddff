"""The check API (latest check, manual re-check) and the realtime frames of a check."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from cad.asgi import application
from cad.kernel.tokens import issue_token
from cad.models import AccessRefusal
from intelligence.models import IntelligenceCheck
from intelligence.services import intel_check_run, intel_log_view
from tests.intelligence.conftest import NOW

CHECKS = "/api/v1/intelligence/checks/"
SECRET_SUMMARY = "MARAC: high risk, ex-husband"
SECRET_DETAILS = "Informant details that never leave the log page."


@pytest.fixture
def incident(make_log, make_incident, handler):
    make_log(kind="marac", summary=SECRET_SUMMARY, details=SECRET_DETAILS, phones=["07700900123"])
    incident = make_incident(phone="07700 900123")
    intel_check_run(actor=handler, incident=incident, now=NOW)
    return incident


@pytest.mark.parametrize(
    "role", ["call_handler", "dispatcher", "supervisor", "intelligence", "oic"]
)
def test_latest_check_summary(api_for, incident, role):
    response = api_for(role).get(CHECKS, {"incident": incident.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["checked_at"] == NOW.isoformat()
    assert [(h["kind"], h["summary"], h["matched_on"]) for h in body["hits"]] == [
        ("marac", SECRET_SUMMARY, ["phone"])
    ]
    assert SECRET_DETAILS not in response.content.decode()


def test_subject_errors(api_for, incident, make_contact):
    client = api_for("call_handler")
    assert client.get(CHECKS).status_code == 400
    both = client.get(CHECKS, {"incident": incident.pk, "contact": make_contact().pk})
    assert both.status_code == 400 and "subject" in both.json()
    assert client.get(CHECKS, {"incident": "abc"}).status_code == 400
    assert client.get(CHECKS, {"incident": 999999}).status_code == 404


@pytest.mark.parametrize("role", ["call_handler", "intelligence"])
def test_manual_recheck(api_for, incident, role):
    response = api_for(role).post(CHECKS, {"incident": incident.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["manual"] is True
    check = IntelligenceCheck.objects.filter(incident=incident).latest("id")
    assert check.trigger == "manual" and check.actor.groups.get().name == role


@pytest.mark.parametrize("role", ["dispatcher", "supervisor", "unit"])
def test_manual_recheck_wrong_role(api_for, incident, role):
    response = api_for(role).post(CHECKS, {"incident": incident.pk}, format="json")
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(path=CHECKS).count() == 1
    assert IntelligenceCheck.objects.count() == 1


@pytest.mark.parametrize("role", ["unit", "qart"])
def test_check_summary_wrong_role(api_for, incident, role):
    assert api_for(role).get(CHECKS, {"incident": incident.pk}).status_code == 403
    assert AccessRefusal.objects.filter(path=CHECKS).count() == 1


def test_anonymous(anon_api, incident):
    assert anon_api.get(CHECKS, {"incident": incident.pk}).status_code == 401
    assert anon_api.post(CHECKS, {"incident": incident.pk}, format="json").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_realtime_frames_never_carry_intelligence_text(make_log, make_incident, make_user, handler):
    """A supervisor's screen gets the check and the log view as ids and counts only."""
    log = make_log(
        kind="marac", summary=SECRET_SUMMARY, details=SECRET_DETAILS, phones=["07700900123"]
    )
    supervisor = make_user("supervisor")
    _, token_key = issue_token(supervisor)
    headers = [(b"authorization", f"Token {token_key}".encode())]
    incident = make_incident(phone="07700 900123")
    intel_check_run(actor=handler, incident=incident, now=NOW)
    intel_log_view(actor=supervisor, log_id=log.pk, reason="Risk review for the call")

    async def scenario():
        communicator = WebsocketCommunicator(application, "/ws/screens/?since=0", headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        frames, wanted = [], {"intelligence.checked", "intelligence.log_viewed"}
        while not wanted <= {frame.get("kind") for frame in frames}:
            frames.append(await communicator.receive_json_from(timeout=5))
        await communicator.disconnect()
        return frames

    frames = async_to_sync(scenario)()
    kinds = [frame["kind"] for frame in frames]
    assert "intelligence.checked" in kinds and "intelligence.log_viewed" in kinds
    text = json.dumps(frames)
    assert SECRET_SUMMARY not in text
    assert SECRET_DETAILS not in text
    assert "Risk review" not in text
    checked = next(frame for frame in frames if frame["kind"] == "intelligence.checked")
    assert checked["data"]["counts"] == {"marac": 1}
