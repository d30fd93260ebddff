"""The sweeps' record of their last run, kept in Redis where every process can read it.

A sweep that finishes writes when it ended and how long it took (`record_sweep`); readiness
fails when the clock sweep's record is too old, and the metrics read the durations. The
durations are counted per histogram bucket in one Redis hash, so the figure is the same
whichever web process is scraped and however many workers ran the sweep.

A record that cannot be written (Redis away) is logged and skipped: the sweep's work is in
the database and stands; readiness then says the sweep looks stale, which is true.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

import redis
from django.conf import settings
from redis.sentinel import Sentinel

log = logging.getLogger(__name__)

# Upper bounds (seconds) of the sweep-duration histogram's buckets.
SWEEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def redis_client() -> redis.Redis:
    """A redis-py client for the configured Redis: the URL, or the master the Sentinels name."""
    options = settings.CAD_REDIS_CLIENT
    key = repr(sorted(options.items()))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            timeouts = {"socket_timeout": 2, "socket_connect_timeout": 2}
            if "sentinels" in options:
                sentinel = Sentinel(
                    options["sentinels"],
                    sentinel_kwargs=options.get("sentinel_kwargs"),
                    password=options.get("password"),
                    **timeouts,
                )
                client = sentinel.master_for(options["master"], db=options.get("db", 0))
            else:
                client = redis.Redis.from_url(options["url"], **timeouts)
            _clients[key] = client
    return client


def key(name: str) -> str:
    return f"{settings.CAD_OPS_KEY_PREFIX}:sweep:{name}"


def record_sweep(name: str, duration: float, *, ended_at: float | None = None) -> None:
    """Write that sweep `name` ended now (epoch seconds) after `duration` seconds."""
    ended_at = time.time() if ended_at is None else ended_at
    bucket = next((f"{bound}" for bound in SWEEP_BUCKETS if duration <= bound), "+Inf")
    try:
        with redis_client().pipeline(transaction=True) as pipe:
            pipe.hset(key(name), mapping={"ended_at": ended_at, "duration": duration})
            pipe.hincrby(key(name), f"bucket:{bucket}", 1)
            pipe.hincrbyfloat(key(name), "sum", duration)
            pipe.execute()
    except redis.RedisError:
        log.warning("could not record the %s sweep's run", name)


def sweep_record(name: str) -> dict | None:
    """{"ended_at", "duration", "buckets": {bound: count}, "count", "sum"} or None if never run.

    Raises redis.RedisError when Redis cannot be read."""
    raw = redis_client().hgetall(key(name))
    if not raw:
        return None
    values = {k.decode(): v.decode() for k, v in raw.items()}
    buckets = {
        bound: int(values.get(f"bucket:{bound}", 0))
        for bound in [f"{b}" for b in SWEEP_BUCKETS] + ["+Inf"]
    }
    return {
        "ended_at": float(values.get("ended_at", 0)),
        "duration": float(values.get("duration", 0)),
        "buckets": buckets,
        "count": sum(buckets.values()),
        "sum": float(values.get("sum", 0)),
    }


def sweep_age(name: str, *, now: float | None = None) -> float | None:
    """Seconds since sweep `name` last ended; None when it never ran."""
    record = sweep_record(name)
    if record is None:
        return None
    return max(0.0, (time.time() if now is None else now) - record["ended_at"])


def sweep(name: str):
    """Decorator for a sweep service: record its run when it returns (not when it raises)."""

    def decorator(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            started = time.perf_counter()
            result = function(*args, **kwargs)
            record_sweep(name, time.perf_counter() - started)
            return result

        return run

    return decorator
