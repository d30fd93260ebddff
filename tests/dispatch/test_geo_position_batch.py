"""Positions in batches (README "Unit positions in batches", beside API.md "Geography"):
the AVL feed's batch endpoint, its roles, bad input refusing the whole batch, late
positions to history only, unknown callsigns, and the same sampling and publishing."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from cad.models import Event
from dispatch import geo_services
from dispatch.models import Unit, UnitPosition

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/positions/"


def test_the_avl_feed_posts_many_units_at_once(api_for, make_unit):
    make_unit("BAT1")
    make_unit("BAT2")
    body = {
        "positions": [
            {"callsign": "bat1", "lat": 52.48, "lon": -1.89, "speed": 12.5, "heading": 45},
            {"callsign": "BAT2", "lat": 52.5, "lon": -1.9},
        ]
    }
    response = api_for("avl").post(URL, body, format="json")
    assert response.status_code == 202
    assert response.json() == {
        "positions": [
            {"callsign": "BAT1", "accepted": "current", "sampled": True},
            {"callsign": "BAT2", "accepted": "current", "sampled": True},
        ]
    }
    one, two = Unit.objects.get(callsign="BAT1"), Unit.objects.get(callsign="BAT2")
    assert (one.lat, one.lon, one.speed, one.heading) == (52.48, -1.89, 12.5, 45)
    assert (two.lat, two.lon) == (52.5, -1.9) and two.position_at is not None
    assert UnitPosition.objects.filter(reason="sample").count() == 2
    # As for one report: the maps hear of it from the publisher, once a second.
    assert not Event.objects.filter(kind="position.sampled").exists()
    assert geo_services.publish_positions() == 2
    event = Event.objects.get(kind="position.sampled")
    assert sorted(u["callsign"] for u in event.data["units"]) == ["BAT1", "BAT2"]


@pytest.mark.parametrize("role", ["unit", "dispatcher", "supervisor", "qart", "call_handler"])
def test_other_roles_are_refused(api_for, make_unit, role):
    make_unit("BAT3")
    body = {"positions": [{"callsign": "BAT3", "lat": 52.4, "lon": -1.8}]}
    assert api_for(role).post(URL, body, format="json").status_code == 403
    assert Unit.objects.get(callsign="BAT3").position_at is None


def test_a_unit_terminal_cannot_post_another_units_position_in_a_batch(
    api_for, make_user, make_unit
):
    user = make_user("unit")
    make_unit("BAT4", terminal_user=user)
    other = make_unit("BAT5")
    body = {
        "positions": [
            {"callsign": "BAT4", "lat": 52.4, "lon": -1.8},
            {"callsign": "BAT5", "lat": 52.4, "lon": -1.8},
        ]
    }
    assert api_for(user=user).post(URL, body, format="json").status_code == 403
    assert Unit.objects.get(pk=other.pk).position_at is None
    assert not UnitPosition.objects.exists()


def test_the_admin_posts_for_any_unit(api_for, make_unit):
    make_unit("BAT6")
    body = {"positions": [{"callsign": "BAT6", "lat": 51.0, "lon": 0.5}]}
    assert api_for("admin").post(URL, body, format="json").status_code == 202
    assert Unit.objects.get(callsign="BAT6").lat == 51.0


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"lat": 91, "lon": 0}, "lat"),
        ({"lat": 0, "lon": -181}, "lon"),
        ({"lat": "52.4", "lon": -1.8}, "lat"),
        ({"lat": "north", "lon": -1.8}, "lat"),
        ({"lat": None, "lon": -1.8}, "lat"),
        ({"lat": True, "lon": -1.8}, "lat"),
        ({"lat": 52.4, "lon": -1.8, "speed": -3}, "speed"),
        ({"lat": 52.4, "lon": -1.8, "heading": 720}, "heading"),
        ({"lat": 52.4, "lon": -1.8, "callsign": "BAT7"}, "callsign"),  # twice in one batch
    ],
)
def test_one_bad_item_refuses_the_whole_batch_with_nothing_written(api_for, make_unit, item, field):
    make_unit("BAT7")
    make_unit("BAT8")
    body = {
        "positions": [
            {"callsign": "BAT7", "lat": 52.0, "lon": -1.0},
            {"callsign": "BAT8", **item},
        ]
    }
    response = api_for("avl").post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.content.decode()  # the item and field are named
    assert not Unit.objects.filter(position_at__isnull=False).exists()
    assert not UnitPosition.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"positions": []},
        {"positions": "BAT7"},
        {"positions": [{"lat": 52.0, "lon": -1.0}]},  # no callsign
        {"positions": [{"callsign": "BAT7", "lat": 52.0}]},  # no longitude
        {"positions": [{"callsign": "BAT7", "lat": 52.0, "lon": -1.0, "at": "yesterday"}]},
    ],
)
def test_a_malformed_batch_is_refused_with_nothing_written(api_for, make_unit, body):
    make_unit("BAT7")
    assert api_for("avl").post(URL, body, format="json").status_code == 400
    assert Unit.objects.get(callsign="BAT7").position_at is None
    assert not UnitPosition.objects.exists()


def test_nan_or_a_future_time_refuses_the_batch(api_for, make_unit):
    make_unit("BAT9")
    nan = '{"positions": [{"callsign": "BAT9", "lat": NaN, "lon": -1.8}]}'
    assert api_for("avl").post(URL, nan, content_type="application/json").status_code == 400
    at = (timezone.now() + timedelta(minutes=5)).isoformat()
    body = {"positions": [{"callsign": "BAT9", "lat": 52.0, "lon": -1.0, "at": at}]}
    response = api_for("avl").post(URL, body, format="json")
    assert response.status_code == 400 and "positions[0].at" in response.json()
    assert Unit.objects.get(callsign="BAT9").position_at is None


def test_a_batch_over_the_limit_is_refused(api_for, make_unit):
    make_unit("BATA")
    item = {"callsign": "BATA", "lat": 52.0, "lon": -1.0}
    body = {"positions": [item] * (geo_services.BATCH_MAX + 1)}
    assert api_for("avl").post(URL, body, format="json").status_code == 400
    assert Unit.objects.get(callsign="BATA").position_at is None


def test_an_older_position_goes_to_history_only_and_the_rest_apply(make_user, make_unit):
    avl = make_user("avl")
    old, new = make_unit("BATB"), make_unit("BATC")
    now = timezone.now()
    geo_services.unit_position_report(actor=avl, unit=old, lat=52.0, lon=-1.0, at=now, now=now)
    results = geo_services.unit_positions_report(
        actor=avl,
        positions=[
            {"callsign": "BATB", "lat": 53.0, "lon": -2.0, "at": now - timedelta(seconds=20)},
            {"callsign": "BATC", "lat": 52.2, "lon": -1.2, "at": now},
        ],
        now=now,
    )
    assert results == [
        {"callsign": "BATB", "accepted": "history", "sampled": True},
        {"callsign": "BATC", "accepted": "current", "sampled": True},
    ]
    old.refresh_from_db()
    assert (old.lat, old.lon, old.position_at) == (52.0, -1.0, now)
    assert list(
        UnitPosition.objects.filter(unit=old).order_by("id").values_list("reason", "lat")
    ) == [("sample", 52.0), ("late", 53.0)]
    assert Unit.objects.get(pk=new.pk).lat == 52.2


def test_an_unknown_callsign_is_answered_and_the_rest_apply(api_for, make_unit):
    make_unit("BATD")
    body = {
        "positions": [
            {"callsign": "NOPE9", "lat": 52.0, "lon": -1.0},
            {"callsign": "BATD", "lat": 52.1, "lon": -1.1},
        ]
    }
    response = api_for("avl").post(URL, body, format="json")
    assert response.status_code == 202
    assert [row["accepted"] for row in response.json()["positions"]] == ["unknown", "current"]
    assert Unit.objects.get(callsign="BATD").lat == 52.1
    assert UnitPosition.objects.count() == 1


@override_settings(CAD_POSITION_SAMPLE_SECONDS=30, CAD_POSITION_SAMPLE_METRES=50)
def test_batches_keep_a_sample_a_while_or_a_distance_apart(make_user, make_unit):
    avl = make_user("avl")
    make_unit("BATE")
    make_unit("BATF")
    t0 = timezone.now() - timedelta(minutes=5)

    def poll(seconds, moving_lat):
        at = t0 + timedelta(seconds=seconds)
        rows = geo_services.unit_positions_report(
            actor=avl,
            positions=[
                {"callsign": "BATE", "lat": 52.0, "lon": -1.0, "at": at},
                {"callsign": "BATF", "lat": moving_lat, "lon": -1.0, "at": at},
            ],
            now=at,
        )
        return [row["sampled"] for row in rows]

    # BATE parked: kept at 0 s and 30 s; BATF moves 111 m at 10 s: kept then, and not
    # again at 30 s (20 s after that sample, not moved since).
    kept = {seconds: poll(seconds, 52.0 if seconds < 10 else 52.001) for seconds in range(31)}
    assert [s for s, (parked, _) in kept.items() if parked] == [0, 30]
    assert [s for s, (_, moving) in kept.items() if moving] == [0, 10]
    assert UnitPosition.objects.filter(unit__callsign="BATF").count() == 2
    assert Unit.objects.get(callsign="BATF").position_at == t0 + timedelta(seconds=30)
