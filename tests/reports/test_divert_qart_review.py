"""divert_qart_review: findings, the urgent-review queue, refusals; and its API."""

import pytest
from django.db import IntegrityError, transaction

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.models import AccessRefusal, Event
from dispatch.models_qart import QartReview, UrgentReview
from reports.qart_services import divert_qart_review
from tests.reports.scenario import at, build_one_divert

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    return build_one_divert()


def test_an_appropriate_finding_is_recorded_and_published(
    history, django_capture_on_commit_callbacks
):
    divert = history.diverts["D1"]
    with django_capture_on_commit_callbacks(execute=True):
        review = divert_qart_review(
            actor=history.actors.qart,
            divert=divert,
            finding="appropriate",
            notes="",
            now=at(days=1),
        )
    assert (review.finding, review.reviewer, review.at) == (
        "appropriate",
        history.actors.qart,
        at(days=1),
    )
    event = Event.objects.get(kind="divert.qart_reviewed")
    assert event.divert_id == divert.pk
    assert event.incident_id == divert.from_incident_id
    assert event.unit_callsign == "U1"
    assert sorted(event.audience) == ["role.qart", "role.supervisor"]
    assert event.data["finding"] == "appropriate"
    assert event.data["from_reference"] == divert.from_incident.reference
    assert "notes" not in event.data
    assert not UrgentReview.objects.exists()


def test_urgent_review_opens_the_queue_until_a_later_finding_concludes_it(history):
    divert = history.diverts["D1"]
    qart = history.actors.qart
    divert_qart_review(
        actor=qart, divert=divert, finding="urgent_review", notes="Never reviewed", now=at(days=1)
    )
    opened = UrgentReview.objects.get()
    assert opened.is_open and opened.opened_by == qart and opened.opened_at == at(days=1)
    assert opened.opening_review.notes == "Never reviewed"
    assert list(
        Event.objects.filter(divert_id=divert.pk, kind__startswith="divert.")
        .values_list("kind", flat=True)
        .order_by("id")
    )[-2:] == ["divert.qart_reviewed", "divert.urgent_review_opened"]

    with pytest.raises(Conflict):
        divert_qart_review(actor=qart, divert=divert, finding="urgent_review", notes="Again")
    assert QartReview.objects.count() == 1

    closing = divert_qart_review(
        actor=qart,
        divert=divert,
        finding="inappropriate",
        notes="Controller never saw it",
        now=at(days=2),
    )
    opened.refresh_from_db()
    assert not opened.is_open
    assert (opened.closed_at, opened.closing_review, opened.closed_by) == (
        at(days=2),
        closing,
        qart,
    )
    assert Event.objects.filter(kind="divert.urgent_review_closed", divert_id=divert.pk).exists()
    # Another urgent review can be opened after the first is concluded.
    divert_qart_review(actor=qart, divert=divert, finding="urgent_review", notes="New facts")
    assert UrgentReview.objects.filter(closed_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    ("finding", "notes", "field"),
    [
        ("fine", "x", "finding"),
        ("", "x", "finding"),
        ("inappropriate", "  ", "notes"),
        ("urgent_review", "", "notes"),
        ("appropriate", "x" * 10_001, "notes"),
    ],
)
def test_bad_input_writes_nothing(history, finding, notes, field):
    with pytest.raises(InvalidInput) as error:
        divert_qart_review(
            actor=history.actors.qart, divert=history.diverts["D1"], finding=finding, notes=notes
        )
    assert field in error.value.errors
    assert not QartReview.objects.exists()
    assert not Event.objects.filter(kind__startswith="divert.qart").exists()


@pytest.mark.parametrize("role", ["supervisor", "controller", "dispatcher", "inspector"])
def test_only_qart_records_findings(history, role):
    from tests.reports.scenario import user

    with pytest.raises(RoleRefused):
        divert_qart_review(
            actor=user(role, f"{role}-x"),
            divert=history.diverts["D1"],
            finding="appropriate",
            notes="",
        )
    assert not QartReview.objects.exists()


def test_findings_are_append_only(history):
    review = divert_qart_review(
        actor=history.actors.qart, divert=history.diverts["D1"], finding="appropriate"
    )
    review.notes = "changed"
    with pytest.raises(PermissionError):
        review.save()
    with pytest.raises(PermissionError):
        QartReview.objects.all().delete()


