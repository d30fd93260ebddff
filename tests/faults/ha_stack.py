"""The deployed topology as plain processes: two web, two workers, two beats, one Redis.

As docker-compose.yml and deploy/k8s run it, minus the containers: each web process on its
own port (a load balancer would spread screens over them), two Celery workers, and two
beats of which the celery-redbeat lock lets one send at a time. A process that exits or is
killed with `crash` is started again (as compose's `restart` or a pod's restartPolicy
would); one stopped with `kill` stays down.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time

import redis

from cad.redis_config import redis_key_prefix
from tests.stack import BIN, Stack, free_port, wait_for_port

ACQUIRED = "beat: Acquired lock"


class HAStack(Stack):
    WEBS = ("web", "web2")
    WORKERS = ("worker", "worker2")
    BEATS = ("beat", "beat2")

    def __init__(self, *, extra_env: dict | None = None, **kwargs):
        # Celery at INFO: the beats' logs say which one holds the lock.
        super().__init__(extra_env={"CAD_CELERY_LOG_LEVEL": "INFO", **(extra_env or {})}, **kwargs)
        self.web_ports = {"web": self.web_port, "web2": free_port()}
        # The stack's processes name their keys by the database they run on (settings.py).
        self.key_prefix = redis_key_prefix(kwargs["settings_dict"]["NAME"])
        # Where each process's current life starts in its (appended) log.
        self.log_starts: dict[str, int] = {}

    def _spawn(self, name, argv):
        path = self.folder / f"{name}.log"
        self.log_starts[name] = path.stat().st_size if path.exists() else 0
        return super()._spawn(name, argv)

    def base_url_of(self, web: str) -> str:
        return f"http://127.0.0.1:{self.web_ports[web]}"

    def start_web(self, name: str = "web") -> None:
        from cad.server import uvicorn_command

        port = self.web_ports[name]
        self._spawn(name, uvicorn_command(BIN, host="127.0.0.1", port=port))
        wait_for_port(port)

    def start_beat(self, name: str = "beat", log_level: str = "info") -> None:
        # At INFO, so that the log says which beat holds the lock.
        super().start_beat(name, log_level)

    def start(self) -> HAStack:
        self.start_redis()
        for web in self.WEBS:
            self.start_web(web)
        for worker in self.WORKERS:
            self.start_worker(worker)
        for beat in self.BEATS:
            self.start_beat(beat)
        return self

    def current_log(self, name: str) -> str:
        text = self.logs[name].read_bytes()[self.log_starts.get(name, 0) :]
        return text.decode(errors="replace")

    def active_beat(self) -> str | None:
        """The running beat that has acquired the lock in its current life."""
        with self.lock:
            running = [b for b in self.BEATS if b in self.processes]
        holders = [b for b in running if ACQUIRED in self.current_log(b)]
        return holders[0] if len(holders) == 1 else None

    def redis(self) -> redis.Redis:
        return redis.Redis(port=self.redis_port, socket_timeout=2, socket_connect_timeout=2)

    def lock_token(self) -> bytes | None:
        with contextlib.suppress(redis.RedisError):
            return self.redis().get(f"{self.key_prefix}:beat::lock")
        return None

    def clock_sweep_ended_at(self) -> float | None:
        with contextlib.suppress(redis.RedisError):
            value = self.redis().hget(f"{self.key_prefix}:ops:sweep:clock", "ended_at")
            return float(value) if value else None
        return None

    def crash(self, name: str) -> None:
        """kill -9, as a crash: the process is started again, as deployed."""
        with self.lock:
            process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while self.processes.get(name) is process:
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} was not started again")
            time.sleep(0.05)
