"""Contacts: every contact is recorded (even without an incident), normalised and linked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cad.calls.services import contact_create
from cad.models import AccessRefusal, Contact, Event, FollowUp
from tests.cad.conftest import SEED_ADDRESS, SEED_PHONE, SEED_POSTCODE, seed_call

pytestmark = pytest.mark.django_db

SWITCHBOARD = {
    "channel": "switchboard",
    "caller_phone": SEED_PHONE,
    "caller_name": "Ms A",
    "address": SEED_ADDRESS,
    "postcode": "sw1a1aa",
    "summary": "Wants to reactivate a court order against her ex-husband",
}


def test_a_switchboard_contact_is_recorded_with_normalised_keys(api_for, make_user):
    client = api_for("oic")  # an officer who picked up the switchboard call
    response = client.post("/api/v1/contacts/", SWITCHBOARD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert {"id", "reference", "previous_contacts", "schemes", "intelligence"} <= set(body)
    assert body["reference"].startswith("CON-")
    contact = Contact.objects.get(pk=body["id"])
    assert contact.caller_phone_key == "+447700900123"
    assert contact.postcode == "SW1A1AA"
    assert contact.address_key == "SW1A1AA|14|ACACIA AVE"
    assert contact.incident is None
    assert body["intelligence"]["checked_at"] is not None  # the check ran on the contact
    event = Event.objects.get(kind="contact.created")
    assert event.data["reference"] == contact.reference
    assert "court order" not in str(event.data)  # summaries stay off the wire


def test_the_seed_switchboard_call_is_linked_to_the_later_999_call(api_for, handler_api):
    week_ago = timezone.now() - timedelta(days=7)
    officer = api_for("oic").user
    switchboard = contact_create(actor=officer, **SWITCHBOARD, now=week_ago)

    response = handler_api.post("/api/v1/incidents/", seed_call(), format="json")

    assert response.status_code == 201
    previous = response.json()["previous_contacts"]
    assert previous[0]["id"] == switchboard.id
    assert previous[0]["reference"] == switchboard.reference
    assert previous[0]["channel"] == "switchboard"
    assert previous[0]["summary"] == SWITCHBOARD["summary"]
    assert set(previous[0]["matched_on"]) == {"phone", "address", "person"}
    assert "repeat contact" in response.json()["risk_flags"]


def test_previous_contacts_are_most_recent_first_and_match_by_phone_or_address(handler_api):
    user = handler_api.user
    now = timezone.now()
    older = contact_create(
        actor=user,
        channel="101",
        caller_phone="07700 900123",
        summary="first",
        now=now - timedelta(days=40),
    )
    newer = contact_create(
        actor=user,
        channel="online",
        address="Flat 2, 14 Acacia Avenue",
        postcode=SEED_POSTCODE,
        summary="second",
        now=now - timedelta(days=2),
    )
    contact_create(actor=user, channel="101", caller_phone="07700 900999", summary="other caller")

    lookup = handler_api.get(
        "/api/v1/calls/lookup/",
        {"phone": "+447700900123", "address": "14 Acacia Ave, flat 2", "postcode": "SW1A 1AA"},
    ).json()

    assert [row["id"] for row in lookup["previous_contacts"]] == [newer.id, older.id]
    assert lookup["previous_contacts"][0]["summary"] == "second"
    assert lookup["repeat_contact"] is True
    only_old = handler_api.get("/api/v1/contacts/", {"phone": "07700900123"}).json()
    assert [row["id"] for row in only_old] == [older.id]


def test_contact_with_follow_up_for_an_owner_on_duty(api_for, make_user):
    client = api_for("call_handler")
    owner = make_user("oic", username="pc-b")
    due = timezone.now() + timedelta(hours=4)
    response = client.post(
        "/api/v1/contacts/",
        {**SWITCHBOARD, "follow_up": {"owner": "pc-b", "due_at": due.isoformat()}},
        format="json",
    )
    assert response.status_code == 201
    follow_up = FollowUp.objects.get(contact_id=response.json()["id"])
    assert follow_up.owner == owner
    assert follow_up.status == FollowUp.Status.AWAITING
    assert response.json()["follow_up"]["owner"] == "pc-b"
    assigned = Event.objects.get(kind="contact.follow_up_assigned")
    assert f"user.{owner.pk}" in assigned.audience
    assert "role.call_handler" in assigned.audience


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "carrier pigeon"}, "channel"),
        ({"summary": ""}, "summary"),
        ({"caller_phone": "not a number"}, "caller_phone"),
        ({"postcode": "XYZ"}, "postcode"),
        ({"follow_up": {"owner": "nobody-here", "due_at": "2030-01-01T10:00:00Z"}}, "follow_up"),
        ({"follow_up": {"owner": "call_handler-1", "due_at": "2001-01-01T10:00:00Z"}}, "follow_up"),
        ({"follow_up": {"owner": "call_handler-1"}}, "follow_up"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_written(handler_api, change, field):
    response = handler_api.post("/api/v1/contacts/", {**SWITCHBOARD, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists()
    assert not FollowUp.objects.exists()
    assert not Event.objects.exists()


def test_an_absent_user_cannot_be_given_a_follow_up(handler_api, make_user):
    from cad.calls.services import user_absence_set

    away = make_user("oic", username="pc-away")
    supervisor = make_user("supervisor")
    now = timezone.now()
    user_absence_set(
        actor=supervisor,
        user=away,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=120),
        reason="long-term leave",
    )
    response = handler_api.post(
        "/api/v1/contacts/",
        {
            **SWITCHBOARD,
            "follow_up": {"owner": "pc-away", "due_at": (now + timedelta(hours=2)).isoformat()},
        },
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["follow_up"][0]
    assert "pc-away is absent" in message and "long-term leave" in message
    assert not Contact.objects.exists()


def test_an_absence_starting_before_the_due_time_also_refuses(handler_api, make_user):
    from cad.calls.services import user_absence_set

    away = make_user("oic", username="pc-leaving")
    now = timezone.now()
    user_absence_set(
        actor=make_user("admin"),
        user=away,
        starts_at=now + timedelta(hours=1),
        ends_at=None,
    )
    response = handler_api.post(
        "/api/v1/contacts/",
        {
            **SWITCHBOARD,
            "follow_up": {"owner": "pc-leaving", "due_at": (now + timedelta(days=1)).isoformat()},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "further notice" in response.json()["follow_up"][0]


def test_wrong_role_is_403_and_logged(api_for):
    client = api_for("unit")
    response = client.post("/api/v1/contacts/", SWITCHBOARD, format="json")
    assert response.status_code == 403
    refusal = AccessRefusal.objects.get()
    assert refusal.path == "/api/v1/contacts/" and refusal.user == client.user
    assert not Contact.objects.exists()


def test_anonymous_is_401(anon_api):
    assert anon_api.post("/api/v1/contacts/", SWITCHBOARD, format="json").status_code == 401


def test_contact_detail_shows_previous_contacts(handler_api):
    user = handler_api.user
    first = contact_create(actor=user, channel="101", caller_phone=SEED_PHONE, summary="one")
    second = contact_create(actor=user, channel="999", caller_phone=SEED_PHONE, summary="two")
    body = handler_api.get(f"/api/v1/contacts/{second.id}/").json()
    assert [row["id"] for row in body["previous_contacts"]] == [first.id]
    assert handler_api.get(f"/api/v1/contacts/{first.id}/").json()["previous_contacts"] == []


def test_references_count_up_per_day(handler_api):
    user = handler_api.user
    now = timezone.now()  # one moment for both, so a run at midnight counts one day
    a = contact_create(actor=user, channel="101", summary="a", now=now)
    b = contact_create(actor=user, channel="101", summary="b", now=now)
    day = timezone.localtime(now).strftime("%Y%m%d")
    assert a.reference == f"CON-{day}-0001"
    assert b.reference == f"CON-{day}-0002"
