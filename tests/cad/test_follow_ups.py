"""Follow-ups: the owner acknowledges; unacknowledged by the due time escalates to the
supervisor exactly once; absence re-routes open follow-ups at once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cad.calls import selectors
from cad.calls.services import (
    follow_up_acknowledge,
    follow_up_escalate_overdue,
    user_absence_set,
)
from cad.models import AccessRefusal, Event, FollowUp, FollowUpEscalation
from cad.tasks import follow_ups_sweep
from tests.factories import contact_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user):
    return make_user("oic", username="pc-owner")


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor", username="sgt-h")


def with_follow_up(owner, *, due_in=timedelta(hours=2), now=None):
    now = now or timezone.now()
    return contact_factory(
        caller_phone="07700 900123",
        summary="Wants to reactivate a court order",
        follow_up={"owner": owner, "due_at": now + due_in},
        now=now,
    )


def test_the_owner_acknowledges_through_the_api(api_for, owner):
    contact = with_follow_up(owner)
    response = api_for(user=owner).post(f"/api/v1/contacts/{contact.id}/acknowledge/")
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    record = FollowUp.objects.get(contact=contact)
    assert record.acknowledged_by == owner and record.acknowledged_at is not None
    event = Event.objects.get(kind="contact.follow_up_acknowledged")
    assert f"user.{owner.pk}" in event.audience
    # Twice is a conflict, not a second acknowledgement.
    again = api_for(user=owner).post(f"/api/v1/contacts/{contact.id}/acknowledge/")
    assert again.status_code == 409


def test_someone_else_cannot_acknowledge_and_the_refusal_is_logged(api_for, owner):
    contact = with_follow_up(owner)
    other = api_for("oic")
    response = other.post(f"/api/v1/contacts/{contact.id}/acknowledge/")
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(user=other.user).exists()
    assert FollowUp.objects.get(contact=contact).status == FollowUp.Status.AWAITING


def test_acknowledge_without_a_follow_up_is_409_and_anonymous_401(api_for, anon_api):
    contact = contact_factory()
    assert api_for("oic").post(f"/api/v1/contacts/{contact.id}/acknowledge/").status_code == 409
    assert anon_api.post(f"/api/v1/contacts/{contact.id}/acknowledge/").status_code == 401


def test_the_sweep_escalates_an_unacknowledged_follow_up_exactly_once(owner, supervisor):
    start = timezone.now() - timedelta(hours=3)
    contact = with_follow_up(owner, due_in=timedelta(hours=1), now=start)
    not_yet = with_follow_up(owner, due_in=timedelta(days=1))
    acknowledged = with_follow_up(owner, due_in=timedelta(hours=1), now=start)
    follow_up_acknowledge(actor=owner, contact=acknowledged, now=start + timedelta(minutes=5))

    assert follow_ups_sweep() == 1
    assert follow_ups_sweep() == 0  # a second beat writes nothing twice
    record = FollowUp.objects.get(contact=contact)
    assert record.status == FollowUp.Status.OVERDUE
    assert FollowUpEscalation.objects.filter(follow_up=record).count() == 1
    events = Event.objects.filter(kind="contact.follow_up_overdue")
    assert events.count() == 1
    assert "role.supervisor" in events[0].audience and f"user.{owner.pk}" in events[0].audience
    assert FollowUp.objects.get(contact=not_yet).status == FollowUp.Status.AWAITING
    assert FollowUp.objects.get(contact=acknowledged).status == FollowUp.Status.ACKNOWLEDGED

    items = selectors.supervisor_board_items()
    assert [item["kind"] for item in items] == ["follow_up_overdue"]
    assert contact.reference in items[0]["title"] and items[0]["severity"] == "risk"


def test_the_escalation_is_unique_even_if_called_directly_again(owner):
    start = timezone.now() - timedelta(hours=3)
    contact = with_follow_up(owner, due_in=timedelta(hours=1), now=start)
    record = FollowUp.objects.get(contact=contact)
    assert follow_up_escalate_overdue(follow_up_id=record.id) is True
    # Even with the status put back (a racing writer), the unique row refuses a second one.
    FollowUp.objects.filter(pk=record.pk).update(status=FollowUp.Status.AWAITING)
    assert follow_up_escalate_overdue(follow_up_id=record.id) is False
    assert Event.objects.filter(kind="contact.follow_up_overdue").count() == 1


def test_an_overdue_follow_up_is_taken_by_a_supervisor(api_for, owner, supervisor):
    start = timezone.now() - timedelta(hours=3)
    contact = with_follow_up(owner, due_in=timedelta(hours=1), now=start)
    follow_ups_sweep()
    response = api_for(user=supervisor).post(f"/api/v1/contacts/{contact.id}/acknowledge/")
    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == "sgt-h"
    assert selectors.supervisor_board_items() == []


def test_the_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["cad-follow-ups-sweep"]
    assert entry["task"] == "cad.follow_ups_sweep"
    assert entry["schedule"] <= 60


def test_setting_absence_reroutes_open_follow_ups_to_the_supervisor_at_once(
    api_for, owner, supervisor
):
    open_one = with_follow_up(owner, due_in=timedelta(days=2))
    acknowledged = with_follow_up(owner, due_in=timedelta(days=2))
    follow_up_acknowledge(actor=owner, contact=acknowledged)
    done = with_follow_up(owner, due_in=timedelta(days=2))
    from cad.calls.services import follow_up_complete

    follow_up_acknowledge(actor=owner, contact=done)
    follow_up_complete(actor=owner, contact=done, outcome="Called back, order renewed")

    now = timezone.now()
    response = api_for(user=supervisor).post(
        f"/api/v1/users/{owner.username}/absence/",
        {
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=120)).isoformat(),
            "reason": "long-term leave",
        },
        format="json",
    )

    assert response.status_code == 201
    assert sorted(response.json()["rerouted_contacts"]) == sorted([open_one.id, acknowledged.id])
    for contact in (open_one, acknowledged):
        record = FollowUp.objects.get(contact=contact)
        assert record.status == FollowUp.Status.REROUTED
        assert record.escalations.get().reason == "owner_absent"
    assert FollowUp.objects.get(contact=done).status == FollowUp.Status.DONE
    rerouted = Event.objects.filter(kind="contact.follow_up_rerouted")
    assert rerouted.count() == 2
    assert all("role.supervisor" in e.audience for e in rerouted)
    kinds = [item["kind"] for item in selectors.supervisor_board_items()]
    assert kinds == ["follow_up_rerouted", "follow_up_rerouted"]
    # And the sweep does not escalate them a second time when they fall due.
    assert follow_ups_sweep() == 0


def test_a_rerouted_follow_up_can_be_handed_to_someone_on_duty(
    api_for, owner, supervisor, make_user
):
    contact = with_follow_up(owner)
    user_absence_set(
        actor=supervisor, user=owner, starts_at=timezone.now(), ends_at=None, reason="sick"
    )
    make_user("oic", username="pc-present")
    client = api_for(user=supervisor)
    refused = client.post(
        f"/api/v1/contacts/{contact.id}/reassign/",
        {"owner": owner.username, "due_at": (timezone.now() + timedelta(hours=4)).isoformat()},
        format="json",
    )
    assert refused.status_code == 400 and "absent" in refused.json()["follow_up"][0]
    response = client.post(
        f"/api/v1/contacts/{contact.id}/reassign/",
        {"owner": "pc-present", "due_at": (timezone.now() + timedelta(hours=4)).isoformat()},
        format="json",
    )
    assert response.status_code == 200
    record = FollowUp.objects.get(contact=contact)
    assert record.owner.username == "pc-present"
    assert record.status == FollowUp.Status.AWAITING and record.cycle == 2
    assert selectors.supervisor_board_items() == []


@pytest.mark.parametrize("role", ["call_handler", "oic", "dispatcher"])
def test_only_supervisors_and_admins_set_absence(api_for, owner, role):
    client = api_for(role)
    response = client.post(
        f"/api/v1/users/{owner.username}/absence/",
        {"starts_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(user=client.user).exists()


def test_absence_bad_input_is_400_and_nothing_rerouted(api_for, owner, supervisor):
    contact = with_follow_up(owner)
    now = timezone.now()
    response = api_for(user=supervisor).post(
        f"/api/v1/users/{owner.username}/absence/",
        {"starts_at": now.isoformat(), "ends_at": (now - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "ends_at" in response.json()
    assert FollowUp.objects.get(contact=contact).status == FollowUp.Status.AWAITING
    assert api_for("admin").get("/api/v1/absences/").json() == []


def test_my_follow_ups_and_the_supervisor_list(api_for, owner, supervisor):
    contact = with_follow_up(owner)
    mine = api_for(user=owner).get("/api/v1/follow-ups/").json()
    assert [row["contact"] for row in mine] == [contact.id]
    assert api_for(user=supervisor).get("/api/v1/follow-ups/?scope=supervisor").json() == []
    assert api_for(user=owner).get("/api/v1/follow-ups/?scope=supervisor").status_code == 403
