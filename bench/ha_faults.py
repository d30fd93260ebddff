"""Benchmark: the loss of any one process under 1,000 due deadlines, as plain processes.

Runs tests/faults/test_ha_faults.py at full size: 1,000 graded calls (10 a second) whose
warnings, breaches and unresourced alerts fall due while, in turn, the active beat is
killed with SIGKILL (the standby takes the celery-redbeat lock), one of two web processes
and one of two workers are killed with SIGKILL, and Redis is restarted. The test fails
unless every alert is recorded exactly once and every screen is gap-free after replay;
this script prints the takeover times and the alerts' lateness (bench/RESULTS.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/ha_faults.py --calls 1000

pytest-django creates and drops its test database (test_<name of DATABASE_URL>); the stack
runs a Redis of its own on a free port (never the one of REDIS_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0, help="calls a second")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        env = dict(
            os.environ,
            CAD_HA_FAULT_CALLS=str(args.calls),
            CAD_HA_FAULT_RATE=str(args.rate),
            CAD_HA_FAULT_REPORT=str(report_path),
        )
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/faults/test_ha_faults.py",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
    print(run.stdout[-3000:] if run.returncode else run.stdout.strip().splitlines()[-1])
    if not report:
        print(run.stderr[-3000:])
        return 1
    takeover = report.get("1_beat_killed", {}).get("takeover", {})
    alerts = report.get("alerts", {})
    rows = [
        ("calls / rate a second", f"{report.get('calls')} / {report.get('rate')}"),
        ("active beat kill -9: lock taken by the standby", f"{takeover.get('lock_taken_s')} s"),
        ("  first clock sweep of the new holder ended", f"{takeover.get('sweeping_again_s')} s"),
        ("  deadlines due while no beat sent", takeover.get("due_while_no_beat")),
        ("  their latest alert, after its deadline", f"{takeover.get('their_lateness_max_s')} s"),
        (
            "Redis restart: a beat holds the new lock",
            f"{report.get('4_redis_restarted', {}).get('lock_taken_s')} s",
        ),
        ("alerts raised (each exactly once)", alerts.get("n")),
        (
            "alert after its deadline p50 / p95 / max",
            " / ".join(f"{alerts.get(k)}" for k in ("late_p50_s", "late_p95_s", "late_max_s"))
            + " s",
        ),
        ("processes started again after exiting", report.get("started_again_after_exiting")),
        ("wall time of the scenario", f"{report.get('wall_s')} s"),
        ("result", "passed" if run.returncode == 0 else "FAILED"),
    ]
    for name, value in rows:
        print(f"{name:<48} {value}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
