"""The ASGI handler runs a request's synchronous work (the request_started signal, the
middleware chain, the view and the response's close) in one hop from the event loop, and
still serves pages, the API and static files as Django's own does."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core import signals
from django.test import Client, override_settings
from django.utils.deprecation import MiddlewareMixin

from cad.http_handler import OneHopASGIHandler

SEEN: list[dict] = []


def inside_the_one_hop() -> bool:
    """True when called, however deep, from the handler's one synchronous call."""
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is OneHopASGIHandler.respond.__code__:
            return True
        frame = frame.f_back
    return False


def record(probe: str, **seen) -> None:
    thread = threading.current_thread()
    SEEN.append(
        {"probe": probe, "thread": thread.ident, "name": thread.name, "hop": inside_the_one_hop()}
    )
    SEEN[-1].update(seen)


class Probe(MiddlewareMixin):
    """Records how it is run: in async mode, every process_request is a hop of its own."""

    def process_request(self, request):
        record(type(self).__name__, async_mode=self.async_mode)


class OutermostProbe(Probe):
    pass


class InnermostProbe(Probe):
    pass


HERE = "tests.cad.test_http_handler"


def asgi_get(handler, path: str, headers: list[tuple[bytes, bytes]] = ()) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }

    async def run():
        communicator = ApplicationCommunicator(handler, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(10)
        body = b""
        while True:
            message = await communicator.receive_output(10)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(10)
        return start["status"], body

    return async_to_sync(run)()


@pytest.fixture
def signal_probes():
    def started(**kwargs):
        record("request_started")

    def finished(**kwargs):
        record("request_finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


@pytest.mark.django_db(transaction=True)
def test_signals_chain_view_and_close_run_in_one_call_in_one_thread(signal_probes):
    SEEN.clear()
    chain = [f"{HERE}.OutermostProbe", *settings.MIDDLEWARE, f"{HERE}.InnermostProbe"]
    with override_settings(MIDDLEWARE=chain):
        handler = OneHopASGIHandler()
        status, _ = asgi_get(handler, "/login/")
    assert status == 200
    assert [seen["probe"] for seen in SEEN] == [
        "request_started",
        "OutermostProbe",
        "InnermostProbe",
        "request_finished",
    ]
    # Django's own handler runs both probes in async mode, a hop to a thread and back
    # for each, and the signals in hops of their own.
    assert [seen["async_mode"] for seen in SEEN[1:3]] == [False, False]
    assert all(seen["hop"] for seen in SEEN)
    assert len({seen["thread"] for seen in SEEN}) == 1
    assert SEEN[0]["thread"] != threading.get_ident()


@pytest.mark.django_db(transaction=True)
def test_request_threads_are_kept_for_the_next_request_and_bounded(signal_probes):
    """Django's own handler starts a thread per request (and one more to join it)."""
    handler = OneHopASGIHandler(threads=1)
    SEEN.clear()
    assert asgi_get(handler, "/login/")[0] == 200
    assert asgi_get(handler, "/login/")[0] == 200
    names = [seen["name"] for seen in SEEN]
    assert len(names) == 4 and len(set(names)) == 1 and names[0].startswith("request")

    async def together():
        return await asyncio.gather(
            *(sync_to_async(asgi_get)(handler, "/login/") for _ in range(4))
        )

    SEEN.clear()
    assert [status for status, _ in async_to_sync(together)()] == [200] * 4
    assert len(SEEN) == 8 and {seen["name"] for seen in SEEN} == set(names)


@pytest.mark.django_db(transaction=True)
def test_the_number_of_request_threads_comes_from_the_environment(signal_probes, monkeypatch):
    monkeypatch.setenv("CAD_REQUEST_THREADS", "2")
    handler = OneHopASGIHandler()

    def slow_start(**kwargs):  # each request holds its thread long enough to overlap
        time.sleep(0.1)

    async def together():
        return await asyncio.gather(
            *(sync_to_async(asgi_get, thread_sensitive=False)(handler, "/login/") for _ in range(8))
        )

    SEEN.clear()
    signals.request_started.connect(slow_start)
    try:
        assert [status for status, _ in async_to_sync(together)()] == [200] * 8
    finally:
        signals.request_started.disconnect(slow_start)
    assert len(SEEN) == 16 and len({seen["name"] for seen in SEEN}) == 2


@pytest.mark.django_db(transaction=True)
def test_api_errors_and_static_files_through_the_handler(signal_probes):
    handler = OneHopASGIHandler()
    status, body = asgi_get(handler, "/api/v1/incidents/")
    assert status in (401, 403) and b"detail" in body
    expected = (settings.BASE_DIR / "static" / "css" / "cad.css").read_bytes()
    SEEN.clear()
    assert asgi_get(handler, "/static/css/cad.css") == (200, expected)
    # A streamed response is closed once it has been sent, as Django's own handler does.
    assert [seen["probe"] for seen in SEEN] == ["request_started", "request_finished"]
    assert asgi_get(handler, "/static/css/missing.css")[0] == 404


@pytest.mark.django_db
def test_a_static_file_is_served_under_wsgi():
    expected = (settings.BASE_DIR / "static" / "css" / "cad.css").read_bytes()
    response = Client().get("/static/css/cad.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert Client().get("/static/css/missing.css").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_streamed_response_is_closed_when_the_client_has_gone(signal_probes):
    handler = OneHopASGIHandler()
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "path": "/static/css/cad.css",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.body":
            raise OSError("the client has gone")

    SEEN.clear()
    with pytest.raises(OSError):
        async_to_sync(handler)(scope, receive, send)
    assert [seen["probe"] for seen in SEEN] == ["request_started", "request_finished"]
