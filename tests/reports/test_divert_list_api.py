"""GET /api/v1/diverts/: the DIVERT tag list's fields, filters, sorting, paging, roles."""

import pytest

from cad.models import AccessRefusal
from reports.qart_services import divert_qart_review
from tests.reports.scenario import at, build_incidents

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    return build_incidents()


@pytest.fixture
def qart_api(api_for):
    return api_for("qart")


def ids(response):
    return [row["id"] for row in response.json()]


def test_every_field_of_an_approved_and_replaced_divert(history, qart_api):
    d1 = history.diverts["D1"]
    i4, i5 = history.incidents["I4"], history.incidents["I5"]
    divert_qart_review(
        actor=history.actors.qart, divert=d1, finding="inappropriate", notes="x", now=at(days=1)
    )
    response = qart_api.get("/api/v1/diverts/")
    assert response.status_code == 200
    row = next(row for row in response.json() if row["id"] == d1.pk)
    assert row == {
        "id": d1.pk,
        "status": "replaced",
        "created_at": "2026-03-02T12:20:00Z",
        "reason": "Immediate call, U4 is two streets away",
        "unit": "U4",
        "from_incident": i4.pk,
        "from_reference": i4.reference,
        "from_grade": "PRIORITY",
        "from_grade_at_divert": "PRIORITY",
        "to_incident": i5.pk,
        "to_reference": i5.reference,
        "to_grade": "IMMEDIATE",
        "to_grade_at_divert": "IMMEDIATE",
        "dispatcher": "dispatcher1",
        "review_due_at": row["review_due_at"],
        "controller": "controller1",
        "decision": "approve",
        "rationale": "I5 is a threat to life; I4 can wait for another unit",
        "reviewed_at": "2026-03-02T12:23:00Z",
        "time_to_review_seconds": 180.0,
        "replacement_unit": "U5",
        "replaced_by": "inspector1",
        "replaced_at": "2026-03-02T12:50:00Z",
        "time_to_replacement_seconds": 1800.0,
        "original_response_due_at": "2026-03-02T13:00:00Z",
        "original_first_arrival_at": "2026-03-02T13:10:00Z",
        "original_attended_within_target": False,
        "qart_status": "inappropriate",
        "qart_reviewed_at": "2026-03-03T09:00:00Z",
        "qart_reviewer": "qart1",
        "urgent_review_open": False,
        "challenged": False,
    }


def test_fields_of_an_override_and_of_a_divert_not_yet_reviewed(history, qart_api):
    rows = {row["id"]: row for row in qart_api.get("/api/v1/diverts/").json()}
    d2 = rows[history.diverts["D2"].pk]
    assert (d2["status"], d2["decision"], d2["controller"]) == (
        "overridden",
        "override",
        "controller1",
    )
    assert d2["time_to_review_seconds"] == 600.0
    assert d2["time_to_replacement_seconds"] is None
    assert d2["replacement_unit"] is None
    assert d2["original_attended_within_target"] is True
    d3 = rows[history.diverts["D3"].pk]
    assert (d3["status"], d3["decision"], d3["controller"]) == ("awaiting_review", "", None)
    assert d3["time_to_review_seconds"] is None
    assert d3["reviewed_at"] is None
    assert d3["original_attended_within_target"] is True
    assert d3["qart_status"] == "unreviewed"
    assert d3["qart_reviewer"] is None


def test_newest_first_by_default_with_the_total_in_a_header(history, qart_api):
    response = qart_api.get("/api/v1/diverts/")
    d = history.diverts
    assert ids(response) == [d["D2"].pk, d["D1"].pk, d["D3"].pk]
    assert response["X-Total-Count"] == "3"
    assert "Link" not in response


FILTER_CASES = [
    ("status=awaiting_review", ["D3"]),
    ("status=replaced,overridden", ["D2", "D1"]),
    ("decision=approve", ["D1"]),
    ("decision=override", ["D2"]),
    ("decision=pending", ["D3"]),
    ("decision=pending,override", ["D2", "D3"]),
    ("unit=u4", ["D1"]),
    ("unit=U5", ["D1"]),  # the replacement unit
    ("user=controller1", ["D2", "D1"]),
    ("user=inspector1", ["D1"]),
    ("user=dispatcher1", ["D2", "D1", "D3"]),
    ("user=nobody", []),
    ("from=2026-03-02T12:00&to=2026-03-02T13:00", ["D1"]),
    ("from=2026-03-02&to=2026-03-02", ["D2", "D1", "D3"]),
    ("from=2026-03-03", []),
    ("to=2026-03-01", []),
    ("qart_status=unreviewed", ["D2", "D3"]),
    ("qart_status=appropriate", ["D1"]),
    ("status=replaced&decision=override", []),
]


def test_filters(history, qart_api):
    divert_qart_review(
        actor=history.actors.qart, divert=history.diverts["D1"], finding="appropriate"
    )
    for query, expected in FILTER_CASES:
        response = qart_api.get(f"/api/v1/diverts/?{query}")
        assert response.status_code == 200, (query, response.json())
        assert ids(response) == [history.diverts[name].pk for name in expected], query
        assert response["X-Total-Count"] == str(len(expected)), query


