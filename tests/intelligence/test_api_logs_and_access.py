"""Logs API: create, search, the reasoned full view and its audit, the access report."""

import json

import pytest

from cad.models import AccessRefusal, Event
from intelligence.models import IntelligenceLog, LogAccess, LogPerson, LogPhone

LOGS = "/api/v1/intelligence/logs/"
LOOKUP = "/api/v1/intelligence/check/"
REPORT = "/api/v1/intelligence/access-report/"
SECRET = "Details: the informant's name is written here."

GOOD_LOG = {
    "kind": "domestic_abuse",
    "summary": "Crime report: assault by ex-partner",
    "details": SECRET,
    "occurred_at": "2025-03-01T21:15:00+00:00",
    "persons": [{"name": "Ms A", "dob": "1986-03-14"}, {"name": "Daniel Brookes"}],
    "addresses": [{"address": "14 Acacia Avenue", "postcode": "SW1A 1AA"}],
    "phones": ["07700 900123"],
}


@pytest.fixture
def log(make_log):
    return make_log(
        kind="marac",
        summary="MARAC: high risk",
        details=SECRET,
        phones=["07700 900123"],
        addresses=[{"address": "14 Acacia Avenue", "postcode": "SW1A 1AA"}],
        persons=[{"name": "Ms A", "dob": "1986-03-14"}],
    )


def refused(path):
    return AccessRefusal.objects.filter(path=path).count()


# --- create -------------------------------------------------------------------------------


