"""The ASGI handler runs the middleware chain and the view in one hop from the event loop,
and still serves pages, the API and static files as Django's own does."""

from __future__ import annotations

import threading

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.test import Client, override_settings
from django.utils.deprecation import MiddlewareMixin

from cad.http_handler import OneHopASGIHandler

SEEN: list[dict] = []


class Probe(MiddlewareMixin):
    """Records how it is run: in async mode, every process_request is a hop of its own."""

    def process_request(self, request):
        SEEN.append(
            {
                "probe": type(self).__name__,
                "async_mode": self.async_mode,
                "thread": threading.get_ident(),
            }
        )


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


@pytest.mark.django_db(transaction=True)
def test_the_whole_chain_runs_in_one_thread_without_async_middleware():
    SEEN.clear()
    chain = [f"{HERE}.OutermostProbe", *settings.MIDDLEWARE, f"{HERE}.InnermostProbe"]
    with override_settings(MIDDLEWARE=chain):
        handler = OneHopASGIHandler()
        status, _ = asgi_get(handler, "/login/")
    assert status == 200
    assert [seen["probe"] for seen in SEEN] == ["OutermostProbe", "InnermostProbe"]
    # Django's own handler runs both in async mode, a hop to a thread and back for each.
    assert [seen["async_mode"] for seen in SEEN] == [False, False]
    assert SEEN[0]["thread"] == SEEN[1]["thread"] != threading.get_ident()


@pytest.mark.django_db(transaction=True)
def test_api_errors_and_static_files_through_the_handler():
    handler = OneHopASGIHandler()
    status, body = asgi_get(handler, "/api/v1/incidents/")
    assert status in (401, 403) and b"detail" in body
    expected = (settings.BASE_DIR / "static" / "css" / "cad.css").read_bytes()
    assert asgi_get(handler, "/static/css/cad.css") == (200, expected)
    assert asgi_get(handler, "/static/css/missing.css")[0] == 404


@pytest.mark.django_db
def test_a_static_file_is_served_under_wsgi():
    expected = (settings.BASE_DIR / "static" / "css" / "cad.css").read_bytes()
    response = Client().get("/static/css/cad.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert Client().get("/static/css/missing.css").status_code == 404
