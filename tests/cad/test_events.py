"""The event log: publish inside the transaction, push only after commit, ids in order."""

import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from cad import events
from cad.models import Event


def pokes_received(commit, group="role.dispatcher", quiet=0.5, with_times=False):
    """Subscribe to `group` through the real Redis channel layer, run `commit` (sync, in a
    thread, as a service runs), and return what it returned and every poke that arrives
    until `quiet` seconds pass without one (and, `with_times`, when each arrived)."""

    async def scenario():
        import asyncio

        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            result = await asyncio.to_thread(commit)
            received, arrived_at = [], []
            while True:
                try:
                    received.append(await asyncio.wait_for(layer.receive(channel), quiet))
                    arrived_at.append(time.monotonic())
                except TimeoutError:
                    return (result, received, arrived_at) if with_times else (result, received)
        finally:
            await layer.group_discard(group, channel)

    return async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_commit_pushes_exactly_once_through_redis():
    def commit():
        with transaction.atomic():
            return events.publish("test.committed", roles=["dispatcher"], data={"n": 1})

    _, pokes = pokes_received(commit)
    assert pokes == [{"type": "event.poke", "group": "role.dispatcher"}]
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

    _, pokes = pokes_received(commit)
    assert pokes == [{"type": "event.poke", "group": "role.dispatcher"}]


@pytest.mark.django_db(transaction=True)
def test_pokes_from_many_commits_may_merge_but_the_last_follows_the_last_commit():
    def many_commits():
        for n in range(39):
            with transaction.atomic():
                events.publish("test.burst", roles=["dispatcher"], data={"n": n})
        time.sleep(0.3)  # every earlier poke has arrived: a later one is the last commit's
        with transaction.atomic():
            events.publish("test.burst", roles=["dispatcher"], data={"n": 39})
            return time.monotonic()

    last_commit_at, pokes, arrived_at = pokes_received(many_commits, with_times=True)
    assert 1 <= len(pokes) <= 40
    assert all(poke == {"type": "event.poke", "group": "role.dispatcher"} for poke in pokes)
    assert arrived_at[-1] > last_commit_at  # so the screens' read after it sees all 40


def publish_in_thread(kind, written, commit_now):
    """Publish `kind` in a transaction of its own; tell `written` when the event row is
    written, and commit once `commit_now` is set."""

    def run():
        try:
            with transaction.atomic():
                events.publish(f"{kind}.one", roles=["dispatcher"])
                events.publish(f"{kind}.two", roles=["dispatcher"])
                written.set()
                assert commit_now.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_ids_follow_commit_order_and_no_writer_waits_for_another_to_commit():
    """A reader that has seen id N never later finds a committed event below N, and a
    service with events written waits for no other service's commit."""
    first_written, first_may_commit = threading.Event(), threading.Event()
    second_written, second_may_commit = threading.Event(), threading.Event()
    first = publish_in_thread("test.written_first", first_written, first_may_commit)
    assert first_written.wait(10)
    second = publish_in_thread("test.written_second", second_written, second_may_commit)
    assert second_written.wait(10), "the second writer waited for the first to commit"
    second_may_commit.set()
    second.join(10)
    assert not second.is_alive(), "the second commit waited for the first transaction"
    seen = list(Event.objects.order_by("id").values_list("id", "kind"))
    first_may_commit.set()
    first.join(10)
    committed = list(Event.objects.order_by("id").values_list("id", "kind"))
    assert [kind for _, kind in committed] == [
        "test.written_second.one",
        "test.written_second.two",
        "test.written_first.one",
        "test.written_first.two",
    ]
    assert committed[:2] == seen  # what was seen is where it was, and nothing came below it


def test_an_events_provisional_id_is_in_write_order_inside_its_transaction(db):
    with transaction.atomic():
        first = events.publish("test.provisional.one", roles=["dispatcher"])
        second = events.publish("test.provisional.two", roles=["dispatcher"])
        assert list(Event.objects.order_by("id").values_list("id", flat=True)) == [
            first.id,
            second.id,
        ]


def test_commit_numbers_events_without_waiting_for_the_disk_under_the_lock(db):
    """The trigger that numbers the events inside COMMIT also lets that COMMIT return
    before a disk flush, so the system-wide lock is never held through one."""
    with transaction.atomic():
        events.publish("test.numbered", roles=["dispatcher"])
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # runs what COMMIT would run
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SELECT pg_try_advisory_xact_lock(212723687)")  # already ours
            assert cursor.fetchone()[0] is True


def wal_position(function: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_commit_with_events_is_on_disk_before_the_writer_goes_on():
    committed_up_to = []
    with transaction.atomic():
        # Registered first, so it runs right after COMMIT and before the events' own hook.
        transaction.on_commit(
            lambda: committed_up_to.append(wal_position("pg_current_wal_insert_lsn"))
        )
        events.publish("test.durable", roles=["dispatcher"])
    assert wal_position("pg_current_wal_flush_lsn") >= committed_up_to[0]


def flushes_after(commit) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        commit()
    return sum("pg_logical_emit_message" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_writes_events_twice_flushes_once():
    def twice():
        with transaction.atomic():
            events.publish("test.twice.one", roles=["dispatcher"])
            events.publish("test.twice.two", roles=["supervisor"])

    def after_a_rolled_back_savepoint():
        with transaction.atomic():
            with pytest.raises(ValueError), transaction.atomic():
                events.publish("test.rolled_back", roles=["dispatcher"])
                raise ValueError("the savepoint and its hook go")
            events.publish("test.kept", roles=["dispatcher"])

    assert flushes_after(twice) == 1
    assert flushes_after(after_a_rolled_back_savepoint) == 1
    assert not Event.objects.filter(kind="test.rolled_back").exists()
