"""The dispatch fixtures (incidents graded through the services, units) for these tests,
and Redis keys of each test's own: tests running beside them (pytest-xdist) sweep clocks
too, and must not write the sweep record that a test here reads."""

import uuid

import pytest

from cad.kernel import heartbeats
from tests.dispatch.conftest import make_incident, make_unit  # noqa: F401


@pytest.fixture(autouse=True)
def own_redis_keys(settings):
    prefix = settings.CAD_OPS_KEY_PREFIX = f"test-ops:{uuid.uuid4().hex}"
    client = heartbeats.redis_client()  # the real one, whatever a test points settings at
    yield
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
