"""Django's ASGI handler, with a request's synchronous work done in one hop to a thread
that is kept for the next request.

Under ASGI Django runs each request's middleware chain on the event loop, and every
synchronous `process_request` / `process_response` of the stock middleware (security,
sessions, common, CSRF, authentication, messages, frame options, CSP) is a hop of its
own to a thread and back, as are the request_started signal and the response's close:
about sixteen per API request, each waiting for a loop that may be busy fanning frames
out to hundreds of screens. It also starts a thread for each request, and another to
join it. The views are synchronous, so nothing is gained by any of it. Here the chain
is built as under WSGI, and the signal, the chain and (for a response that is not
streamed) the close, which hands the database connection back to the pool, run in one
call on one of a fixed set of request threads, as a WSGI server would run them. The
loop still reads the body, sends the response and serves the websockets.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix


class OneHopASGIHandler(ASGIHandler):
    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        # Requests beyond this many at once wait for a thread (and so never hold more
        # database connections than this per process). They share one interpreter lock:
        # more threads only interleave more, and stretch every request (README).
        threads = threads or int(os.environ.get("CAD_REQUEST_THREADS", "3"))
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="request")

    def load_middleware(self, is_async: bool = False) -> None:
        # Always the synchronous chain, whatever Django's ASGIHandler asks for.
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def in_thread(self, function):
        return sync_to_async(function, thread_sensitive=False, executor=self.executor)

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await self.in_thread(self.respond)(scope, body_file)
            try:
                await self.send_response(response, send)
            finally:  # sent or not (the client gone), a streamed response is closed
                if response.streaming:
                    await self.in_thread(response.close)()
        finally:
            body_file.close()

    def respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()  # request_finished: the connection goes back to the pool
        return response


def get_asgi_application() -> OneHopASGIHandler:
    django.setup(set_prefix=False)
    return OneHopASGIHandler()
