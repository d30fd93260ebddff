"""Benchmark: from a response deadline to the alert frame on every connected screen.

The system runs as real processes, as deployed: uvicorn serving cad.asgi (websockets),
a Celery worker and Celery beat running the dispatch clock sweep every second, all on
PostgreSQL and Redis. This script seeds N open graded incidents into its own database
(`cad_bench_alert`), connects M websocket clients (token auth, heartbeat every 5 s like
the browser's live.js), then makes K deadlines fall due, one every --spacing seconds,
and measures for every client and every deadline the time from the deadline to the
arrival of its `incident.clock.breached` frame: p50/p95/p99/max and frames lost.

It also times the sweep itself when nothing is due (the common case, every second of
every day) at each N: it must not grow with N (partial index on next_alert_at).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/alert_latency.py --incidents 10000 100000 --clients 100 500

Only the database name of DATABASE_URL is replaced (by --db); Redis is used as given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from cad.server import stop_process_groups, uvicorn_command  # noqa: E402

BREACH = "incident.clock.breached"
HEARTBEAT_S = 5.0  # as live.js; --heartbeat changes it


# --- setup ------------------------------------------------------------------------------


def database_url(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def ensure_database(base: str, name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(database_url(base, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def server_env(db_url: str, redis_url: str) -> dict:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="cad.settings",
        DATABASE_URL=db_url,
        REDIS_URL=redis_url,
        SECRET_KEY="bench-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


class Servers:
    """uvicorn (web + websockets), Celery worker and Celery beat as child processes."""

    def __init__(self, env: dict, web_workers: int):
        self.env = env
        self.web_workers = web_workers
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="cad-bench-alert-"))
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        def spawn(name: str, args: list[str]) -> None:
            log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
            self.processes.append(
                subprocess.Popen(
                    args,
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

        spawn(
            "uvicorn",
            uvicorn_command(BIN, host="127.0.0.1", port=self.port, workers=self.web_workers),
        )
        spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "cad",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "cad",
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(self.folder / "beat-schedule"),
            ],
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        stop_process_groups(self.processes, timeout=15)

    def logs_tail(self) -> str:
        lines = []
        for log in sorted(self.folder.glob("*.log")):
            text = log.read_text(errors="replace").strip().splitlines()[-5:]
            if text:
                lines.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(lines)


def django_setup(db_url: str, redis_url: str) -> None:
    os.environ.update(server_env(db_url, redis_url))
    import django

    django.setup()


def reset_and_seed(n: int, k: int, clients: int) -> tuple[list[int], list]:
    """N open PRIORITY incidents with nothing due for 40 minutes; k of them will fall due.

    Returns the ids of those k incidents and the tokens of the client users.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from cad.kernel.tokens import issue_token
    from cad.models import Incident

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cad_event, cad_incident RESTART IDENTITY CASCADE")
    user_model = get_user_model()
    author, _ = user_model.objects.get_or_create(username="bench-author")
    group = Group.objects.get(name="supervisor")
    wanted = [f"bench-screen-{i:04d}" for i in range(clients)]
    known = user_model.objects.filter(username__in=wanted)
    existing = set(known.values_list("username", flat=True))
    user_model.objects.bulk_create(
        [user_model(username=name) for name in wanted if name not in existing]
    )
    users = list(user_model.objects.filter(username__in=wanted).order_by("username"))
    group.user_set.add(*users)
    # Keys are shown once and stored hashed: each run issues its own.
    tokens = [issue_token(user)[1] for user in users]

    now = timezone.now()
    target = timedelta(minutes=60)
    rows = []
    for index in range(n):
        received = now - timedelta(seconds=random.randint(0, 300))
        due = received + target
        rows.append(
            Incident(
                reference=f"BENCH-{index:07d}",
                channel="999",
                received_at=received,
                opening_code="suspicious",
                created_by=author,
                grade="PRIORITY",
                graded_at=received,
                response_due_at=due,
                warning_at=received + target * 0.75,
                clock_state="running",
                next_alert_at=received + target * 0.75,
                resourced=True,
                area="urban",
            )
        )
    Incident.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cad_incident")
    chosen = random.sample(range(1, n + 1), k)
    return chosen, tokens


def schedule_deadlines(ids: list[int], start: datetime, spacing: float) -> dict[int, datetime]:
    """Make the chosen incidents fall due at start, start+spacing, ... (breach only: each
    one's warning is recorded as raised 15 minutes earlier, as it would have been)."""
    from django.db import connection

    from dispatch.models import Escalation

    deadlines = {}
    with connection.cursor() as cursor:
        for index, incident_id in enumerate(ids):
            due = start + timedelta(seconds=index * spacing)
            received = due - timedelta(minutes=60)
            warned = received + timedelta(minutes=45)
            cursor.execute(
                "UPDATE cad_incident SET received_at=%s, response_due_at=%s, warning_at=%s, "
                "clock_state='warning', next_alert_at=%s WHERE id=%s",
                [received, due, warned, due, incident_id],
            )
            Escalation.objects.create(
                incident_id=incident_id,
                level=Escalation.Level.CLOCK_WARNING,
                cycle=0,
                basis=due,
                due_at=warned,
                raised_at=warned,
            )
            deadlines[incident_id] = due
    return deadlines


