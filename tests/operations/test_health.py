"""GET /healthz and /readyz (API.md "Operations"), and the sweep's record they read."""

import time

import pytest
from django.test import Client

from cad import health
from cad.kernel import heartbeats
from dispatch import services
from tests.stack import free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_serves():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_probes_answer_a_pod_address_that_is_not_an_allowed_host():
    """Kubernetes probes address the pod by its IP: no ALLOWED_HOSTS entry for it."""
    client = Client(HTTP_HOST="10.42.0.7:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 400  # the rest of the site still checks it


def test_probes_accept_only_get():
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405


def test_the_clock_sweep_records_its_run():
    before = time.time()
    services.clock_sweep()
    record = heartbeats.sweep_record("clock")
    assert record["ended_at"] >= before
    assert record["count"] == 1
    assert heartbeats.sweep_age("clock") < 5


def test_readyz_is_ready_with_every_check_after_a_sweep():
    services.clock_sweep()
    response = Client().get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database", "redis", "channel_layer", "clock_sweep_age_s"}
    assert checks["database"] == checks["redis"] == checks["channel_layer"] == "ok"
    assert 0 <= checks["clock_sweep_age_s"] < 10


def test_readyz_fails_when_the_sweep_never_ran():
    response = Client().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["clock_sweep_age_s"].startswith("error:")
    assert "has not run" in checks["clock_sweep_age_s"]


def test_readyz_fails_when_the_sweep_is_older_than_ten_seconds():
    heartbeats.record_sweep("clock", 0.01, ended_at=time.time() - 11)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "last ran 11" in response.json()["checks"]["clock_sweep_age_s"]
    heartbeats.record_sweep("clock", 0.01, ended_at=time.time() - 8)
    assert Client().get("/readyz").status_code == 200


def test_a_sweep_that_raises_records_nothing(monkeypatch):
    calls = []

    @heartbeats.sweep("clock")
    def failing():
        calls.append(1)
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        failing()
    assert calls == [1]
    assert heartbeats.sweep_record("clock") is None


def test_readyz_fails_on_redis_and_the_channel_layer_when_redis_is_away(settings):
    services.clock_sweep()
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    settings.CAD_REDIS_CLIENT = {"url": nowhere}
    layers = dict(settings.CHANNEL_LAYERS)
    layers["default"] = {
        **layers["default"],
        "CONFIG": {"hosts": [{"address": nowhere, "socket_connect_timeout": 1}]},
    }
    settings.CHANNEL_LAYERS = layers
    response = Client().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("error: ConnectionError")
    assert checks["channel_layer"].startswith("error:")
    assert checks["clock_sweep_age_s"].startswith("error:")


def test_run_checks_names_each_failure_alone():
    results, ready = health.run_checks(names=("database",))
    assert (results, ready) == ({"database": "ok"}, True)
