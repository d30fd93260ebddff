"""Static files are served by WhiteNoise without splitting Django's middleware chain."""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import AsyncClient, Client
from django.utils.module_loading import import_string


def test_every_middleware_can_run_on_the_event_loop():
    """One synchronous middleware would send every request from the loop to a thread, back
    to the loop and to a thread again for its view."""
    synchronous_only = [
        path
        for path in settings.MIDDLEWARE
        if not getattr(import_string(path), "async_capable", False)
    ]
    assert synchronous_only == []


@pytest.mark.django_db
def test_a_static_file_is_served_under_asgi_and_wsgi():
    expected = (settings.BASE_DIR / "static" / "css" / "cad.css").read_bytes()

    async def fetch():
        response = await AsyncClient().get("/static/css/cad.css")
        return response.status_code, b"".join([chunk async for chunk in response])

    status, body = async_to_sync(fetch)()
    assert (status, body) == (200, expected)
    response = Client().get("/static/css/cad.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == expected
    assert Client().get("/static/css/missing.css").status_code == 404
