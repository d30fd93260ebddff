"""Pieces of the fault timeline: calls coming in, screens watching, and the checks.

The stack (web, worker, beat, Redis) runs as real processes; this module drives it
from the test process and proves, after each fault, that every due clock alert is
recorded exactly once and that every screen holds every event it may see, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import psutil
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cad.kernel.events import audience_for_user
from cad.models import Event, Incident
from dispatch.models import Escalation
from dispatch.selectors import unresourced_allowance
from dispatch.services import CLOCK_EVENT_KINDS
from tests.factories import incident_factory
from tests.screen_client import ScreenClient

# The clock levels a graded, unresourced incident raises within its target.
LEVELS = (
    Escalation.Level.CLOCK_WARNING,
    Escalation.Level.CLOCK_BREACHED,
    Escalation.Level.UNRESOURCED,
)
CLOCK_KINDS = {CLOCK_EVENT_KINDS[level]: level for level in LEVELS}


def poll(condition, *, timeout: float, interval: float = 0.25, what: str):
    """Wait until `condition()` is truthy and return its value; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# --- calls ----------------------------------------------------------------------------------


class CallTaker(threading.Thread):
    """Takes `count` calls at up to `rate` a second, each graded as it is saved.

    Every call was received `backdate` seconds before it is saved, so its warning and
    breach fall due `target * 0.75 - backdate` and `target - backdate` seconds after;
    the deadlines are therefore spread over the whole time the calls take to arrive.
    """

    def __init__(self, *, actor, count: int, rate: float, backdate: float, grade: str):
        super().__init__(name="call-taker", daemon=True)
        self.actor = actor
        self.count = count
        self.rate = rate
        self.backdate = timedelta(seconds=backdate)
        self.grade = grade
        self.made: list[int] = []
        self.error: BaseException | None = None
        self.finished_at: float | None = None
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=60)

    def run(self) -> None:
        started = time.monotonic()
        try:
            # Test data need not survive a crash of PostgreSQL: do not wait for the WAL
            # flush on this connection only (the stack's own commits stay synchronous).
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            for n in range(self.count):
                if self.stopping.is_set():
                    return
                # Pacing, not waiting for a condition: calls arrive at a steady rate.
                ahead = started + n / self.rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
                incident = incident_factory(
                    actor=self.actor,
                    grade=self.grade,
                    area="urban" if n % 2 else "rural",
                    received_at=timezone.now() - self.backdate,
                    caller_phone=f"07700 9{n:05d}",
                )
                self.made.append(incident.pk)
        except BaseException as error:  # reported by the test, which fails on it
            self.error = error
        finally:
            self.finished_at = time.monotonic()
            connection.close()


# --- screens --------------------------------------------------------------------------------


@dataclass
class Screen:
    user: object
    client: ScreenClient
    role: str


