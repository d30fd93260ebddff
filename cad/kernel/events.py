"""The one path for every change: services call `publish` inside their transaction.

`publish` appends an `Event` row and, only after the transaction commits, pokes the
channel-layer groups of the event's audience. Screens then read the event rows they
may see from the database (see `cad.kernel.consumers`), so a lost poke costs seconds, not
an alert, and ids arrive with no gap and no duplicate.

Ids are in commit order: a transaction takes a transaction-scoped advisory lock before it
writes its first event and keeps it until it ends, so an event id is drawn only when every
transaction holding a lower one has committed or rolled back. A reader that has seen id N
never later finds a committed event below N. The id `publish` returns is the one screens
see.

The lock is held from the first event written to the commit, and a transaction waiting for
it must not hold a row that the lock's holder still wants: services write their events
last (`service` holds them until the service's body ends), and tests refuse a row lock taken
after the event lock (tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from cad.kernel.policy import roles as policy_roles
from cad.kernel.roles import ALL_ROLES, user_roles
from cad.models import Event

log = logging.getLogger(__name__)

# 212723687 (0x0CADE7E7): the key of the system-wide event-order advisory lock.
EVENT_ORDER_LOCK = 212723687

# Who sees a kind by default. Services may pass an explicit audience instead.
CONTROL_ROOM = policy_roles("hears.control_room")


def role(name: str) -> str:
    if name not in ALL_ROLES:
        raise ValueError(f"unknown role {name!r}")
    return f"role.{name}"


def user(user_id: int) -> str:
    return f"user.{user_id}"


def audience_for_user(user_obj) -> list[str]:

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
    """Record an event in the current transaction and poke its audience after commit.

    Inside a `service` the event is written, and gets its id, as the service's body ends;
    elsewhere at once. The id never changes after that.

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
def service_transaction(*, savepoint: bool = True):
    """A service's transaction, whose events are written as it ends.

    Writing the events last keeps the event-order lock for the commit alone, and so no
    row lock is ever waited for while holding it. Inside another service's transaction
    the events go to the outer one; a block that raises writes none.
    """
    held = _held_events()
    with transaction.atomic(savepoint=savepoint):
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


def service(function):
    """Decorator: run the whole function as one `service_transaction`."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with service_transaction():
            return function(*args, **kwargs)

    return run


def _write(events: list[Event]) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("events must be written inside the service's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVENT_ORDER_LOCK])
    Event.objects.bulk_create(events)
    upto = max(event.id for event in events)
    groups = sorted({group for event in events for group in event.audience})
    transaction.on_commit(lambda: push_pokes(groups, upto), robust=True)


def push_pokes(groups: Iterable[str], upto: int) -> None:
    """Tell each group that events up to `upto` have committed. Never raises: a screen that
    misses a poke catches up on its next heartbeat."""
    groups = sorted(set(groups))
    layer = get_channel_layer()
    if not groups or layer is None:
        return

    async def send_all() -> None:
        for group in groups:
            await layer.group_send(group, {"type": "event.poke", "upto": upto})

    def send() -> None:
        try:
            async_to_sync(send_all)()
        except Exception:  # Redis away: heartbeats catch the screens up
            log.warning("could not poke %d groups up to event %s", len(groups), upto)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()  # a request thread or a worker: the usual case
        return
    # Sync code called on a thread that runs an event loop (a script or test driving a
    # browser) cannot wait on another loop here: send from a thread of its own.
    sender = threading.Thread(target=send, name="event-pokes")
    sender.start()
    sender.join()


def frame(event: Event, server_time=None) -> dict:
    return {
        "id": event.id,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "server_time": (server_time or timezone.now()).isoformat(),
        "data": event.data,
    }


def visible_events(user_obj, since: int, limit: int, audience: Iterable[str] | None = None):
    """Events after `since` that this user may see, oldest first."""
    audience = list(audience) if audience is not None else audience_for_user(user_obj)
    return Event.objects.filter(id__gt=since, audience__overlap=audience).order_by("id")[:limit]
