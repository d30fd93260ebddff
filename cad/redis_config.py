"""Where Redis is, read from the environment: one server (REDIS_URL) or a Sentinel group.

Only the standard library here: settings.py reads it before Django is set up.

With CAD_REDIS_SENTINELS set ("host:port,host:port"), every Redis user follows the master
that the Sentinels elect, each through its library's own Sentinel support:
- the channel layer (channels-redis: `sentinels` and `master_name` in a host),
- the Celery broker (kombu's `sentinel://` transport with `master_name`),
- the beat lock and schedule (celery-redbeat's `redis-sentinel://` with `sentinels`),
- the health checks and the sweep's record (redis-py's `Sentinel.master_for`).
CAD_REDIS_SENTINEL_MASTER names the monitored master (default "mymaster"), CAD_REDIS_DB its
database number and CAD_REDIS_PASSWORD its password; CAD_REDIS_SENTINEL_PASSWORD is the
Sentinels' own password where they have one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import quote

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class RedisConfigError(ValueError):
    pass


def redis_key_prefix(database_name: str) -> str:
    """The prefix of a deployment's own keys: named by its database."""
    return f"cad:{database_name}"


def parse_sentinels(value: str) -> list[tuple[str, int]]:
    """'a:26379, b:26380' -> [("a", 26379), ("b", 26380)]; a host alone is on 26379."""
    sentinels = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        host, _, port = item.rpartition(":") if ":" in item else (item, "", "26379")
        if not host:
            raise RedisConfigError(f"CAD_REDIS_SENTINELS: {item!r} has no host")
        try:
            number = int(port)
        except ValueError:
            raise RedisConfigError(f"CAD_REDIS_SENTINELS: {item!r} has no port number") from None
        if not 0 < number < 65536:
            raise RedisConfigError(f"CAD_REDIS_SENTINELS: {item!r} port out of range")
        sentinels.append((host.strip("[]"), number))
    return sentinels


@dataclass(frozen=True)
class RedisConfig:
    url: str = DEFAULT_REDIS_URL
    sentinels: list[tuple[str, int]] = field(default_factory=list)
    master: str = "mymaster"
    db: int = 0
    password: str | None = None
    sentinel_password: str | None = None

    @classmethod
    def from_env(cls, environ=None) -> RedisConfig:
        environ = os.environ if environ is None else environ
        sentinels = parse_sentinels(environ.get("CAD_REDIS_SENTINELS", ""))
        try:
            db = int(environ.get("CAD_REDIS_DB", "0"))
        except ValueError:
            raise RedisConfigError("CAD_REDIS_DB must be a number") from None
        return cls(
            url=environ.get("REDIS_URL", DEFAULT_REDIS_URL),
            sentinels=sentinels,
            master=environ.get("CAD_REDIS_SENTINEL_MASTER", "mymaster") or "mymaster",
            db=db,
            password=environ.get("CAD_REDIS_PASSWORD") or None,
            sentinel_password=environ.get("CAD_REDIS_SENTINEL_PASSWORD") or None,
        )

    @property
    def uses_sentinel(self) -> bool:
        return bool(self.sentinels)

    def _sentinel_kwargs(self) -> dict | None:
        return {"password": self.sentinel_password} if self.sentinel_password else None

    def channel_layer_host(self) -> dict:
        """One entry of the channel layer's `hosts`."""
        # No client-side read timeout, and room for a reconnect burst: redis-py 8 caps
        # a pool at 100 connections and raises beyond that.
        common = {"socket_timeout": None, "socket_connect_timeout": 2, "max_connections": 2000}
        if not self.uses_sentinel:
            return {"address": self.url, **common}
        host = {
            "sentinels": self.sentinels,
            "master_name": self.master,
            "sentinel_kwargs": self._sentinel_kwargs(),
            "db": self.db,
            **common,
        }
        if self.password:
            host["password"] = self.password
        return host

    def _auth(self) -> str:
        return f":{quote(self.password, safe='')}@" if self.password else ""

    def celery_broker(self) -> tuple[str, dict]:
        """(broker URL, broker transport options) for Celery."""
        if not self.uses_sentinel:
            return self.url, {}
        url = ";".join(
            f"sentinel://{self._auth()}{host}:{port}/{self.db}" for host, port in self.sentinels
        )
        options = {"master_name": self.master}
        if self.sentinel_password:
            options["sentinel_kwargs"] = {"password": self.sentinel_password}
        return url, options

    def redbeat(self) -> tuple[str, dict]:
        """(redbeat_redis_url, redbeat_redis_options) for celery-redbeat."""
        if not self.uses_sentinel:
            return self.url, {}
        options = {
            "sentinels": self.sentinels,
            "service_name": self.master,
            "db": self.db,
            "socket_timeout": 2,
        }
        if self.password:
            options["password"] = self.password
        if self.sentinel_password:
            options["sentinel_kwargs"] = {"password": self.sentinel_password}
        return "redis-sentinel://", options

    def client_options(self) -> dict:
        """What cad.kernel.heartbeats needs to open a redis-py client."""
        if not self.uses_sentinel:
            return {"url": self.url}
        return {
            "sentinels": self.sentinels,
            "master": self.master,
            "db": self.db,
            "password": self.password,
            "sentinel_kwargs": self._sentinel_kwargs(),
        }
