"""API tokens: one per device, expiring, revoked on logout, deactivation and a new password;
open screens close when their user, token or session goes."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from cad.asgi import application
from cad.kernel.tokens import issue_token
from tests.conftest import PASSWORD


def log_in(user) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_each_login_issues_a_new_token_that_expires(make_user, settings):
    user = make_user("dispatcher")
    before = timezone.now()
    phone, desk = log_in(user), log_in(user)
    assert phone["token"] != desk["token"]
    hours = settings.REST_KNOX["TOKEN_TTL"] / timedelta(hours=1)
    assert hours == 12
    expires_at = timezone.datetime.fromisoformat(phone["expires_at"])
    assert before + timedelta(hours=11.9) < expires_at < timezone.now() + timedelta(hours=12.1)
    assert with_token(phone["token"]).get("/api/v1/events/").status_code == 200
    assert with_token(desk["token"]).get("/api/v1/events/").status_code == 200
    assert AuthToken.objects.filter(user=user).count() == 2


def test_an_expired_token_is_refused(make_user):
    row, key = issue_token(make_user("dispatcher"))
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert with_token(key).get("/api/v1/events/").status_code == 401


def test_logout_revokes_the_token_presented_and_no_other(make_user):
    user = make_user("dispatcher")
    phone, desk = log_in(user)["token"], log_in(user)["token"]
    assert with_token(phone).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(phone).get("/api/v1/events/").status_code == 401
    assert with_token(phone).post("/api/v1/auth/logout/").status_code == 401
    assert with_token(desk).get("/api/v1/events/").status_code == 200


def test_logout_needs_a_token(anon_api):
    assert anon_api.post("/api/v1/auth/logout/").status_code == 401


@pytest.mark.parametrize("change", ["deactivate", "new password"])
def test_deactivation_or_a_new_password_revokes_every_token(make_user, change):
    user = make_user("dispatcher")
    keys = [log_in(user)["token"] for _ in range(2)]
    bystander = make_user("dispatcher")
    other_key = log_in(bystander)["token"]
    if change == "deactivate":
        user.is_active = False
    else:
        user.set_password("a-new-passphrase-entirely")
    user.save()
    for key in keys:
        assert with_token(key).get("/api/v1/events/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()
    assert with_token(other_key).get("/api/v1/events/").status_code == 200


def test_saving_a_user_unchanged_keeps_their_tokens(make_user):
    user = make_user("dispatcher")
    key = log_in(user)["token"]
    user.first_name = "Dee"
    user.save()
    assert with_token(key).get("/api/v1/events/").status_code == 200


# --- open screens ----------------------------------------------------------------------

CLOSED_SIGNED_OUT = 4401


async def open_screen(headers):
    communicator = WebsocketCommunicator(application, "/ws/screens/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["kind"] == "hello"
    return communicator


async def closed_with(communicator) -> int:
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close", message
    return message["code"]


@pytest.mark.django_db(transaction=True)
def test_a_screen_closes_at_once_when_its_user_is_deactivated(make_user):
    user = make_user("dispatcher")
    _, key = issue_token(user)

    def deactivate():
        user.is_active = False
        user.save()

    async def scenario():
        screen = await open_screen([(b"authorization", f"Token {key}".encode())])
        await database_sync_to_async(deactivate)()
        assert await closed_with(screen) == CLOSED_SIGNED_OUT

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_screen_closes_at_its_next_heartbeat_once_its_token_is_deleted(make_user):
    row, key = issue_token(make_user("dispatcher"))

    async def scenario():
        screen = await open_screen([(b"authorization", f"Token {key}".encode())])
        await screen.send_json_to({"type": "ping"})
        assert (await screen.receive_json_from(timeout=5))["kind"] == "pong"
        await database_sync_to_async(AuthToken.objects.filter(pk=row.pk).delete)()
        await screen.send_json_to({"type": "ping"})
        assert await closed_with(screen) == CLOSED_SIGNED_OUT

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_browser_screen_closes_at_its_next_heartbeat_once_its_session_is_deleted(make_user):
    client = Client()
    client.force_login(make_user("supervisor"))
    session_key = client.cookies["sessionid"].value
    headers = [
        (b"origin", b"http://127.0.0.1:8000"),
        (b"host", b"127.0.0.1:8000"),
        (b"cookie", f"sessionid={session_key}".encode()),
    ]

    async def scenario():
        screen = await open_screen(headers)
        await screen.send_json_to({"type": "ping"})
        assert (await screen.receive_json_from(timeout=5))["kind"] == "pong"
        await database_sync_to_async(Session.objects.filter(session_key=session_key).delete)()
        await screen.send_json_to({"type": "ping"})
        assert await closed_with(screen) == CLOSED_SIGNED_OUT

    async_to_sync(scenario)()
