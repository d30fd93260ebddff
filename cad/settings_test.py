"""Test settings: the real PostgreSQL and Redis from DATABASE_URL / REDIS_URL."""

import os

os.environ.setdefault("CAD_TESTING", "1")

from cad.settings import *  # noqa: E402,F403
from cad.settings import CHANNEL_LAYERS, DATABASES  # noqa: E402

# Several test runs may share one Redis, and so do the workers of one run (pytest-xdist
# names them gw0, gw1...): keep their channel groups apart.
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = os.environ.get(
    "CAD_CHANNEL_PREFIX",
    f"test-{DATABASES['default']['NAME']}{os.environ.get('PYTEST_XDIST_WORKER', '')}",
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Server threads in browser tests must not keep connections open past a test: the test
# database is dropped at the end. The processes a test starts (tests/stack.py) keep theirs,
# as deployed, until they stop.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CAD_TEST_CONN_MAX_AGE", "0"))
