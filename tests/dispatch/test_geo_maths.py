"""Distances, ETAs and position rules: pure, no database."""

import math
from datetime import UTC, datetime, timedelta

import pytest

from dispatch import geo

T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_great_circle_distances_against_known_values():
    assert geo.great_circle_m(51.5, -0.12, 51.5, -0.12) == 0
    # One degree of latitude is about 111.2 km anywhere.
    assert geo.great_circle_m(52.0, -1.0, 53.0, -1.0) == pytest.approx(111_195, rel=1e-3)
    # London to Birmingham, about 163 km.
    assert geo.great_circle_m(51.5074, -0.1278, 52.4862, -1.8904) == pytest.approx(
        163_000, rel=0.01
    )
    # Symmetric, and antipodes are half the circumference.
    a = geo.great_circle_m(52.48, -1.89, 52.41, -1.51)
    assert a == pytest.approx(geo.great_circle_m(52.41, -1.51, 52.48, -1.89))
    assert geo.great_circle_m(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_M)


def test_eta_is_distance_over_the_area_speed_rounded_up():
    assert geo.eta_seconds(0, 30) == 0
    assert geo.eta_seconds(1000, 36) == 100  # 10 m/s
    assert geo.eta_seconds(1001, 36) == 101
    assert geo.reach_m(100, 36) == pytest.approx(1000)
    assert geo.reach_m(-5, 36) == 0
    with pytest.raises(ValueError):
        geo.eta_seconds(100, 0)


def test_the_degrees_box_holds_every_point_within_the_radius():
    lat, lon, radius = 52.48, -1.89, 5_000
    dlat, dlon = geo.degrees_box(lat, radius)
    for bearing in range(0, 360, 15):
        # A point just inside the radius on each bearing lies inside the box.
        b = math.radians(bearing)
        plat = lat + math.degrees(radius * 0.999 * math.cos(b) / geo.EARTH_RADIUS_M)
        plon = lon + math.degrees(
            radius * 0.999 * math.sin(b) / (geo.EARTH_RADIUS_M * math.cos(math.radians(lat)))
        )
        assert geo.great_circle_m(lat, lon, plat, plon) <= radius
        assert abs(plat - lat) <= dlat and abs(plon - lon) <= dlon


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (91, 0, "lat"),
        (-90.5, 0, "lat"),
        (0, 180.1, "lon"),
        (float("nan"), 0, "lat"),
        (0, float("inf"), "lon"),
        ("52.4", 0, "lat"),
        (0, "west", "lon"),
        (True, 0, "lat"),
        (None, 0, "lat"),
    ],
)
def test_bad_coordinates_are_refused(lat, lon, field):
    fix, errors = geo.check_fix(lat, lon)
    assert fix is None and field in errors


def test_good_coordinates_speed_and_heading():
    fix, errors = geo.check_fix(52.48, -1.89, 12.5, 270)
    assert errors == {} and fix == geo.Fix(52.48, -1.89, 12.5, 270.0)
    assert geo.check_fix(90, -180)[0] is not None
    _, errors = geo.check_fix(52.48, -1.89, -1, 400)
    assert set(errors) == {"speed", "heading"}


def test_a_position_is_sampled_first_then_after_a_while_or_a_distance():
    every = timedelta(seconds=30)
    base = {"every": every, "metres": 50.0}
    assert geo.sample_due(
        at=T, lat=52, lon=-1, sampled_at=None, sampled_lat=None, sampled_lon=None, **base
    )
    last = {"sampled_at": T, "sampled_lat": 52.0, "sampled_lon": -1.0}
    # 10 s later, 11 m away: not kept.
    assert not geo.sample_due(at=T + timedelta(seconds=10), lat=52.0001, lon=-1, **last, **base)
    # 30 s later: kept even standing still.
    assert geo.sample_due(at=T + every, lat=52, lon=-1, **last, **base)
    # 5 s later but 111 m away: kept.
    assert geo.sample_due(at=T + timedelta(seconds=5), lat=52.001, lon=-1, **last, **base)


def test_stale_after_the_configured_time():
    after = timedelta(seconds=120)
    assert geo.is_stale(None, T, after)
    assert not geo.is_stale(T - after, T, after)
    assert geo.is_stale(T - after - timedelta(seconds=1), T, after)


def test_a_breach_is_predicted_when_no_unit_can_arrive_in_time():
    deadline = T + timedelta(minutes=10)
    assert geo.breach_predicted(now=T, deadline=deadline, best_eta_s=601, any_unit=True)
    assert not geo.breach_predicted(now=T, deadline=deadline, best_eta_s=600, any_unit=True)
    # No unit available at all: it will breach.
    assert geo.breach_predicted(now=T, deadline=deadline, best_eta_s=None, any_unit=False)
    # Units available, none with a position: unknown, nothing predicted.
    assert not geo.breach_predicted(now=T, deadline=deadline, best_eta_s=None, any_unit=True)
    # The clock has breached already: its own escalation speaks.
    assert not geo.breach_predicted(
        now=deadline, deadline=deadline, best_eta_s=None, any_unit=False
    )
