"""The one websocket every screen uses: replay from `since`, then live frames.

Group messages are only pokes carrying an event id. On each poke (and on each client
heartbeat) the consumer sends every event after the last id it sent that this user
may see, read from the database. Ids are assigned in commit order, so this yields no
gap and no duplicate even when pokes arrive out of order or are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from cad import events

CLOSE_UNAUTHENTICATED = 4401


class ScreenConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.groups_joined = await database_sync_to_async(events.audience_for_user)(user)
        self.last_sent = self.parse_since()
        self.sending = asyncio.Lock()
        await self.join_groups()
        await self.accept()
        if self.last_sent is None:
            self.last_sent = await database_sync_to_async(self.latest_event_id)()
        await self.send_json({"kind": "hello", "server_time": timezone.now().isoformat()})
        await self.catch_up()

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
            await self.catch_up()

    async def event_poke(self, message):
        if message["id"] > self.last_sent:
            await self.catch_up()

    async def catch_up(self):
        async with self.sending:
            while True:
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
