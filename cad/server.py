"""How the ASGI server is started, the same everywhere: the run command, the benchmarks and
the tests that start real processes. Only the standard library here: the run command imports
it before Django is set up."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

# The sans-I/O websocket protocol writes a frame in one call: about 40 % less of the web
# process's CPU per frame than the older one (bench/RESULTS.md, "Load").
WEBSOCKET_PROTOCOL = "websockets-sansio"


def uvicorn_command(bin_dir: Path, *, host: str, port: int, workers: int = 1) -> list[str]:
    return [
        str(bin_dir / "uvicorn"),
        "cad.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--ws",
        WEBSOCKET_PROTOCOL,
        # Frames are small JSON on a local network: compressing each one for each of
        # hundreds of screens cost the web process more CPU than it saved.
        "--ws-per-message-deflate",
        "false",
    ]


def stop_process_groups(processes: list[subprocess.Popen], timeout: float) -> None:
    """Ask each running process's group to stop, then wait for each; a group still there
    after `timeout` s is killed."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
