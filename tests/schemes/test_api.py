"""The schemes API as in API.md "Special schemes": paths, fields, codes and roles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cad.models import AccessRefusal, Event
from schemes import rules
from schemes.models import Scheme


@pytest.fixture
def oic_api(api_for, oic):
    return api_for(user=oic)


@pytest.fixture
def payload(oic):
    return {
        "victim_name": "Ms A Example",
        "address": "14 Acacia Avenue",
        "postcode": "SW1A 1AA",
        "phones": ["07700 900123"],
        "oic": oic.username,
        "reason": "Domestic abuse: threats from ex-partner",
        "ends_at": (timezone.now() + timedelta(days=90)).isoformat(),
    }


def create(client, payload, **changes):
    return client.post("/api/v1/schemes/", {**payload, **changes}, format="json")


def test_create_201_by_oic_and_intelligence(oic_api, api_for, payload):
    response = create(oic_api, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "active" and body["informed"] == "not_informed"
    assert body["oic"] == payload["oic"] and body["phones"] == ["07700 900123"]
    assert body["timeline"][0]["kind"] == "scheme.created"
    assert create(api_for("intelligence"), payload).status_code == 201
    assert Scheme.objects.count() == 2


def test_create_accepts_a_bare_date_for_the_planned_end(oic_api, payload):
    day = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = create(oic_api, payload, ends_at=day)
    assert response.status_code == 201
    assert timezone.localtime(Scheme.objects.get().ends_at).date().isoformat() == day


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "LATER"}, "ends_at"),
        ({"ends_at": "PAST"}, "ends_at"),
        ({"oic": "nobody"}, "oic"),
        ({"oic": "NOT_OIC"}, "oic"),
        ({"address": "", "postcode": "", "phones": []}, "address"),
        ({"phones": ["call me maybe"]}, "phones"),
        ({"victim_name": ""}, "victim_name"),
        ({"reason": ""}, "reason"),
        ({"ends_at": "next tuesday"}, "ends_at"),
    ],
)
def test_create_400_names_the_field(oic_api, payload, make_user, changes, field):
    now = timezone.now()
    values = {
        "LATER": (rules.add_months(now, 6) + timedelta(days=1)).isoformat(),
        "PAST": (now - timedelta(days=1)).isoformat(),
        "NOT_OIC": make_user("call_handler").username,
    }
    changes = {
        key: values.get(value, value) if isinstance(value, str) else value
        for key, value in changes.items()
    }
    response = create(oic_api, payload, **changes)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Scheme.objects.exists()


def test_more_than_six_months_is_400_with_the_limit(oic_api, payload):
    too_late = rules.add_months(timezone.now(), 6) + timedelta(hours=1)
    response = create(oic_api, payload, ends_at=too_late.isoformat())
    assert response.status_code == 400
    assert "at most 6 months" in response.json()["ends_at"][0]


def test_contact_extend_withdraw_through_the_api(oic_api, api_for, payload):
    scheme_id = create(oic_api, payload).json()["id"]
    base = f"/api/v1/schemes/{scheme_id}"
    informed = oic_api.post(
        f"{base}/contacts/",
        {"purpose": "explain", "method": "Phone", "outcome": "informed", "notes": "Explained"},
        format="json",
    )
    assert informed.status_code == 201
    assert informed.json()["informed"] == "informed"
    assert informed.json()["contact"]["purpose"] == "explain"

    new_end = (timezone.now() + timedelta(days=150)).isoformat()
    extended = oic_api.post(
        f"{base}/extend/", {"ends_at": new_end, "rationale": "Bail conditions"}, format="json"
    )
    assert extended.status_code == 200 and extended.json()["cycle"] == 2
    no_rationale = oic_api.post(
        f"{base}/extend/", {"ends_at": new_end, "rationale": ""}, format="json"
    )
    assert no_rationale.status_code == 400 and "rationale" in no_rationale.json()

    refused = oic_api.post(f"{base}/withdraw/", {"rationale": "Risk gone"}, format="json")
    assert refused.status_code == 400
    assert "withdrawal" in refused.json()["contacts"][0]
    assert "Missing step" in refused.json()["contacts"][0]

    attempt = oic_api.post(
        f"{base}/contacts/",
        {"purpose": "withdrawal", "method": "Phone", "outcome": "no_answer", "notes": ""},
        format="json",
    )
    assert attempt.status_code == 201
    withdrawn = oic_api.post(f"{base}/withdraw/", {"rationale": "Risk gone"}, format="json")
    assert withdrawn.status_code == 200
    body = withdrawn.json()
    assert body["status"] == "ended" and body["ending"] == "withdrawn"
    assert [c["purpose"] for c in body["contacts"]] == ["explain", "withdrawal"]
    assert [t["kind"] for t in body["timeline"]] == [
        "scheme.created",
        "scheme.contact_recorded",
        "scheme.extended",
        "scheme.contact_recorded",
        "scheme.withdrawn",
    ]
    assert body["timeline"][-1]["text"].endswith("withdrawn: Risk gone")
    again = oic_api.post(f"{base}/withdraw/", {"rationale": "again"}, format="json")
    assert again.status_code == 409

    detail = api_for("supervisor").get(f"{base}/")
    assert detail.status_code == 200 and detail.json()["end_rationale"] == "Risk gone"


def test_list_filters_by_status(oic_api, api_for, payload):
    first = create(oic_api, payload).json()["id"]
    second = create(oic_api, payload, phones=["07700 900999"]).json()["id"]
    oic_api.post(
        f"/api/v1/schemes/{second}/contacts/",
        {"purpose": "withdrawal", "method": "Visit", "outcome": "informed"},
        format="json",
    )
    oic_api.post(f"/api/v1/schemes/{second}/withdraw/", {"rationale": "Moved"}, format="json")
    manager = api_for("crime_manager")
    ids = lambda status: [s["id"] for s in manager.get(f"/api/v1/schemes/?status={status}").json()]  # noqa: E731
    assert ids("active") == [first]
    assert ids("ended") == [second]
    assert ids("review_due") == [] and ids("second_stage") == []
    assert sorted(ids("")) == sorted([first, second])
    assert manager.get("/api/v1/schemes/?status=lapsed").status_code == 400


def test_lookup_endpoint_for_call_handlers(oic_api, api_for, payload):
    create(oic_api, payload)
    handler = api_for("call_handler")
    response = handler.get(
        "/api/v1/schemes/lookup/", {"phone": "+44 7700 900123", "postcode": "SW1A1AA"}
    )
    assert response.status_code == 200
    assert response.json()["grade_floor"] == "IMMEDIATE"
    assert len(response.json()["active"]) == 1
    # Call handlers see the lookup, not the scheme records themselves.
    assert handler.get("/api/v1/schemes/").status_code == 403


ENDPOINTS = [
    ("post", "/api/v1/schemes/", ("call_handler", "crime_manager", "supervisor", "unit")),
    ("get", "/api/v1/schemes/", ("call_handler", "dispatcher", "unit", "qart")),
    ("get", "/api/v1/schemes/{id}/", ("call_handler", "unit")),
    ("post", "/api/v1/schemes/{id}/contacts/", ("crime_manager", "intelligence", "supervisor")),
    ("post", "/api/v1/schemes/{id}/extend/", ("intelligence", "supervisor", "call_handler")),
    ("post", "/api/v1/schemes/{id}/withdraw/", ("intelligence", "supervisor", "dispatcher")),
    ("post", "/api/v1/schemes/{id}/reassign/", ("oic", "supervisor")),
    ("get", "/api/v1/schemes/lookup/", ("qart", "admin")),
]


@pytest.mark.parametrize(("method", "path", "wrong_roles"), ENDPOINTS)
def test_wrong_roles_403_logged_and_anonymous_401(
    oic_api, api_for, anon_api, payload, method, path, wrong_roles
):
    scheme_id = create(oic_api, payload).json()["id"]
    url = path.format(id=scheme_id)
    for role in wrong_roles:
        client = api_for(role)
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (role, url)
        assert AccessRefusal.objects.filter(user=client.user, path=url).exists()
    assert getattr(anon_api, method)(url, {}, format="json").status_code == 401


def test_another_oic_is_refused_on_a_colleagues_scheme(oic_api, api_for, payload, other_oic):
    scheme_id = create(oic_api, payload).json()["id"]
    colleague = api_for(user=other_oic)
    response = colleague.post(
        f"/api/v1/schemes/{scheme_id}/contacts/",
        {"purpose": "explain", "method": "Phone", "outcome": "informed"},
        format="json",
    )
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(user=other_oic).exists()
    assert not Event.objects.filter(kind="scheme.contact_recorded").exists()


def test_crime_manager_reassigns_the_oic(oic_api, api_for, payload, other_oic):
    scheme_id = create(oic_api, payload).json()["id"]
    manager = api_for("crime_manager")
    response = manager.post(
        f"/api/v1/schemes/{scheme_id}/reassign/",
        {"oic": other_oic.username, "rationale": "PC Jones on long-term leave"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["oic"] == other_oic.username
    # The new OIC can now record contacts; the old one cannot.
    body = {"purpose": "explain", "method": "Phone", "outcome": "informed"}
    assert (
        api_for(user=other_oic)
        .post(f"/api/v1/schemes/{scheme_id}/contacts/", body, format="json")
        .status_code
        == 201
    )
    assert (
        oic_api.post(f"/api/v1/schemes/{scheme_id}/contacts/", body, format="json").status_code
        == 403
    )


def test_missing_scheme_is_404(api_for):
    assert api_for("crime_manager").get("/api/v1/schemes/999999/").status_code == 404


def test_schema_documents_the_scheme_paths(anon_api):
    response = anon_api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for fragment in ("/api/v1/schemes/{scheme_id}/withdraw/", "/api/v1/schemes/lookup/"):
        assert fragment in text


def test_an_absent_officer_is_neither_offered_nor_accepted_as_oic(
    oic_api, api_for, payload, other_oic, make_user, client
):
    """On leave, an OIC would not tell the victim anything: the form does not offer them,
    and the server refuses them on a new scheme and on a hand-over, writing nothing."""
    from cad.models import UserAvailability
    from schemes.models import Scheme

    now = timezone.now()
    UserAvailability.objects.create(
        user=other_oic,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7),
        reason="annual leave",
        set_by=make_user("supervisor"),
        set_at=now,
    )
    refused = create(oic_api, payload, oic=other_oic.username)
    assert refused.status_code == 400
    assert "is absent (annual leave)" in refused.json()["oic"][0]
    assert not Scheme.objects.filter(oic=other_oic).exists()

    scheme_id = create(oic_api, payload).json()["id"]
    handover = api_for("crime_manager").post(
        f"/api/v1/schemes/{scheme_id}/reassign/",
        {"oic": other_oic.username, "rationale": "PC on leave"},
        format="json",
    )
    assert handover.status_code == 400 and "absent" in handover.json()["oic"][0]
    assert Scheme.objects.get(pk=scheme_id).oic != other_oic

    client.force_login(make_user("intelligence"))
    form = client.get("/schemes/new/").content.decode()
    assert f'value="{other_oic.username}"' not in form
