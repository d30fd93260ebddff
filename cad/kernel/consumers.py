"""The one websocket every screen uses: replay from `since`, then live frames.

Each screen joins the channel-layer groups of its audience (its roles and its user). A
group message is a poke, "events up to id N that this group may see have committed"; the
screen then sends every event after the last one it read that its user may see, read from
the event table (the screens of a process woken together share one read: `events_after`).
The client's heartbeat does the same, so a lost poke costs a heartbeat, never an alert.
Ids are drawn in commit order (`cad.kernel.events`), so this yields no gap and no duplicate
even when pokes arrive late, out of order or not at all.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import weakref
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import DatabaseError
from django.db.models import Exists, Q
from django.utils import timezone
from knox.models import AuthToken

from cad.kernel import events, live_metrics
from cad.models import Event

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401  # live.js: "signed out: reload to log in"
User = get_user_model()


class ScreenConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.audience = frozenset(await database_sync_to_async(events.audience_for_user)(user))
        self.last_sent = self.parse_since()
        await self.accept()
        live_metrics.SCREENS_CONNECTED.inc()
        self.counted = True
        # Join before the replay, so that no poke falls between the two.
        for group in self.audience:
            await self.channel_layer.group_add(group, self.channel_name)
        if self.last_sent is None:
            self.last_sent = await database_sync_to_async(Event.latest_id)()
        await self.replay()
        # "hello" follows the replay: from here on the screen is live.
        await self.send_json({"kind": "hello", "server_time": timezone.now().isoformat()})

    def parse_since(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return max(0, int(query["since"][0]))
        except (KeyError, ValueError, IndexError):
            return None

    async def disconnect(self, code):
        if getattr(self, "counted", False):
            live_metrics.SCREENS_CONNECTED.dec()
            self.counted = False
        for group in getattr(self, "audience", ()):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # Redis away: the subscription ends with the connection
                log.warning("screen could not leave %s", group)

    async def event_poke(self, message):
        """A group message: events up to `upto` have committed."""
        if message.get("upto", 0) > self.read_to:
            await self.catch_up()

    async def receive_json(self, content, **kwargs):
        # Heartbeat: still signed in? Then answer, and catch up in case a poke was lost.
        if content.get("type") == "ping":
            if not await database_sync_to_async(self.still_signed_in)():
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            await self.send_json({"kind": "pong", "server_time": timezone.now().isoformat()})
            # A backstop for a lost poke: read only when something newer has committed.
            if await latest_event_id() > self.read_to:
                await self.catch_up()

    async def screen_revoked(self, message):
        """The user was deactivated or changed their password: their screens close."""
        await self.close(code=CLOSE_UNAUTHENTICATED)

    def still_signed_in(self) -> bool:
        """The user is active, and the token or session the screen opened with still lives
        (one query: this runs at every heartbeat of every screen)."""
        digest = self.scope.get("auth_token_digest")
        if digest is not None:
            live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
            return AuthToken.objects.filter(
                live, digest=digest, user_id=self.user.pk, user__is_active=True
            ).exists()
        session = self.scope.get("session")
        if session is None or not session.session_key:
            return False
        # Sessions are Django's database sessions (the default engine).
        return User.objects.filter(
            Exists(Session.objects.filter(session_key=session.session_key)),
            pk=self.user.pk,
            is_active=True,
        ).exists()

    async def catch_up(self):
        """Send every event after the last one sent that this screen may see.

        Messages reach a consumer one at a time, so two catch-ups never interleave. With
        the database away it sends nothing now; the next poke or heartbeat tries again."""
        while True:
            try:
                batch = await events_after(self.read_to)
            except DatabaseError:
                log.warning("screen catch-up failed; the next heartbeat retries", exc_info=True)
                return
            server_time = timezone.now().isoformat()
            for event_id, audience, frame in batch:
                if not audience.isdisjoint(self.audience):
                    await self.send_json({**frame, "server_time": server_time})
                    live_metrics.observe_frame(frame, timezone.now())
                    self.last_sent = event_id
                self.read_to = event_id
            if len(batch) < settings.CAD_SCREEN_REPLAY_BATCH:
                return

    async def replay(self):
        """On connect: the events after `since` this screen may see, read for it alone
        (a screen resuming from far back reads only its own)."""
        while True:
            batch = await database_sync_to_async(self.load_batch)()
            for frame in batch:
                await self.send_json(frame)
                self.last_sent = frame["id"]
            if len(batch) < settings.CAD_SCREEN_REPLAY_BATCH:
                self.read_to = self.last_sent
                return

    def load_batch(self) -> list[dict]:
        now = timezone.now()
        rows = events.visible_events(
            self.user, self.last_sent, settings.CAD_SCREEN_REPLAY_BATCH, audience=self.audience
        )
        return [events.frame(event, now) for event in rows]


# --- one read for every screen that asks at the same moment ---------------------------------

_reads_in_flight: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
shared_reads = itertools.count()  # next(shared_reads) - 1: reads so far in this process


def _read_after(since: int) -> list[tuple[int, frozenset[str], dict]]:
    next(shared_reads)
    rows = Event.objects.filter(id__gt=since).order_by("id")[: settings.CAD_SCREEN_REPLAY_BATCH]
    frames = []
    for event in rows:
        frame = events.frame(event)
        del frame["server_time"]  # each screen adds its own as it sends
        frames.append((event.id, frozenset(event.audience), frame))
    return frames


async def events_after(since: int) -> list[tuple[int, frozenset[str], dict]]:
    """The events after `since` (one batch, in id order, for every audience).

    A poke wakes every screen of a process at once, and they are mostly at the same id:
    those asking while a read for the same id is under way share it, so an event costs a
    process one read, not one per screen. Each screen keeps what its user may see."""
    in_flight = _reads_in_flight.setdefault(asyncio.get_running_loop(), {})
    read = in_flight.get(since)
    if read is None:
        read = asyncio.ensure_future(database_sync_to_async(_read_after)(since))
        in_flight[since] = read
        read.add_done_callback(lambda _done: in_flight.pop(since, None))
    return await asyncio.shield(read)


_latest_reads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
LATEST_ID_MAX_AGE_S = 1.0


async def latest_event_id() -> int:
    """The newest event id, as read by this process at most a second ago: heartbeats from
    hundreds of screens cost a process one read a second, not one each."""
    loop = asyncio.get_running_loop()
    known = _latest_reads.get(loop)
    if known is None or loop.time() - known[0] > LATEST_ID_MAX_AGE_S:
        known = (loop.time(), asyncio.ensure_future(database_sync_to_async(Event.latest_id)()))
        _latest_reads[loop] = known
    try:
        return await asyncio.shield(known[1])
    except DatabaseError:
        _latest_reads.pop(loop, None)
        return 0
