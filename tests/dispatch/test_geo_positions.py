"""Unit positions (API.md "Geography"): who may post for which unit, bad input, late
reports, the sampled history and its events, the stale flag on the units list."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from cad.models import Event
from dispatch import geo_services
from dispatch.models import Unit, UnitPosition

pytestmark = pytest.mark.django_db


def url(callsign):
    return f"/api/v1/units/{callsign}/position/"


@pytest.fixture
def terminal(make_user, make_unit):
    user = make_user("unit")
    return user, make_unit("GEO1", terminal_user=user)


def test_a_unit_posts_its_own_position(api_for, terminal):
    user, unit = terminal
    response = api_for(user=user).post(url("geo1"), {"lat": 52.48, "lon": -1.89}, format="json")
    assert response.status_code == 202
    assert response.json() == {"callsign": "GEO1", "accepted": "current", "sampled": True}
    unit.refresh_from_db()
    assert (unit.lat, unit.lon) == (52.48, -1.89) and unit.position_at is not None
    assert UnitPosition.objects.filter(unit=unit, reason="sample").count() == 1
    # The maps hear of it from the publisher (the beat, every second), not per report.
    assert not Event.objects.filter(kind="position.sampled").exists()
    assert geo_services.publish_positions() == 1
    event = Event.objects.get(kind="position.sampled")
    assert event.data["units"] == [
        {
            "callsign": "GEO1",
            "status": "available",
            "lat": 52.48,
            "lon": -1.89,
            "position_at": unit.position_at.isoformat(),
        }
    ]
    assert "role.dispatcher" in event.audience and "role.unit" not in event.audience


def test_a_unit_posting_for_another_unit_is_refused(api_for, terminal, make_unit):
    user, _ = terminal
    other = make_unit("GEO2")
    response = api_for(user=user).post(url("GEO2"), {"lat": 52.48, "lon": -1.89}, format="json")
    assert response.status_code == 403
    assert Unit.objects.get(pk=other.pk).position_at is None
    assert not UnitPosition.objects.exists()


@pytest.mark.parametrize("role", ["avl", "admin"])
def test_the_avl_feed_and_admin_post_for_any_unit(api_for, make_unit, role):
    make_unit("GEO3")
    response = api_for(role).post(
        url("GEO3"), {"lat": 52.5, "lon": -1.9, "speed": 13.4, "heading": 90}, format="json"
    )
    assert response.status_code == 202
    unit = Unit.objects.get(callsign="GEO3")
    assert (unit.speed, unit.heading) == (13.4, 90)


@pytest.mark.parametrize("role", ["dispatcher", "supervisor", "qart", "call_handler"])
def test_other_roles_cannot_post_positions(api_for, make_unit, role):
    make_unit("GEO4")
    assert api_for(role).post(url("GEO4"), {"lat": 1, "lon": 1}, format="json").status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"lat": 91, "lon": 0},
        {"lat": 0, "lon": -181},
        {"lat": "52.4", "lon": -1.8},
        {"lat": "north", "lon": -1.8},
        {"lat": 52.4},
        {"lat": None, "lon": -1.8},
        {"lat": True, "lon": -1.8},
        {"lat": 52.4, "lon": -1.8, "speed": -3},
        {"lat": 52.4, "lon": -1.8, "heading": 720},
        {"lat": 52.4, "lon": -1.8, "at": "yesterday"},
    ],
)
def test_bad_input_is_refused_with_nothing_written(api_for, make_unit, body):
    make_unit("GEO5")
    response = api_for("avl").post(url("GEO5"), body, format="json")
    assert response.status_code == 400
    assert Unit.objects.get(callsign="GEO5").position_at is None
    assert (
        not UnitPosition.objects.exists()
        and not Event.objects.filter(kind="position.sampled").exists()
    )


def test_nan_in_the_body_is_refused(api_for, make_unit):
    make_unit("GEO6")
    response = api_for("avl").post(
        url("GEO6"), '{"lat": NaN, "lon": -1.8}', content_type="application/json"
    )
    assert response.status_code == 400
    assert Unit.objects.get(callsign="GEO6").position_at is None


def test_a_position_in_the_future_is_refused(api_for, make_unit):
    make_unit("GEO7")
    at = (timezone.now() + timedelta(minutes=5)).isoformat()
    response = api_for("avl").post(url("GEO7"), {"lat": 1, "lon": 1, "at": at}, format="json")
    assert response.status_code == 400 and "at" in response.json()


def test_an_unknown_unit_is_a_404(api_for):
    assert api_for("avl").post(url("NOPE"), {"lat": 1, "lon": 1}, format="json").status_code == 404


def test_an_older_position_goes_to_history_only(make_user, make_unit):
    avl = make_user("avl")
    unit = make_unit("GEO8")
    now = timezone.now()
    geo_services.unit_position_report(actor=avl, unit=unit, lat=52.0, lon=-1.0, at=now, now=now)
    late = geo_services.unit_position_report(
        actor=avl, unit=unit, lat=53.0, lon=-2.0, at=now - timedelta(seconds=20), now=now
    )
    assert late["accepted"] == "history"
    unit.refresh_from_db()
    assert (unit.lat, unit.lon, unit.position_at) == (52.0, -1.0, now)
    assert list(UnitPosition.objects.values_list("reason", "lat")) == [
        ("late", 53.0),
        ("sample", 52.0),
    ]
    assert geo_services.publish_positions() == 1  # the late one is history only
    assert Event.objects.get(kind="position.sampled").data["units"][0]["lat"] == 52.0


@override_settings(CAD_POSITION_SAMPLE_SECONDS=30, CAD_POSITION_SAMPLE_METRES=50)
def test_the_history_keeps_a_sample_a_while_or_a_distance_apart(make_user, make_unit):
    avl = make_user("avl")
    unit = make_unit("GEO9")
    t0 = timezone.now() - timedelta(minutes=5)

    def ping(seconds, lat):
        at = t0 + timedelta(seconds=seconds)
        return geo_services.unit_position_report(
            actor=avl, unit=unit, lat=lat, lon=-1.0, at=at, now=at
        )["sampled"]

    # Standing still, a ping a second for a minute: kept at 0 s, 30 s and 60 s only.
    kept = [seconds for seconds in range(61) if ping(seconds, 52.0)]
    assert kept == [0, 30, 60]
    # Moving 111 m in a second: kept at once, and the map hears of it.
    assert ping(61, 52.001)
    unit.refresh_from_db()
    assert unit.position_at == t0 + timedelta(seconds=61) and unit.lat == 52.001
    assert UnitPosition.objects.filter(unit=unit).count() == 4


def test_the_publisher_sends_each_units_newest_kept_position_once(make_user, make_unit):
    avl = make_user("avl")
    make_unit("PUB1")
    make_unit("PUB2")
    t0 = timezone.now() - timedelta(minutes=2)
    for seconds, lat in ((0, 52.0), (40, 52.01)):
        for callsign in ("PUB1", "PUB2"):
            at = t0 + timedelta(seconds=seconds)
            geo_services.unit_position_report(
                actor=avl, unit=callsign, lat=lat, lon=-1.0, at=at, now=at
            )
    assert UnitPosition.objects.count() == 4
    assert geo_services.publish_positions() == 2
    event = Event.objects.get(kind="position.sampled")
    assert sorted((u["callsign"], u["lat"]) for u in event.data["units"]) == [
        ("PUB1", 52.01),
        ("PUB2", 52.01),
    ]
    assert geo_services.publish_positions() == 0  # nothing new: no event
    assert Event.objects.filter(kind="position.sampled").count() == 1


@override_settings(CAD_POSITION_STALE_SECONDS=120)
def test_the_units_list_shows_the_position_and_whether_it_is_stale(api_for, make_user, make_unit):
    avl = make_user("avl")
    fresh, old = make_unit("GEOA"), make_unit("GEOB")
    make_unit("GEOC")
    now = timezone.now()
    geo_services.unit_position_report(actor=avl, unit=fresh, lat=52.1, lon=-1.1, now=now)
    geo_services.unit_position_report(
        actor=avl, unit=old, lat=52.2, lon=-1.2, at=now - timedelta(minutes=3), now=now
    )
    rows = {row["callsign"]: row for row in api_for("dispatcher").get("/api/v1/units/").json()}
    assert rows["GEOA"]["position"]["stale"] is False
    assert rows["GEOA"]["position"]["lat"] == 52.1
    assert rows["GEOB"]["position"]["stale"] is True
    assert rows["GEOC"]["position"] is None
