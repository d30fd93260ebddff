"""Shared fixtures: users by role, API clients, an ASGI live server and Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from cad.kernel.tokens import issue_token

PASSWORD = "correct-horse-battery"
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(autouse=True)
def reference_data(request):
    """Role groups and default targets come from a data migration, which a
    transactional test's flush removes; put them back for every database test."""
    wants_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not wants_db:
        return
    request.getfixturevalue(
        "db" if "transactional_db" not in request.fixturenames else "transactional_db"
    )
    from importlib import import_module

    from django.apps import apps

    import_module("cad.migrations.0002_roles_and_targets").forwards(apps, None)
    # Roles added later (metrics, avl) have their groups from migrations of their own.
    from cad.kernel.roles import ALL_ROLES

    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)


@pytest.fixture(scope="session", autouse=True)
def end_stray_connections(django_db_setup, django_db_blocker):
    """Server threads of browser tests may leave a connection behind; end them so the
    test database can be dropped at the end of the session."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def pytest_itemcollected(item):
    """Tests that run the whole system as processes (a fixture named like `stack` or
    `ha_stack`, tests/stack.py) wait on real clocks for minutes and check how soon alerts
    reach screens: under pytest-xdist they run one after another on one worker (--dist
    loadgroup), never beside each other, while the other worker runs the rest."""
    if any("stack" in name for name in getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.xdist_group("system"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """In one process, browser tests last: they are the slowest and the first failures
    come sooner. Across workers (the README's test command) they go first, so that short
    tests fill the end of the run instead of one long test running alone."""
    across_workers = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    items.sort(key=lambda item: (item.get_closest_marker("browser") is None) == across_workers)


@pytest.fixture
def make_user(db) -> Callable:
    """make_user("dispatcher") → a user with that role (username defaults to a unique one)."""
    counter = {"n": 0}

    def make(role: str | None = None, username: str | None = None, **extra):
        counter["n"] += 1
        name = username or f"{role or 'norole'}-{counter['n']}"
        user = get_user_model().objects.create_user(username=name, password=PASSWORD, **extra)
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def api_for(make_user) -> Callable:
    """api_for("dispatcher") → (APIClient authenticated by token, user)."""

    def make(role: str | None = None, user=None):
        user = user or make_user(role)
        client = APIClient()
        _, token_key = issue_token(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
        client.user = user
        return client

    return make


@pytest.fixture
def anon_api() -> APIClient:
    return APIClient()


# --- a real ASGI server (HTTP + websockets) on the test database -------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_asgi(transactional_db):
    """Serve cad.asgi with uvicorn in a thread; yields the base URL."""
    import uvicorn
    from channels.layers import channel_layers

    from cad.asgi import application
    from cad.calls.risk_language import pipeline
    from cad.server import WEBSOCKET_PROTOCOL

    # A deployed server loads the risk pipeline as it starts (CAD_PRELOAD_RISK_LANGUAGE);
    # this one does too, once per test process, so that a test's first call is not the
    # one that waits for it.
    pipeline()
    # Each server runs its own event loop; a channel layer (and its receive lock) left
    # over from an earlier test's loop must not be shared with it.
    channel_layers.backends.clear()
    port = _free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        ws=WEBSOCKET_PROTOCOL,
        ws_per_message_deflate=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    channel_layers.backends.clear()


# --- Chromium through Playwright ----------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def stack(transactional_db):
    """uvicorn, a Celery worker, Celery beat and a Redis of their own, on this test's
    database: the system as deployed."""
    from django.conf import settings
    from django.db import connection

    from tests.stack import Stack

    running = Stack(
        settings_dict=connection.settings_dict,
        channel_prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    ).start()
    yield running
    running.stop()


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread while it is open,
    # so it is opened per test: later tests may use async_to_sync again. Django's ORM is
    # allowed beside that loop for this test only: a later test (or a process it starts,
    # such as `manage.py check --deploy`) must not inherit the setting.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CAD_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_login(chromium, live_asgi, request):
    """browser_login(user) → a Playwright page logged in as that user."""
    contexts = []

    def login(user, password: str = PASSWORD):
        context = chromium.new_context(viewport={"width": 1400, "height": 900})
        contexts.append((context, user.username))
        page = context.new_page()
        # How long a step may wait for what it expects, not how fast it must come: the
        # README's test command runs two workers on two cores, beside other work.
        page.set_default_timeout(30_000)
        page.goto(f"{live_asgi}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield login
    OUTPUT_DIR.mkdir(exist_ok=True)
    for context, username in contexts:
        for index, page in enumerate(context.pages):
            name = f"{request.node.name}-{username}-{index}.png"
            page.screenshot(path=str(OUTPUT_DIR / name), full_page=True)
        context.close()
