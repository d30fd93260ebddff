"""No single process whose loss stops the clocks: the deployed topology, broken while
deadlines fall due.

Two web processes, two Celery workers and two beats (one holding the celery-redbeat lock)
on PostgreSQL and a Redis of their own. While graded calls come in and their warnings,
breaches and unresourced alerts fall due, in turn:
  (1) the active beat is killed with SIGKILL and stays down: the standby takes the lock
      (the time is measured), and the deadlines that fall due while no beat sends are
      raised once, after it;
  (2) one web process is killed with SIGKILL (started again, as deployed): its screens
      reconnect and replay;
  (3) one worker is killed with SIGKILL (started again);
  (4) Redis is restarted: broker, beat lock and schedule, channel layer all go.
After each, every alert due so far is recorded exactly once (one row, one event); at the
end every screen on either web process holds every event its user may see, with no gap
and no duplicate.

The suite runs it with CAD_HA_FAULT_CALLS calls (default 60); bench/ha_faults.py runs it
with 1,000 and prints the figures (bench/RESULTS.md).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from cad.calls.services import response_target_set
from cad.kernel.tokens import issue_token
from cad.models import Event
from dispatch.models import Escalation
from tests.factories import role_user
from tests.faults.ha_stack import HAStack
from tests.faults.timeline import (
    CLOCK_KINDS,
    LEVELS,
    CallTaker,
    ScreenPool,
    check_alerts,
    check_screens,
    due_alerts,
    percentile,
    poll,
)

CALLS = int(os.environ.get("CAD_HA_FAULT_CALLS", "60"))
RATE = float(os.environ.get("CAD_HA_FAULT_RATE", "2" if CALLS < 200 else "10"))
TARGET = 40  # IMMEDIATE target, seconds: warning at 30 s, breach at 40 s
BACKDATE = 20  # saved 20 s after received: warning 10 s, breach 20 s after it is saved
UNRESOURCED = 25  # and the unresourced alert 25 s after it is saved (graded)
HEARTBEAT = 2.0
SCREENS = (("dispatcher", 1), ("supervisor", 1))
REPORT = os.environ.get("CAD_HA_FAULT_REPORT")  # bench/ha_faults.py reads the figures here
# With the other tests that run the system as processes, one at a time (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("system")


@pytest.fixture
def ha_stack(transactional_db):
    from django.conf import settings
    from django.db import connection

    running = HAStack(
        settings_dict=connection.settings_dict,
        channel_prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
        extra_env={
            "CAD_UNRESOURCED_IMMEDIATE_SECONDS": str(UNRESOURCED),
            # This test reads each web process's /metrics from the loopback address.
            "CAD_METRICS_NETWORKS": "127.0.0.0/8",
        },
    ).start()
    yield running
    running.stop()


def measure_takeover(stack: HAStack, killed_at: float, old_token: bytes | None) -> dict:
    """Seconds from the kill until another beat holds the lock, and until a clock sweep
    that it sent has ended."""
    taken = poll(
        lambda: (token := stack.lock_token()) is not None and token != old_token,
        timeout=30,
        interval=0.05,
        what="a standby beat to take the lock",
    )
    assert taken
    took_over_at = time.time()
    poll(
        lambda: (ended := stack.clock_sweep_ended_at()) is not None and ended > took_over_at,
        timeout=30,
        interval=0.05,
        what="a clock sweep sent by the new holder",
    )
    return {
        "lock_taken_s": round(took_over_at - killed_at, 2),
        "sweeping_again_s": round(time.time() - killed_at, 2),
        "took_over_at": took_over_at,
    }


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def metric(text: bytes, name: str, **labels) -> float:
    """The sum of a metric's samples that carry `labels`."""
    total = 0.0
    for family in text_string_to_metric_families(text.decode()):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                total += sample.value
    return total


def check_phase(phase: str, since: datetime, pools, caller, stack, *, min_after: int) -> dict:
    assert caller.error is None, f"[{phase}] taking calls failed: {caller.error!r}"
    try:
        figures = check_alerts(phase=phase, since=since, min_after=min_after)
        for index, pool in enumerate(pools):
            figures[f"screens_web{index + 1}"] = check_screens(pool, phase=phase)
    except AssertionError as failure:
        tails = {name: stack.log_text(name)[-2000:] for name in stack.logs}
        raise AssertionError(f"{failure}\n" + json.dumps(tails, indent=1)) from None
    return figures