# --- websocket clients ------------------------------------------------------------------


async def client(url: str, token: str, since: int, arrivals: dict, ready: asyncio.Event, stats):
    """One screen: like live.js, it reconnects after a drop and resumes from the last id.

    Runs until cancelled; `stats["reconnects"]` counts the drops.
    """
    import websockets

    last = since
    while True:
        try:
            async with websockets.connect(
                f"{url}?since={last}",
                additional_headers={"Authorization": f"Token {token}"},
                max_size=None,
                open_timeout=120,
                ping_interval=None,
            ) as socket_:
                hello = json.loads(await socket_.recv())
                assert hello.get("kind") == "hello", hello
                ready.set()

                async def heartbeat(socket_=socket_):
                    while True:
                        await asyncio.sleep(HEARTBEAT_S * (0.5 + random.random()))
                        await socket_.send(json.dumps({"type": "ping"}))

                beat = asyncio.create_task(heartbeat())
                try:
                    # No per-frame timeout: the measuring clients share the server's cores,
                    # so they wake only for frames.
                    async for message in socket_:
                        received = time.time()
                        frame = json.loads(message)
                        if isinstance(frame.get("id"), int):
                            last = max(last, frame["id"])
                        if frame.get("kind") == BREACH:
                            # With the sweep's own time, to split beat wait from fan-out.
                            arrivals.setdefault(frame["data"]["incident"], (received, frame["at"]))
                finally:
                    beat.cancel()
        except (OSError, websockets.ConnectionClosed, TimeoutError):
            pass
        stats["reconnects"] += 1  # the server closed the socket, cleanly or not
        await asyncio.sleep(0.5 + random.random() * 0.25)


async def run_clients(url: str, tokens: list[str], clients: int, since: int, on_ready, wait_s):
    per_client: list[dict] = [{} for _ in range(clients)]
    readies = [asyncio.Event() for _ in range(clients)]
    stats = {"reconnects": 0}
    tasks = []
    for index in range(clients):
        tasks.append(
            asyncio.create_task(
                client(
                    url,
                    tokens[index % len(tokens)],
                    since,
                    per_client[index],
                    readies[index],
                    stats,
                )
            )
        )
        if index % 25 == 24:
            await asyncio.sleep(0.05)  # a control room's screens do not all connect at once
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=300)
    finish, expected = await asyncio.to_thread(on_ready)
    await asyncio.sleep(max(0.0, finish - time.time()))
    # Wait for every frame on every client, up to `wait_s` after the last deadline; a
    # frame still missing then counts as lost.
    give_up = time.time() + wait_s
    while time.time() < give_up and any(len(arrivals) < expected for arrivals in per_client):
        await asyncio.sleep(0.25)
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    errors = [r for r in results if not isinstance(r, asyncio.CancelledError)]
    return per_client, errors, stats["reconnects"]


# --- figures ------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_sweep(runs: int) -> dict:
    from django.db import connection

    from dispatch import services

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        raised = services.clock_sweep()
        timings.append((time.perf_counter() - started) * 1000)
        assert raised == 0, "the sweep found something due while measuring the idle sweep"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT 1 FROM cad_incident WHERE next_alert_at <= now() LIMIT 1")
        plan = " / ".join(row[0].strip() for row in cursor.fetchall()[:5])
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "plan": plan,
    }


def time_fan_out(runs: int, screens: int) -> tuple[float, float]:
    """p50 ms of what one web process does per poke (cad.kernel.consumers): one shared read
    of the new events, then, for each of `screens` screens, the audience check and the
    frame's JSON. Returns (the read, the screens' share)."""
    from django.contrib.auth import get_user_model

    from cad.kernel import consumers, events

    viewer = get_user_model().objects.get(username="bench-screen-0000")
    audience = frozenset(events.audience_for_user(viewer))
    latest = events.Event.objects.order_by("-id").values_list("id", flat=True).first() or 1
    reads, fan_outs = [], []
    for _ in range(runs):
        started = time.perf_counter()
        batch = consumers._read_after(latest - 1)
        reads.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        server_time = datetime.now(UTC).isoformat()
        for _ in range(screens):
            for _event_id, groups, frame in batch:
                if not groups.isdisjoint(audience):
                    json.dumps({**frame, "server_time": server_time})
        fan_outs.append((time.perf_counter() - started) * 1000)
    return statistics.median(reads), statistics.median(fan_outs)


