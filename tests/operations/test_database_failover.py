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


def test_a_failover_url_lists_every_node_for_libpq():
    parsed = dj_database_url.parse(failover_url("10.0.0.1,10.0.0.2"), conn_health_checks=True)
    assert parsed["HOST"] == "10.0.0.1,10.0.0.2"
    assert parsed["OPTIONS"] == {"target_session_attrs": "read-write", "connect_timeout": 3}


def server_identity(db) -> tuple[str, str]:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('data_directory'), current_setting('transaction_read_only')"
        )
        return cursor.fetchone()


def test_a_node_that_is_down_is_passed_over_for_the_writable_one():
    # Nothing listens on 127.0.0.2: as a failed former primary, it is skipped, and libpq
    # goes on to the test's own server (on TCP or, embedded, on its socket).
    settings_dict = dict(connection.settings_dict)
    own_host = settings_dict["HOST"] or "127.0.0.1"
    settings_dict["HOST"] = f"127.0.0.2,{own_host}"
    settings_dict["OPTIONS"] = {
        **settings_dict.get("OPTIONS", {}),
        "target_session_attrs": "read-write",
        "connect_timeout": 3,
    }
    handler = ConnectionHandler({"default": settings_dict})
    failover = handler["default"]
    try:
        data_directory, read_only = server_identity(failover)
        assert (data_directory, read_only) == (server_identity(connection)[0], "off")
        assert failover.connection.info.host == own_host
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
