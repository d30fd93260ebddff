"""The deployed web server neither piles up database connections nor opens one per request.

A persistent connection (CONN_MAX_AGE > 0) stays with the thread that opened it. Requests
run on a fixed pool of threads (cad.asgi), so the connections are bounded by the threads;
a thread per request would pile them up until PostgreSQL refused clients. This runs
uvicorn with the production settings module, not the test one.
"""

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from cad.kernel.tokens import issue_token
from tests.faults.timeline import process_db_ports
from tests.stack import Stack

REQUESTS = 120
AT_ONCE = 6
BOUND = 12  # a handful of threads may hold one each at a moment; 120 would be the leak


@pytest.fixture
def deployed_web(transactional_db):
    web = Stack(
        settings_dict=connection.settings_dict,
        channel_prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    )
    web.env["DJANGO_SETTINGS_MODULE"] = "cad.settings"
    web.start_redis()
    web.start_web()
    yield web
    web.stop()


def web_backends(web) -> set[int]:
    """The PostgreSQL backends serving the web process's connections right now."""
    ports = process_db_ports(web.processes["web"])
    if not ports:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE client_port = ANY(%s)", [list(ports)]
        )
        return {row[0] for row in cursor.fetchall()}


def test_requests_leave_no_database_connections_behind(deployed_web, make_user):
    token = issue_token(make_user("dispatcher"))[1]

    def get(_):
        request = urllib.request.Request(
            f"{deployed_web.base_url}/api/v1/events/?since=0",
            headers={"Authorization": f"Token {token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            json.loads(response.read())

    peak, seen = 0, set()

    def sample() -> None:
        nonlocal peak
        backends = web_backends(deployed_web)
        peak = max(peak, len(backends))
        seen.update(backends)

    with ThreadPoolExecutor(AT_ONCE) as pool:
        pending = [pool.submit(get, n) for n in range(REQUESTS)]
        while not all(future.done() for future in pending):
            sample()
            time.sleep(0.05)
        for future in pending:
            future.result()
    sample()
    assert peak <= BOUND, f"the web server held {peak} database connections for {REQUESTS} requests"
    # One new connection per request would show dozens of backends over the run.
    assert len(seen) <= BOUND, f"{len(seen)} connections opened for {REQUESTS} requests"
