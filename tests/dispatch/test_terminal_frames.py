"""A unit's terminal (token websocket) gets its own assignment, override and clock frames,
and nothing meant only for the control room."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from cad.asgi import application
from cad.kernel.tokens import issue_token
from dispatch import services
from dispatch.models import Divert


async def frames_until(communicator, kind, limit=20):
    seen = []
    for _ in range(limit):
        message = await communicator.receive_json_from(timeout=5)
        if "id" in message:
            seen.append(message)
            if message["kind"] == kind:
                return seen
    raise AssertionError(f"no {kind} in {[m['kind'] for m in seen]}")


@pytest.mark.django_db(transaction=True)
def test_terminal_receives_its_assignment_and_the_override(make_user, make_incident, make_unit):
    dispatcher, controller = make_user("dispatcher"), make_user("controller")
    terminal_user = make_user("unit")
    other_terminal = make_user("unit")
    call_a, call_b = make_incident("PRIORITY"), make_incident("IMMEDIATE")
    unit = make_unit("ALPHA1", terminal_user=terminal_user)
    make_unit("BRAVO1", terminal_user=other_terminal)
    _, token_key = issue_token(terminal_user)

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/screens/?since=0",
            headers=[(b"authorization", f"Token {token_key}".encode())],
        )
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        await database_sync_to_async(services.unit_assign)(
            actor=dispatcher, incident=call_a, unit=unit
        )
        assigned = (await frames_until(communicator, "unit.assigned"))[-1]
        assert assigned["data"]["reference"] == call_a.reference
        assert assigned["data"]["callsign"] == "ALPHA1"
        assert "narrative" not in assigned["data"] and "address" not in assigned["data"]

        divert = await database_sync_to_async(services.unit_divert)(
            actor=dispatcher, unit=unit, to_incident=call_b, reason="x"
        )
        frames = await frames_until(communicator, "unit.diverted")
        await database_sync_to_async(services.divert_review)(
            actor=controller, divert=divert, decision="override", rationale="A"
        )
        frames += await frames_until(communicator, "divert.reviewed")
        back = [f for f in frames if f["kind"] == "unit.assigned"][-1]
        assert frames[-1]["data"]["sent_back"] is True
        assert back["data"]["reason"] == "override" and back["data"]["incident"] == call_a.pk
        await communicator.disconnect()
        return {frame["kind"] for frame in frames}

    kinds = async_to_sync(scenario)()
    # Control-room-only kinds never reach a unit terminal.
    assert not kinds & {"divert.review_overdue", "incident.created"}
    assert Divert.objects.get().status == "overridden"
