"""The screens websocket: authentication, role groups, replay and live frames."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import transaction
from rest_framework.authtoken.models import Token

from cad import events
from cad.asgi import application


def publish_committed(kind, roles):
    """The committed row: its id is given at commit, after the one `publish` returns."""
    with transaction.atomic():
        events.publish(kind, roles=roles, data={"summary": kind})
    return events.Event.objects.filter(kind=kind).latest("id")


def token_headers(user):
    token, _ = Token.objects.get_or_create(user=user)
    return [(b"authorization", f"Token {token.key}".encode())]


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
        communicator, connected, code = await open_screen([(b"origin", b"http://127.0.0.1")])
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
def test_heartbeat_catches_up_when_a_push_was_lost(make_user, settings):
    """A poke lost (Redis restart) is made good by the next client heartbeat."""
    from channels.db import database_sync_to_async

    settings.CAD_SCREEN_HEARTBEAT_READ_S = 0.2  # the hello's own read is 0.3 s old by the ping
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


@pytest.mark.django_db(transaction=True)
def test_live_and_resuming_screens_share_a_small_window_without_gaps(make_user, monkeypatch):
    """Live screens read new events from the shared window; a screen resuming from
    before the window replays from the database; both get every id exactly once."""
    from channels.db import database_sync_to_async

    import cad.consumers

    monkeypatch.setattr(cad.consumers, "RECENT_WINDOW", 5)
    headers = token_headers(make_user("dispatcher"))
    first = publish_committed("test.first", ["dispatcher"])

    async def scenario():
        live, connected, _ = await open_screen(headers, since=first.id)
        assert connected
        assert (await live.receive_json_from(timeout=5))["kind"] == "hello"
        published = [first]
        for n in range(20):
            published.append(
                await database_sync_to_async(publish_committed)(f"test.w{n}", ["dispatcher"])
            )
        live_frames = await receive_frames(live, 20)
        resuming, connected, _ = await open_screen(headers, since=first.id - 1)
        assert connected
        replayed = await receive_frames(resuming, 21)
        assert (await resuming.receive_json_from(timeout=5))["kind"] == "hello"
        assert await resuming.receive_nothing(timeout=0.3)
        assert await live.receive_nothing(timeout=0.3)
        await live.disconnect()
        await resuming.disconnect()
        return published, live_frames, replayed

    published, live_frames, replayed = async_to_sync(scenario)()
    ids = [event.id for event in published]
    assert [frame["id"] for frame in live_frames] == ids[1:]
    assert [frame["id"] for frame in replayed] == ids


@pytest.mark.django_db(transaction=True)
def test_heartbeats_share_one_read_a_second_but_a_poke_always_reads():
    """Hundreds of screens' heartbeats cost one read per interval; a poke never waits."""
    from cad.consumers import RecentEvents

    async def scenario():
        window = RecentEvents()
        await window.refresh()  # the first load: where the log ends now
        before = window.reads
        for _ in range(50):
            await window.refresh(max_age=60)
        assert window.reads == before
        event = await asyncio.to_thread(publish_committed, "test.after_heartbeats", ["dispatcher"])
        await window.refresh(event.id, max_age=60)
        assert window.reads == before + 1
        assert window.visible_after(event.id - 1, frozenset({"role.dispatcher"}))[0][0] == event.id
        await window.refresh(max_age=0)
        assert window.reads == before + 2

    async_to_sync(scenario)()


def group_channel(group: str) -> str:
    """The Redis pub/sub channel of a channel-layer group."""
    from django.conf import settings

    return f"{settings.CHANNEL_LAYERS['default']['CONFIG']['prefix']}__group__{group}"


def subscribers(client, group: str) -> int:
    return dict(client.pubsub_numsub(group_channel(group)))[group_channel(group).encode()]


@pytest.mark.django_db(transaction=True)
def test_a_process_joins_each_group_once_for_all_its_screens(make_user):
    """A poke costs one channel-layer message per process and group, not one per screen."""
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
        assert subscribers(client, "role.dispatcher") == 1  # the hub, not three screens
        event = await asyncio.to_thread(publish_committed, "test.to_three", ["dispatcher"])
        for communicator in screens:
            frames = await receive_frames(communicator, 1)
            assert [frame["id"] for frame in frames] == [event.id]
        for communicator in screens[:2]:
            await communicator.disconnect()
        assert subscribers(client, "role.dispatcher") == 1  # one screen still needs it
        await screens[2].disconnect()
        assert subscribers(client, "role.dispatcher") == 0  # the last one out leaves

        # A screen after the last one left gets a new hub channel, and live frames again.
        communicator, connected, _ = await open_screen(headers[0])
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        event = await asyncio.to_thread(publish_committed, "test.after_empty", ["dispatcher"])
        assert [frame["id"] for frame in await receive_frames(communicator, 1)] == [event.id]
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_pokes_resume_by_themselves_after_the_redis_connection_is_lost(make_user):
    """After Redis drops the hub's subscription (a restart does), the hub subscribes again:
    no heartbeat is needed for live frames."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    headers = token_headers(make_user("dispatcher"))

    async def scenario():
        communicator, connected, _ = await open_screen(headers)
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        assert subscribers(client, "role.dispatcher") == 1
        client.client_kill_filter(_type="pubsub")  # what a Redis restart does to it
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
def test_pokes_that_arrive_during_a_read_cost_one_more_read_not_one_each(make_user):
    """A busy process reads the log once for however many commits poked it meanwhile."""
    from cad.consumers import screen_hub

    headers = token_headers(make_user("dispatcher"))

    async def scenario():
        communicator, connected, _ = await open_screen(headers)
        assert connected
        await communicator.receive_json_from(timeout=5)  # hello
        hub = screen_hub()
        reads_before = hub.reads_for_pokes
        async with hub.window.lock:  # as if a read were under way
            for n in range(30):
                await asyncio.to_thread(publish_committed, f"test.during_read{n}", ["dispatcher"])
            await asyncio.sleep(0.5)  # every poke has arrived
        frames = await receive_frames(communicator, 30)
        assert [frame["kind"] for frame in frames] == [f"test.during_read{n}" for n in range(30)]
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return hub.reads_for_pokes - reads_before

    assert async_to_sync(scenario)() <= 2


@pytest.mark.django_db(transaction=True)
def test_a_screen_asking_for_what_is_held_does_not_wait_for_a_read_under_way():
    from cad.consumers import RecentEvents

    async def scenario():
        window = RecentEvents()
        event = await asyncio.to_thread(publish_committed, "test.held", ["dispatcher"])
        await window.refresh()  # the first load: where the log ends now
        assert window.loaded_to >= event.id
        async with window.lock:  # a read under way
            await asyncio.wait_for(window.refresh(event.id), timeout=0.5)

    async_to_sync(scenario)()
