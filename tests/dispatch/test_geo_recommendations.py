"""The nearest available units (API.md "Geography") and the predicted breach: ordering by
great-circle distance in SQL, ETA by the incident's area, roles; the sweep alerts once per
deadline, also with two sweeps racing; the overdue board and the divert's geography."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import override_settings

from cad.models import Event, Incident
from dispatch import geo, geo_selectors, geo_services, services
from dispatch.models import Escalation, Unit, UnitPosition
from tests.dispatch.conftest import T0

pytestmark = pytest.mark.django_db

# The incident is at the origin of a small grid; units lie due north of it.
HERE = (52.4800, -1.9000)
KM_NORTH = 1 / 111.195  # one kilometre of latitude, in degrees


def place(incident: Incident, lat=HERE[0], lon=HERE[1]) -> Incident:
    Incident.objects.filter(pk=incident.pk).update(lat=lat, lon=lon)
    incident.refresh_from_db()
    return incident


def put(unit: Unit, km_north: float, *, at=T0, status=None) -> Unit:
    fields = {"lat": HERE[0] + km_north * KM_NORTH, "lon": HERE[1], "position_at": at}
    if status:
        fields["status"] = status
    Unit.objects.filter(pk=unit.pk).update(**fields)
    unit.refresh_from_db()
    return unit


@override_settings(CAD_ETA_SPEED_KMH={"urban": 36.0, "rural": 72.0})
def test_available_units_nearest_first_with_distance_and_eta(api_for, make_incident, make_unit):
    incident = place(make_incident("IMMEDIATE"))
    put(make_unit("FAR"), 5)
    put(make_unit("NEAR"), 1)
    put(make_unit("MID"), 2.5)
    put(make_unit("BUSY"), 0.2, status="assigned")
    put(make_unit("OFF"), 0.1, status="unavailable")
    make_unit("NOWHERE")  # available, never reported a position: last
    response = api_for("dispatcher").get(f"/api/v1/incidents/{incident.pk}/recommendations/")
    assert response.status_code == 200
    rows = response.json()
    assert [row["unit"] for row in rows] == ["NEAR", "MID", "FAR", "NOWHERE"]
    near = rows[0]
    assert set(near) == {"unit", "status", "distance_m", "eta_s", "position_at", "stale"}
    assert near["distance_m"] == pytest.approx(1000, abs=2)
    assert near["eta_s"] == pytest.approx(100, abs=1)  # 36 km/h is 10 m/s
    assert near["status"] == "available"
    # The SQL distance is the pure one.
    unit = Unit.objects.get(callsign="MID")
    assert rows[1]["distance_m"] == round(geo.great_circle_m(*HERE, unit.lat, unit.lon))
    assert rows[-1] == {
        "unit": "NOWHERE",
        "status": "available",
        "distance_m": None,
        "eta_s": None,
        "position_at": None,
        "stale": True,
    }


@override_settings(CAD_ETA_SPEED_KMH={"urban": 36.0, "rural": 72.0})
def test_a_rural_incident_uses_the_rural_speed(make_incident, make_unit):
    incident = place(make_incident("IMMEDIATE", area="rural"))
    put(make_unit("R1"), 2)
    assert geo_selectors.recommendations(incident)[0]["eta_s"] == pytest.approx(100, abs=1)


def test_the_order_follows_the_units_as_they_move(make_incident, make_unit, make_user):
    incident = place(make_incident("IMMEDIATE"))
    a, b = make_unit("UA"), make_unit("UB")
    avl = make_user("avl")
    report = geo_services.unit_position_report
    report(actor=avl, unit=a, lat=HERE[0] + 1 * KM_NORTH, lon=HERE[1])
    report(actor=avl, unit=b, lat=HERE[0] + 3 * KM_NORTH, lon=HERE[1])
    assert [row["unit"] for row in geo_selectors.recommendations(incident)] == ["UA", "UB"]
    report(actor=avl, unit=b, lat=HERE[0] + 0.2 * KM_NORTH, lon=HERE[1])
    assert [row["unit"] for row in geo_selectors.recommendations(incident)] == ["UB", "UA"]


def test_an_incident_with_no_place_lists_available_units_by_callsign(make_incident, make_unit):
    incident = make_incident("IMMEDIATE")
    put(make_unit("ZED"), 1)
    put(make_unit("ALF"), 9)
    rows = geo_selectors.recommendations(incident)
    assert [row["unit"] for row in rows] == ["ALF", "ZED"]
    assert all(row["distance_m"] is None for row in rows)


@pytest.mark.parametrize("role", ["call_handler", "supervisor", "qart", "unit", "avl"])
def test_wrong_roles_cannot_read_recommendations(api_for, make_incident, role):
    incident = make_incident("IMMEDIATE")
    url = f"/api/v1/incidents/{incident.pk}/recommendations/"
    assert api_for(role).get(url).status_code == 403


@pytest.mark.parametrize("role", ["dispatcher", "inspector", "controller"])
def test_recommendation_readers_and_a_bad_limit(api_for, make_incident, role):
    incident = make_incident("IMMEDIATE")
    url = f"/api/v1/incidents/{incident.pk}/recommendations/"
    assert api_for(role).get(url).status_code == 200
    for limit in ("0", "201", "x", "-1", "²"):
        assert api_for(role).get(url, {"limit": limit}).status_code == 400
    assert api_for(role).get("/api/v1/incidents/999999/recommendations/").status_code == 404


def test_the_map_data(api_for, make_incident, make_unit):
    incident = place(make_incident("IMMEDIATE"))
    make_incident("PRIORITY")  # no place: not on the map
    put(make_unit("M1"), 1)
    body = api_for("supervisor").get("/api/v1/map/").json()
    assert [row["reference"] for row in body["incidents"]] == [incident.reference]
    assert body["incidents"][0]["grade"] == "IMMEDIATE"
    assert body["units"][0]["callsign"] == "M1" and body["units"][0]["stale"] is True
    assert body["config"]["tile_url"] == ""  # no basemap by default
    for role in ("call_handler", "unit", "qart", "avl"):
        assert api_for(role).get("/api/v1/map/").status_code == 403


# --- predicted breach ---------------------------------------------------------------------


@override_settings(CAD_ETA_SPEED_KMH={"urban": 36.0, "rural": 72.0})
def test_a_breach_is_predicted_once_when_no_unit_can_arrive_in_time(make_incident, make_unit):
    # IMMEDIATE urban: 15 minutes. At T0 + 10 min, 300 s are left: 3 km at 10 m/s.
    incident = place(make_incident("IMMEDIATE", received_at=T0))
    unit = put(make_unit("P1"), 2.9)
    now = T0 + timedelta(minutes=10)
    assert geo_services.predicted_breach_sweep(now=now) == 0  # 2.9 km: it can make it
    put(unit, 3.2)
    assert geo_services.predicted_breach_sweep(now=now) == 1
    assert geo_services.predicted_breach_sweep(now=now + timedelta(seconds=5)) == 0
    escalation = Escalation.objects.get(incident=incident, level="predicted_breach")
    assert escalation.basis == incident.response_due_at
    event = Event.objects.get(kind="incident.breach_predicted")
    assert {"role.dispatcher", "role.supervisor"} <= set(event.audience)
    assert event.data["nearest"]["unit"] == "P1"
    assert "P1" in event.data["summary"] and "straight line" in event.data["summary"]


@override_settings(CAD_ETA_SPEED_KMH={"urban": 36.0, "rural": 72.0})
def test_the_sql_sweep_agrees_with_the_pure_rule(make_incident, make_unit):
    now = T0 + timedelta(minutes=10)
    units = [put(make_unit(f"G{i}"), km) for i, km in enumerate((0.5, 2.0, 4.0, 7.5))]
    incidents = []
    for i, km in enumerate((0.0, 3.5, 6.0, 11.0, 20.0)):
        incident = make_incident("IMMEDIATE", received_at=T0 - timedelta(seconds=60 * i))
        incidents.append(place(incident, lat=HERE[0] - km * KM_NORTH))
    predicted = {pk for pk, _ in geo_services.predicted_breaches(now)}
    for incident in incidents:
        best = min(
            geo.eta_seconds(geo.great_circle_m(incident.lat, incident.lon, u.lat, u.lon), 36)
            for u in units
        )
        expected = geo.breach_predicted(
            now=now, deadline=incident.response_due_at, best_eta_s=best, any_unit=True
        )
        assert (incident.pk in predicted) == expected, incident.reference
    assert predicted  # the set-up does predict some


def test_no_available_unit_at_all_predicts_a_breach(make_incident, make_unit):
    incident = place(make_incident("IMMEDIATE", received_at=T0))
    put(make_unit("GONE"), 0.1, status="unavailable")
    assert geo_services.predicted_breach_sweep(now=T0 + timedelta(minutes=1)) == 1
    assert Escalation.objects.filter(incident=incident, level="predicted_breach").count() == 1


def test_nothing_is_predicted_without_any_position(make_incident, make_unit):
    place(make_incident("IMMEDIATE", received_at=T0))
    make_unit("BLIND")  # available, position unknown
    assert geo_services.predicted_breach_sweep(now=T0 + timedelta(minutes=1)) == 0


def test_a_resourced_attended_breached_or_unplaced_incident_is_not_predicted(
    make_incident, make_unit, make_user
):
    dispatcher = make_user("dispatcher")
    resourced = place(make_incident("IMMEDIATE", received_at=T0))
    services.unit_assign(actor=dispatcher, incident=resourced, unit=make_unit("ON"))
    place(make_incident("IMMEDIATE", received_at=T0 - timedelta(minutes=30)))  # breached
    make_incident("IMMEDIATE", received_at=T0)  # no place
    assert geo_services.predicted_breach_sweep(now=T0 + timedelta(minutes=1)) == 0


def test_a_regrade_moves_the_deadline_and_may_predict_again(make_incident, make_unit):
    from tests.dispatch.conftest import regrade

    incident = place(make_incident("PRIORITY", received_at=T0))
    make_unit("NONE", area="urban").delete()
    assert geo_services.predicted_breach_sweep(now=T0 + timedelta(minutes=1)) == 1
    regrade(incident, "IMMEDIATE", now=T0 + timedelta(minutes=2))
    assert geo_services.predicted_breach_sweep(now=T0 + timedelta(minutes=3)) == 1
    assert Escalation.objects.filter(incident=incident, level="predicted_breach").count() == 2


def test_the_overdue_board_shows_a_predicted_breach(api_for, make_incident):
    incident = place(make_incident("IMMEDIATE", received_at=T0))
    geo_services.predicted_breach_sweep(now=T0 + timedelta(seconds=10))
    with time_machine.travel(T0 + timedelta(seconds=20), tick=False):
        rows = api_for("supervisor").get("/api/v1/boards/overdue/").json()
    row = next(row for row in rows if row["incident"] == incident.pk)
    assert row["predicted_breach"] is True and row["state"] == "unresourced"


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_predict_once(make_incident, make_unit):
    incidents = [place(make_incident("IMMEDIATE", received_at=T0)) for _ in range(5)]
    put(make_unit("FARAWAY"), 40)
    now = T0 + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    counts = []

    def sweep():
        barrier.wait()
        try:
            counts.append(geo_services.predicted_breach_sweep(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 5
    for incident in incidents:
        assert Escalation.objects.filter(incident=incident, level="predicted_breach").count() == 1
    assert Event.objects.filter(kind="incident.breach_predicted").count() == 5


def test_a_sweep_raises_the_rest_when_a_racing_sweep_raised_one_first(make_incident, make_unit):
    """A sweep raises its alerts in one transaction; one already raised elsewhere is
    skipped alone, not the whole batch with it."""
    incidents = [place(make_incident("IMMEDIATE", received_at=T0)) for _ in range(3)]
    put(make_unit("FARAWAY"), 40)
    now = T0 + timedelta(minutes=1)
    first = incidents[1]
    Escalation.objects.create(
        incident=first,
        level="predicted_breach",
        cycle=0,
        basis=first.response_due_at,
        due_at=first.response_due_at,
        raised_at=now,
    )
    assert geo_services.predicted_breach_sweep(now=now) == 2
    for incident in incidents:
        assert Escalation.objects.filter(incident=incident, level="predicted_breach").count() == 1
    raised = Event.objects.filter(kind="incident.breach_predicted")
    assert sorted(event.data["incident"] for event in raised) == sorted(
        [incidents[0].pk, incidents[2].pk]
    )


# --- where the diverted unit was ----------------------------------------------------------


def test_a_divert_keeps_where_the_unit_was_and_names_the_nearest_replacement(
    make_incident, make_unit, make_user
):
    dispatcher = make_user("dispatcher")
    a = place(make_incident("IMMEDIATE", received_at=T0))
    b = place(make_incident("IMMEDIATE", received_at=T0), lat=HERE[0] + 2 * KM_NORTH)
    unit = put(make_unit("DV1"), 1, at=T0)
    put(make_unit("SPARE"), 0.5, at=T0)
    services.unit_assign(actor=dispatcher, incident=a, unit=unit, now=T0 + timedelta(seconds=5))
    divert = services.unit_divert(
        actor=dispatcher,
        unit=unit,
        to_incident=b,
        reason="B is worse",
        now=T0 + timedelta(minutes=1),
    )
    snapshot = UnitPosition.objects.get(unit=unit, reason="divert")
    assert snapshot.incident_id == a.pk
    divert = services.Divert.objects.select_related("unit", "from_incident", "to_incident").get(
        pk=divert.pk
    )
    geography = geo_selectors.divert_geography(divert, now=T0 + timedelta(minutes=1))
    assert geography["at_divert_from_m"] == pytest.approx(1000, abs=2)
    assert geography["at_divert_to_m"] == pytest.approx(1000, abs=2)
    assert geography["replacement"]["unit"] == "SPARE"
    # The clock of A breaches: where the diverted unit was then is kept too.
    services.clock_sweep(now=T0 + timedelta(minutes=16))
    assert UnitPosition.objects.filter(unit=unit, reason="breach", incident=a).exists()
    geography = geo_selectors.divert_geography(divert, now=T0 + timedelta(minutes=16))
    assert geography["breach"] is not None and geography["at_breach"] is not None
    # QART's page of the divert says where the unit was, both times.
    from django.test import Client
    from django.urls import reverse

    qart = Client()
    qart.force_login(make_user("qart"))
    html = qart.get(reverse("reports:divert-timeline", args=[divert.pk])).content.decode()
    where = html.split('id="divert-geography">', 1)[1].split("</dd>", 1)[0]
    assert "1000 m from A" in where and "1000 m from B" in where
    assert "when A breached" in where


@override_settings(CAD_ETA_SPEED_KMH={"urban": 36.0, "rural": 72.0})
def test_the_remembered_unit_does_not_hide_a_breach(make_incident, make_unit, make_user):
    """A sweep remembers the unit that could reach the incident; when it moves out of reach
    or is sent elsewhere, the next sweep looks again and predicts the breach."""
    from dispatch.models import BreachWatch

    incident = place(make_incident("IMMEDIATE", received_at=T0))
    witness = put(make_unit("W1"), 1)
    now = T0 + timedelta(minutes=10)  # 300 s left: 3 km
    assert geo_services.predicted_breach_sweep(now=now) == 0
    assert BreachWatch.objects.get(incident=incident).unit == witness
    put(witness, 3.5)  # drove away
    put(make_unit("W2"), 2.5)  # another can still make it
    assert geo_services.predicted_breach_sweep(now=now) == 0
    assert BreachWatch.objects.get(incident=incident).unit.callsign == "W2"
    services.unit_assign(actor=make_user("dispatcher"), incident=place(make_incident()), unit="W2")
    assert geo_services.predicted_breach_sweep(now=now) == 1


def test_special_scheme_addresses_are_on_the_map_for_those_who_may_read_schemes(api_for, make_user):
    from django.utils import timezone as tz

    from cad.models import AddressPoint
    from schemes.models import Scheme

    AddressPoint.objects.create(
        uprn=100023336956, address="14 Acacia Avenue", postcode="B1 1AA", lat=52.47, lon=-1.89
    )
    oic = make_user("oic")
    now = tz.now()
    fields = {"oic": oic, "requested_by": oic, "reason": "Threats", "cycle_started_at": now}
    fields.update(created_at=now, updated_at=now)
    fields.update(starts_at=now, ends_at=now + timedelta(days=90), victim_name="Ms A")
    placed = Scheme.objects.create(uprn=100023336956, **fields)
    Scheme.objects.create(uprn=None, **fields)  # no UPRN: not on the map
    body = api_for("supervisor").get("/api/v1/map/").json()
    assert body["schemes"] == [{"id": placed.pk, "lat": 52.47, "lon": -1.89}]
    # The dispatcher sees the map but not scheme addresses.
    assert api_for("dispatcher").get("/api/v1/map/").json()["schemes"] is None