def run_once(args, servers: Servers, n: int, m: int, ids: list[int], tokens: list[str]):
    from cad.models import Event

    since = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    url = f"ws://127.0.0.1:{servers.port}/ws/screens/"
    box = {}

    def on_ready():
        start = datetime.now(UTC) + timedelta(seconds=args.lead)
        box["deadlines"] = schedule_deadlines(ids, start, args.spacing)
        last = start + timedelta(seconds=args.spacing * (len(ids) - 1))
        return last.timestamp(), len(ids)

    per_client, errors, reconnects = asyncio.run(
        run_clients(url, tokens, m, since, on_ready, args.grace)
    )
    deadlines = box["deadlines"]
    latencies, fan_out, lost, client_p95 = [], [], 0, []
    for arrivals in per_client:
        mine = []
        for incident_id, due in deadlines.items():
            if incident_id in arrivals:
                received, swept_at = arrivals[incident_id]
                mine.append(received - due.timestamp())
                fan_out.append(received - datetime.fromisoformat(swept_at).timestamp())
            else:
                lost += 1
        latencies.extend(mine)
        if mine:
            client_p95.append(percentile(mine, 0.95))
    return {
        "n": n,
        "m": m,
        "k": len(deadlines),
        "frames": len(latencies),
        "lost": lost,
        "errors": len(errors),
        "reconnects": reconnects,
        "error_kinds": sorted({repr(error)[:120] for error in errors}),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies) if latencies else float("nan"),
        "worst_client_p95": max(client_p95) if client_p95 else float("nan"),
        # From the sweep that raised the alert to the frame on the screen.
        "fan_out_p50": percentile(fan_out, 0.50),
        "fan_out_p95": percentile(fan_out, 0.95),
        "fan_out_max": max(fan_out) if fan_out else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--deadlines", type=int, default=30, help="K deadlines per run")
    parser.add_argument("--spacing", type=float, default=1.0, help="seconds between deadlines")
    parser.add_argument("--lead", type=float, default=3.0, help="seconds to the first deadline")
    parser.add_argument(
        "--grace",
        type=float,
        default=60.0,
        help="seconds after the last deadline before a missing frame counts as lost",
    )
    parser.add_argument("--sweep-runs", type=int, default=300)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--db", default="cad_bench_alert")
    parser.add_argument("--heartbeat", type=float, default=HEARTBEAT_S, help="client ping period")
    parser.add_argument(
        "--cpu-hogs",
        type=int,
        default=0,
        help="busy-loop processes competing for the cores (a machine loaded by other work)",
    )
    args = parser.parse_args()
    globals()["HEARTBEAT_S"] = args.heartbeat
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.cpu_hogs)
    ]
    try:
        run_matrix(args)
    finally:
        for hog in hogs:
            hog.kill()


def run_matrix(args) -> None:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cad")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6")
    ensure_database(base, args.db)
    db_url = database_url(base, args.db)
    env = server_env(db_url, redis_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    django_setup(db_url, redis_url)

    print(f"cpus: {os.cpu_count()}  web workers: {args.web_workers}  redis: {redis_url}")
    print(
        f"K={args.deadlines} deadlines, one every {args.spacing} s; heartbeat {args.heartbeat} s;"
        f" {args.cpu_hogs} busy-loop processes"
    )
    sweeps, results = {}, []
    for n in args.incidents:
        chosen, tokens = reset_and_seed(n, args.deadlines * len(args.clients), max(args.clients))
        sweeps[n] = time_sweep(args.sweep_runs)
        s = sweeps[n]
        print(
            f"N={n:>7}: idle sweep p50 {s['p50']:.2f} ms  p95 {s['p95']:.2f} ms  "
            f"max {s['max']:.2f} ms  plan: {s['plan']}",
            flush=True,
        )
        servers = Servers(env, args.web_workers)
        servers.start()
        try:
            for run, m in enumerate(args.clients):
                ids = chosen[run * args.deadlines : (run + 1) * args.deadlines]
                row = run_once(args, servers, n, m, ids, tokens)
                results.append(row)
                print(
                    f"N={n:>7} M={m:>4}: frames {row['frames']}/{row['k'] * m}  "
                    f"lost {row['lost']}  p50 {row['p50']:.3f} s  p95 {row['p95']:.3f} s  "
                    f"p99 {row['p99']:.3f} s  max {row['max']:.3f} s  "
                    f"worst client p95 {row['worst_client_p95']:.3f} s  "
                    f"reconnects {row['reconnects']}  client errors {row['errors']}  |  "
                    f"sweep to screen p50 {row['fan_out_p50']:.3f} s  "
                    f"p95 {row['fan_out_p95']:.3f} s  max {row['fan_out_max']:.3f} s",
                    flush=True,
                )
                for kind in row["error_kinds"]:
                    print(f"  client error: {kind}")
        finally:
            servers.stop()
            tail = servers.logs_tail()
            if tail:
                print(tail)
        per_process = max(args.clients) // args.web_workers
        read_ms, screens_ms = time_fan_out(50, per_process)
        print(
            f"N={n:>7}: per poke, each web process makes one shared read (p50 {read_ms:.2f} ms)"
            f" and checks and frames it for its {per_process} screens (p50 {screens_ms:.2f} ms)",
            flush=True,
        )
    if len(sweeps) > 1:
        small, large = min(sweeps), max(sweeps)
        ratio = sweeps[large]["p50"] / sweeps[small]["p50"]
        print(f"idle sweep p50 ratio N={large} / N={small}: {ratio:.2f}")


if __name__ == "__main__":
    main()