def test_clocks_and_screens_survive_the_loss_of_any_one_process(ha_stack, make_user, settings):
    stack = ha_stack
    # Calls are taken in this process; their pokes reach no screen of the stack, which
    # read them on their heartbeat. Alerts are raised and pushed by the stack.
    settings.CHANNEL_LAYERS = {}
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {
        **settings.CAD_UNRESOURCED_ALERT_SECONDS,
        "IMMEDIATE": UNRESOURCED,
    }
    response_target_set(grade="IMMEDIATE", seconds=TARGET)
    pools = []
    for web in HAStack.WEBS:
        people = [
            (role, user, issue_token(user)[1])
            for role, count in SCREENS
            for user in [make_user(role) for _ in range(count)]
        ]
        pools.append(ScreenPool(stack.base_url_of(web), people, heartbeat=HEARTBEAT))
    caller = CallTaker(
        actor=role_user("call_handler"),
        count=CALLS,
        rate=RATE,
        backdate=BACKDATE,
        grade="IMMEDIATE",
    )
    per_phase = max(3, CALLS // 20)
    report: dict = {"calls": CALLS, "rate": RATE}
    began = time.monotonic()
    for pool in pools:
        pool.start()
    caller.start()
    try:
        active = poll(stack.active_beat, timeout=60, what="one beat to hold the lock")
        for web in HAStack.WEBS:
            assert get(f"{stack.base_url_of(web)}/healthz")[0] == 200
            poll(
                lambda web=web: get(f"{stack.base_url_of(web)}/readyz")[0] == 200,
                timeout=30,
                what=f"{web} to be ready",
            )
        poll(
            lambda: Escalation.objects.filter(level__in=LEVELS).count() >= per_phase,
            timeout=120,
            what="the first alerts",
        )

        # (1) the active beat, kill -9; it stays down until the standby has taken over.
        old_token = stack.lock_token()
        fault = timezone.now()
        killed_at = time.time()
        stack.kill(active)
        takeover = measure_takeover(stack, killed_at, old_token)
        standby = stack.active_beat()
        assert standby is not None and standby != active, "the standby did not take the lock"
        stack.start_beat(active)  # the orchestrator starts it again: the new standby
        report["1_beat_killed"] = check_phase(
            "active beat killed", fault, pools, caller, stack, min_after=per_phase
        )
        took_over = datetime.fromtimestamp(takeover.pop("took_over_at"), tz=UTC)
        during = Escalation.objects.filter(
            level__in=LEVELS, due_at__gte=fault, due_at__lt=took_over
        )
        takeover["due_while_no_beat"] = during.count()
        takeover["their_lateness_max_s"] = max(
            (
                (raised - due).total_seconds()
                for raised, due in during.values_list("raised_at", "due_at")
            ),
            default=None,
        )
        report["1_beat_killed"]["takeover"] = takeover
        assert takeover["lock_taken_s"] < 10, f"takeover took {takeover['lock_taken_s']} s"
        assert takeover["due_while_no_beat"] > 0, "no deadline fell due during the takeover"

        # (2) one web process, kill -9: its screens reconnect to it when it is back.
        before = pools[1].reconnects()
        fault = timezone.now()
        stack.crash("web2")
        report["2_web_killed"] = check_phase(
            "web killed", fault, pools, caller, stack, min_after=per_phase
        )
        assert all(b > a for a, b in zip(before, pools[1].reconnects())), "web2's screens"

        # (3) one worker, kill -9.
        fault = timezone.now()
        stack.crash("worker")
        report["3_worker_killed"] = check_phase(
            "worker killed", fault, pools, caller, stack, min_after=per_phase
        )

        # (4) Redis restarted: the beats lose their lock and schedule and start again.
        fault = timezone.now()
        restarted_at = time.time()
        stack.restart_redis()
        poll(stack.lock_token, timeout=60, interval=0.05, what="a beat to take the new lock")
        report["4_redis_restarted"] = check_phase(
            "redis restarted", fault, pools, caller, stack, min_after=1
        )
        report["4_redis_restarted"]["lock_taken_s"] = round(time.time() - restarted_at, 2)

        # To the last deadline: every alert of every call, once; every screen, gap-free.
        caller.join(timeout=900)
        assert not caller.is_alive() and caller.error is None, caller.error
        poll(
            lambda: len(due_alerts(timezone.now())) == CALLS * len(LEVELS),
            timeout=180,
            what="every call's last deadline",
        )
        report["end"] = check_phase("end", fault, pools, caller, stack, min_after=1)
        assert len(caller.made) == CALLS
        assert Escalation.objects.filter(level__in=LEVELS).count() == CALLS * len(LEVELS)
        assert Event.objects.filter(kind__in=CLOCK_KINDS).count() == CALLS * len(LEVELS)
        for name in (*HAStack.WEBS, *HAStack.WORKERS, *HAStack.BEATS, "redis"):
            assert stack.processes[name].poll() is None, f"{name} is down"
        assert sum(stack.active_beat() == beat for beat in HAStack.BEATS) == 1
        # Each web process counts the screens it serves and the alert frames it sent; the
        # domain's figures are the database's, the same from either.
        for web in HAStack.WEBS:
            status, text = get(f"{stack.base_url_of(web)}/metrics")
            assert status == 200
            assert metric(text, "cad_screens_connected") == len(pools[0].screens)
            assert metric(text, "cad_deadline_to_frame_seconds_count") > 0
            assert metric(text, "cad_open_incidents", grade="IMMEDIATE") == CALLS
            assert metric(text, "cad_clock_sweep_duration_seconds_count") > 0
            report[f"metrics_{web}"] = {
                name: round(metric(text, name), 3)
                for name in (
                    "cad_deadline_to_frame_seconds_count",
                    "cad_deadline_to_frame_seconds_sum",
                    "cad_clock_sweep_duration_seconds_count",
                    "cad_clock_sweep_duration_seconds_sum",
                )
            }
        lateness = [
            (raised - due).total_seconds()
            for raised, due in Escalation.objects.filter(level__in=LEVELS).values_list(
                "raised_at", "due_at"
            )
        ]
        report["alerts"] = {
            "n": len(lateness),
            "late_p50_s": percentile(lateness, 0.5),
            "late_p95_s": percentile(lateness, 0.95),
            "late_max_s": max(lateness),
        }
        report["started_again_after_exiting"] = dict(stack.restarts)
        report["wall_s"] = round(time.monotonic() - began, 1)
    finally:
        caller.stop()
        for pool in pools:
            pool.stop()
        text = json.dumps(report, indent=1, default=str)
        print(text)
        if REPORT:
            with open(REPORT, "w") as out:
                out.write(text)
