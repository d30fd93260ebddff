"""Liveness and readiness: the web's /healthz and /readyz, and the same checks for the worker
and beat (`manage.py probe`, run by Kubernetes exec probes and compose healthchecks).

Liveness says only that the process answers: a restart cures nothing that a database or
Redis outage causes, so those belong to readiness. Readiness checks, each with a short
timeout: the database, Redis, the channel layer (a publish), and the age of the clock
sweep's last run (the clocks are only as live as the sweep).
"""

from __future__ import annotations

import asyncio
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

from cad import metrics
from cad.kernel import heartbeats

CHECK_TIMEOUT_S = 2.0
OK = "ok"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def check_redis() -> str:
    heartbeats.redis_client().ping()
    return OK


def check_channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def publish() -> None:
        # A group nobody joins: a PUBLISH that reaches Redis and no screen.
        await asyncio.wait_for(
            layer.group_send("ops.readiness", {"type": "ops.readiness"}), CHECK_TIMEOUT_S
        )

    async_to_sync(publish)()
    return OK


def clock_sweep_age(now: float | None = None) -> float:
    """Seconds since the clock sweep last ended; raises when it is too old or never ran."""
    age = heartbeats.sweep_age("clock", now=now)
    if age is None:
        raise RuntimeError("the clock sweep has not run")
    if age > settings.CAD_READY_SWEEP_MAX_AGE_S:
        raise StaleSweep(age)
    return round(age, 3)


class StaleSweep(RuntimeError):
    def __init__(self, age: float):
        super().__init__(f"the clock sweep last ran {age:.1f} s ago")
        self.age = age


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "channel_layer": check_channel_layer,
    "clock_sweep_age_s": clock_sweep_age,
}


def run_checks(names=tuple(CHECKS)):
    """({check: value or "error: ..."}, all passed)."""
    results, ready = {}, True
    for name in names:
        try:
            results[name] = CHECKS[name]()
        except Exception as error:  # each check's failure is the answer, not a 500
            ready = False
            results[name] = f"error: {type(error).__name__}: {error}"[:300]
    return results, ready


def healthz(request):
    """Liveness: the process serves requests."""
    return JsonResponse({"status": OK, "time": time.time()})


def readyz(request):
    """Readiness: 200 with every check, or 503 saying which failed."""
    results, ready = run_checks()
    return JsonResponse({"checks": results}, status=200 if ready else 503)


class OperationsMiddleware:
    """Answers /healthz, /readyz and /metrics before anything else runs.

    Probes and scrapers address a pod by its IP, with no session or CSRF token, over plain
    HTTP inside the cluster: answered first, they need no ALLOWED_HOSTS entry, no HTTPS
    redirect and no session read. /metrics still requires the `metrics` role or a
    configured network (cad.metrics)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.routes = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics.serve}

    def __call__(self, request):
        view = self.routes.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = view(request)
        add_never_cache_headers(response)
        return response
