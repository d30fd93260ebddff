"""Benchmark: what one API request of the load benchmark costs the web process, alone.

Runs the load benchmark's incident life (bench/load.py: create with its automatic
intelligence check, grade, assign, acknowledge, en route, at scene, available, close)
--incidents times, one request at a time, in this process through Django's full request
stack (middleware, token authentication, DRF, the services, the JSON response) on the load
benchmark's database (1 M intelligence logs; made by bench/load.py or generated here). For
each endpoint it prints the median and p90 wall time, the median CPU time of this process
(the server's share: PostgreSQL's is not in it) and the queries per request. Nothing
runs beside it, so the figures are the CPU and database round trips of one request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad \\
        .venv/bin/python bench/request_cost.py --incidents 200

--sql ENDPOINT prints the statements of that endpoint's last request.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import intel_check, load  # noqa: E402
from bench.alert_latency import server_env  # noqa: E402


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--db", default="cad_bench_load")
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--screens", type=int, default=0)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--sql", choices=load.ENDPOINTS, help="print this endpoint's statements")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cad")
    intel_check.ensure_database(base, args.db, fresh=False)
    db_url = intel_check.bench_database_url(base, args.db)
    env = server_env(db_url, os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    env["ALLOWED_HOSTS"] = "testserver"
    migrate = [sys.executable, "manage.py", "migrate", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)
    load.django_setup(env)

    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    setup = load.prepare(args)
    rng = random.Random(args.seed)
    driver = load.Driver.__new__(load.Driver)  # only its request bodies are used
    driver.rng, driver.setup, driver.serial = rng, setup, 0
    client = Client()
    # endpoint -> (wall s, this process's CPU s, queries) per request
    costs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in load.ENDPOINTS}
    last_sql: dict[str, list[str]] = {}

    def call(endpoint: str, path: str, token: str, body: dict) -> dict:
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(
                path,
                json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {token}",
            )
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        assert response.status_code in (200, 201), (endpoint, response.content)
        costs[endpoint].append((elapsed, cpu, len(queries)))
        last_sql[endpoint] = [query["sql"] for query in queries.captured_queries]
        return response.json()

    units = list(setup["units"])
    for _ in range(args.incidents):
        handler = rng.choice(setup["call_handlers"])
        incident = call("incident_create", "/api/v1/incidents/", handler, driver.incident_body())
        path = f"/api/v1/incidents/{incident['id']}"
        call(
            "incident_grade",
            f"{path}/grade/",
            handler,
            {
                "grade": rng.choice(["IMMEDIATE", "PRIORITY"]),
                "rationale": "Graded on the caller's account.",
                "da_rationale": "Assessed by the call handler on the caller's account.",
            },
        )
        callsign, unit_token = units.pop(0)
        assignment = call(
            "unit_assign", f"{path}/assign/", rng.choice(setup["dispatchers"]), {"unit": callsign}
        )
        call(
            "assignment_acknowledge",
            f"/api/v1/assignments/{assignment['id']}/acknowledge/",
            unit_token,
            {},
        )
        for status in ("en_route", "at_scene", "available"):
            call("unit_status", f"/api/v1/units/{callsign}/status/", unit_token, {"status": status})
        units.append((callsign, unit_token))
        call(
            "incident_close",
            f"{path}/close/",
            handler,
            {"closing_code": "attended_resolved", "summary": "Attended; words of advice given."},
        )

    figures = {}
    print(f"\n{args.incidents} incident lives, one request at a time, in-process:")
    print(f"{'endpoint':<24} {'n':>5} {'p50 ms':>8} {'p90 ms':>8} {'CPU ms':>8} {'queries':>8}")
    for endpoint, rows in costs.items():
        # The first life warms caches; it is not counted.
        rows = rows[len(rows) // args.incidents :] if len(rows) > 1 else rows
        times = [elapsed * 1000 for elapsed, _, _ in rows]
        cpu_ms = statistics.median(cpu * 1000 for _, cpu, _ in rows)
        counts = [count for _, _, count in rows]
        figures[endpoint] = {
            "n": len(rows),
            "p50_ms": round(statistics.median(times), 2),
            "p90_ms": round(quantile(times, 0.9), 2),
            "cpu_p50_ms": round(cpu_ms, 2),
            "queries_median": statistics.median(counts),
            "queries_max": max(counts),
        }
        print(
            f"{endpoint:<24} {len(rows):>5} {figures[endpoint]['p50_ms']:>8.1f} "
            f"{figures[endpoint]['p90_ms']:>8.1f} {cpu_ms:>8.1f} {statistics.median(counts):>8.0f}"
        )
    if args.sql:
        print(f"\nstatements of the last {args.sql}:")
        for number, sql in enumerate(last_sql[args.sql], 1):
            print(f"{number:>3}. {sql[:300]}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
