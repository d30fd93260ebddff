"""Check requests: asked by call handlers, claimed and answered by the support desk,
escalated to the supervisor board exactly once when nobody answers in time."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.models import AccessRefusal, Event
from intelligence import tasks
from intelligence.models import CheckRequest, CheckRequestEscalation
from intelligence.selectors import supervisor_board_items
from intelligence.services import (
    intel_request_answer,
    intel_request_claim,
    intel_request_create,
    intel_request_escalate_due,
)
from tests.intelligence.conftest import NOW

REQUESTS = "/api/v1/intelligence/requests/"


@pytest.fixture
def incident(make_incident):
    return make_incident(phone="07700 900123", address="14 Acacia Avenue", postcode="SW1A 1AA")


@pytest.fixture
def request_row(handler, incident):
    return intel_request_create(
        actor=handler, incident=incident, question="Any history with the ex-husband?", now=NOW
    )


def overdue_events():
    return Event.objects.filter(kind="intelligence.request_overdue")


# --- create ------------------------------------------------------------------------------


def test_create_sets_the_due_time_and_tells_the_desk(request_row, handler, incident):
    assert request_row.status == "open"
    assert request_row.due_at == NOW + timedelta(seconds=600)
    event = Event.objects.get(kind="intelligence.request_created")
    assert event.incident == incident
    assert "role.intelligence" in event.audience and f"user.{handler.pk}" in event.audience
    assert "ex-husband" not in str(event.data)


@override_settings(CAD_INTEL_REQUEST_ANSWER_SECONDS=120)
def test_answer_window_is_configurable(handler, incident):
    row = intel_request_create(actor=handler, incident=incident, question="Check", now=NOW)
    assert row.due_at == NOW + timedelta(seconds=120)


def test_default_answer_window_is_ten_minutes():
    assert settings.CAD_INTEL_REQUEST_ANSWER_SECONDS == 600


def test_create_bad_input(handler, incident, make_contact):
    with pytest.raises(InvalidInput) as error:
        intel_request_create(actor=handler, incident=incident, question="  ")
    assert set(error.value.errors) == {"question"}
    with pytest.raises(InvalidInput) as error:
        intel_request_create(actor=handler, question="Check please")
    assert set(error.value.errors) == {"subject"}
    with pytest.raises(InvalidInput):
        intel_request_create(
            actor=handler, incident=incident, contact=make_contact(), question="Check"
        )
    assert not CheckRequest.objects.exists()


@pytest.mark.parametrize("role", ["intelligence", "unit", "qart"])
def test_create_wrong_role(make_user, incident, role):
    with pytest.raises(RoleRefused):
        intel_request_create(actor=make_user(role), incident=incident, question="Check")
    assert not CheckRequest.objects.exists()


def test_contact_request(handler, make_contact):
    contact = make_contact(phone="07700 900123")
    row = intel_request_create(actor=handler, contact=contact, question="Court order history?")
    assert row.contact == contact and row.incident is None


# --- claim and answer ----------------------------------------------------------------------


def test_claim_then_answer(request_row, analyst, handler):
    claimed = intel_request_claim(actor=analyst, request_id=request_row.pk, now=NOW)
    assert (claimed.status, claimed.claimed_by) == ("claimed", analyst)
    answered = intel_request_answer(
        actor=analyst,
        request_id=request_row.pk,
        answer="Seven logs incl. MARAC; treat as high risk.",
        now=NOW + timedelta(minutes=3),
    )
    assert answered.status == "answered"
    assert answered.answered_at == NOW + timedelta(minutes=3)
    event = Event.objects.get(kind="intelligence.request_answered")
    assert f"user.{handler.pk}" in event.audience
    assert "MARAC" not in str(event.data)


def test_answer_without_claim(request_row, analyst):
    row = intel_request_answer(actor=analyst, request_id=request_row.pk, answer="Nothing held.")
    assert row.claimed_by == analyst and row.status == "answered"


def test_refused_transitions(request_row, analyst, make_user):
    other = make_user("intelligence")
    intel_request_claim(actor=analyst, request_id=request_row.pk)
    with pytest.raises(Conflict):
        intel_request_claim(actor=other, request_id=request_row.pk)
    intel_request_answer(actor=analyst, request_id=request_row.pk, answer="Done.")
    with pytest.raises(Conflict):
        intel_request_answer(actor=other, request_id=request_row.pk, answer="Again.")
    with pytest.raises(Conflict):
        intel_request_claim(actor=analyst, request_id=request_row.pk)
    assert CheckRequest.objects.get().answer == "Done."


def test_answer_bad_input_and_wrong_role(request_row, analyst, handler):
    with pytest.raises(InvalidInput):
        intel_request_answer(actor=analyst, request_id=request_row.pk, answer=" ")
    with pytest.raises(RoleRefused):
        intel_request_answer(actor=handler, request_id=request_row.pk, answer="Self-answered")
    with pytest.raises(RoleRefused):
        intel_request_claim(actor=handler, request_id=request_row.pk)
    assert CheckRequest.objects.get().status == "open"


# --- escalation ------------------------------------------------------------------------------


def test_not_escalated_before_due(request_row):
    assert intel_request_escalate_due(now=request_row.due_at - timedelta(seconds=1)) == []
    assert not overdue_events().exists()
    assert supervisor_board_items(now=request_row.due_at) == []


def test_escalates_exactly_once_even_if_the_sweep_runs_twice(request_row, handler):
    due = request_row.due_at
    assert intel_request_escalate_due(now=due) == [request_row.pk]
    assert intel_request_escalate_due(now=due + timedelta(seconds=15)) == []
    tasks.escalate_overdue_requests()  # the beat task, at the real (later) time
    assert CheckRequestEscalation.objects.count() == 1
    event = overdue_events().get()
    assert event.audience == sorted(["role.supervisor", f"user.{handler.pk}"])
    assert event.data["request"] == request_row.pk
    assert "ex-husband" not in str(event.data)
    assert CheckRequest.objects.get().escalated_at == due


def test_a_second_escalation_row_is_refused_by_the_database(request_row):
    from django.db import IntegrityError, transaction

    intel_request_escalate_due(now=request_row.due_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckRequestEscalation.objects.create(
            request=request_row, level="supervisor", at=request_row.due_at
        )


def test_answered_requests_never_escalate(request_row, analyst):
    intel_request_answer(actor=analyst, request_id=request_row.pk, answer="Nothing held.")
    assert intel_request_escalate_due(now=request_row.due_at + timedelta(hours=1)) == []
    assert not overdue_events().exists()


def test_claimed_but_unanswered_requests_escalate(request_row, analyst):
    intel_request_claim(actor=analyst, request_id=request_row.pk)
    assert intel_request_escalate_due(now=request_row.due_at) == [request_row.pk]


def test_supervisor_board_items(request_row, analyst, incident):
    intel_request_escalate_due(now=request_row.due_at)
    items = supervisor_board_items(now=request_row.due_at + timedelta(minutes=4))
    assert len(items) == 1
    item = items[0]
    assert item["kind"] == "intel_request_overdue"
    assert item["severity"] == "warning"
    assert incident.reference in item["title"]
    assert "4 min overdue" in item["detail"] and "unclaimed" in item["detail"]
    assert item["url"].endswith(f"/intelligence/requests/#request-{request_row.pk}")
    assert item["at"] == request_row.due_at.isoformat()
    # One more answer window later it is a danger.
    later = supervisor_board_items(now=request_row.due_at + timedelta(minutes=10))
    assert later[0]["severity"] == "danger"
    # Answered: off the board.
    intel_request_answer(actor=analyst, request_id=request_row.pk, answer="Nothing held.")
    assert supervisor_board_items(now=request_row.due_at + timedelta(minutes=11)) == []


def test_the_sweep_is_on_the_beat_schedule():
    from cad.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["intelligence-request-sweep"]
    assert entry["task"] == "intelligence.escalate_overdue_requests"
    assert entry["schedule"] <= 60
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


# --- API -------------------------------------------------------------------------------------


def test_api_flow(api_for, incident):
    handler_api = api_for("call_handler")
    created = handler_api.post(
        REQUESTS, {"incident": incident.pk, "question": "History?"}, format="json"
    )
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    desk = api_for("intelligence")
    queue = desk.get(REQUESTS, {"status": "unanswered"}).json()
    assert [row["id"] for row in queue] == [request_id]
    assert desk.post(f"{REQUESTS}{request_id}/claim/").json()["status"] == "claimed"
    answer = desk.post(f"{REQUESTS}{request_id}/answer/", {"answer": "MARAC held"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "answered"
    again = desk.post(f"{REQUESTS}{request_id}/answer/", {"answer": "x"}, format="json")
    assert again.status_code == 409
    mine = handler_api.get(REQUESTS).json()
    assert [(row["id"], row["answer"]) for row in mine] == [(request_id, "MARAC held")]
    assert desk.get(REQUESTS, {"claimed": "me"}).json()[0]["id"] == request_id
    assert api_for("intelligence").get(REQUESTS, {"claimed": "me"}).json() == []
    # Another call handler sees only their own requests.
    assert api_for("call_handler").get(REQUESTS).json() == []


def test_api_bad_input_and_roles(api_for, anon_api, incident, request_row):
    handler_api = api_for("call_handler")
    response = handler_api.post(REQUESTS, {"incident": incident.pk}, format="json")
    assert response.status_code == 400 and "question" in response.json()
    response = handler_api.post(REQUESTS, {"question": "?"}, format="json")
    assert response.status_code == 400 and "subject" in response.json()
    assert api_for("intelligence").get(REQUESTS, {"status": "bogus"}).status_code == 400
    assert (
        api_for("unit")
        .post(REQUESTS, {"incident": incident.pk, "question": "?"}, format="json")
        .status_code
        == 403
    )
    claim = f"{REQUESTS}{request_row.pk}/claim/"
    assert handler_api.post(claim).status_code == 403
    assert AccessRefusal.objects.filter(path=claim).count() == 1
    assert anon_api.get(REQUESTS).status_code == 401
    assert anon_api.post(claim).status_code == 401
