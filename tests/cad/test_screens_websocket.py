"""The screens websocket: authentication, role groups, replay and live frames."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from cad.asgi import application
from cad.kernel import events
from cad.kernel.tokens import issue_token


def publish_committed(kind, roles):
    """An event committed on its own; the id `publish` returns is the one screens see."""
    with transaction.atomic():
        event = events.publish(kind, roles=roles, data={"summary": kind})
    assert events.Event.objects.filter(kind=kind).latest("id").id == event.id
    return event


def token_headers(user):
    _, token_key = issue_token(user)
    return [(b"authorization", f"Token {token_key}".encode())]


async def open_screen(headers, since=None):
    path = "/ws/screens/" if since is None else f"/ws/screens/?since={since}"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def receive_frames(communicator, count):
    frames = []
    while len(frames) < count:
        message = await communicator.receive_json_from(timeout=5)
        if "id" in message:
            frames.append(message)
    return frames


@pytest.mark.django_db(transaction=True)
def test_anonymous_websocket_is_refused():
    async def scenario():
        same_origin = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
        communicator, connected, code = await open_screen(same_origin)
        assert not connected
        assert code == 4401

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_foreign_origin_is_refused(make_user):
    headers = [(b"origin", b"http://evil.example.com"), *token_headers(make_user("dispatcher"))]

    async def scenario():
        communicator, connected, code = await open_screen(headers)
        assert not connected
        assert code == 4403

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin",
    [b"http://localhost:6666", b"https://127.0.0.1:8000", b"http://127.0.0.1:8001", b"null"],
)
def test_an_origin_differing_in_scheme_host_or_port_is_refused(make_user, origin):
    """Only the page's own origin may open a browser's socket (the session cookie rides
    along with any origin's handshake)."""
    user = make_user("dispatcher")
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    base = [(b"host", b"127.0.0.1:8000"), (b"cookie", cookie)]

    async def scenario():
        _, connected, code = await open_screen([(b"origin", origin), *base])
        assert (connected, code) == (False, 4403)
        communicator, connected, _ = await open_screen(
            [(b"origin", b"http://127.0.0.1:8000"), *base]
        )
        assert connected
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_bad_token_is_refused(make_user):
    async def scenario():
        communicator, connected, code = await open_screen([(b"authorization", b"Token nope")])
        assert not connected
        assert code == 4401

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_user_receives_live_events_for_their_roles_only(make_user):
    dispatcher = make_user("dispatcher")
    headers = token_headers(dispatcher)

    async def scenario():
        communicator, connected, _ = await open_screen(headers)
        assert connected
        hello = await communicator.receive_json_from(timeout=5)
        assert hello["kind"] == "hello"
        await sync_publish("test.supervisors_only", ["supervisor"])
        wanted = await sync_publish("test.dispatchers", ["dispatcher"])
        [frame] = await receive_frames(communicator, 1)
        assert frame["id"] == wanted.id
        assert frame["kind"] == "test.dispatchers"
        assert set(frame) == {"id", "kind", "at", "server_time", "data"}
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    from channels.db import database_sync_to_async

    sync_publish = database_sync_to_async(publish_committed)
    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_replay_after_reconnect_gives_exactly_the_missed_events_in_order(make_user):
    from channels.db import database_sync_to_async

    dispatcher = make_user("dispatcher")
    headers = token_headers(dispatcher)
    before = publish_committed("test.before", ["dispatcher"])

    async def scenario():
        communicator, connected, _ = await open_screen(headers, since=before.id)
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        await communicator.disconnect()

        missed = []
        for n in range(50):
            roles = ["dispatcher"] if n % 5 else ["dispatcher", "supervisor"]
            missed.append(await database_sync_to_async(publish_committed)(f"test.m{n}", roles))
            await database_sync_to_async(publish_committed)(f"test.hidden{n}", ["qart"])

        communicator, connected, _ = await open_screen(headers, since=before.id)
        assert connected
        frames = await receive_frames(communicator, 50)
        assert [frame["id"] for frame in frames] == [event.id for event in missed]
        live = await communicator.receive_json_from(timeout=5)
        assert live["kind"] == "hello"  # sent once the replay is complete
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_heartbeat_catches_up_when_a_push_was_lost(make_user):
    """A poke lost (Redis restart) is made good by the next client heartbeat."""
    from channels.db import database_sync_to_async

    headers = token_headers(make_user("dispatcher"))

    def publish_without_push():
        with transaction.atomic():
            events.Event.objects.create(
                kind="test.lost_push",
                at=events.timezone.now(),
                audience=["role.dispatcher"],
            )
        return events.Event.objects.get(kind="test.lost_push")

    async def scenario():
        communicator, connected, _ = await open_screen(headers)
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        lost = await database_sync_to_async(publish_without_push)()
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.send_json_to({"type": "ping"})
        messages = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
        assert messages[0]["kind"] == "pong"
        assert messages[1]["id"] == lost.id
        await communicator.disconnect()

    async_to_sync(scenario)()


def group_channel(group: str) -> str:
    """The Redis pub/sub channel of a channel-layer group."""
    from django.conf import settings

    return f"{settings.CHANNEL_LAYERS['default']['CONFIG']['prefix']}__group__{group}"


def subscribers(client, group: str) -> int:
    return dict(client.pubsub_numsub(group_channel(group)))[group_channel(group).encode()]


def drop_own_subscriptions(client) -> int:
    """Close this process's pub/sub connections, as a Redis restart does; those of other
    test workers and runs sharing the Redis are left alone."""
    import psutil

    server_port = client.connection_pool.connection_kwargs["port"]
    own = {
        f"{each.laddr.ip}:{each.laddr.port}"
        for each in psutil.Process().net_connections(kind="tcp")
        if each.raddr and each.raddr.port == server_port
    }
    closed = 0
    for entry in client.client_list(_type="pubsub"):
        if entry["addr"] in own:
            closed += client.client_kill_filter(_id=entry["id"])
    return closed


@pytest.mark.django_db(transaction=True)
def test_screens_join_their_groups_and_leave_them_when_closed(make_user):
    """Each screen gets its roles' pokes while open; the last one to close unsubscribes."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    headers = [token_headers(make_user("dispatcher")) for _ in range(3)]

    async def scenario():
        screens = []
        for each in headers:
            communicator, connected, _ = await open_screen(each)
            assert connected
            await communicator.receive_json_from(timeout=5)  # hello
            screens.append(communicator)
        assert subscribers(client, "role.dispatcher") >= 1
        event = await asyncio.to_thread(publish_committed, "test.to_three", ["dispatcher"])
        for communicator in screens:
            frames = await receive_frames(communicator, 1)
            assert [frame["id"] for frame in frames] == [event.id]
        for communicator in screens:
            await communicator.disconnect()
        assert subscribers(client, "role.dispatcher") == 0

        # A screen opened after the last one left gets live frames again.
        communicator, connected, _ = await open_screen(headers[0])
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        event = await asyncio.to_thread(publish_committed, "test.after_empty", ["dispatcher"])
        assert [frame["id"] for frame in await receive_frames(communicator, 1)] == [event.id]
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_pokes_out_of_order_or_twice_send_each_event_once_in_id_order(make_user):
    """A late poke for events already sent sends nothing; one for newer events sends them
    all, in id order, however the pokes arrive."""
    from channels.layers import get_channel_layer

    headers = token_headers(make_user("dispatcher"))

    async def scenario():
        communicator, connected, _ = await open_screen(headers)
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        first = await asyncio.to_thread(publish_committed, "test.first", ["dispatcher"])
        second = await asyncio.to_thread(publish_committed, "test.second", ["dispatcher"])
        frames = await receive_frames(communicator, 2)
        assert [frame["id"] for frame in frames] == [first.id, second.id]
        layer = get_channel_layer()
        for upto in (second.id, first.id, second.id):
            await layer.group_send("role.dispatcher", {"type": "event.poke", "upto": upto})
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_pokes_resume_by_themselves_after_the_redis_connection_is_lost(make_user):
    """After Redis drops the screens' subscriptions (a restart does), they subscribe
    again: no heartbeat is needed for live frames."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    headers = token_headers(make_user("dispatcher"))

    async def scenario():
        communicator, connected, _ = await open_screen(headers)
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        assert subscribers(client, "role.dispatcher") == 1
        assert drop_own_subscriptions(client) >= 1  # what a Redis restart does to it
        assert subscribers(client, "role.dispatcher") == 0
        deadline = asyncio.get_running_loop().time() + 10
        while subscribers(client, "role.dispatcher") == 0:
            assert asyncio.get_running_loop().time() < deadline, "never subscribed again"
            await asyncio.sleep(0.1)
        event = await asyncio.to_thread(publish_committed, "test.after_loss", ["dispatcher"])
        frames = await receive_frames(communicator, 1)
        assert frames[0]["id"] == event.id
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_screens_woken_by_one_poke_share_one_read_of_the_event_log(make_user):
    """An event costs a process about one read however many of its screens it wakes."""
    from cad.kernel import consumers

    headers = [token_headers(make_user(role)) for role in ["dispatcher"] * 6 + ["supervisor"] * 6]

    async def scenario():
        screens = []
        for each in headers:
            communicator, connected, _ = await open_screen(each)
            assert connected
            await communicator.receive_json_from(timeout=5)  # hello
            screens.append(communicator)
        reads_before = next(consumers.shared_reads)
        event = await asyncio.to_thread(
            publish_committed, "test.to_twelve", ["dispatcher", "supervisor"]
        )
        for communicator in screens:
            assert [frame["id"] for frame in await receive_frames(communicator, 1)] == [event.id]
        reads = next(consumers.shared_reads) - reads_before - 1
        for communicator in screens:
            await communicator.disconnect()
        return reads

    assert 1 <= async_to_sync(scenario)() <= 3
