"""The pooled PostgreSQL backend: a connection Django closes is lent to the next user, in
another thread, with no transaction left open, and never one the server has ended or one
inherited through fork. Real connections to the test database throughout."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import OperationalError, connection

from cad.pooled_postgresql import base as pooled


@pytest.fixture
def wrapper_for(transactional_db):
    """wrapper_for(keep) → a new DatabaseWrapper on the test database keeping `keep` idle."""
    made = []

    def make(keep: int = 2):
        settings_dict = {**connection.settings_dict, "POOL_IDLE": keep}
        wrapper = pooled.DatabaseWrapper(settings_dict, alias=f"pool-test-{len(made)}")
        made.append(wrapper)
        return wrapper

    yield make
    for wrapper in made:
        if wrapper.connection is not None and not wrapper.connection.closed:
            wrapper.connection.close()
    pooled.POOL.close_idle()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def in_thread(function):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function()))
    thread.start()
    thread.join(30)
    return result["value"]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def backend_gone(pid: int) -> bool:
    """True once the server has ended the backend. A backend leaves pg_stat_activity
    some time after its client disconnects, later still on a loaded machine: wait for
    it (a condition, not a time budget: the limit only stops a test that would hang)."""
    deadline = time.monotonic() + 60
    while backend_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def end_backend(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert backend_gone(pid)


def test_a_closed_connection_is_lent_to_the_next_request_in_another_thread(wrapper_for):
    first = wrapper_for(keep=2)
    pid = backend_pid(first)
    first.close()
    assert first.connection is None
    assert backend_alive(pid), "the connection was closed instead of kept"

    def next_request() -> int:
        second = wrapper_for(keep=2)  # made in the thread, as Django's connections are
        try:
            return backend_pid(second)
        finally:
            second.close()

    assert in_thread(next_request) == pid


def test_with_nothing_kept_every_user_gets_a_new_backend(wrapper_for):
    first = wrapper_for(keep=0)
    pid = backend_pid(first)
    first.close()
    assert backend_gone(pid)
    second = wrapper_for(keep=0)
    assert backend_pid(second) != pid
    second.close()


def test_an_open_transaction_is_rolled_back_before_the_connection_is_lent(wrapper_for):
    first = wrapper_for()
    first.set_autocommit(False)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO auth_group (name) VALUES ('left uncommitted')")
    first.close()

    second = wrapper_for()
    with second.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM auth_group WHERE name = 'left uncommitted'")
        assert cursor.fetchone()[0] == 0
    assert second.connection.info.transaction_status == 0  # idle, nothing inherited
    second.close()


def test_a_connection_closed_inside_an_atomic_block_is_not_lent(wrapper_for):
    first = wrapper_for()
    pid = backend_pid(first)
    first.set_autocommit(False)
    first.in_atomic_block = True  # as Django's atomic() marks it
    first.close()
    assert first.closed_in_transaction
    assert backend_gone(pid)
    first.in_atomic_block = False
    assert pooled.POOL.idle_count() == 0


def test_a_connection_the_server_ended_while_idle_is_not_lent(wrapper_for, monkeypatch):
    first = wrapper_for()
    pid = backend_pid(first)
    first.close()
    end_backend(pid)

    monkeypatch.setattr(pooled, "CHECK_IDLE_AFTER_S", 0.0)
    second = wrapper_for()
    new_pid = backend_pid(second)
    assert new_pid != pid
    second.close()


def test_a_connection_broken_during_a_request_is_not_taken_back(wrapper_for):
    first = wrapper_for()
    pid = backend_pid(first)
    end_backend(pid)
    with pytest.raises(OperationalError), first.cursor() as cursor:
        cursor.execute("SELECT 1")
    first.close()
    assert pooled.POOL.idle_count() == 0


def test_at_most_pool_idle_connections_are_kept(wrapper_for):
    wrappers = [wrapper_for(keep=2) for _ in range(3)]
    pids = [backend_pid(wrapper) for wrapper in wrappers]
    assert len(set(pids)) == 3
    for wrapper in wrappers:
        wrapper.close()
    assert pooled.POOL.idle_count() == 2
    assert backend_alive(pids[0]) and backend_alive(pids[1])
    assert backend_gone(pids[2])


def test_a_forked_child_neither_uses_nor_ends_its_parents_connections(wrapper_for):
    parent = wrapper_for()
    pid = backend_pid(parent)
    parent.close()

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: report the backend it got, then leave without clean-up
        try:
            os.close(read_end)
            wrapper = pooled.DatabaseWrapper(
                {**connection.settings_dict, "POOL_IDLE": 2}, alias="pool-test-child"
            )
            os.write(write_end, str(backend_pid(wrapper)).encode())
            wrapper.close()
            pooled.POOL.close_idle()
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        child_backend = int(pipe.read() or 0)
    os.waitpid(child, 0)

    assert child_backend not in (0, pid)
    again = wrapper_for()
    assert backend_pid(again) == pid, "the parent's idle connection was lost to the child"
    again.close()
