"""A contact recorded without an incident (switchboard, 101) raises the possible domestic
abuse prompt from its words or its intelligence, and the prompt is answered there."""

import pytest

from cad.calls.services import contact_create, contact_da_answer
from cad.models import Contact, Event
from tests.cad.conftest import SEED_ADDRESS, SEED_PHONE, SEED_POSTCODE

pytestmark = pytest.mark.django_db

# The seed's switchboard call, a week before the 999 call.
SWITCHBOARD = {
    "channel": "switchboard",
    "caller_phone": SEED_PHONE,
    "caller_name": "Ms A",
    "address": SEED_ADDRESS,
    "postcode": SEED_POSTCODE,
    "summary": "Wants to reactivate a court order against her ex-husband, he has been in contact",
}


def answer_url(contact_id):
    return f"/api/v1/contacts/{contact_id}/domestic-abuse/"


def test_the_switchboard_call_raises_the_prompt_from_its_words(api_for):
    client = api_for("oic")
    body = client.post("/api/v1/contacts/", SWITCHBOARD, format="json").json()
    assert body["da_prompt"] is True
    assert body["domestic_abuse"] is None and body["da_answered_at"] is None
    codes = {reason["code"] for reason in body["risk_reasons"]}
    assert "cue.order" in codes
    order = next(r for r in body["risk_reasons"] if r["code"] == "cue.order")
    assert "“court order”" in order["reason"]
    assert Event.objects.get(kind="contact.created").data["da_prompt"] is True


def test_domestic_abuse_intelligence_raises_the_prompt_with_no_words_about_it(
    api_for, seed_intelligence
):
    client = api_for("call_handler")
    quiet = {**SWITCHBOARD, "summary": "Asked to speak to PC Smith, call back tomorrow"}
    body = client.post("/api/v1/contacts/", quiet, format="json").json()
    assert body["da_prompt"] is True
    reasons = " ".join(r["reason"] for r in body["risk_reasons"])
    assert "MARAC log" in reasons and "this phone" in reasons


def test_an_ordinary_contact_raises_no_prompt(api_for):
    client = api_for("call_handler")
    body = client.post(
        "/api/v1/contacts/",
        {"channel": "101", "summary": "Lost a wallet in town, wants a reference number"},
        format="json",
    ).json()
    assert body["da_prompt"] is False and body["risk_reasons"] == []


def test_the_prompt_is_answered_once_and_the_answer_is_on_the_event_log(api_for):
    client = api_for("oic")
    contact_id = client.post("/api/v1/contacts/", SWITCHBOARD, format="json").json()["id"]
    response = client.post(answer_url(contact_id), {"domestic_abuse": True}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["domestic_abuse"] is True and body["da_answered_by"] == client.user.username
    event = Event.objects.get(kind="contact.da_answered")
    assert event.data["contact"] == contact_id and event.data["domestic_abuse"] is True
    again = client.post(
        answer_url(contact_id), {"domestic_abuse": False, "da_rationale": "x"}, format="json"
    )
    assert again.status_code == 409
    assert Contact.objects.get(pk=contact_id).domestic_abuse is True


def test_not_domestic_abuse_needs_a_reason_and_a_bad_answer_writes_nothing(api_for):
    client = api_for("call_handler")
    contact_id = client.post("/api/v1/contacts/", SWITCHBOARD, format="json").json()["id"]
    for body, field in [
        ({"domestic_abuse": False}, "da_rationale"),
        ({"domestic_abuse": False, "da_rationale": "   "}, "da_rationale"),
        ({}, "domestic_abuse"),
        ({"domestic_abuse": "perhaps"}, "domestic_abuse"),
        ({"domestic_abuse": True, "da_rationale": "x" * 6000}, "da_rationale"),
    ]:
        response = client.post(answer_url(contact_id), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), response.json()
    contact = Contact.objects.get(pk=contact_id)
    assert contact.da_answered_at is None and contact.domestic_abuse is None
    assert not Event.objects.filter(kind="contact.da_answered").exists()
    ok = client.post(
        answer_url(contact_id),
        {"domestic_abuse": False, "da_rationale": "Civil dispute about the car, no abuse"},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["da_rationale"] == "Civil dispute about the car, no abuse"


def test_a_contact_without_a_prompt_cannot_be_answered(make_user):
    handler = make_user("call_handler")
    contact = contact_create(actor=handler, channel="101", summary="Asking about opening times")
    from cad.kernel.errors import Conflict

    with pytest.raises(Conflict):
        contact_da_answer(actor=handler, contact_id=contact.pk, domestic_abuse=True)


def test_the_wrong_role_is_refused_and_a_missing_contact_is_404(api_for):
    oic = api_for("oic")
    contact_id = oic.post("/api/v1/contacts/", SWITCHBOARD, format="json").json()["id"]
    for role in ("unit", "qart", "intelligence"):
        response = api_for(role).post(
            answer_url(contact_id), {"domestic_abuse": True}, format="json"
        )
        assert response.status_code == 403, role
    assert Contact.objects.get(pk=contact_id).da_answered_at is None
    assert oic.post(answer_url(999999), {"domestic_abuse": True}, format="json").status_code == 404
