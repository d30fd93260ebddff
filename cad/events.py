"""The one path for every change: services call `publish` inside their transaction.

`publish` appends an `Event` row and, only after the transaction commits, pokes the
channel-layer groups of the event's audience. Screens then read the event rows they
may see from the database (see `cad.consumers`), so a lost poke costs seconds, not
an alert, and ids arrive with no gap and no duplicate.

Ids are handed out in commit order by the database itself: an event is written with a
provisional id, and a trigger inside COMMIT renumbers the transaction's events under a
system-wide lock (migration cad 0004). So an `Event` returned by `publish` keeps its
provisional id once committed; read the row again for the id screens see.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Iterable

from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from cad.models import Event
from cad.roles import ALL_ROLES

log = logging.getLogger(__name__)

# Who sees a kind by default. Services may pass an explicit audience instead.
CONTROL_ROOM = ("call_handler", "dispatcher", "controller", "inspector", "supervisor")


def role(name: str) -> str:
    if name not in ALL_ROLES:
        raise ValueError(f"unknown role {name!r}")
    return f"role.{name}"


def user(user_id: int) -> str:
    return f"user.{user_id}"


def audience_for_user(user_obj) -> list[str]:
    from cad.roles import user_roles

    return [role(name) for name in sorted(user_roles(user_obj))] + [user(user_obj.pk)]


def publish(
    kind: str,
    *,
    actor=None,
    incident=None,
    unit_callsign: str = "",
    scheme_id: int | None = None,
    divert_id: int | None = None,
    data: dict | None = None,
    roles: Iterable[str] = CONTROL_ROOM,
    users: Iterable[int] = (),
    at=None,
) -> Event:
    """Record an event in the current transaction and push it after commit.

    Inside `published_at_end` the returned event gets its provisional id when the block
    ends; the id screens see is given as the transaction commits.

    `data` must hold ids, kinds and non-sensitive summaries only: it is shown on
    every screen of the audience. Intelligence and scheme details are fetched by
    each screen under the viewer's own role.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("publish() must be called inside the service's transaction")
    audience = sorted({role(name) for name in roles} | {user(uid) for uid in users})
    if not audience:
        raise ValueError(f"event {kind} has no audience")
    event = Event(
        kind=kind,
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        incident=incident,
        unit_callsign=unit_callsign,
        scheme_id=scheme_id,
        divert_id=divert_id,
        audience=audience,
        data=data or {},
    )
    held = _held_events()
    if held:
        held[-1].append(event)
    else:
        _write([event])
    return event


_holding = threading.local()


def _held_events() -> list[list[Event]]:
    if not hasattr(_holding, "stack"):
        _holding.stack = []
    return _holding.stack


@contextlib.contextmanager
def published_at_end():
    """Hold the events published inside this block and write them in one statement as it
    ends (a service that publishes several events makes one round trip, not several).

    Use it around a whole service body that does not catch an error and carry on: events
    held from a rolled-back savepoint would still be written.
    """
    held = _held_events()
    held.append([])
    try:
        yield
    except BaseException:
        held.pop()
        raise
    events = held.pop()
    if held:
        held[-1].extend(events)
    elif events:
        _write(events)


def _write(events: list[Event]) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("events must be written inside the service's transaction")
    Event.objects.bulk_create(events)  # provisional ids; COMMIT gives the final ones
    _after_commit().groups.update(group for event in events for group in event.audience)


class FlushAndPoke:
    """After a commit that wrote events: make it durable, then poke the screens.

    The commit numbered its events without waiting for the disk (migration cad 0004); a
    transactional WAL message in a transaction of its own is flushed on commit, and with it
    everything before it, so the caller may answer once this returns.
    """

    def __init__(self) -> None:
        self.groups: set[str] = set()

    def __call__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_logical_emit_message(true, 'cad.events', '')")
        push_pokes(self.groups)


def _after_commit() -> FlushAndPoke:
    """The transaction's pending hook, so that a service writing events several times
    flushes once. Django forgets a hook registered inside a savepoint that is rolled back;
    one registered at this savepoint level or outside it goes only with this write too."""
    current = set(connection.savepoint_ids)
    for savepoints, hook, _robust in connection.run_on_commit:
        if isinstance(hook, FlushAndPoke) and savepoints <= current:
            return hook
    hook = FlushAndPoke()
    transaction.on_commit(hook)
    return hook


class PokeSender:
    """One thread per process sends the pokes, so a commit never waits for Redis or for the
    web process's event loop (busy with hundreds of screens under load).

    A poke names a group and means "something it may see has committed": the screens' hub
    reads whatever is new. Pokes queued while a send is under way are merged into one per
    group, so a busy process sends fewer, not later. The thread keeps one event loop, and
    so one set of Redis connections, for its life.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: set[str] = set()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def submit(self, groups: Iterable[str]) -> None:
        with self.lock:
            self.pending.update(groups)
            # A forked child (Celery's pool) inherits the object but not the thread.
            if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._run, name="poke-sender", daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        while True:
            self.wake.wait()
            self.wake.clear()
            with self.lock:
                groups, self.pending = self.pending, set()
            if groups:
                loop.run_until_complete(send_pokes(groups))


async def send_pokes(groups: Iterable[str]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send(group: str) -> None:
        try:
            await layer.group_send(group, {"type": "event.poke", "group": group})
        except Exception:  # Redis down: screens catch up on their next heartbeat.
            log.exception("could not poke %s", group)

    await asyncio.gather(*(send(group) for group in sorted(groups)))


POKES = PokeSender()


def push_pokes(groups: Iterable[str]) -> None:
    """Poke each group once; returns at once, never raises."""
    groups = set(groups)
    if groups:
        POKES.submit(groups)


def frame(event: Event, server_time=None) -> dict:
    return {
        "id": event.id,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "server_time": (server_time or timezone.now()).isoformat(),
        "data": event.data,
    }


def visible_events(user_obj, since: int, limit: int):
    """Events after `since` that this user may see, oldest first."""
    return Event.objects.filter(
        id__gt=since, audience__overlap=audience_for_user(user_obj)
    ).order_by("id")[:limit]
