"""The one websocket every screen uses: replay from `since`, then live frames.

Group messages are only pokes carrying an event id. On each poke (and on each client
heartbeat) the consumer sends every event after the last id it sent that this user
may see. Ids are assigned in commit order, so this yields no gap and no duplicate
even when pokes arrive out of order or are lost.

New events are read once per process for all its screens (`RecentEvents`) and
filtered by audience in memory: an alert costs one query per web process, not one
per screen. A screen resuming from further back than that window reads its own
replay from the database.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import weakref
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from cad import events

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

    @staticmethod
    def _read_after(after: int | None) -> list[tuple[int, frozenset[str], str]]:
        from cad.models import Event

        if after is None:
            latest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
            return [(latest, frozenset(), "")]
        rows = Event.objects.filter(id__gt=after).order_by("id")[: settings.CAD_SCREEN_REPLAY_BATCH]
        return [(e.id, frozenset(e.audience), encode_body(events.frame(e))) for e in rows]

    async def refresh(self, wanted: int | None = None) -> None:
        """Load events committed since the last load (once, however many screens ask)."""
        async with self.lock:
            while wanted is None or self.loaded_to is None or self.loaded_to < wanted:
                first_load = self.loaded_to is None
                batch = await database_sync_to_async(self._read_after)(self.loaded_to)
                if first_load:
                    self.loaded_to = batch[0][0]
                    continue
                if not batch:
                    return  # nothing newer is committed yet; never spin
                for event_id, audience, body in batch:
                    self.ids.append(event_id)
                    self.entries.append((audience, event_id, body))
                    self.loaded_to = event_id
                self._age_out()
                if len(batch) < settings.CAD_SCREEN_REPLAY_BATCH:
                    return

    def _age_out(self) -> None:
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


def shared_recent_events() -> RecentEvents:
    """One window per event loop (a web worker runs one loop for all its screens)."""
    loop = asyncio.get_running_loop()
    window = _per_loop.get(loop)
    if window is None:
        window = _per_loop[loop] = RecentEvents()
    return window


class ScreenConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.groups_joined = await database_sync_to_async(events.audience_for_user)(user)
        self.audience = frozenset(self.groups_joined)
        self.last_sent = self.parse_since()
        self.sending = asyncio.Lock()
        await self.join_groups()
        await self.accept()
        if self.last_sent is None:
            self.last_sent = await database_sync_to_async(self.latest_event_id)()
        await self.catch_up()
        # "hello" follows the replay: from here on the screen is live.
        await self.send_json({"kind": "hello", "server_time": timezone.now().isoformat()})

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

    async def join_groups(self):
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            # Redis may be gone; group membership expires by itself.
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Heartbeat: re-join groups (Redis may have restarted) and catch up.
        if content.get("type") == "ping":
            await self.join_groups()
            await self.send_json({"kind": "pong", "server_time": timezone.now().isoformat()})
            await self.catch_up(refresh=True)

    async def event_poke(self, message):
        if message["id"] > self.last_sent:
            await self.catch_up(wanted=message["id"])

    async def catch_up(self, wanted: int | None = None, refresh: bool = False):
        recent_events = shared_recent_events()
        async with self.sending:
            if refresh or wanted is None:
                await recent_events.refresh()
            else:
                await recent_events.refresh(wanted)
            if not recent_events.covers(self.last_sent):
                await self.replay_from_database(recent_events)
            now = timezone.now().isoformat()
            for event_id, body in recent_events.visible_after(self.last_sent, self.audience):
                await self.send(text_data=with_server_time(body, now))
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