def test_intelligence_creates_a_log_with_normalised_keys(api_for):
    response = api_for("intelligence").post(LOGS, GOOD_LOG, format="json")
    assert response.status_code == 201, response.content
    log = IntelligenceLog.objects.get(pk=response.json()["id"])
    assert log.handling_code == "OFFICIAL-SENSITIVE"
    assert list(log.phones.values_list("phone_key", flat=True)) == ["+447700900123"]
    assert log.addresses.get().premises_key == "SW1A1AA|14"
    assert sorted(log.persons.values_list("name_key", "dob")) == [
        ("A", LogPerson._meta.get_field("dob").to_python("1986-03-14")),
        ("TNL BRKS", None),
    ]
    event = Event.objects.get(kind="intelligence.log_created")
    assert event.data == {"log": log.pk, "kind": "domestic_abuse"}
    assert event.audience == ["role.intelligence"]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"kind": "gossip"}, {"kind"}),
        ({"summary": ""}, {"summary"}),
        ({"occurred_at": "yesterday"}, {"occurred_at"}),
        ({"occurred_at": "2999-01-01T00:00:00+00:00"}, {"occurred_at"}),
        ({"phones": ["call me"]}, {"phones"}),
        ({"persons": [{"name": "Ms A", "dob": "14/03/1986"}]}, {"persons"}),
        ({"addresses": [{"address": "14 Acacia Avenue", "postcode": "NOTAPC"}]}, {"addresses"}),
        ({"persons": [], "addresses": [], "phones": []}, {"subjects"}),
        ({"handling_code": "TOP SECRET"}, {"handling_code"}),
    ],
)
def test_bad_input_is_400_and_writes_nothing(api_for, change, fields):
    response = api_for("intelligence").post(LOGS, {**GOOD_LOG, **change}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not IntelligenceLog.objects.exists()
    assert not LogPhone.objects.exists()


def test_duplicate_source_reference_is_a_conflict(api_for):
    client = api_for("intelligence")
    assert client.post(LOGS, {**GOOD_LOG, "source_ref": "PNC-1"}, format="json").status_code == 201
    response = client.post(LOGS, {**GOOD_LOG, "source_ref": "PNC-1"}, format="json")
    assert response.status_code == 409
    assert IntelligenceLog.objects.count() == 1


@pytest.mark.parametrize("role", ["call_handler", "supervisor", "oic", "dispatcher"])
def test_only_intelligence_creates_logs(api_for, role):
    response = api_for(role).post(LOGS, GOOD_LOG, format="json")
    assert response.status_code == 403
    assert refused(LOGS) == 1
    assert not IntelligenceLog.objects.exists()


def test_anonymous_is_401(anon_api, log):
    assert anon_api.post(LOGS, GOOD_LOG, format="json").status_code == 401
    assert anon_api.get(f"{LOGS}{log.pk}/?reason=curious").status_code == 401
    assert anon_api.get(LOOKUP + "?phone=07700900123").status_code == 401
    assert anon_api.get(REPORT).status_code == 401


# --- summaries: the lookup and the search --------------------------------------------------


SUMMARY_ROLES = ["call_handler", "dispatcher", "supervisor", "intelligence", "oic"]


@pytest.mark.parametrize("role", SUMMARY_ROLES)
def test_lookup_gives_summaries_only(api_for, log, role):
    response = api_for(role).get(LOOKUP, {"phone": "+44 7700 900123"})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert [(h["id"], h["kind"], h["summary"], h["matched_on"]) for h in hits] == [
        (log.pk, "marac", "MARAC: high risk", ["phone"])
    ]
    assert SECRET not in response.content.decode()
    assert not LogAccess.objects.exists()


def test_lookup_by_address_and_by_person(api_for, log):
    client = api_for("call_handler")
    by_address = client.get(LOOKUP, {"address": "14 acacia ave", "postcode": "sw1a 1aa"}).json()
    assert [hit["matched_on"] for hit in by_address["hits"]] == [["address"]]
    by_person = client.get(LOOKUP, {"name": "Ms A", "dob": "1986-03-14"}).json()
    assert [hit["id"] for hit in by_person["hits"]] == [log.pk]
    assert client.get(LOOKUP, {"name": "Ms A", "dob": "1986-03-15"}).json() == {"hits": []}
    assert client.get(LOOKUP).json() == {"hits": []}
    bad = client.get(LOOKUP, {"name": "Ms A", "dob": "14/03/1986"})
    assert bad.status_code == 400 and "dob" in bad.json()


@pytest.mark.parametrize("role", ["unit", "qart", "controller"])
def test_lookup_wrong_role(api_for, role):
    assert api_for(role).get(LOOKUP, {"phone": "07700900123"}).status_code == 403
    assert refused(LOOKUP) == 1


def test_search_by_name_without_dob_lists_every_log_with_that_name(api_for, log, make_log):
    make_log(summary="Another Ms A", persons=[{"name": "Ms A", "dob": "1990-01-01"}])
    response = api_for("intelligence").get(LOGS, {"name": "Ms A"})
    assert response.status_code == 200
    assert len(response.json()["hits"]) == 2
    kind_only = api_for("intelligence").get(LOGS, {"kind": "marac"}).json()["hits"]
    assert [hit["id"] for hit in kind_only] == [log.pk]
    assert api_for("call_handler").get(LOGS, {"name": "Ms A"}).status_code == 403


# --- the full log: a role and a reason, every view recorded --------------------------------


@pytest.mark.parametrize("reason", [None, "", "   ", "why"])
def test_full_view_without_a_reason_is_400_and_shows_nothing(api_for, log, reason):
    url = f"{LOGS}{log.pk}/" + ("" if reason is None else f"?reason={reason}")
    response = api_for("intelligence").get(url)
    assert response.status_code == 400
    assert set(response.json()) == {"reason"}
    assert SECRET not in response.content.decode()
    assert "MARAC" not in response.content.decode()
    assert not LogAccess.objects.exists()


@pytest.mark.parametrize("role", ["intelligence", "supervisor", "oic"])
def test_full_view_with_a_reason_is_recorded(api_for, log, role):
    client = api_for(role)
    response = client.get(f"{LOGS}{log.pk}/", {"reason": "Checking risk for INC-1"})
    assert response.status_code == 200
    body = response.json()
    assert body["details"] == SECRET
    assert body["phones"] == ["07700 900123"]
    assert body["persons"] == [{"name": "Ms A", "dob": "1986-03-14", "role": ""}]
    access = LogAccess.objects.get()
    assert (access.log, access.user, access.reason, access.channel) == (
        log,
        client.user,
        "Checking risk for INC-1",
        "api",
    )
    event = Event.objects.get(kind="intelligence.log_viewed")
    assert SECRET not in json.dumps(event.data) and "Checking risk" not in json.dumps(event.data)


def test_every_view_is_recorded(api_for, log):
    client = api_for("supervisor")
    for reason in ("First look at the risk", "Second look after the callback"):
        assert client.get(f"{LOGS}{log.pk}/", {"reason": reason}).status_code == 200
    assert list(LogAccess.objects.order_by("id").values_list("reason", flat=True)) == [
        "First look at the risk",
        "Second look after the callback",
    ]


@pytest.mark.parametrize("role", ["call_handler", "dispatcher", "unit", "qart"])
def test_full_view_wrong_role_is_403_and_recorded(api_for, log, role):
    url = f"{LOGS}{log.pk}/"
    response = api_for(role).get(url, {"reason": "I would like to see it"})
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    assert refused(url) == 1
    assert not LogAccess.objects.exists()


def test_full_view_of_a_missing_log_is_404(api_for):
    response = api_for("intelligence").get(f"{LOGS}999999/", {"reason": "Checking risk"})
    assert response.status_code == 404
    assert not LogAccess.objects.exists()


def test_access_rows_cannot_be_changed_or_deleted(api_for, log):
    api_for("oic").get(f"{LOGS}{log.pk}/", {"reason": "Investigation 123"})
    access = LogAccess.objects.get()
    access.reason = "something kinder"
    with pytest.raises(PermissionError):
        access.save()
    with pytest.raises(PermissionError):
        access.delete()
    with pytest.raises(PermissionError):
        LogAccess.objects.update(reason="x")
    with pytest.raises(PermissionError):
        LogAccess.objects.all().delete()
    assert LogAccess.objects.get().reason == "Investigation 123"


# --- who has seen it: per log and the access report ----------------------------------------


def test_access_list_and_report(api_for, log):
    viewer = api_for("oic")
    viewer.get(f"{LOGS}{log.pk}/", {"reason": "Investigation 123"})
    per_log = api_for("supervisor").get(f"{LOGS}{log.pk}/accesses/")
    assert per_log.status_code == 200
    assert [(a["user"], a["reason"]) for a in per_log.json()["accesses"]] == [
        (viewer.user.username, "Investigation 123")
    ]
    report = api_for("supervisor").get(REPORT, {"user": viewer.user.username})
    rows = report.json()["accesses"]
    assert [(r["log"], r["kind"], r["reason"]) for r in rows] == [
        (log.pk, "marac", "Investigation 123")
    ]
    assert api_for("supervisor").get(REPORT, {"from": "2999-01-01"}).json() == {"accesses": []}
    assert api_for("supervisor").get(REPORT, {"from": "not a date"}).status_code == 400
    csv_text = api_for("intelligence").get(REPORT, {"format": "csv"}).content.decode()
    assert csv_text.splitlines()[0] == "id,at,user,log,kind,reason,channel"
    assert "Investigation 123" in csv_text


@pytest.mark.parametrize("role", ["call_handler", "oic", "dispatcher"])
def test_access_report_wrong_role(api_for, role):
    assert api_for(role).get(REPORT).status_code == 403
    assert refused(REPORT) == 1


def test_admin_audits_who_viewed_what_but_not_why_nor_what_it_says(api_for, log, make_user):
    from django.test import Client

    api_for("oic").get(f"{LOGS}{log.pk}/", {"reason": "Investigation 123"})
    admin = api_for("admin")
    rows = admin.get(REPORT).json()["accesses"]
    assert [(row["log"], row["kind"]) for row in rows] == [(log.pk, "marac")]
    assert "reason" not in rows[0] and "summary" not in rows[0]
    csv_text = admin.get(REPORT, {"format": "csv"}).content.decode()
    assert csv_text.splitlines()[0] == "id,at,user,log,kind,channel"
    assert "Investigation 123" not in csv_text and log.summary not in csv_text
    per_log = admin.get(f"{LOGS}{log.pk}/accesses/").json()["accesses"]
    assert per_log and all("reason" not in row for row in per_log)
    page = Client()
    page.force_login(make_user("admin"))
    response = page.get("/intelligence/access/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f">{log.pk}</a>" in html
    assert "Investigation 123" not in html and log.summary not in html
