"""End-to-end fixtures: the real system as processes, and people's screens in Chromium."""

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import OUTPUT_DIR, PASSWORD
from tests.e2e.screens import Screens
from tests.stack import Stack


@pytest.fixture
def stack(transactional_db):
    """uvicorn, a Celery worker, Celery beat and a Redis of their own, on this test's
    database: the system as deployed."""
    running = Stack(
        settings_dict=connection.settings_dict,
        channel_prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    ).start()
    yield running
    running.stop()


@pytest.fixture
def screens(chromium, stack, request):
    """screens.open(name, user, path) → a logged-in screen; screenshots of all at the end."""
    opened = Screens(chromium, stack.base_url, PASSWORD, OUTPUT_DIR)
    yield opened
    opened.screenshot_all(prefix="e2e")
    opened.close()
