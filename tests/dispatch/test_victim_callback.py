"""The victim is not forgotten: a domestic abuse incident with no unit at scene that loses
its unit, warns or breaches opens one task to call her back; the dispatcher or the call
handler records it; not done in time, it goes to the supervisor, once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from cad.models import Event
from dispatch import services
from dispatch.models import VictimCallback
from tests.dispatch.conftest import T0
from tests.factories import incident_factory

pytestmark = pytest.mark.django_db


def domestic(make_user, **fields):
    return incident_factory(
        actor=make_user("call_handler"),
        received_at=T0,
        grade="IMMEDIATE",
        domestic_abuse=True,
        narrative="He's outside shouting he'll kill me",
        **fields,
    )


def test_a_warning_with_no_unit_at_scene_opens_one_call_back(make_user):
    incident = domestic(make_user)
    services.clock_sweep(now=T0 + timedelta(minutes=12))
    services.clock_sweep(now=T0 + timedelta(minutes=16))  # breached too: still one task
    callback = VictimCallback.objects.get(incident=incident)
    assert callback.status == "open"
    assert callback.due_at == callback.raised_at + services.victim_callback_due()
    event = Event.objects.get(kind="incident.victim_callback")
    assert (
        "Call the victim back" in event.data["summary"]
        and incident.reference in (event.data["summary"])
    )
    assert {"role.dispatcher", "role.call_handler", "role.supervisor"} <= set(event.audience)


def test_no_call_back_when_not_domestic_abuse_or_a_unit_is_at_scene(make_user, make_unit, roles):
    other = incident_factory(
        actor=make_user("call_handler"), received_at=T0, grade="IMMEDIATE", narrative="Fight"
    )
    attended = domestic(make_user)
    unit = make_unit("ALPHA1", terminal_user=roles["unit"])
    services.unit_assign(actor=roles["dispatcher"], incident=attended, unit=unit, now=T0)
    services.unit_status_set(
        actor=roles["dispatcher"], unit=unit, status="at_scene", now=T0 + timedelta(minutes=3)
    )
    services.clock_sweep(now=T0 + timedelta(minutes=20))
    assert not VictimCallback.objects.filter(incident__in=[other, attended]).exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_open_it_once(make_user):
    incident = domestic(make_user)
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            services.clock_sweep(now=T0 + timedelta(minutes=12))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert VictimCallback.objects.filter(incident=incident).count() == 1
    assert Event.objects.filter(kind="incident.victim_callback").count() == 1


def test_recording_the_call_back(api_for, make_user):
    incident = domestic(make_user)
    services.clock_sweep(now=T0 + timedelta(minutes=12))
    callback = VictimCallback.objects.get(incident=incident)
    url = f"/api/v1/victim-callbacks/{callback.pk}/"
    dispatcher = api_for("dispatcher")
    assert [row["id"] for row in dispatcher.get("/api/v1/victim-callbacks/").json()] == [
        callback.pk
    ]
    # Bad input: 400, nothing written.
    for body in ({"outcome": ""}, {"outcome": "   "}, {}, {"outcome": "x" * 2001}):
        refused = dispatcher.post(url, body, format="json")
        assert refused.status_code == 400 and "outcome" in refused.json()
    assert VictimCallback.objects.get(pk=callback.pk).status == "open"
    # The wrong role: 403.
    for role in ("unit", "qart", "oic"):
        assert api_for(role).post(url, {"outcome": "x"}, format="json").status_code == 403
    assert (
        api_for("dispatcher")
        .post("/api/v1/victim-callbacks/999999/", {"outcome": "x"}, format="json")
        .status_code
        == 404
    )
    done = api_for("call_handler").post(
        url, {"outcome": "Safe upstairs; told to ring 999 if he returns"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert Event.objects.filter(kind="incident.victim_callback_done").count() == 1
    # Twice: 409.
    again = dispatcher.post(url, {"outcome": "again"}, format="json")
    assert again.status_code == 409
    assert dispatcher.get("/api/v1/victim-callbacks/").json() == []


def test_not_done_in_time_it_goes_to_the_supervisor_once(make_user):
    incident = domestic(make_user)
    services.clock_sweep(now=T0 + timedelta(minutes=12))
    callback = VictimCallback.objects.get(incident=incident)
    assert services.victim_callback_sweep(now=callback.due_at - timedelta(seconds=1)) == 0
    assert services.victim_callback_sweep(now=callback.due_at) == 1
    assert services.victim_callback_sweep(now=callback.due_at + timedelta(minutes=5)) == 0
    callback.refresh_from_db()
    assert callback.status == "escalated"
    assert Event.objects.filter(kind="incident.victim_callback_overdue").count() == 1


def test_the_boards_show_the_call_backs(client, make_user):
    incident = domestic(make_user)
    services.clock_sweep(now=T0 + timedelta(minutes=12))
    client.force_login(make_user("dispatcher"))
    board = client.get("/dispatch/board/").content.decode()
    assert "Victims to call back" in board and incident.reference in board
    assert "data-callback-form=" in board
    client.force_login(make_user("supervisor"))
    overdue = client.get("/dispatch/overdue/").content.decode()
    assert "Victims to call back" in overdue and "with the dispatcher" in overdue
