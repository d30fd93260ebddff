"""The event log: publish inside the transaction, push only after commit, ids in order."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from cad import events
from cad.models import Event


def pokes_received(commit, group="role.dispatcher", quiet=0.5) -> list[dict]:
    """Subscribe to `group` through the real Redis channel layer, run `commit` (sync, in a
    thread, as a service runs), and return every poke that arrives until `quiet` seconds
    pass without one."""

    async def scenario():
        import asyncio

        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            result = await asyncio.to_thread(commit)
            received = []
            while True:
                try:
                    received.append(await asyncio.wait_for(layer.receive(channel), quiet))
                except TimeoutError:
                    return result, received
        finally:
            await layer.group_discard(group, channel)

    return async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_commit_pushes_exactly_once_through_redis():
    def commit():
        with transaction.atomic():
            return events.publish("test.committed", roles=["dispatcher"], data={"n": 1})

    event, pokes = pokes_received(commit)
    assert pokes == [{"type": "event.poke", "id": event.id, "group": "role.dispatcher"}]
    assert Event.objects.filter(kind="test.committed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_rollback_publishes_nothing():
    def roll_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish("test.rolled_back", roles=["dispatcher"])
            raise RuntimeError("service failed after publishing")

    _, pokes = pokes_received(roll_back)
    assert pokes == []
    assert not Event.objects.filter(kind="test.rolled_back").exists()


def test_push_waits_for_commit(django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks() as callbacks:
        events.publish("test.pending", roles=["dispatcher"])
        assert Event.objects.filter(kind="test.pending").count() == 1
    assert len(callbacks) == 1


def test_publish_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        events.publish("test.orphan", roles=["dispatcher"])
    assert not Event.objects.exists()


def test_audience_must_name_real_roles(db):
    with pytest.raises(ValueError, match="unknown role"), transaction.atomic():
        events.publish("test.bad", roles=["janitor"])


def test_ids_strictly_increase_and_frames_have_the_contract_fields(db):
    with transaction.atomic():
        first = events.publish("test.one", roles=["dispatcher"])
        second = events.publish("test.two", roles=["dispatcher"])
    assert second.id > first.id
    frame = events.frame(second)
    assert set(frame) == {"id", "kind", "at", "server_time", "data"}


def test_events_cannot_be_edited_or_deleted(db):
    with transaction.atomic():
        event = events.publish("test.audit", roles=["dispatcher"])
    event.kind = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(id=event.id).update(kind="tampered")
    with pytest.raises(PermissionError):
        Event.objects.filter(id=event.id).delete()
    assert Event.objects.get(id=event.id).kind == "test.audit"


def test_events_api_returns_only_what_the_role_may_see(api_for):
    with transaction.atomic():
        seen = events.publish("test.for_dispatchers", roles=["dispatcher"])
        events.publish("test.for_supervisors", roles=["supervisor"])
    response = api_for("dispatcher").get("/api/v1/events/", {"since": seen.id - 1})
    assert response.status_code == 200
    assert [frame["kind"] for frame in response.json()] == ["test.for_dispatchers"]


def test_events_api_rejects_a_bad_since(api_for):
    response = api_for("dispatcher").get("/api/v1/events/", {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.json()


def test_events_api_needs_authentication(anon_api, db):
    assert anon_api.get("/api/v1/events/").status_code == 401


def test_events_held_to_the_end_of_a_block_are_written_in_order_with_ids(db):
    with transaction.atomic():
        with events.published_at_end():
            first = events.publish("test.held.first", roles=["dispatcher"])
            with events.published_at_end():
                second = events.publish("test.held.second", roles=["dispatcher"])
            assert first.id is None and second.id is None
            assert not Event.objects.filter(kind__startswith="test.held").exists()
        assert second.id > first.id
    stored = Event.objects.filter(kind__startswith="test.held").order_by("id")
    assert [event.kind for event in stored] == ["test.held.first", "test.held.second"]


def test_events_held_by_a_failed_block_are_never_written(db):
    with pytest.raises(ValueError), transaction.atomic(), events.published_at_end():
        events.publish("test.held.failed", roles=["dispatcher"])
        raise ValueError("the service refused after publishing")
    with transaction.atomic():
        events.publish("test.after.failure", roles=["dispatcher"])
    assert list(Event.objects.filter(kind__startswith="test.").values_list("kind", flat=True)) == [
        "test.after.failure"
    ]


@pytest.mark.django_db(transaction=True)
def test_one_commit_pokes_each_group_once_with_its_newest_event():
    def commit():
        with transaction.atomic(), events.published_at_end():
            events.publish("test.batch.one", roles=["dispatcher"])
            newest = events.publish("test.batch.two", roles=["dispatcher", "supervisor"])
            events.publish("test.batch.three", roles=["supervisor"])
        return newest

    newest, pokes = pokes_received(commit)
    assert pokes == [{"type": "event.poke", "id": newest.id, "group": "role.dispatcher"}]


@pytest.mark.django_db(transaction=True)
def test_pokes_from_many_commits_may_merge_but_never_go_back_or_miss_the_newest():
    def many_commits():
        made = []
        for n in range(40):
            with transaction.atomic():
                made.append(events.publish("test.burst", roles=["dispatcher"], data={"n": n}))
        return made

    made, pokes = pokes_received(many_commits)
    ids = [poke["id"] for poke in pokes]
    assert ids, "no poke arrived"
    assert ids == sorted(set(ids)), "pokes went back or repeated"
    assert ids[-1] == made[-1].id
    assert set(ids) <= {event.id for event in made}
