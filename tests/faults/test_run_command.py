"""The README's run command stops everything it started when a service manager stops it
(SIGTERM), as it does on Ctrl-C: no web server, worker, beat or connection is left behind
to serve stale code or sweep clocks twice beside the next start."""

import contextlib
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connection

from tests.stack import database_url, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_database(transactional_db):
    """A database of its own for the run command to migrate and seed."""
    name = f"cad_run_command_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield database_url({**connection.settings_dict, "NAME": name})
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sigterm_stops_everything_the_run_command_started(run_database, tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "CAD_TESTING"}
    }
    env.update(
        DATABASE_URL=run_database,
        REDIS_URL=settings.REDIS_URL,
        CAD_PORT=str(port),
        CAD_DATA_DIR=str(tmp_path),
    )
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115 - closed below
    run = subprocess.Popen(
        [sys.executable, "bin/cad.py", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started: list[psutil.Process] = []
    try:
        wait_for_port(port, timeout=240)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=30) as page:
            assert page.status == 200
        started = psutil.Process(run.pid).children(recursive=True)
        names = " ".join(" ".join(child.cmdline()) for child in started)
        assert "uvicorn" in names and "worker" in names and "beat" in names, names

        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=60) == 0
        gone, alive = psutil.wait_procs(started, timeout=30)
        assert alive == [], [" ".join(process.cmdline()) for process in alive]
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for process in started:  # whatever outlived a failure, so nothing runs on
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        log.close()
        print((tmp_path / "run.log").read_text(errors="replace")[-3000:])