class ScreenPool:
    """ScreenClients on an event loop of their own, so the test thread can block freely."""

    def __init__(self, base_url: str, users: list[tuple[str, object, str]], heartbeat: float = 1.0):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="screens", daemon=True)
        self.screens = [
            Screen(user=user, client=ScreenClient(base_url, token, heartbeat=heartbeat), role=role)
            for role, user, token in users
        ]

    def _call(self, coroutine, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> None:
        self.thread.start()

        async def start_all():
            for screen in self.screens:
                screen.client.start()

        self._call(start_all())

    def stop(self) -> None:
        async def stop_all():
            for screen in self.screens:
                await screen.client.stop()

        with contextlib.suppress(Exception):
            self._call(stop_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    def reconnects(self) -> list[int]:
        return [screen.client.reconnects for screen in self.screens]


def visible_ids(user, upto: int) -> list[int]:
    return list(
        Event.objects.filter(id__lte=upto, audience__overlap=audience_for_user(user))
        .order_by("id")
        .values_list("id", flat=True)
    )


def check_screens(pool: ScreenPool, *, phase: str, timeout: float = 90) -> dict:
    """Every screen holds exactly the events its user may see up to now: no gap, no duplicate."""
    upto = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    expected = {id(screen): visible_ids(screen.user, upto) for screen in pool.screens}

    def caught_up():
        return all(
            not expected[id(s)] or s.client.last_id >= expected[id(s)][-1] for s in pool.screens
        )

    started = time.monotonic()
    try:
        poll(caught_up, timeout=timeout, interval=0.2, what=f"screens to reach event {upto}")
    except AssertionError:
        behind = [
            f"{s.role} at {s.client.last_id} (needs {expected[id(s)][-1]})"
            for s in pool.screens
            if expected[id(s)] and s.client.last_id < expected[id(s)][-1]
        ]
        raise AssertionError(f"[{phase}] screens never caught up: {', '.join(behind)}") from None
    waited = time.monotonic() - started
    for screen in pool.screens:
        got = [event_id for event_id in screen.client.ids if event_id <= upto]
        want = expected[id(screen)]
        missing = sorted(set(want) - set(got))
        foreign = sorted(set(got) - set(want))
        assert not missing, f"[{phase}] {screen.role} screen missed events {missing[:20]}"
        assert not foreign, f"[{phase}] {screen.role} screen got events not for it {foreign[:20]}"
        assert got == want, f"[{phase}] {screen.role} screen got events out of order"
        assert screen.client.duplicates == [], (
            f"[{phase}] {screen.role} screen got duplicates {screen.client.duplicates[:20]}"
        )
    return {"upto": upto, "events_per_screen": [len(v) for v in expected.values()], "wait": waited}


# --- alerts ---------------------------------------------------------------------------------


def due_alerts(at: datetime) -> dict[tuple[int, str], datetime]:
    """Every (incident, level) whose moment has come by `at`, with that moment.

    Strict on purpose: a warning is expected even when its breach is also due, so a
    sweep that fell behind far enough to skip a warning fails the check.
    """
    due: dict[tuple[int, str], datetime] = {}
    rows = Incident.objects.filter(grade__isnull=False, status=Incident.Status.OPEN).values(
        "id", "grade", "warning_at", "response_due_at", "unresourced_since", "resourced"
    )
    for row in rows:
        if row["warning_at"] and row["warning_at"] <= at:
            due[(row["id"], Escalation.Level.CLOCK_WARNING)] = row["warning_at"]
        if row["response_due_at"] and row["response_due_at"] <= at:
            due[(row["id"], Escalation.Level.CLOCK_BREACHED)] = row["response_due_at"]
        allowance = unresourced_allowance(row["grade"])
        if not row["resourced"] and row["unresourced_since"] and allowance:
            moment = row["unresourced_since"] + allowance
            if moment <= at:
                due[(row["id"], Escalation.Level.UNRESOURCED)] = moment
    return due


def recorded_alerts() -> dict[tuple[int, str], int]:
    return Counter(Escalation.objects.filter(level__in=LEVELS).values_list("incident_id", "level"))


def check_alerts(*, phase: str, since: datetime, min_after: int = 20, timeout: float = 120) -> dict:
    """Every alert due by now is recorded, once, with one event; nothing raised early.

    `since` is when the phase's fault began: the check waits until at least `min_after`
    alerts have fallen due after it, so that the phase proves something.
    """

    def enough_after():
        due = due_alerts(timezone.now())
        return due if sum(moment >= since for moment in due.values()) >= min_after else None

    due = poll(enough_after, timeout=timeout, interval=0.5, what="alerts to fall due")

    def all_recorded():
        recorded = recorded_alerts()
        return recorded if all(key in recorded for key in due) else None

    try:
        recorded = poll(all_recorded, timeout=timeout, interval=0.5, what="due alerts")
    except AssertionError:
        recorded = recorded_alerts()
        missing = sorted((due[key], key) for key in due if key not in recorded)
        overtaken = [
            key
            for _, key in missing
            if key[1] == Escalation.Level.CLOCK_WARNING
            and (key[0], Escalation.Level.CLOCK_BREACHED) in recorded
        ]
        raise AssertionError(
            f"[{phase}] {len(missing)} of {len(due)} due alerts never recorded "
            f"(first: {missing[:5]}; warnings whose breach was raised instead: "
            f"{len(overtaken)})"
        ) from None

    # Rows and events are compared as of one moment: sweeps go on committing both while
    # the check reads, and two reads in autocommit would see two different moments.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        recorded = recorded_alerts()
        events = Counter(
            (incident_id, CLOCK_KINDS[kind])
            for incident_id, kind in Event.objects.filter(kind__in=CLOCK_KINDS).values_list(
                "incident_id", "kind"
            )
        )
    doubled = {key: n for key, n in recorded.items() if n != 1}
    assert not doubled, f"[{phase}] alerts recorded more than once: {list(doubled.items())[:20]}"

    doubled_events = {key: n for key, n in events.items() if n != 1}
    assert not doubled_events, (
        f"[{phase}] alert events published more than once: {list(doubled_events.items())[:20]}"
    )
    assert set(events) == set(recorded), f"[{phase}] alert rows and alert events differ"

    early = Escalation.objects.filter(level__in=LEVELS, raised_at__lt=F("due_at")).count()
    assert early == 0, f"[{phase}] {early} alerts raised before they were due"

    after_fault = [key for key, moment in due.items() if moment >= since]

    lateness = [
        (raised - due_at).total_seconds()
        for raised, due_at in Escalation.objects.filter(level__in=LEVELS).values_list(
            "raised_at", "due_at"
        )
    ]
    return {
        "due": len(due),
        "due_after_fault": len(after_fault),
        "recorded": sum(recorded.values()),
        "late_p50": percentile(lateness, 0.5),
        "late_p95": percentile(lateness, 0.95),
        "late_max": max(lateness, default=float("nan")),
    }


# --- the worker, caught mid-sweep -----------------------------------------------------------


def process_db_ports(process) -> set[int]:
    """Local ports of the database connections held by a process and its children."""
    db_port = int(connection.settings_dict.get("PORT") or 5432)
    found: set[int] = set()
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(process.pid)
        for proc in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                for conn in proc.net_connections(kind="tcp"):
                    if conn.raddr and conn.raddr.port == db_port:
                        found.add(conn.laddr.port)
    return found


@dataclass
class Holder:
    backend_pid: int
    client_port: int
    seconds_in_transaction: float


@dataclass
class WorkerWatch:
    """Finds the moment a worker process has written events it has not committed: a sweep
    mid-transaction."""

    process: object
    misses: int = 0

    def holder(self) -> Holder | None:
        ports = process_db_ports(self.process)
        if not ports:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.pid, a.client_port, "
                "extract(epoch from clock_timestamp() - a.xact_start) "
                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'RowExclusiveLock' "
                "AND l.relation = 'cad_event'::regclass AND a.client_port = ANY(%s)",
                [list(ports)],
            )
            row = cursor.fetchone()
        return Holder(row[0], row[1], float(row[2] or 0)) if row else None

    def wait_mid_sweep(self, timeout: float) -> Holder | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.holder()
            if found:
                return found
            self.misses += 1
            time.sleep(0.01)
        return None


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] > 0