def test_one_open_urgent_review_per_divert_is_enforced_by_the_database(history):
    review = divert_qart_review(
        actor=history.actors.qart, divert=history.diverts["D1"], finding="urgent_review", notes="x"
    )
    second = QartReview.objects.create(
        divert=history.diverts["D1"],
        finding="urgent_review",
        notes="y",
        reviewer=history.actors.qart,
        at=at(days=1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        UrgentReview.objects.create(
            divert=history.diverts["D1"],
            opened_by=history.actors.qart,
            opened_at=at(days=1),
            opening_review=second,
        )
    assert review.opened_urgent_review.is_open


# --- the API ------------------------------------------------------------------------------


def test_api_records_a_finding_with_201(history, api_for):
    api = api_for(user=history.actors.qart)
    divert = history.diverts["D1"]
    response = api.post(
        f"/api/v1/diverts/{divert.pk}/qart-review/",
        {"finding": "urgent_review", "notes": "Override challenged by the BCU"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["divert"] == divert.pk
    assert body["finding"] == "urgent_review"
    assert body["reviewer"] == "qart1"
    assert body["notes"] == "Override challenged by the BCU"
    listed = api.get(f"/api/v1/diverts/{divert.pk}/qart-review/").json()
    assert [row["id"] for row in listed] == [body["id"]]
    queue = api.get("/api/v1/qart/urgent-reviews/").json()
    assert [(row["divert"]["id"], row["notes"], row["opened_by"]) for row in queue] == [
        (divert.pk, "Override challenged by the BCU", "qart1")
    ]


@pytest.mark.parametrize(
    "payload",
    [{"finding": "bad", "notes": "x"}, {"notes": "x"}, {"finding": "inappropriate"}, ["x"]],
)
def test_api_bad_finding_is_400_and_writes_nothing(history, api_for, payload):
    api = api_for(user=history.actors.qart)
    before = Event.objects.count()
    response = api.post(
        f"/api/v1/diverts/{history.diverts['D1'].pk}/qart-review/", payload, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) & {"finding", "notes", "non_field_errors"}
    assert not QartReview.objects.exists()
    assert Event.objects.count() == before


def test_api_second_urgent_review_is_409(history, api_for):
    api = api_for(user=history.actors.qart)
    url = f"/api/v1/diverts/{history.diverts['D1'].pk}/qart-review/"
    assert (
        api.post(url, {"finding": "urgent_review", "notes": "a"}, format="json").status_code == 201
    )
    again = api.post(url, {"finding": "urgent_review", "notes": "b"}, format="json")
    assert again.status_code == 409
    assert "already open" in again.json()["detail"]


def test_api_unknown_divert_is_404(history, api_for):
    api = api_for(user=history.actors.qart)
    response = api.post(
        "/api/v1/diverts/999999/qart-review/", {"finding": "appropriate"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["supervisor", "controller", "dispatcher", "call_handler"])
def test_api_wrong_role_is_403_and_logged(history, api_for, role):
    api = api_for(role)
    url = f"/api/v1/diverts/{history.diverts['D1'].pk}/qart-review/"
    response = api.post(url, {"finding": "appropriate", "notes": ""}, format="json")
    assert response.status_code == 403
    refusal = AccessRefusal.objects.get(user=api.user)
    assert (refusal.path, refusal.method, refusal.required_roles) == (url, "POST", ["qart"])
    assert not QartReview.objects.exists()


def test_api_anonymous_is_401(history, anon_api):
    url = f"/api/v1/diverts/{history.diverts['D1'].pk}/qart-review/"
    assert anon_api.post(url, {"finding": "appropriate"}, format="json").status_code == 401
    assert anon_api.get("/api/v1/qart/urgent-reviews/").status_code == 401


def test_urgent_queue_api_refuses_other_roles(api_for):
    api = api_for("controller")
    assert api.get("/api/v1/qart/urgent-reviews/").status_code == 403
    assert AccessRefusal.objects.filter(user=api.user, path="/api/v1/qart/urgent-reviews/").exists()
