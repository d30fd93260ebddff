"""The role matrix: every API endpoint and page, called by every role and anonymously.

The table below is written out by hand from API.md and the screens' purpose; it is
not derived from the code, so a view whose declared roles drift fails here. Ids in
paths need not exist: the role check comes before any lookup, so a permitted role
gets past it (200, 400, 404 or 409) and a refused one gets 403, which is logged.
"""

import pytest
from django.test import Client
from django.urls import get_resolver
from rest_framework.test import APIClient

from cad.kernel.roles import ALL_ROLES, MACHINE_ROLES
from cad.kernel.tokens import issue_token
from cad.models import AccessRefusal
from tests.security.test_declared_roles import PUBLIC, walk

# Every person's role: the machine roles (a scraper, a feed) get only their own lines.
EVERY = frozenset(ALL_ROLES) - MACHINE_ROLES
CALL_TAKERS = frozenset(
    {"call_handler", "dispatcher", "controller", "inspector", "supervisor", "oic", "crime_manager"}
)
INCIDENT_READERS = frozenset(
    {
        "call_handler",
        "dispatcher",
        "controller",
        "inspector",
        "supervisor",
        "qart",
        "unit",
        "intelligence",
        "admin",
    }
)
INTEL_SUMMARY = frozenset({"call_handler", "dispatcher", "supervisor", "intelligence", "oic"})
INTEL_FULL = frozenset({"intelligence", "supervisor", "oic"})
SCHEME_READERS = frozenset({"oic", "crime_manager", "intelligence", "supervisor"})
QART_LIST = frozenset({"qart", "supervisor", "controller", "inspector"})
REPORTS = frozenset({"qart", "supervisor"})
BOARD = frozenset({"supervisor", "inspector", "controller"})
GEOCODERS = frozenset({"call_handler", "dispatcher", "oic", "intelligence", "supervisor"})

