"""Where an incident is: a location sent with the call, a UPRN chosen from the gazetteer,
or the address geocoded; the representation's `location`."""

import pytest

from cad.kernel.geocode import point_columns
from cad.models import AddressPoint, Contact, Incident
from tests.cad.conftest import seed_call

pytestmark = pytest.mark.django_db


def add_point(uprn: int, address: str, postcode: str, lat: float, lon: float) -> None:
    AddressPoint.objects.create(
        uprn=uprn,
        address=address,
        postcode=postcode,
        lat=lat,
        lon=lon,
        **point_columns(address, postcode),
    )


@pytest.fixture
def gazetteer():
    add_point(700001, "14 Acacia Avenue, Westminster", "SW1A 1AA", 51.501, -0.141)
    add_point(700002, "Flat 1, 16 Acacia Avenue, Westminster", "SW1A 1AA", 51.502, -0.142)
    add_point(700003, "Flat 2, 16 Acacia Avenue, Westminster", "SW1A 1AA", 51.502, -0.142)


def test_the_address_is_geocoded_when_it_names_one_point(handler_api, gazetteer):
    body = handler_api.post("/api/v1/incidents/", seed_call(), format="json").json()
    assert body["location"] == {"lat": 51.501, "lon": -0.141, "uprn": 700001, "source": "gazetteer"}
    incident = Incident.objects.get(pk=body["id"])
    assert incident.uprn == 700001
    assert Contact.objects.get(incident=incident).uprn == 700001


def test_a_building_of_flats_gives_its_place_but_no_uprn(handler_api, gazetteer):
    call = seed_call(address="16 Acacia Avenue")
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert body["location"] == {"lat": 51.502, "lon": -0.142, "uprn": None, "source": "gazetteer"}


def test_an_address_the_gazetteer_does_not_hold_has_no_location(handler_api, gazetteer):
    body = handler_api.post(
        "/api/v1/incidents/", seed_call(address="99 Nowhere Road"), format="json"
    ).json()
    assert body["location"] is None
    assert Incident.objects.get(pk=body["id"]).uprn is None


def test_the_uprn_chosen_on_the_call_screen_is_kept_with_its_place(handler_api, gazetteer):
    call = seed_call(address="16 Acacia Av flat two", uprn=700003)
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert body["location"] == {"lat": 51.502, "lon": -0.142, "uprn": 700003, "source": "gazetteer"}
    assert Contact.objects.get(incident_id=body["id"]).uprn == 700003


def test_a_callers_location_is_kept_as_sent_with_the_uprn(handler_api, gazetteer):
    call = seed_call(uprn=700001, location={"lat": 51.5105, "lon": -0.1301})
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert body["location"] == {"lat": 51.5105, "lon": -0.1301, "uprn": 700001, "source": "caller"}


def test_a_point_placed_on_the_map_is_manual(handler_api):
    call = seed_call(location={"lat": 52.0, "lon": -1.0, "source": "manual"})
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert body["location"] == {"lat": 52.0, "lon": -1.0, "uprn": None, "source": "manual"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"location": {"lat": 91, "lon": 0}}, "location"),
        ({"location": {"lat": "51.5", "lon": "-0.1"}}, "location"),
        ({"location": {"lat": 51.5}}, "location"),
        ({"location": {"lat": 51.5, "lon": 0, "source": "gazetteer"}}, "location"),
        ({"location": [51.5, -0.1]}, "location"),
        ({"uprn": 123456789}, "uprn"),
        ({"uprn": "abc"}, "uprn"),
    ],
)
def test_bad_places_are_refused_with_nothing_written(handler_api, gazetteer, extra, field):
    response = handler_api.post("/api/v1/incidents/", seed_call(**extra), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists() and not Contact.objects.exists()


def test_nan_in_a_location_is_refused(handler_api):
    response = handler_api.post(
        "/api/v1/incidents/",
        data='{"channel": "999", "address": "1 A Road", "narrative": "x", '
        '"opening_code": "suspicious_circumstances", "location": {"lat": NaN, "lon": 0}}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_a_contact_keeps_the_chosen_uprn(api_for, gazetteer):
    response = api_for("oic").post(
        "/api/v1/contacts/",
        {
            "channel": "switchboard",
            "address": "16 Acacia Avenue",
            "postcode": "SW1A 1AA",
            "summary": "Asks about a court order",
            "uprn": 700002,
        },
        format="json",
    )
    assert response.status_code == 201
    assert Contact.objects.get(pk=response.json()["id"]).uprn == 700002


def test_the_call_lookup_takes_the_chosen_uprn(handler_api, seed_scheme):
    from schemes.models import Scheme

    Scheme.objects.filter(pk=seed_scheme.pk).update(uprn=700001)
    found = handler_api.get("/api/v1/calls/lookup/", {"address": "the flats", "uprn": "700001"})
    assert [item["id"] for item in found.json()["schemes"]] == [seed_scheme.pk]
    assert handler_api.get("/api/v1/calls/lookup/", {"uprn": "x"}).status_code == 400


def test_recent_marac_on_another_flat_of_the_building_sets_the_floor(handler_api, make_user):
    from datetime import timedelta

    from django.utils import timezone

    from intelligence.services import intel_log_create

    intel_log_create(
        actor=make_user("intelligence"),
        kind="marac",
        summary="MARAC: high risk, safety plan",
        occurred_at=timezone.now() - timedelta(days=30),
        addresses=[{"address": "Flat 2, 14 Acacia Avenue", "postcode": "SW1A 1AA"}],
    )
    call = seed_call(caller_phone="", narrative="Shouting next door, a woman screaming")
    body = handler_api.post("/api/v1/incidents/", call, format="json").json()
    assert [hit["matched_on"] for hit in body["intelligence"]["hits"]] == [["same_building"]]
    assert body["grade_floor"] == "IMMEDIATE"
    reasons = " ".join(flag["reason"] for flag in body["risk_reasons"])
    assert "on this building" in reasons


def test_the_incident_page_shows_the_place_and_how_it_was_learnt(handler_api, gazetteer):
    from django.test import Client

    body = handler_api.post("/api/v1/incidents/", seed_call(), format="json").json()
    client = Client()
    client.force_login(handler_api.user)
    page = client.get(body["url"]).content.decode()
    assert 'data-location-source="gazetteer"' in page
    assert "UPRN 700001, 51.50100, -0.14100 (Gazetteer)" in page
