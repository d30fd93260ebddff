"""bench/geo.py parts for dispatch's geography: the nearest available units, the
predicted-breach sweep and position ingest. Registered in bench/geo.py's PARTS.

    .venv/bin/python bench/geo.py recommend --units 2000 --incidents 10000
    .venv/bin/python bench/geo.py sweep --units 2000 --incidents 10000
    .venv/bin/python bench/geo.py ingest --units 2000 --seconds 20 --workers 2
    .venv/bin/python bench/geo.py ingest --units 2000 --seconds 20 --workers 2 --batch 200 --http

Data are generated: units and incidents scattered over a 60 x 60 km area (no real place).
"""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import os
import random
import statistics
import threading
import time
from datetime import timedelta

CENTRE = (52.48, -1.90)
SPAN_DEG = 0.55  # about 60 km of latitude


def _generate(units: int, incidents: int, seed: int, *, unresourced_share: float) -> None:
    """Replace the part's units and open incidents with generated ones (bulk inserts)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from cad.models import Incident
    from dispatch.models import Unit

    rng = random.Random(seed)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dispatch_unitposition, dispatch_escalation, dispatch_breachwatch, "
            "dispatch_positionfeed, "
            "dispatch_unit, cad_event RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM cad_incident")
    author, _ = get_user_model().objects.get_or_create(username="bench-geo")
    statuses = ["available"] * 6 + ["en_route", "at_scene", "assigned", "unavailable"]
    made = []
    for i in range(units):
        lat = CENTRE[0] + (rng.random() - 0.5) * SPAN_DEG
        lon = CENTRE[1] + (rng.random() - 0.5) * SPAN_DEG * 1.6
        at = now - timedelta(seconds=rng.randrange(0, 20))
        made.append(
            Unit(
                callsign=f"GU{i:05d}",
                area="rural" if i % 4 == 0 else "urban",
                status=rng.choice(statuses),
                lat=lat,
                lon=lon,
                position_at=at,
                # Reporting already: the last kept sample is where it is now.
                sampled_at=at,
                sampled_lat=lat,
                sampled_lon=lon,
                status_changed_at=now,
            )
        )
    Unit.objects.bulk_create(made, batch_size=2000)
    targets = {"IMMEDIATE": 15, "PRIORITY": 60, "SCHEDULED": 24 * 60}
    rows = []
    for i in range(incidents):
        grade = rng.choices(list(targets), weights=[3, 5, 2])[0]
        received = now - timedelta(seconds=rng.randrange(0, 600))
        unresourced = rng.random() < unresourced_share
        rows.append(
            Incident(
                reference=f"GB{i:06d}",
                channel="999",
                received_at=received,
                opening_code="ASB",
                area="rural" if i % 4 == 0 else "urban",
                grade=grade,
                graded_at=received,
                response_due_at=received + timedelta(minutes=targets[grade]),
                clock_state="running",
                resourced=not unresourced,
                lat=CENTRE[0] + (rng.random() - 0.5) * SPAN_DEG,
                lon=CENTRE[1] + (rng.random() - 0.5) * SPAN_DEG * 1.6,
                created_by=author,
            )
        )
    Incident.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        # As autovacuum leaves a settled table: visibility map set, statistics fresh.
        cursor.execute("VACUUM ANALYZE dispatch_unit")
        cursor.execute("VACUUM ANALYZE cad_incident")
    print(
        f"generated {units:,} units ({Unit.objects.filter(status='available').count():,} "
        f"available) and {incidents:,} open incidents "
        f"({int(unresourced_share * 100)} % unresourced)",
        flush=True,
    )


def _summary(label: str, values: list[float], extra: str = "") -> None:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print(
        f"{label:<40} median {statistics.median(values):7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ordered[-1]:7.2f} ms   n={len(values)}{extra}",
        flush=True,
    )


# --- recommend ----------------------------------------------------------------------------


def add_recommend_arguments(parser) -> None:
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=500)


def run_recommend(options, setup_django) -> None:
    setup_django(options, "recommend")
    from django.test import Client

    from cad.kernel.tokens import issue_token
    from cad.models import Incident
    from dispatch import geo_selectors
    from tests.factories import role_user

    _generate(options.units, options.incidents, options.seed, unresourced_share=0.3)
    rng = random.Random(options.seed)
    ids = list(Incident.objects.values_list("pk", flat=True))
    sample = [rng.choice(ids) for _ in range(options.queries)]
    for pk in sample[:20]:  # warm the connection and the plan cache
        geo_selectors.recommendations(Incident.objects.get(pk=pk))
    times = []
    for pk in sample:
        started = time.perf_counter()
        geo_selectors.recommendations(Incident.objects.get(pk=pk))
        times.append((time.perf_counter() - started) * 1000)
    _summary("recommendations (selector, 20 nearest)", times)
    # The view reads only the incident's place and area (its whole row before 2026-12-07
    # 21:00): both, interleaved, so that they share the machine's load.
    full, narrow = [], []
    for pk in sample:
        for reader, times in (
            (lambda pk: Incident.objects.get(pk=pk), full),
            (lambda pk: Incident.objects.only("lat", "lon", "area").get(pk=pk), narrow),
        ):
            started = time.perf_counter()
            geo_selectors.recommendations(reader(pk))
            times.append((time.perf_counter() - started) * 1000)
    _summary("incident row read whole + selector", full)
    _summary("incident place read only + selector", narrow)
    # The whole request in process (middleware, authentication, role check, JSON): with an
    # API token (an integration client) and with a browser's session (saved every request).
    dispatcher = role_user("dispatcher", username="bench-dispatcher")
    token = issue_token(dispatcher)[1]
    session = Client()
    session.force_login(dispatcher)
    for label, client, headers in (
        ("GET recommendations/ (token)", Client(), {"HTTP_AUTHORIZATION": f"Token {token}"}),
        ("GET recommendations/ (session)", session, {}),
    ):
        for pk in sample[:20]:
            client.get(f"/api/v1/incidents/{pk}/recommendations/", **headers)
        times = []
        for pk in sample:
            started = time.perf_counter()
            response = client.get(f"/api/v1/incidents/{pk}/recommendations/", **headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        _summary(label, times, "   target p95 <= 20 ms")
    # What the browser's session costs: saved on every request (SESSION_SAVE_EVERY_REQUEST,
    # the 30-minute idle timeout), against the same requests without the save (figures only:
    # the setting stays, the idle timeout needs it).
    from django.test import override_settings

    saved, unsaved = [], []
    for pk in sample:
        for save_every, times in ((True, saved), (False, unsaved)):
            with override_settings(SESSION_SAVE_EVERY_REQUEST=save_every):
                started = time.perf_counter()
                session.get(f"/api/v1/incidents/{pk}/recommendations/")
                times.append((time.perf_counter() - started) * 1000)
    _summary("GET (session), saved every request", saved)
    _summary("GET (session), not saved", unsaved)


# --- sweep -----------------------------------------------------------------------------------


def add_sweep_arguments(parser) -> None:
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--unresourced", type=float, default=0.3, help="share of incidents with no unit"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="time one transaction per alert (round 2) against one per sweep, alternating",
    )


def run_sweep(options, setup_django) -> None:
    setup_django(options, "sweep")
    if options.compare:
        _compare_sweeps(options)
        return
    from django.db import connection
    from django.utils import timezone

    from dispatch import geo_services

    rng = random.Random(options.seed)
    for share in sorted({options.unresourced, 1.0}):
        _generate(options.units, options.incidents, options.seed, unresourced_share=share)
        label = f"{int(share * 100)} % unresourced"
        now = timezone.now()
        started = time.perf_counter()
        raised = geo_services.predicted_breach_sweep(now=now)
        first = (time.perf_counter() - started) * 1000
        print(f"first sweep: {raised:,} predicted breaches raised in {first:,.0f} ms", flush=True)
        times = []
        for _ in range(options.runs):
            started = time.perf_counter()
            again = geo_services.predicted_breach_sweep(now=now)
            times.append((time.perf_counter() - started) * 1000)
            assert again == 0
        _summary(f"sweep, units still ({label})", times, "   target <= 50 ms")
        # Units move between sweeps (a third of them, up to 300 m each) and time passes.
        # Every move is an UPDATE of indexed columns (no HOT update): dead rows pile up in
        # the units' table until vacuum. This workplace's server runs with autovacuum off;
        # the second pass stands in for it as a server with the defaults would (a VACUUM
        # ANALYZE of the units' table once a minute, autovacuum_naptime, not timed).
        # Both passes from the same state and at the same moments: what the first sweep
        # remembered and raised is forgotten, and swept again (not timed).
        for vacuum_every in (0, 12):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE dispatch_breachwatch")
                cursor.execute("DELETE FROM dispatch_escalation")
                cursor.execute("VACUUM ANALYZE dispatch_unit")
            geo_services.predicted_breach_sweep(now=now)
            times = []
            for run in range(options.runs):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE dispatch_unit SET lat = lat + (random() - 0.5) * 0.0054, "
                        "lon = lon + (random() - 0.5) * 0.0088 WHERE id %% 3 = %s",
                        [rng.randrange(3)],
                    )
                    if vacuum_every and run % vacuum_every == vacuum_every - 1:
                        cursor.execute("VACUUM ANALYZE dispatch_unit")
                later = now + timedelta(seconds=5 * (run + 1))
                started = time.perf_counter()
                geo_services.predicted_breach_sweep(now=later)
                times.append((time.perf_counter() - started) * 1000)
            how = "vacuumed once a minute" if vacuum_every else "no vacuum"
            _summary(
                f"sweep, units moving, 5 s apart, {how} ({label})", times, "   target <= 50 ms"
            )
        # With nothing remembered: every candidate probed around its place.
        times = []
        for _ in range(min(options.runs, 20)):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE dispatch_breachwatch")
            started = time.perf_counter()
            geo_services.predicted_breaches(now)
            times.append((time.perf_counter() - started) * 1000)
        _summary(f"prediction, nothing remembered ({label})", times)


def _sweep_one_transaction_per_alert(now) -> int:
    """The sweep as it was in round 2: each alert raised in its own transaction."""
    from django.db import IntegrityError, transaction

    from cad.kernel.events import service_transaction
    from cad.models import Incident
    from dispatch import geo_services
    from dispatch.models import Escalation

    raised = 0
    for incident_id, deadline in geo_services.predicted_breaches(now):
        with service_transaction():
            try:
                with transaction.atomic():
                    Escalation.objects.create(
                        incident_id=incident_id,
                        level=Escalation.Level.PREDICTED_BREACH,
                        cycle=0,
                        basis=deadline,
                        due_at=deadline,
                        raised_at=now,
                    )
            except IntegrityError:
                continue
            incident = Incident.objects.get(pk=incident_id)
            geo_services.announce_predicted_breach(incident, now)
            raised += 1
    return raised


def _compare_sweeps(options) -> None:
    """Both sweeps on the same data at the same moments, alternating which goes first.
    Before each, the sweep's memory is put back as it was and what the other raised at
    that moment is forgotten, so both do the same work; they must raise the same count."""
    from django.db import connection
    from django.utils import timezone

    from dispatch import geo_services

    variants = {
        "one transaction per alert (round 2)": _sweep_one_transaction_per_alert,
        "one INSERT per sweep": lambda now: geo_services.predicted_breach_sweep(now=now),
    }
    names = list(variants)
    rng = random.Random(options.seed)
    for share in sorted({options.unresourced, 1.0}):
        _generate(options.units, options.incidents, options.seed, unresourced_share=share)
        label = f"{int(share * 100)} % unresourced"
        now = timezone.now()
        geo_services.predicted_breach_sweep(now=now)
        for moving in (False, True):
            times = {name: [] for name in names}
            raised_total = 0
            for run in range(options.runs):
                later = now
                with connection.cursor() as cursor:
                    if moving:
                        cursor.execute(
                            "UPDATE dispatch_unit SET lat = lat + (random() - 0.5) * 0.0054, "
                            "lon = lon + (random() - 0.5) * 0.0088 WHERE id %% 3 = %s",
                            [rng.randrange(3)],
                        )
                        if run % 12 == 11:
                            cursor.execute("VACUUM ANALYZE dispatch_unit")
                        later = now + timedelta(seconds=5 * (run + 1))
                    cursor.execute("DROP TABLE IF EXISTS bench_watch")
                    cursor.execute(
                        "CREATE TEMP TABLE bench_watch AS SELECT * FROM dispatch_breachwatch"
                    )
                counts = []
                for name in names if run % 2 == 0 else reversed(names):
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "DELETE FROM dispatch_escalation WHERE level = 'predicted_breach' "
                            "AND raised_at = %s",
                            [later],
                        )
                        cursor.execute("TRUNCATE dispatch_breachwatch")
                        cursor.execute("INSERT INTO dispatch_breachwatch SELECT * FROM bench_watch")
                    started = time.perf_counter()
                    counts.append(variants[name](later))
                    times[name].append((time.perf_counter() - started) * 1000)
                assert counts[0] == counts[1], counts
                raised_total += counts[0]
            how = "units moving, 5 s apart" if moving else "units still"
            print(f"{how} ({label}): {raised_total} alerts raised over {options.runs} sweeps")
            for name in names:
                _summary(f"  {name}", times[name])
            old, new = (statistics.median(times[n]) for n in names)
            old95, new95 = (sorted(times[n])[int(round(0.95 * (options.runs - 1)))] for n in names)
            print(f"  ratio new/old: median {new / old:.2f}, p95 {new95 / old95:.2f}", flush=True)


# --- ingest ----------------------------------------------------------------------------------


def add_ingest_arguments(parser) -> None:
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--moving", type=float, default=0.3, help="share of units moving (the rest parked)"
    )
    parser.add_argument("--http", action="store_true", help="post through the API (ASGI)")
    parser.add_argument(
        "--batch",
        type=int,
        default=0,
        help="positions a batch (POST /api/v1/units/positions/); 0: one a unit a request",
    )


def _ingest_worker(args) -> tuple[int, float]:
    """Report positions for a slice of the units as fast as possible for `seconds`."""
    database_url, first, count, seconds, moving, seed, base_url, token, batch = args
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from dispatch import geo_services

    avl = get_user_model().objects.get(username="bench-avl")
    from dispatch.models import Unit

    places = dict(
        Unit.objects.filter(
            callsign__in=[f"GU{i:05d}" for i in range(first, first + count)]
        ).values_list("callsign", "lat")
    )
    lons = dict(Unit.objects.values_list("callsign", "lon"))
    positions = {i: [places[f"GU{i:05d}"], lons[f"GU{i:05d}"]] for i in range(first, first + count)}
    session = None
    if base_url:
        from http.client import HTTPConnection
        from urllib.parse import urlsplit

        session = HTTPConnection(urlsplit(base_url).netloc)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while batch and time.perf_counter() < deadline:
        # An AVL feed's poll: every vehicle's newest position, `batch` to a request.
        items = list(positions.items())
        for start in range(0, len(items), batch):
            chunk = []
            for i, where in items[start : start + batch]:
                if i % 10 < moving * 10:
                    where[0] += 14 / 111_195
                chunk.append({"callsign": f"GU{i:05d}", "lat": where[0], "lon": where[1]})
            if session is not None:
                session.request(
                    "POST", "/api/v1/units/positions/", json.dumps({"positions": chunk}), headers
                )
                response = session.getresponse()
                answer = response.read()
                assert response.status == 202, answer
            else:
                geo_services.unit_positions_report(actor=avl, positions=chunk)
            done += len(chunk)
            if time.perf_counter() >= deadline:
                break
    while not batch and time.perf_counter() < deadline:
        for i, where in positions.items():
            if i % 10 < moving * 10:  # a car at about 50 km/h reporting every second
                where[0] += 14 / 111_195
            body = {"lat": where[0], "lon": where[1]}
            if session is not None:
                session.request(
                    "POST", f"/api/v1/units/GU{i:05d}/position/", json.dumps(body), headers
                )
                response = session.getresponse()
                answer = response.read()
                assert response.status == 202, answer
            else:
                geo_services.unit_position_report(actor=avl, unit=f"GU{i:05d}", **body)
            done += 1
            if time.perf_counter() >= deadline:
                break
    return done, time.perf_counter() - started


def _serve(port: int) -> None:
    import uvicorn

    from cad.asgi import application

    uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning")
    ).run()


async def _watch_screen(url: str, token: str, delays: list[float], stop: threading.Event):
    import websockets

    headers = {"Authorization": f"Token {token}"}
    seen: set = set()
    async with websockets.connect(url, additional_headers=headers) as socket:
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(socket.recv(), timeout=0.5)
            except TimeoutError:
                continue
            frame = json.loads(message)
            if frame.get("kind") == "position.sampled":
                from datetime import datetime

                arrived = time.time()
                for unit in frame["data"]["units"]:
                    key = (unit["callsign"], unit["position_at"])
                    if key in seen:  # sent again while the feed settles: first arrival counts
                        continue
                    seen.add(key)
                    sent = datetime.fromisoformat(unit["position_at"]).timestamp()
                    delays.append(arrived - sent)


def _publisher(stop: threading.Event, runs: list[float]) -> None:
    """What the beat does every second: send the kept positions to the screens."""
    from django.db import connection

    from dispatch import geo_services

    try:
        while not stop.is_set():
            started = time.perf_counter()
            moved = geo_services.publish_positions()
            runs.append((time.perf_counter() - started) * 1000)
            if os.environ.get("BENCH_VERBOSE"):
                print(f"published {moved} units", flush=True)
            stop.wait(max(0.0, 1.0 - (time.perf_counter() - started)))
    finally:
        connection.close()


def run_ingest(options, setup_django) -> None:
    database = setup_django(options, "ingest")
    from django.contrib.auth import get_user_model

    from cad.kernel.tokens import issue_token
    from cad.models import Event
    from dispatch.models import UnitPosition
    from tests.factories import role_user

    _generate(options.units, 100, options.seed, unresourced_share=0.3)
    role_user("avl", username="bench-avl")
    dispatcher = role_user("dispatcher", username="bench-dispatcher")
    # A screen: the dispatcher's websocket, timing each kept position from report to frame.
    import socket as sockets

    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(port,), daemon=True)
    server.start()
    time.sleep(5)
    screen_token = issue_token(dispatcher)[1]
    delays: list[float] = []
    stop = threading.Event()
    watcher = threading.Thread(
        target=lambda: asyncio.run(
            _watch_screen(f"ws://127.0.0.1:{port}/ws/screens/", screen_token, delays, stop)
        ),
        daemon=True,
    )
    watcher.start()
    publishing: list[float] = []
    publisher = threading.Thread(target=_publisher, args=(stop, publishing), daemon=True)
    publisher.start()
    time.sleep(1)
    token = ""
    if options.http:
        token = issue_token(get_user_model().objects.get(username="bench-avl"))[1]
    events_before = Event.objects.filter(kind="position.sampled").count()
    load_before = os.getloadavg()
    kept_before = UnitPosition.objects.count()
    share = math.ceil(options.units / options.workers)
    jobs = [
        (
            os.environ["DATABASE_URL"],
            first,
            min(share, options.units - first),
            options.seconds,
            options.moving,
            options.seed,
            f"http://127.0.0.1:{port}" if options.http else "",
            token,
            options.batch,
        )
        for first in range(0, options.units, share)
    ]
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        results = pool.map(_ingest_worker, jobs)
    time.sleep(2)  # the last frames reach the screen
    stop.set()
    watcher.join(timeout=5)
    publisher.join(timeout=5)
    server.terminate()
    total = sum(done for done, _ in results)
    elapsed = max(spent for _, spent in results)
    kept = UnitPosition.objects.count() - kept_before
    events = Event.objects.filter(kind="position.sampled").count() - events_before
    how = "HTTP POST (ASGI, token)" if options.http else "service call"
    how += f", batches of {options.batch}" if options.batch else ", one position a call"
    print(f"load average before: {load_before}, after: {os.getloadavg()}", flush=True)
    print(
        f"ingest via {how}: {total:,} positions in {elapsed:.1f} s = {total / elapsed:,.0f}/s "
        f"with {len(jobs)} workers (target >= 2,000/s); kept in history {kept:,}, "
        f"events {events:,} ({events / elapsed:,.1f}/s); database {database}",
        flush=True,
    )
    if publishing:
        _summary("publisher run (every second)", publishing)
    if delays:
        ms = [d * 1000 for d in delays]
        _summary("report -> dispatcher's screen frame", ms, "   target <= 2,000 ms")
    else:
        print("no frame reached the screen", flush=True)


PARTS = {
    "recommend": (add_recommend_arguments, run_recommend),
    "sweep": (add_sweep_arguments, run_sweep),
    "ingest": (add_ingest_arguments, run_ingest),
}
