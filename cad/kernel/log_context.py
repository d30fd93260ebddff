"""Who and which request each log line belongs to: a request id and the actor.

`RequestContextMiddleware` gives each request an id (the caller's X-Request-ID when it is a
plain token, else a new one), sends it back in the response, and logs one line per request:
method, path (never the query string, where searches carry names and phone numbers),
status, duration and the actor. `ContextFilter` adds `request_id` and `actor` to every
record logged while the request runs; Celery tasks set the task's id and the actor
"system" (cad.celery).

What is logged is ids, usernames of staff, kinds and counts: never a request or response
body, so neither intelligence text nor a caller's or victim's details reach the logs.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
actor_var: contextvars.ContextVar[str] = contextvars.ContextVar("actor", default="")

request_log = logging.getLogger("cad.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class ContextFilter(logging.Filter):
    """Adds request_id and actor to each record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "actor"):
            record.actor = actor_var.get()
        return True


def actor_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return user.get_username()


def bind(request_id: str, actor: str) -> tuple:
    """Set the context for what follows; returns tokens for `unbind`."""
    return request_id_var.set(request_id), actor_var.set(actor)


def unbind(tokens: tuple) -> None:
    request_id_var.reset(tokens[0])
    actor_var.reset(tokens[1])


class RequestContextMiddleware:
    """After AuthenticationMiddleware: the session's user is known; an API token's user is
    known once the view has authenticated it (DRF sets it on the request), which the request
    line then names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = bind(request_id, actor_of(getattr(request, "user", None)))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            actor_var.set(actor_of(getattr(request, "user", None)))
            request_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            unbind(tokens)
