"""The event log: publish inside the transaction, push only after commit, ids in order."""

import threading
import time

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from cad.kernel import events
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

    event, pokes = pokes_received(commit)
    assert pokes == [{"type": "event.poke", "upto": event.id}]
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


def test_a_services_events_are_written_in_order_as_its_block_ends(db):
    with events.service_transaction():
        first = events.publish("test.held.first", roles=["dispatcher"])
        with events.service_transaction():
            second = events.publish("test.held.second", roles=["dispatcher"])
        assert first.id is None and second.id is None
        assert not Event.objects.filter(kind__startswith="test.held").exists()
    assert second.id > first.id
    stored = Event.objects.filter(kind__startswith="test.held").order_by("id")
    assert [(event.id, event.kind) for event in stored] == [
        (first.id, "test.held.first"),
        (second.id, "test.held.second"),
    ]


def test_a_decorated_service_writes_its_events_as_it_returns(db):
    @events.service
    def two_events():
        events.publish("test.decorated.one", roles=["dispatcher"])
        assert not Event.objects.filter(kind__startswith="test.decorated").exists()
        return events.publish("test.decorated.two", roles=["dispatcher"])

    second = two_events()
    assert Event.objects.filter(kind__startswith="test.decorated").latest("id").id == second.id


def test_events_held_by_a_failed_block_are_never_written(db):
    with pytest.raises(ValueError), events.service_transaction():
        events.publish("test.held.failed", roles=["dispatcher"])
        raise ValueError("the service refused after publishing")
    with transaction.atomic():
        events.publish("test.after.failure", roles=["dispatcher"])
    assert list(Event.objects.filter(kind__startswith="test.").values_list("kind", flat=True)) == [
        "test.after.failure"
    ]


@pytest.mark.django_db(transaction=True)
def test_one_commit_pokes_each_of_its_groups_once_with_its_newest_event():
    def commit():
        with events.service_transaction():
            events.publish("test.batch.one", roles=["dispatcher"])
            events.publish("test.batch.two", roles=["dispatcher", "supervisor"])
            return events.publish("test.batch.three", roles=["supervisor"])

    newest, pokes = pokes_received(commit)
    assert pokes == [{"type": "event.poke", "upto": newest.id}]


@pytest.mark.django_db(transaction=True)
def test_every_commit_pokes_and_the_last_poke_names_the_last_event():
    def many_commits():
        last = None
        for n in range(40):
            with transaction.atomic():
                last = events.publish("test.burst", roles=["dispatcher"], data={"n": n})
        return last

    last, pokes = pokes_received(many_commits)
    assert len(pokes) == 40
    assert [poke["upto"] for poke in pokes] == sorted(poke["upto"] for poke in pokes)
    assert pokes[-1] == {"type": "event.poke", "upto": last.id}


def event_order_lock_holders() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [events.EVENT_ORDER_LOCK],
        )
        return cursor.fetchone()[0]


def publish_in_thread(kind, written, commit_now):
    """Publish `kind` in a transaction of its own; tell `written` when the event rows are
    written, and commit once `commit_now` is set."""

    def run():
        try:
            with transaction.atomic():
                events.publish(f"{kind}.one", roles=["dispatcher"])
                events.publish(f"{kind}.two", roles=["dispatcher"])
                written.set()
                assert commit_now.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_ids_follow_commit_order_a_second_writer_draws_its_ids_after_the_first_commits():
    """A reader that has seen id N never later finds a committed event below N."""
    first_written, first_may_commit = threading.Event(), threading.Event()
    second_written, second_may_commit = threading.Event(), threading.Event()
    first = publish_in_thread("test.written_first", first_written, first_may_commit)
    assert first_written.wait(30)
    second = publish_in_thread("test.written_second", second_written, second_may_commit)
    second_may_commit.set()
    # The second writer is blocked on the event-order lock, however long we look.
    deadline = time.monotonic() + 30
    while not waiting_for_the_event_order_lock():
        assert time.monotonic() < deadline, "the second writer never reached the lock"
        time.sleep(0.05)
    assert not second_written.is_set()
    assert list(Event.objects.values_list("kind", flat=True)) == []
    first_may_commit.set()
    first.join(30)
    second.join(30)
    committed = list(Event.objects.order_by("id").values_list("kind", flat=True))
    assert committed == [
        "test.written_first.one",
        "test.written_first.two",
        "test.written_second.one",
        "test.written_second.two",
    ]


def waiting_for_the_event_order_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s "
            "AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [events.EVENT_ORDER_LOCK],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_service_takes_the_event_order_lock_only_as_its_block_ends():
    with events.service_transaction():
        events.publish("test.late_lock", roles=["dispatcher"])
        assert event_order_lock_holders() == 0
    with transaction.atomic():
        events.publish("test.at_once", roles=["dispatcher"])
        assert event_order_lock_holders() == 1
    assert event_order_lock_holders() == 0


def test_publish_returns_the_id_screens_see_and_commits_synchronously(db):
    with transaction.atomic():
        event = events.publish("test.numbered", roles=["dispatcher"])
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert Event.objects.get(kind="test.numbered").id == event.id


def wal_position(function: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_commit_with_events_is_on_disk_before_the_writer_goes_on():
    """The transaction that publishes commits synchronously, so its WAL is flushed when
    COMMIT returns. The WAL is the whole server's: other sessions (other test workers,
    other runs) may write after this COMMIT and before any read, so the flush is compared
    with where this transaction's own writes ended, and the setting in force at COMMIT is
    read inside the transaction."""
    with transaction.atomic():
        events.publish("test.durable", roles=["dispatcher"])
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
        written_up_to = wal_position("pg_current_wal_insert_lsn")
    assert wal_position("pg_current_wal_flush_lsn") >= written_up_to


@pytest.mark.django_db(transaction=True)
def test_an_event_in_a_rolled_back_savepoint_is_neither_written_nor_poked():
    def commit():
        with transaction.atomic():
            with pytest.raises(ValueError), transaction.atomic():
                events.publish("test.rolled_back", roles=["dispatcher"])
                raise ValueError("the savepoint and its hook go")
            return events.publish("test.kept", roles=["dispatcher"])

    kept, pokes = pokes_received(commit)
    assert pokes == [{"type": "event.poke", "upto": kept.id}]
    assert not Event.objects.filter(kind="test.rolled_back").exists()


def test_a_page_resumes_from_the_id_read_before_it_read_its_state(rf, make_user):
    """An event committed while a page reads its state is after the page's last event id,
    so the page's live connection replays it instead of skipping it."""
    from django.http import HttpResponse

    from cad.kernel.navigation import navigation
    from cad.kernel.roles import role_required

    with transaction.atomic():
        before = events.publish("test.before_the_page", roles=["supervisor"])
    committed_meanwhile = []

    @role_required("supervisor")
    def page(request):
        with transaction.atomic():
            committed_meanwhile.append(events.publish("test.meanwhile", roles=["supervisor"]))
        return HttpResponse(str(navigation(request)["last_event_id"]))

    request = rf.get("/follow-ups/")
    request.user = make_user("supervisor")
    resumes_from = int(page(request).content)
    assert resumes_from == before.id
    assert committed_meanwhile[0].id > resumes_from
