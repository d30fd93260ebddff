"""Accounts: token auth, lockout, role checks with logged refusals, idle timeout."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cad.models import AccessRefusal
from dispatch.models import Unit
from tests.conftest import PASSWORD


def test_token_auth_gives_a_working_token(make_user, anon_api):
    user = make_user("dispatcher")
    response = anon_api.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon_api.get("/api/v1/events/").status_code == 200


def test_token_with_bad_password_is_400_and_missing_fields_name_them(make_user, anon_api):
    user = make_user("dispatcher")
    bad = anon_api.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "wrong"}, format="json"
    )
    assert bad.status_code == 400
    missing = anon_api.post("/api/v1/auth/token/", {}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == {"username", "password"}


def test_lockout_after_five_bad_passwords_on_the_login_page(client, make_user):
    user = make_user("dispatcher")
    for _ in range(5):
        client.post("/login/", {"username": user.username, "password": "wrong"})
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert b"locked for 10 minutes" in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_applies_to_the_token_endpoint(make_user, anon_api):
    user = make_user("dispatcher")
    for _ in range(5):
        anon_api.post(
            "/api/v1/auth/token/", {"username": user.username, "password": "x"}, format="json"
        )
    response = anon_api.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed attempts: this login is locked for 10 minutes."
    }


def test_four_failures_then_success_is_allowed(client, make_user):
    user = make_user("dispatcher")
    for _ in range(4):
        client.post("/login/", {"username": user.username, "password": "wrong"})
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_login_without_a_role_is_refused_and_the_refusal_logged(api_for, make_user):
    client = api_for(user=make_user(None))
    response = client.get("/api/v1/events/")
    assert response.status_code == 403
    refusal = AccessRefusal.objects.get()
    assert refusal.user == client.user
    assert refusal.path == "/api/v1/events/"
    assert refusal.method == "GET"


def test_pages_send_anonymous_users_to_login_and_refuse_roleless_users(client, make_user):
    assert client.get("/").status_code == 302
    client.force_login(make_user(None))
    assert client.get("/").status_code == 403
    assert AccessRefusal.objects.filter(path="/").count() == 1


def test_idle_timeout_is_thirty_minutes_and_renewed_on_each_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_create_user_command_gives_the_role_and_links_a_unit(db):
    Unit.objects.create(callsign="ALPHA9")
    call_command("create_user", "mdt9", "--role", "unit", "--password", "pw-9", "--unit", "alpha9")
    unit = Unit.objects.get(callsign="ALPHA9")
    assert unit.terminal_user.username == "mdt9"
    assert list(unit.terminal_user.groups.values_list("name", flat=True)) == ["unit"]
    assert unit.terminal_user.check_password("pw-9")


@pytest.mark.parametrize(
    "args, message",
    [
        (["x", "--role", "janitor", "--password", "pw"], "Unknown role"),
        (["x", "--role", "dispatcher", "--password", ""], "password"),
        (["x", "--role", "dispatcher", "--password", "pw", "--unit", "A1"], "unit role"),
        (["x", "--role", "unit", "--password", "pw", "--unit", "NOPE"], "No unit"),
    ],
)
def test_create_user_refuses_bad_input_and_writes_nothing(db, args, message):
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError, match=message):
        call_command("create_user", *args)
    assert not get_user_model().objects.filter(username="x").exists()


def test_seed_demo_is_idempotent(db):
    from django.contrib.auth import get_user_model

    call_command("seed_demo", "--password", "demo-pass")
    first = (get_user_model().objects.count(), Unit.objects.count())
    call_command("seed_demo", "--password", "demo-pass")
    assert (get_user_model().objects.count(), Unit.objects.count()) == first
    dispatcher = get_user_model().objects.get(username="dispatcher")
    assert list(dispatcher.groups.values_list("name", flat=True)) == ["dispatcher"]


def test_set_response_target_command(db):
    from cad.models import ResponseTarget

    call_command("set_response_target", "IMMEDIATE", "120", "--area", "urban")
    assert ResponseTarget.objects.get(grade="IMMEDIATE", area="urban").seconds == 120
    assert ResponseTarget.objects.get(grade="IMMEDIATE", area="rural").seconds == 1200
    with pytest.raises(CommandError, match="Unknown grade"):
        call_command("set_response_target", "URGENT", "60")
    with pytest.raises(CommandError, match="seconds"):
        call_command("set_response_target", "PRIORITY", "0")


def test_openapi_schema_is_published(anon_api, db):
    response = anon_api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/events/" in response.content


def test_a_token_request_reads_the_token_once_and_the_roles_once(api_for, make_user):
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("dispatcher")
    user.groups.add(Group.objects.get_or_create(name="not-a-cad-role")[0])
    client = api_for(user=user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/events/?since=0")
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    # knox reads the token, and the user's tokens to drop any that expired.
    assert sum('FROM "knox_authtoken"' in statement for statement in sql) <= 2, sql
    assert sum('FROM "auth_group"' in statement for statement in sql) == 1, sql
    # A group that is no CAD role is not one.
    assert client.post("/api/v1/incidents/", {}, format="json").status_code == 403
    assert api_for(None).get("/api/v1/events/?since=0").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "screen"),
    [
        ("call_handler", "/calls/new/"),
        ("dispatcher", "/dispatch/board/"),
        ("controller", "/dispatch/diverts/review/"),
        ("inspector", "/dispatch/diverts/replacements/"),
        ("supervisor", "/dispatch/overdue/"),
        ("unit", "/dispatch/terminal/"),
        ("qart", "/reports/divert-tags/"),
        ("oic", "/schemes/"),
        ("crime_manager", "/schemes/queue/"),
        ("intelligence", "/intelligence/requests/"),
        ("admin", "/"),
    ],
)
def test_signing_in_lands_on_the_main_screen_of_the_role(client, make_user, role, screen):
    from django.urls import reverse

    user = make_user(role)
    response = client.post(
        "/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == screen == response.request["PATH_INFO"]
    assert response.status_code == 200
    assert reverse("cad:start") == "/start/"


@pytest.mark.django_db
def test_many_links_are_grouped_in_menus_and_few_stay_flat(client, make_user):
    client.force_login(make_user("supervisor"))
    html = client.get("/").content.decode()
    assert html.count('<details class="nav-menu"') >= 3
    for href in ("/dispatch/overdue/", "/follow-ups/", "/availability/"):
        assert f'href="{href}"' in html  # every link is still there, inside its menu
    client.force_login(make_user("unit"))
    html = client.get("/").content.decode()
    assert "nav-menu" not in html and 'href="/dispatch/terminal/"' in html
