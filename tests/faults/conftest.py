import pytest
from django.conf import settings
from django.db import connection

from tests.stack import Stack


@pytest.fixture
def stack(transactional_db):
    """Web, worker, beat and a Redis of its own, on this test's database."""
    running = Stack(
        settings_dict=connection.settings_dict,
        channel_prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    ).start()
    yield running
    running.stop()
