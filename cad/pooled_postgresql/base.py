"""Django's PostgreSQL backend (psycopg2) with a pool of idle connections in each process.

Requests, the screens' reads and Celery tasks run in threads of their own, and Django's own
ASGI handler starts a thread per request, so Django's persistent connections
(CONN_MAX_AGE > 0) would outlive their threads and pile up. Here a connection
that Django closes at the end of a request goes back to its process's pool instead, and the
next request's thread takes it: no new PostgreSQL backend, authentication and cold catalogue
cache per request. Configured by DATABASES[...]["POOL_IDLE"], the most idle connections a
process keeps for one database; 0 turns the pool off.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

from django.db.backends.postgresql import base
from psycopg2 import extensions

# A connection idle longer than this is tried before it is handed out: the server may have
# ended it (a restart, an administrator) while it waited.
CHECK_IDLE_AFTER_S = 10.0


class ConnectionPool:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.idle: dict[tuple, list[tuple[object, float]]] = {}
        # Connections inherited through fork: never used and never closed here, since
        # closing sends the server a goodbye that would end the parent's session too.
        self.inherited: list[object] = []

    def _adopt_fork(self) -> None:
        if self.pid != os.getpid():
            self.inherited.extend(conn for idle in self.idle.values() for conn, _ in idle)
            self.idle = {}
            self.pid = os.getpid()

    def take(self, key: tuple):
        """An idle connection for `key` that still answers, or None."""
        while True:
            with self.lock:
                self._adopt_fork()
                idle = self.idle.get(key)
                if not idle:
                    return None
                # Most recently returned first: the busy few stay warm, the rest age.
                connection, returned_at = idle.pop()
            if connection.closed:
                continue
            if time.monotonic() - returned_at < CHECK_IDLE_AFTER_S or answers(connection):
                return connection
            discard(connection)

    def give(self, key: tuple, connection, keep: int) -> None:
        """Take back a connection its user has finished with: reset, kept or closed."""
        if connection.closed:
            return
        if not reset(connection):
            discard(connection)
            return
        with self.lock:
            self._adopt_fork()
            idle = self.idle.setdefault(key, [])
            if len(idle) < keep:
                idle.append((connection, time.monotonic()))
                return
        discard(connection)

    def close_idle(self) -> int:
        """Close every idle connection of this process (tests, before dropping a database)."""
        with self.lock:
            self._adopt_fork()
            idle = [conn for conns in self.idle.values() for conn, _ in conns]
            self.idle = {}
        for connection in idle:
            discard(connection)
        return len(idle)

    def idle_count(self) -> int:
        with self.lock:
            self._adopt_fork()
            return sum(len(conns) for conns in self.idle.values())


def answers(connection) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return reset(connection)
    except Exception:  # noqa: BLE001 - any failure means "do not hand this one out"
        return False


def reset(connection) -> bool:
    """Leave no transaction open on a connection going back to the pool."""
    status = connection.info.transaction_status
    if status == extensions.TRANSACTION_STATUS_IDLE:
        return True
    if status in (extensions.TRANSACTION_STATUS_INTRANS, extensions.TRANSACTION_STATUS_INERROR):
        try:
            connection.rollback()
        except Exception:  # noqa: BLE001 - a connection that cannot roll back is not reused
            return False
        return connection.info.transaction_status == extensions.TRANSACTION_STATUS_IDLE
    # A query still running, or a broken link.
    return False


def discard(connection) -> None:
    with contextlib.suppress(Exception):  # it is being thrown away either way
        connection.close()


POOL = ConnectionPool()


def pool_key(conn_params: dict) -> tuple:
    return tuple(sorted((name, repr(value)) for name, value in conn_params.items()))


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def idle_kept(self) -> int:
        return int(self.settings_dict.get("POOL_IDLE") or 0)

    def get_new_connection(self, conn_params):
        self._pool_key = pool_key(conn_params)
        if self.idle_kept:
            connection = POOL.take(self._pool_key)
            if connection is not None:
                level = self.settings_dict["OPTIONS"].get("isolation_level")
                self.isolation_level = base.IsolationLevel(
                    level if level is not None else base.IsolationLevel.READ_COMMITTED
                )
                return connection
        return super().get_new_connection(conn_params)

    def _close(self):
        # Closed inside an atomic block, Django keeps the connection object until the
        # block ends: it must not be lent to anyone else meanwhile.
        if self.connection is None or not self.idle_kept or self.in_atomic_block:
            return super()._close()
        with self.wrap_database_errors:
            POOL.give(self._pool_key, self.connection, self.idle_kept)
