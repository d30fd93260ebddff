"""A screen as a program: the same protocol as static/js/live.js.

Connects to /ws/screens/ with a token, resumes from the last id it received after any
disconnect (with backoff), sends the heartbeat, and records every frame id so a test
can prove there was no gap and no duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import websockets


class ScreenClient:
    def __init__(self, base_url: str, token: str, *, since: int = 0, heartbeat: float = 2.0):
        self.ws_url = base_url.replace("http://", "ws://") + "/ws/screens/"
        self.token = token
        self.last_id = since
        self.heartbeat = heartbeat
        self.frames: list[dict] = []
        self.received_at: dict[int, float] = {}
        self.duplicates: list[int] = []
        self.reconnects = 0
        self._task: asyncio.Task | None = None
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stopping = True
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        backoff = 0.2
        while not self._stopping:
            try:
                async with websockets.connect(
                    f"{self.ws_url}?since={self.last_id}",
                    additional_headers={"Authorization": f"Token {self.token}"},
                    open_timeout=5,
                ) as socket:
                    backoff = 0.2
                    pinger = asyncio.create_task(self._ping(socket))
                    try:
                        async for message in socket:
                            self._take(json.loads(message))
                    finally:
                        pinger.cancel()
            except (TimeoutError, OSError, websockets.WebSocketException):
                pass
            if self._stopping:
                return
            self.reconnects += 1
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 2.0)

    async def _ping(self, socket) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            await socket.send(json.dumps({"type": "ping"}))

    def _take(self, frame: dict) -> None:
        if not isinstance(frame.get("id"), int):
            return
        if frame["id"] <= self.last_id:
            self.duplicates.append(frame["id"])
            return
        self.last_id = frame["id"]
        self.frames.append(frame)
        self.received_at[frame["id"]] = time.time()

    @property
    def ids(self) -> list[int]:
        return [frame["id"] for frame in self.frames]