# (method, path, roles allowed past the role check)
API = [
    ("GET", "/api/v1/events/", EVERY),
    ("POST", "/api/v1/auth/logout/", frozenset(ALL_ROLES)),
    ("GET", "/api/v1/contacts/", CALL_TAKERS),
    ("POST", "/api/v1/contacts/", CALL_TAKERS),
    ("GET", "/api/v1/contacts/999999/", CALL_TAKERS),
    ("POST", "/api/v1/contacts/999999/domestic-abuse/", CALL_TAKERS),
    ("POST", "/api/v1/contacts/999999/acknowledge/", EVERY),
    ("POST", "/api/v1/contacts/999999/complete/", EVERY),
    ("POST", "/api/v1/contacts/999999/reassign/", {"supervisor"}),
    ("GET", "/api/v1/follow-ups/", EVERY),
    ("GET", "/api/v1/incidents/", INCIDENT_READERS - {"unit"}),
    ("POST", "/api/v1/incidents/", {"call_handler"}),
    ("GET", "/api/v1/incidents/999999/", INCIDENT_READERS),
    ("POST", "/api/v1/incidents/999999/grade/", {"call_handler", "supervisor"}),
    (
        "POST",
        "/api/v1/incidents/999999/entries/",
        {"call_handler", "dispatcher", "controller", "inspector", "supervisor", "unit"},
    ),
    (
        "POST",
        "/api/v1/incidents/999999/close/",
        {"call_handler", "dispatcher", "controller", "inspector", "supervisor"},
    ),
    ("POST", "/api/v1/incidents/999999/downgrade-review/", {"supervisor"}),
    ("GET", "/api/v1/calls/lookup/", CALL_TAKERS),
    ("GET", "/api/v1/geocode/", GEOCODERS),
    ("GET", "/api/v1/opening-codes/", EVERY),
    ("GET", "/api/v1/absences/", {"supervisor", "admin"}),
    ("GET", "/api/v1/response-targets/", EVERY),
    ("POST", "/api/v1/response-targets/", {"admin"}),
    ("POST", "/api/v1/users/nobody/absence/", {"supervisor", "admin"}),
    ("GET", "/api/v1/intelligence/check/", INTEL_SUMMARY),
    ("GET", "/api/v1/intelligence/checks/", INTEL_SUMMARY),
    ("POST", "/api/v1/intelligence/checks/", {"call_handler", "intelligence"}),
    ("GET", "/api/v1/intelligence/logs/", INTEL_FULL),
    ("POST", "/api/v1/intelligence/logs/", {"intelligence"}),
    ("GET", "/api/v1/intelligence/logs/999999/", INTEL_FULL),
    ("GET", "/api/v1/intelligence/logs/999999/accesses/", INTEL_FULL | {"admin"}),
    ("GET", "/api/v1/intelligence/access-report/", {"supervisor", "intelligence", "admin"}),
    (
        "GET",
        "/api/v1/intelligence/requests/",
        {"intelligence", "supervisor", "call_handler", "dispatcher"},
    ),
    ("POST", "/api/v1/intelligence/requests/", {"call_handler", "dispatcher", "supervisor"}),
    ("POST", "/api/v1/intelligence/requests/999999/claim/", {"intelligence"}),
    ("POST", "/api/v1/intelligence/requests/999999/answer/", {"intelligence"}),
    ("GET", "/api/v1/schemes/", SCHEME_READERS),
    ("POST", "/api/v1/schemes/", {"oic", "intelligence"}),
    ("GET", "/api/v1/schemes/lookup/", EVERY - {"qart", "admin", "unit", "avl", "metrics"}),
    ("GET", "/api/v1/schemes/999999/", SCHEME_READERS),
    ("POST", "/api/v1/schemes/999999/contacts/", {"oic"}),
    ("POST", "/api/v1/schemes/999999/extend/", {"oic", "crime_manager"}),
    ("POST", "/api/v1/schemes/999999/withdraw/", {"oic", "crime_manager"}),
    ("POST", "/api/v1/schemes/999999/reassign/", {"crime_manager"}),
    (
        "GET",
        "/api/v1/units/",
        {"dispatcher", "controller", "inspector", "supervisor", "call_handler", "admin"},
    ),
    ("POST", "/api/v1/units/", {"admin"}),
    ("POST", "/api/v1/units/NOPE/status/", {"unit", "dispatcher"}),
    ("POST", "/api/v1/units/NOPE/messages/", {"unit"}),
    ("GET", "/api/v1/victim-callbacks/", {"dispatcher", "call_handler", "supervisor"}),
    ("POST", "/api/v1/victim-callbacks/999999/", {"dispatcher", "call_handler", "supervisor"}),
    ("POST", "/api/v1/units/NOPE/divert/", {"dispatcher"}),
    ("POST", "/api/v1/units/NOPE/position/", {"unit", "admin", "avl"}),
    ("POST", "/api/v1/units/positions/", {"admin", "avl"}),
    ("GET", "/api/v1/incidents/999999/recommendations/", {"dispatcher", "inspector", "controller"}),
    ("GET", "/api/v1/map/", {"dispatcher", "controller", "inspector", "supervisor"}),
    ("POST", "/api/v1/incidents/999999/assign/", {"dispatcher", "inspector"}),
    (
        "GET",
        "/api/v1/assignments/999999/",
        {"dispatcher", "controller", "inspector", "supervisor", "unit"},
    ),
    ("POST", "/api/v1/assignments/999999/acknowledge/", {"unit"}),
    ("POST", "/api/v1/diverts/999999/review/", {"controller"}),
    ("POST", "/api/v1/diverts/999999/replacement/", {"inspector", "dispatcher"}),
    (
        "POST",
        "/api/v1/diverts/999999/challenge/",
        {"controller", "dispatcher", "inspector", "supervisor", "crime_manager"},
    ),
    ("POST", "/api/v1/diverts/999999/challenge/outcome/", {"supervisor"}),
    ("GET", "/api/v1/boards/overdue/", BOARD),
    ("GET", "/api/v1/diverts/", QART_LIST),
    ("GET", "/api/v1/diverts/999999/timeline/", QART_LIST),
    ("GET", "/api/v1/diverts/999999/qart-review/", REPORTS),
    ("POST", "/api/v1/diverts/999999/qart-review/", {"qart"}),
    ("GET", "/api/v1/qart/urgent-reviews/", REPORTS),
    ("GET", "/api/v1/reports/response-times/", REPORTS),
    ("GET", "/api/v1/reports/diverts/", REPORTS),
    ("GET", "/api/v1/reports/contacts/", REPORTS),
    ("GET", "/api/v1/reports/schemes/", REPORTS),
    ("GET", "/api/v1/reports/grading/", REPORTS),
]

PAGES = [
    ("/", EVERY),
    ("/start/", EVERY),  # a redirect to the role's main screen
    ("/calls/new/", {"call_handler"}),
    ("/calls/panels/", CALL_TAKERS),
    ("/incidents/", INCIDENT_READERS - {"unit"}),
    ("/incidents/999999/", INCIDENT_READERS),
    ("/contacts/999999/", CALL_TAKERS),
    ("/follow-ups/", EVERY),
    ("/availability/", {"supervisor", "admin"}),
    ("/intelligence/", INTEL_FULL),
    ("/intelligence/logs/999999/", INTEL_FULL),
    ("/intelligence/requests/", {"intelligence", "supervisor"}),
    ("/intelligence/access/", {"supervisor", "intelligence", "admin"}),
    ("/schemes/", {"oic"}),
    ("/schemes/new/", {"oic", "intelligence"}),
    ("/schemes/queue/", {"crime_manager", "supervisor"}),
    ("/schemes/policy/", EVERY),
    ("/schemes/999999/", SCHEME_READERS),
    ("/dispatch/board/", {"dispatcher", "controller", "inspector", "supervisor"}),
    ("/dispatch/diverts/review/", {"controller", "supervisor"}),
    ("/dispatch/diverts/replacements/", {"inspector", "dispatcher", "supervisor"}),
    ("/dispatch/overdue/", BOARD),
    ("/dispatch/terminal/", {"unit"}),
    ("/reports/", REPORTS),
    ("/reports/divert-tags/", QART_LIST),
    ("/reports/divert-tags/999999/", QART_LIST),
    ("/reports/urgent-reviews/", REPORTS),
    ("/reports/response-times/", REPORTS),
    ("/reports/diverts/", REPORTS),
    ("/reports/contacts/", REPORTS),
    ("/reports/schemes/", REPORTS),
    ("/reports/grading/", REPORTS),
]


