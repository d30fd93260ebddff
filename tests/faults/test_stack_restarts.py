"""Screens survive a restart of the ASGI server and of Redis with no gap, no duplicate."""

import asyncio

from asgiref.sync import async_to_sync

from cad.kernel.tokens import issue_token
from cad.models import Event
from tests.screen_client import ScreenClient


def publish_through_stack_redis(stack, kind, count):
    """Commit events and poke the stack's Redis, as a service in the stack would."""
    from channels_redis.pubsub import RedisPubSubChannelLayer
    from django.conf import settings
    from django.db import transaction

    from cad.kernel import events

    layer = RedisPubSubChannelLayer(
        hosts=[stack.redis_url], prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    )
    for n in range(count):
        with transaction.atomic():
            events.Event.objects.create(
                kind=kind, at=events.timezone.now(), audience=["role.dispatcher"], data={"n": n}
            )
        async_to_sync(layer.group_send)(
            "role.dispatcher", {"type": "event.poke", "group": "role.dispatcher"}
        )


def test_screens_resume_without_gap_or_duplicate_across_restarts(stack, make_user):
    token = issue_token(make_user("dispatcher"))[1]

    async def scenario():
        clients = [ScreenClient(stack.base_url, token, heartbeat=1.0) for _ in range(5)]
        for client in clients:
            client.start()
        await asyncio.sleep(1.5)
        await asyncio.to_thread(publish_through_stack_redis, stack, "test.before", 20)
        await asyncio.to_thread(stack.restart_web)
        await asyncio.to_thread(publish_through_stack_redis, stack, "test.web_restarted", 20)
        await asyncio.to_thread(stack.restart_redis)
        await asyncio.to_thread(publish_through_stack_redis, stack, "test.redis_restarted", 20)
        expected = await asyncio.to_thread(
            lambda: list(Event.objects.order_by("id").values_list("id", flat=True))
        )
        deadline = asyncio.get_running_loop().time() + 20
        while any(c.ids != expected for c in clients):
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.2)
        for client in clients:
            await client.stop()
        return clients, expected

    clients, expected = async_to_sync(scenario)()
    assert len(expected) == 60
    for client in clients:
        assert client.ids == expected
        assert client.duplicates == []
        assert client.reconnects >= 1  # the web restart really dropped the connection


def test_the_stack_starts_again_a_process_that_exits_by_itself_as_deployed(stack):
    """docker-compose.yml restarts a service that exits; the test stack does the same, and
    leaves down what a test stops on purpose."""
    import os
    import signal
    import time

    worker = stack.processes["worker"]
    os.killpg(worker.pid, signal.SIGKILL)  # not through the stack: as if it had crashed
    deadline = time.monotonic() + 20
    while stack.processes["worker"] is worker:
        assert time.monotonic() < deadline, "the worker was not started again"
        time.sleep(0.1)
    assert stack.processes["worker"].poll() is None
    assert stack.restarts == {"worker": 1}
    stack.kill("beat")  # on purpose: stays down
    time.sleep(1.5)
    assert "beat" not in stack.processes
    assert stack.restarts == {"worker": 1}