def test_filter_by_incident_reference(history, qart_api):
    reference = history.incidents["I7"].reference
    assert ids(qart_api.get(f"/api/v1/diverts/?incident={reference}")) == [history.diverts["D2"].pk]


SORT_CASES = [
    ("created_at", ["D3", "D1", "D2"]),
    ("time_to_review", ["D1", "D2", "D3"]),  # 3 min, 10 min, not yet (last)
    ("-time_to_review", ["D2", "D1", "D3"]),
    ("unit", ["D3", "D1", "D2"]),  # U1, U4, U6
    ("from_grade", ["D3", "D1", "D2"]),  # IMMEDIATE before PRIORITY, then by id
    ("original_within_target", ["D1", "D3", "D2"]),  # false before true, then by id
]


def test_sorting(history, qart_api):
    for ordering, expected in SORT_CASES:
        response = qart_api.get(f"/api/v1/diverts/?ordering={ordering}")
        assert ids(response) == [history.diverts[name].pk for name in expected], ordering


def test_paging_with_link_headers(history, qart_api):
    d = history.diverts
    first = qart_api.get("/api/v1/diverts/?page_size=2&status=replaced,overridden,awaiting_review")
    assert ids(first) == [d["D2"].pk, d["D1"].pk]
    assert first["X-Total-Count"] == "3"
    assert 'rel="next"' in first["Link"] and 'rel="prev"' not in first["Link"]
    assert "page=2" in first["Link"] and "status=replaced%2Coverridden" in first["Link"]
    second = qart_api.get("/api/v1/diverts/?page_size=2&page=2")
    assert ids(second) == [d["D3"].pk]
    assert 'rel="prev"' in second["Link"] and 'rel="next"' not in second["Link"]
    assert qart_api.get("/api/v1/diverts/?page=9").json() == []


BAD_CASES = [
    ("status=lost", "status"),
    ("decision=maybe", "decision"),
    ("qart_status=done", "qart_status"),
    ("from=yesterday", "from"),
    ("to=2026-13-01", "to"),
    ("from=2026-03-03&to=2026-03-01", "to"),
    ("ordering=reason", "ordering"),
    ("page=0", "page"),
    ("page_size=501", "page_size"),
    ("page=x", "page"),
]


def test_bad_filters_are_400_with_the_field(qart_api):
    for query, field in BAD_CASES:
        response = qart_api.get(f"/api/v1/diverts/?{query}")
        assert response.status_code == 400, query
        assert field in response.json(), query


def test_roles_that_may_read_the_list(api_for):
    for role in ("qart", "supervisor", "controller", "inspector"):
        assert api_for(role).get("/api/v1/diverts/").status_code == 200, role


def test_other_roles_are_refused_and_logged(api_for):
    for role in ("dispatcher", "call_handler", "unit", "oic", "admin"):
        api = api_for(role)
        assert api.get("/api/v1/diverts/").status_code == 403, role
        refusal = AccessRefusal.objects.get(user=api.user)
        assert refusal.path == "/api/v1/diverts/"
        assert sorted(refusal.required_roles) == ["controller", "inspector", "qart", "supervisor"]


def test_anonymous_is_401(anon_api):
    assert anon_api.get("/api/v1/diverts/").status_code == 401


def test_timeline_api_lists_every_event_about_the_divert_and_both_incidents(history, qart_api):
    d1 = history.diverts["D1"]
    divert_qart_review(actor=history.actors.qart, divert=d1, finding="appropriate", now=at(days=1))
    body = qart_api.get(f"/api/v1/diverts/{d1.pk}/timeline/").json()
    assert body["divert"]["id"] == d1.pk
    events = body["events"]
    assert [(e["at"], e["id"]) for e in events] == sorted((e["at"], e["id"]) for e in events)
    assert {e["incident"] for e in events} == {d1.from_incident_id, d1.to_incident_id}
    kinds = [e["kind"] for e in events]
    for kind in (
        "incident.created",
        "incident.graded",
        "unit.assigned",
        "unit.diverted",
        "divert.reviewed",
        "divert.replaced",
        "incident.clock.stopped",
        "divert.qart_reviewed",
    ):
        assert kind in kinds
    diverted = next(e for e in events if e["kind"] == "unit.diverted")
    assert (diverted["actor"], diverted["unit"], diverted["divert"]) == ("dispatcher1", "U4", d1.pk)
    reviewed = next(e for e in events if e["kind"] == "divert.reviewed")
    assert (reviewed["actor"], reviewed["at"]) == ("controller1", "2026-03-02T12:23:00Z")
    # Nothing about the other diverts' incidents.
    others = {history.incidents[name].pk for name in ("I1", "I2", "I6", "I7")}
    assert not {e["incident"] for e in events} & others
    assert [r["finding"] for r in body["qart_reviews"]] == ["appropriate"]
