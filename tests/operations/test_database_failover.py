"""PostgreSQL failover by configuration: DATABASE_URL may list every node, and libpq
connects to the first that answers and accepts writes (README "Operations")."""

import dj_database_url
import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.django_db


def failover_url(hosts: str) -> str:
    settings_dict = connection.settings_dict
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    port = settings_dict["PORT"] or "5432"
    return (
        f"postgres://{user}{password}@{hosts}:{port}/{settings_dict['NAME']}"
        "?target_session_attrs=read-write&connect_timeout=3"
    )


def test_a_node_that_is_down_is_passed_over_for_the_writable_one():
    # Nothing listens on 127.0.0.2 (the test server listens on 127.0.0.1): as a failed
    # former primary, it is skipped.
    parsed = dj_database_url.parse(failover_url("127.0.0.2,127.0.0.1"), conn_health_checks=True)
    assert parsed["HOST"] == "127.0.0.2,127.0.0.1"
    assert parsed["OPTIONS"] == {"target_session_attrs": "read-write", "connect_timeout": 3}
    handler = ConnectionHandler({"default": parsed})
    failover = handler["default"]
    try:
        with failover.cursor() as cursor:
            cursor.execute(
                "SELECT inet_server_addr()::text, current_setting('transaction_read_only')"
            )
            address, read_only = cursor.fetchone()
        assert address.split("/")[0] == "127.0.0.1"
        assert read_only == "off"
        assert failover.connection.info.host == "127.0.0.1"
    finally:
        handler.close_all()


def test_with_no_node_answering_the_connection_fails():
    from django.db import OperationalError

    handler = ConnectionHandler(
        {"default": dj_database_url.parse(failover_url("127.0.0.2,127.0.0.3"))}
    )
    try:
        with pytest.raises(OperationalError):
            handler["default"].ensure_connection()
    finally:
        handler.close_all()