@pytest.fixture
def users(make_user):
    return {role: make_user(role, username=f"matrix-{role}") for role in ALL_ROLES}


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    return client


@pytest.mark.parametrize(("method", "path", "allowed"), API, ids=[f"{m} {p}" for m, p, _ in API])
def test_api_endpoint_by_role(users, method, path, allowed):
    call = {"GET": "get", "POST": "post"}[method]
    anonymous = getattr(api_client(), call)(
        path, **({"data": {}, "format": "json"} if method == "POST" else {})
    )
    assert anonymous.status_code == 401, f"anonymous {method} {path}"
    for role, user in users.items():
        refusals_before = AccessRefusal.objects.filter(path=path, user=user).count()
        kwargs = {"data": {}, "format": "json"} if method == "POST" else {}
        response = getattr(api_client(user), call)(path, **kwargs)
        if role in allowed:
            assert response.status_code not in (401, 403), (
                f"{role} refused {method} {path}: {response.status_code}"
            )
            assert response.status_code < 500
        else:
            assert response.status_code == 403, f"{role} allowed {method} {path}"
            refusals = AccessRefusal.objects.filter(path=path, user=user).count()
            assert refusals == refusals_before + 1, f"refusal of {role} not logged"


@pytest.mark.parametrize(("path", "allowed"), PAGES, ids=[p for p, _ in PAGES])
def test_page_by_role(users, path, allowed):
    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login/")
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        response = client.get(path)
        if role in allowed:
            expected = (302,) if path == "/start/" else (200, 404)
            assert response.status_code in expected, f"{role} on {path}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} allowed on {path}"
            assert AccessRefusal.objects.filter(path=path, user=user).exists()


def route_matches(route: str, path: str) -> bool:
    import re

    pattern = re.sub(r"<(?:\w+:)?\w+>", r"[^/]+", route)
    return re.fullmatch("/" + pattern, path) is not None


def test_the_matrix_covers_every_route():
    covered = [path for _, path, _ in API] + [path for path, _ in PAGES]
    missing = []
    for route, pattern in walk(get_resolver().url_patterns):
        if pattern.name in PUBLIC:
            continue
        if not any(route_matches(route, path) for path in covered):
            missing.append(route)
    assert missing == []


def test_a_unit_reads_only_the_incidents_its_unit_is_or_was_assigned_to(make_user):
    """Others are a 404 on the API and the page, and take no narrative entry from it."""
    from dispatch import services as dispatch_services
    from dispatch.models import Unit
    from tests.factories import incident_factory

    terminal = make_user("unit", username="matrix-terminal")
    dispatcher = make_user("dispatcher")
    unit = Unit.objects.create(callsign="MX1", area="urban", terminal_user=terminal)
    mine = incident_factory(grade="IMMEDIATE", narrative="Neighbour reports shouting.")
    former = incident_factory(grade="PRIORITY", narrative="Shop reports a theft.")
    other = incident_factory(grade="IMMEDIATE", narrative="Caller's ex is at the door.")
    dispatch_services.unit_assign(actor=dispatcher, incident=former, unit=unit)
    dispatch_services.unit_status_set(actor=dispatcher, unit=unit, status="available")
    dispatch_services.unit_assign(actor=dispatcher, incident=mine, unit=unit)

    api = api_client(terminal)
    page = Client()
    page.force_login(terminal)
    for readable in (mine, former):
        assert api.get(f"/api/v1/incidents/{readable.pk}/").status_code == 200
        assert page.get(f"/incidents/{readable.pk}/").status_code == 200
    assert api.get(f"/api/v1/incidents/{other.pk}/").status_code == 404
    assert page.get(f"/incidents/{other.pk}/").status_code == 404
    entry = api.post(f"/api/v1/incidents/{other.pk}/entries/", {"text": "x"}, format="json")
    assert entry.status_code == 404
    assert not other.narrative.filter(text="x").exists()
    assert api.get("/api/v1/incidents/", {"status": "closed"}).status_code == 403
    assert api.get("/api/v1/schemes/lookup/", {"address": "1 Road"}).status_code == 403
    assert page.get("/incidents/").status_code == 403
    # The dispatcher, whose role reads every incident, still does.
    assert api_client(dispatcher).get(f"/api/v1/incidents/{other.pk}/").status_code == 200
