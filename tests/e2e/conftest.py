"""End-to-end fixtures: the real system as processes, and people's screens in Chromium."""

import pytest

from tests.conftest import OUTPUT_DIR, PASSWORD
from tests.e2e.screens import Screens


@pytest.fixture
def screens(chromium, stack, request):
    """screens.open(name, user, path) → a logged-in screen; screenshots of all at the end."""
    opened = Screens(chromium, stack.base_url, PASSWORD, OUTPUT_DIR)
    yield opened
    opened.screenshot_all(prefix="e2e")
    opened.close()
