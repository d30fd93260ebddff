"""The one websocket every screen uses: replay from `since`, then live frames.

Group messages are only pokes naming a group: "something it may see has committed".
Each web process has one `ScreenHub` that takes the pokes for all its screens, reads the
new events once into a shared window (`RecentEvents`) and wakes the screens that may see
them; each screen then sends every event after the last id it sent that its user may see,
filtered in memory. A heartbeat from the client does the same, so a lost poke costs a
second or so, never an alert. Ids are assigned in commit order, so this yields no gap and
no duplicate even when pokes arrive late or are lost. A screen resuming from further back
than the window reads its own replay from the database.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import logging
import time
import weakref
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from cad import events

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
RECENT_WINDOW = 5000


class RecentEvents:
    """The newest events of this process, shared by every screen it serves.

    Each event is kept with its frame already encoded as JSON (all but `server_time`), so
    an alert fanned out to hundreds of screens is serialised once, and a screen finds its
    place in the window by bisection instead of walking it.
    """

    def __init__(self, size: int | None = None):
        self.size = size or RECENT_WINDOW
        self.ids: list[int] = []  # ascending
        self.entries: list[tuple[frozenset[str], int, str]] = []  # (audience, id, json body)
        # Every committed event with id <= loaded_to is in the window (or aged out of it).
        self.loaded_to: int | None = None
        self.lock = asyncio.Lock()
        self.reads = 0
        self.read_at = float("-inf")  # monotonic time of the last read

    @staticmethod
    def _read_after(after: int | None) -> list[tuple[int, frozenset[str], str]]:
        from cad.models import Event

        if after is None:
            latest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
            return [(latest, frozenset(), "")]
        rows = Event.objects.filter(id__gt=after).order_by("id")[: settings.CAD_SCREEN_REPLAY_BATCH]
        return [(e.id, frozenset(e.audience), encode_body(events.frame(e))) for e in rows]

    async def refresh(self, wanted: int | None = None, max_age: float = 0.0) -> None:
        """Load events committed since the last load (once, however many screens ask).

        With `wanted`, read until that id is held. Without it, read what is new, unless a
        read began less than `max_age` seconds ago: heartbeats from hundreds of screens
        then cost one read a second per process, not one each.
        """
        if wanted is not None and self.loaded_to is not None and self.loaded_to >= wanted:
            return  # held already: a woken screen does not queue behind a read under way
        async with self.lock:
            if wanted is None and time.monotonic() - self.read_at < max_age:
                return
            while wanted is None or self.loaded_to is None or self.loaded_to < wanted:
                first_load = self.loaded_to is None
                self.reads += 1
                self.read_at = time.monotonic()
                batch = await database_sync_to_async(self._read_after)(self.loaded_to)
                if first_load:
                    self.loaded_to = batch[0][0]
                    continue
                if not batch:
                    return  # nothing newer is committed yet; never spin
                self.hold(batch)
                if len(batch) < settings.CAD_SCREEN_REPLAY_BATCH:
                    return

    def hold(self, batch: list[tuple[int, frozenset[str], str]]) -> None:
        """Add events read by `_read_after`, newest last, aging the oldest out."""
        for event_id, audience, body in batch:
            self.ids.append(event_id)
            self.entries.append((audience, event_id, body))
            self.loaded_to = event_id
        # Trim in steps of a quarter window so the list is not shifted on every event.
        excess = len(self.ids) - self.size
        if excess > self.size // 4:
            del self.ids[:excess]
            del self.entries[:excess]

    def covers(self, since: int) -> bool:
        """True when every event after `since` is (still) held here."""
        if self.loaded_to is None:
            return False
        oldest = self.ids[0] if self.ids else self.loaded_to + 1
        return since >= oldest - 1 or since >= self.loaded_to

    def visible_after(self, since: int, audience: frozenset[str]) -> list[tuple[int, str]]:
        """(id, encoded body) of each held event after `since` this audience may see."""
        start = bisect.bisect_right(self.ids, since)
        return [
            (event_id, body) for groups, event_id, body in self.entries[start:] if groups & audience
        ]


def encode_body(frame: dict) -> str:
    """A frame as JSON without its closing brace and `server_time`, added at sending."""
    body = {key: value for key, value in frame.items() if key != "server_time"}
    return json.dumps(body, cls=DjangoJSONEncoder)[:-1]


def with_server_time(body: str, server_time: str) -> str:
    return f'{body}, "server_time": "{server_time}"}}'


_per_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def screen_hub() -> ScreenHub:
    """One hub per event loop (a web worker runs one loop for all its screens)."""
    loop = asyncio.get_running_loop()
    hub = _per_loop.get(loop)
    if hub is None:
        hub = _per_loop[loop] = ScreenHub()
    return hub


def shared_recent_events() -> RecentEvents:
    return screen_hub().window


class ScreenHub:
    """This process's one listener for pokes, on behalf of all its screens.

    The hub's own channel joins each group its screens need, once: a poke then costs one
    channel-layer message per process and group, not one per screen. On a poke it reads the
    new events once and wakes the screens of that group, each of which sends what it may
    see from the shared window. After a Redis restart the layer's connection subscribes
    again by itself, and a group that could not be joined is tried again every few
    seconds; until then heartbeats catch screens up.
    """

    REJOIN_S = 5.0

    def __init__(self):
        self.window = RecentEvents()
        self.members: dict[str, set[ScreenConsumer]] = {}  # group -> screens
        self.layer = None
        self.channel: str | None = None
        self.tasks: list[asyncio.Task] = []
        self.poked_groups: set[str] = set()
        self.poked = asyncio.Event()
        self.reads_for_pokes = 0

    async def add(self, screen: ScreenConsumer) -> None:
        if self.layer is None:
            self.layer = get_channel_layer()
        if self.layer is None:
            return  # no channel layer: heartbeats alone keep screens current
        if self.channel is None:
            self.channel = await self.layer.new_channel()
        new_groups = [group for group in screen.audience if group not in self.members]
        for group in screen.audience:
            self.members.setdefault(group, set()).add(screen)
        await self._join(new_groups)
        if not self.tasks:
            self.tasks = [
                asyncio.create_task(self._listen()),
                asyncio.create_task(self._read_and_wake()),
                asyncio.create_task(self._rejoin()),
            ]

    async def remove(self, screen: ScreenConsumer) -> None:
        emptied = []
        for group in getattr(screen, "audience", ()):
            members = self.members.get(group)
            if members is not None:
                members.discard(screen)
                if not members:
                    del self.members[group]
                    emptied.append(group)
        # Leave groups no screen here needs (each user's own group, say), so their pokes
        # stop coming; if Redis is away the subscription ends with the connection.
        for group in emptied:
            if group not in self.members:
                with contextlib.suppress(Exception):
                    await self.layer.group_discard(group, self.channel)
        if not self.members:
            for task in self.tasks:
                task.cancel()
            self.tasks = []
            # A cancelled receive gives its channel up; the next screen gets a new one.
            self.channel = None

    async def _join(self, groups) -> None:
        for group in groups:
            try:
                await self.layer.group_add(group, self.channel)
            except Exception:  # Redis down: the next renewal joins again
                log.warning("screens could not join %s; retrying", group)
                return

    async def _rejoin(self) -> None:
        while True:
            await asyncio.sleep(self.REJOIN_S)
            await self._join(list(self.members))

    async def _listen(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away: try again shortly
                log.exception("screen pokes interrupted; retrying")
                await asyncio.sleep(1)
                continue
            if message.get("group"):
                self.poked_groups.add(message["group"])
                self.poked.set()

    async def _read_and_wake(self) -> None:
        """One read for however many pokes arrived since the last one began.

        A read that begins after a poke arrived sees what that poke announced (it was sent
        after the commit), so pokes that arrive during a read only ask for one more.
        """
        while True:
            await self.poked.wait()
            self.poked.clear()
            groups, self.poked_groups = self.poked_groups, set()
            try:
                self.reads_for_pokes += 1
                await self.window.refresh()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away: read again shortly
                log.exception("screen pokes could not be read; retrying")
                self.poked_groups |= groups
                self.poked.set()
                await asyncio.sleep(1)
                continue
            woken = set().union(*(self.members.get(group, ()) for group in groups))
            for screen in woken:
                screen.wake()


class ScreenConsumer(AsyncJsonWebsocketConsumer):
    # Screens do not take channel-layer messages themselves: the hub does, for them all.
    channel_layer_alias = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.audience = frozenset(await database_sync_to_async(events.audience_for_user)(user))
        self.last_sent = self.parse_since()
        self.sending = asyncio.Lock()
        self.woken = asyncio.Event()
        self.sender = None
        await self.accept()
        # Frames go straight to the server, past the session middleware's per-message
        # bookkeeping (it saves only on the handshake; nothing here changes the session).
        session_wrapper = getattr(self.base_send, "__self__", None)
        self.send_frame_message = getattr(session_wrapper, "real_send", self.base_send)
        await screen_hub().add(self)  # before the replay, so no poke falls between
        if self.last_sent is None:
            self.last_sent = await database_sync_to_async(self.latest_event_id)()
        await self.catch_up()
        # "hello" follows the replay: from here on the screen is live.
        await self.send_json({"kind": "hello", "server_time": timezone.now().isoformat()})
        self.sender = asyncio.create_task(self.send_when_woken())

    def parse_since(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return max(0, int(query["since"][0]))
        except (KeyError, ValueError, IndexError):
            return None

    @staticmethod
    def latest_event_id() -> int:
        from cad.models import Event

        return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def wake(self) -> None:
        self.woken.set()

    async def send_when_woken(self) -> None:
        while True:
            await self.woken.wait()
            self.woken.clear()
            try:
                await self.catch_up(wanted=self.window_loaded_to())
            except Exception:  # the database away: the next wake or heartbeat retries
                log.exception("screen catch-up failed")
                await asyncio.sleep(1)

    @staticmethod
    def window_loaded_to() -> int | None:
        return shared_recent_events().loaded_to

    async def disconnect(self, code):
        if getattr(self, "sender", None) is not None:
            self.sender.cancel()
        if hasattr(self, "audience"):
            await screen_hub().remove(self)

    async def receive_json(self, content, **kwargs):
        # Heartbeat: answer, and catch up in case a poke was lost (Redis restarted).
        if content.get("type") == "ping":
            await self.send_json({"kind": "pong", "server_time": timezone.now().isoformat()})
            await self.catch_up(refresh=True)

    async def catch_up(self, wanted: int | None = None, refresh: bool = False):
        recent_events = shared_recent_events()
        async with self.sending:
            if refresh:  # a heartbeat: a lost poke is made good within a second or so
                await recent_events.refresh(max_age=settings.CAD_SCREEN_HEARTBEAT_READ_S)
            elif wanted is None:
                await recent_events.refresh()
            else:
                await recent_events.refresh(wanted)
            if not recent_events.covers(self.last_sent):
                await self.replay_from_database(recent_events)
            now = timezone.now().isoformat()
            for event_id, body in recent_events.visible_after(self.last_sent, self.audience):
                await self.send_frame_message(
                    {"type": "websocket.send", "text": with_server_time(body, now)}
                )
                self.last_sent = event_id

    async def replay_from_database(self, recent_events: RecentEvents):
        """A screen resuming from before the shared window reads its own replay."""
        while not recent_events.covers(self.last_sent):
            batch = await database_sync_to_async(self.load_batch)()
            for frame in batch:
                await self.send_json(frame)
                self.last_sent = frame["id"]
            if len(batch) < settings.CAD_SCREEN_REPLAY_BATCH:
                return

    def load_batch(self) -> list[dict]:
        now = timezone.now()
        rows = events.visible_events(self.user, self.last_sent, settings.CAD_SCREEN_REPLAY_BATCH)
        return [events.frame(event, now) for event in rows]
