"""`manage.py probe`: the worker's and beat's readiness, for exec probes and healthchecks."""

import json
import time

import pytest
from django.core.management import CommandError, call_command

from cad.kernel import heartbeats

pytestmark = pytest.mark.django_db


def probe(capsys, *args):
    code = 0
    try:
        call_command("probe", *args)
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(capsys.readouterr().out)


def test_ready_after_a_recent_sweep(capsys):
    heartbeats.record_sweep("clock", 0.01)
    code, body = probe(capsys)
    assert code == 0
    assert set(body["checks"]) == {"database", "redis", "clock_sweep_age_s"}


def test_not_ready_when_the_sweep_is_stale_and_ready_on_redis_alone(capsys):
    heartbeats.record_sweep("clock", 0.01, ended_at=time.time() - 60)
    code, body = probe(capsys)
    assert code == 1
    assert body["checks"]["clock_sweep_age_s"].startswith("error:")
    code, body = probe(capsys, "--checks", "redis")
    assert (code, body) == (0, {"checks": {"redis": "ok"}})


def test_an_unknown_check_is_refused():
    with pytest.raises(CommandError, match="unknown checks"):
        call_command("probe", "--checks", "redis,nonsense")
