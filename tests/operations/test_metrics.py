"""GET /metrics: Prometheus text for the `metrics` role or a configured network, with the
control room's own figures."""

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from cad.kernel import heartbeats, live_metrics
from cad.kernel.tokens import issue_token
from cad.models import AccessRefusal, Incident
from dispatch import services
from dispatch.models import Divert
from tests.dispatch.conftest import T0

pytestmark = pytest.mark.django_db


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")


def samples(response) -> dict:
    """{(name, frozenset(labels)): value}"""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels) -> float | None:
    return found.get((name, frozenset(labels.items())))


def test_anonymous_is_refused_with_401():
    response = Client().get("/metrics")
    assert response.status_code == 401
    assert b"cad_" not in response.content


def test_a_role_other_than_metrics_is_refused_and_the_refusal_logged(make_user):
    dispatcher = make_user("dispatcher")
    response = token_client(dispatcher).get("/metrics")
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(user=dispatcher, path="/metrics").exists()


def test_a_bad_token_is_refused():
    response = Client(HTTP_AUTHORIZATION="Token not-a-token").get("/metrics")
    assert response.status_code == 401


def test_the_metrics_role_reads_prometheus_text(make_user):
    response = token_client(make_user("metrics")).get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    found = samples(response)
    assert value(found, "cad_divert_reviews_waiting") == 0
    assert value(found, "cad_escalations_due_not_raised", sweep="clock") == 0


def test_the_metrics_role_reaches_nothing_else(make_user):
    client = token_client(make_user("metrics"))
    assert client.get("/api/v1/incidents/").status_code == 403


def test_a_configured_network_scrapes_without_a_token(settings):
    settings.CAD_METRICS_NETWORKS = [ipaddress.ip_network("10.42.0.0/16")]
    assert Client(REMOTE_ADDR="10.42.3.4").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.43.3.4").get("/metrics").status_code == 401
    # A forwarded header is the client's to write: never trusted for this.
    forged = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.42.3.4")
    assert forged.get("/metrics").status_code == 401


def test_open_incidents_by_grade_and_clock_state_and_escalations_due(
    make_user, make_incident, settings
):
    settings.CAD_METRICS_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    make_incident("IMMEDIATE")
    make_incident("IMMEDIATE")
    make_incident("PRIORITY")
    # Received long ago: every deadline has passed, none raised yet.
    found = samples(Client(REMOTE_ADDR="127.0.0.1").get("/metrics"))
    assert value(found, "cad_open_incidents", grade="IMMEDIATE", clock_state="running") == 2
    assert value(found, "cad_open_incidents", grade="PRIORITY", clock_state="running") == 1
    assert value(found, "cad_escalations_due_not_raised", sweep="clock") == 3

    services.clock_sweep(now=timezone.now())
    found = samples(Client(REMOTE_ADDR="127.0.0.1").get("/metrics"))
    assert value(found, "cad_escalations_due_not_raised", sweep="clock") == 0
    assert value(found, "cad_open_incidents", grade="IMMEDIATE", clock_state="breached") == 2
    # The sweep's duration, kept in Redis by whichever worker ran it.
    assert value(found, "cad_clock_sweep_duration_seconds_count") >= 1
    assert value(found, "cad_clock_sweep_age_seconds") < 10
    assert Incident.objects.filter(status="open").count() == 3


def test_divert_reviews_and_replacements_waiting(make_incident, make_unit, make_user, settings):
    settings.CAD_METRICS_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    dispatcher, controller = make_user("dispatcher"), make_user("controller")
    call_a = make_incident("PRIORITY")
    call_b = make_incident("IMMEDIATE", received_at=T0 + timedelta(minutes=5))
    unit = make_unit("ALPHA1")
    services.unit_assign(actor=dispatcher, incident=call_a, unit=unit, now=T0)
    divert = services.unit_divert(
        actor=dispatcher, unit=unit, to_incident=call_b, reason="Immediate", now=T0 + 360 * SEC
    )
    found = samples(Client(REMOTE_ADDR="127.0.0.1").get("/metrics"))
    assert value(found, "cad_divert_reviews_waiting") == 1
    assert value(found, "cad_divert_replacements_waiting") == 0
    services.divert_review(
        actor=controller,
        divert=divert,
        decision="approve",
        rationale="B is the greater risk.",
        now=T0 + 400 * SEC,
    )
    assert Divert.objects.get(pk=divert.pk).status == Divert.Status.AWAITING_REPLACEMENT
    found = samples(Client(REMOTE_ADDR="127.0.0.1").get("/metrics"))
    assert value(found, "cad_divert_reviews_waiting") == 0
    assert value(found, "cad_divert_replacements_waiting") == 1


SEC = timedelta(seconds=1)


def test_deadline_to_frame_latency_is_observed_for_escalations_only():
    def count(kind):
        return live_metrics.DEADLINE_TO_FRAME.labels(kind=kind)._sum.get()

    due = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    before = count("incident.clock.breached")
    live_metrics.observe_frame(
        {"kind": "incident.clock.breached", "data": {"due_at": due.isoformat()}},
        due + timedelta(seconds=1.5),
    )
    assert count("incident.clock.breached") == pytest.approx(before + 1.5)
    before_other = count("incident.updated")
    live_metrics.observe_frame(
        {"kind": "incident.updated", "data": {"due_at": due.isoformat()}}, due + SEC
    )
    live_metrics.observe_frame({"kind": "incident.clock.breached", "data": {}}, due + SEC)
    assert count("incident.updated") == before_other
    assert count("incident.clock.breached") == pytest.approx(before + 1.5)


def test_the_sweep_duration_histogram_counts_by_bucket():
    heartbeats.redis_client().delete(heartbeats.key("metrics-test"))
    heartbeats.record_sweep("metrics-test", 0.003)
    heartbeats.record_sweep("metrics-test", 0.3)
    record = heartbeats.sweep_record("metrics-test")
    assert record["count"] == 2
    assert record["buckets"]["0.005"] == 1
    assert record["buckets"]["0.5"] == 1
    assert record["sum"] == pytest.approx(0.303)
    heartbeats.redis_client().delete(heartbeats.key("metrics-test"))
