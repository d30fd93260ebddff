"""Django's ASGI handler, with its middleware and the view run in one thread hop.

Under ASGI Django runs each request's middleware chain on the event loop, and every
synchronous `process_request` / `process_response` of the stock middleware (security,
sessions, common, CSRF, authentication, messages, frame options, CSP) is a hop of its
own to a thread and back: about fourteen per API request, each waiting for a loop that
may be busy fanning frames out to hundreds of screens. The views are synchronous too,
so nothing is gained by the hops. Here the chain is built as under WSGI and the whole of
it runs in the request's thread, entered once; the loop still reads the body, sends the
response and serves the websockets.
"""

from __future__ import annotations

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class OneHopASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        # Thread-sensitive: the request's one thread (Django gives each request its own
        # context), where its database connection lives.
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


def get_asgi_application() -> OneHopASGIHandler:
    django.setup(set_prefix=False)
    return OneHopASGIHandler()
