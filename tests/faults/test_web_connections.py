"""The deployed web server does not pile up database connections under steady requests.

Under ASGI each request runs its sync code in a thread of its own; a persistent
connection (CONN_MAX_AGE > 0) outlives that thread, so at a few dozen requests a second
PostgreSQL runs out of client slots and every process of the system gets "too many
clients". This runs uvicorn with the production settings module, not the test one.
"""

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token

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


def web_connections(web) -> int:
    ports = process_db_ports(web.processes["web"])
    if not ports:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE client_port = ANY(%s)", [list(ports)]
        )
        return cursor.fetchone()[0]


def test_requests_leave_no_database_connections_behind(deployed_web, make_user):
    token = Token.objects.create(user=make_user("dispatcher")).key

    def get(_):
        request = urllib.request.Request(
            f"{deployed_web.base_url}/api/v1/events/?since=0",
            headers={"Authorization": f"Token {token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            json.loads(response.read())

    peak = 0
    with ThreadPoolExecutor(AT_ONCE) as pool:
        pending = [pool.submit(get, n) for n in range(REQUESTS)]
        while not all(future.done() for future in pending):
            peak = max(peak, web_connections(deployed_web))
            time.sleep(0.05)
        for future in pending:
            future.result()
    peak = max(peak, web_connections(deployed_web))
    assert peak <= BOUND, f"the web server held {peak} database connections for {REQUESTS} requests"
