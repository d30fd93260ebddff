"""GET /metrics: Prometheus text, for the `metrics` role or a configured network.

Web, worker and beat are separate processes, so the figures come from where they are true
for all of them at once:
- the domain's gauges are computed at scrape time from the database (open incidents by
  grade and clock state, escalations due but not yet raised, divert reviews and
  replacements waiting): the same answer whichever web process is scraped;
- the clock sweep's duration histogram and age come from the record each sweep writes to
  Redis (cad.kernel.heartbeats), whichever worker ran it;
- the deadline-to-frame latency and the screens connected are measured by the web process
  that sends the frames (cad.kernel.live_metrics): Prometheus scrapes each web pod. Where
  one container runs several web processes, set PROMETHEUS_MULTIPROC_DIR (an empty folder
  per container) and prometheus-client's multiprocess mode adds them up.
"""

from __future__ import annotations

import ipaddress
import logging
import os

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from knox.auth import TokenAuthentication
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from rest_framework.exceptions import AuthenticationFailed

from cad.kernel import heartbeats, policy
from cad.kernel.roles import record_refusal
from cad.models import Incident
from dispatch.models import Assignment, Divert

log = logging.getLogger(__name__)


class DomainCollector:
    """The control room's figures, read when Prometheus asks."""

    def collect(self):
        now = timezone.now()
        open_incidents = GaugeMetricFamily(
            "cad_open_incidents",
            "Open incidents by grade and response-clock state",
            labels=["grade", "clock_state"],
        )
        rows = (
            Incident.objects.filter(status=Incident.Status.OPEN)
            .values("grade", "clock_state")
            .annotate(n=Count("id"))
            .order_by("grade", "clock_state")
        )
        for row in rows:
            open_incidents.add_metric([row["grade"] or "", row["clock_state"] or ""], row["n"])
        yield open_incidents

        due = GaugeMetricFamily(
            "cad_escalations_due_not_raised",
            "Deadlines that have passed and whose escalation the sweeps have not yet raised",
            labels=["sweep"],
        )
        due.add_metric(["clock"], Incident.objects.filter(next_alert_at__lte=now).count())
        due.add_metric(["assignment_ack"], Assignment.objects.filter(ack_due_at__lte=now).count())
        due.add_metric(["divert"], Divert.objects.filter(next_alert_at__lte=now).count())
        yield due

        waiting = Divert.objects.filter(
            status__in=(Divert.Status.AWAITING_REVIEW, Divert.Status.AWAITING_REPLACEMENT)
        )
        counts = dict(waiting.values_list("status").annotate(n=Count("id")).order_by())
        yield GaugeMetricFamily(
            "cad_divert_reviews_waiting",
            "Diverts awaiting the controller's review",
            value=counts.get(Divert.Status.AWAITING_REVIEW, 0),
        )
        yield GaugeMetricFamily(
            "cad_divert_replacements_waiting",
            "Diverts approved and awaiting a replacement unit",
            value=counts.get(Divert.Status.AWAITING_REPLACEMENT, 0),
        )
        yield from sweep_metrics()


def sweep_metrics():
    try:
        record = heartbeats.sweep_record("clock")
    except Exception:  # Redis away: readiness says so; the other figures still serve
        log.warning("could not read the clock sweep's record for /metrics")
        return
    if record is None:
        return
    cumulative, buckets = 0, []
    for bound, count in record["buckets"].items():
        cumulative += count
        buckets.append((bound, cumulative))
    yield HistogramMetricFamily(
        "cad_clock_sweep_duration_seconds",
        "How long each clock sweep took",
        buckets=buckets,
        sum_value=record["sum"],
    )
    yield GaugeMetricFamily(
        "cad_clock_sweep_age_seconds",
        "Seconds since the clock sweep last ended",
        value=max(0.0, timezone.now().timestamp() - record["ended_at"]),
    )


def exposition() -> bytes:
    """This process's metrics (or every web process's, in multiprocess mode), then the
    domain's: two registries' text, one after the other, is one valid exposition."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    domain = CollectorRegistry(auto_describe=False)
    domain.register(DomainCollector())
    return generate_latest(processes) + generate_latest(domain)


def from_metrics_network(request) -> bool:
    """The peer address (never a forwarded header, which a client could write) is in one of
    CAD_METRICS_NETWORKS."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.CAD_METRICS_NETWORKS)


def token_user(request):
    """The user of an `Authorization: Token ...` header, or None."""
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0] if found else None


def serve(request):
    if not from_metrics_network(request):
        user = token_user(request)
        if user is None:
            response = HttpResponse("a metrics token is required\n", status=401)
            response["WWW-Authenticate"] = "Token"
            return response
        if not policy.allows(user, "metrics.read"):
            record_refusal(
                user=user,
                path=request.path,
                method=request.method,
                required=policy.roles("metrics.read"),
            )
            return HttpResponse("the metrics role is required\n", status=403)
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
