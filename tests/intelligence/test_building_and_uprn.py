"""Intelligence found by the gazetteer's UPRN and by the building whatever the flat."""

import pytest

from cad.kernel.geocode import point_columns
from cad.models import AddressPoint
from intelligence.models import LogAddress
from intelligence.selectors import find_hits, keys_for_incident, lookup_hits
from intelligence.services import intel_check_run

pytestmark = pytest.mark.django_db

FLAT = {"address": "Flat 2, 14 Acacia Avenue", "postcode": "NT1 2AB"}
HOUSE = {"address": "14 Acacia Avenue", "postcode": "NT1 2AB"}


def add_point(uprn: int, address: str, postcode: str) -> AddressPoint:
    return AddressPoint.objects.create(
        uprn=uprn,
        address=address,
        postcode=postcode,
        lat=51.5,
        lon=-1.2,
        **point_columns(address, postcode),
    )


def test_a_check_on_the_house_finds_a_log_on_a_flat_as_same_building(make_log):
    log = make_log(kind="domestic_abuse", addresses=[FLAT])
    hits = lookup_hits(**HOUSE)
    assert [(hit["id"], hit["matched_on"]) for hit in hits] == [(log.pk, ["same_building"])]


def test_a_check_on_a_flat_finds_a_log_on_the_house_and_on_another_flat(make_log):
    house = make_log(kind="marac", addresses=[HOUSE])
    other_flat = make_log(kind="marac", addresses=[{**FLAT, "address": "Flat 5, 14 Acacia Ave"}])
    hits = {hit["id"]: hit["matched_on"] for hit in lookup_hits(**FLAT)}
    assert hits == {house.pk: ["same_building"], other_flat.pk: ["same_building"]}


def test_without_a_postcode_the_number_and_street_find_the_building(make_log):
    log = make_log(kind="domestic_abuse", addresses=[{"address": FLAT["address"]}])
    hits = lookup_hits(address="14 acacia ave")
    assert [hit["matched_on"] for hit in hits if hit["id"] == log.pk] == [["same_building"]]


def test_an_exact_match_ranks_above_the_same_building(make_log):
    building = make_log(kind="domestic_abuse", addresses=[FLAT], summary="flat")
    exact = make_log(kind="domestic_abuse", addresses=[HOUSE], summary="house")
    hits = lookup_hits(**HOUSE)
    assert [hit["id"] for hit in hits] == [exact.pk, building.pk]
    assert hits[0]["matched_on"] == ["address"]  # never also "same_building"


def test_another_number_in_the_street_is_not_the_same_building(make_log):
    make_log(kind="domestic_abuse", addresses=[{**FLAT, "address": "Flat 2, 16 Acacia Avenue"}])
    assert lookup_hits(**HOUSE) == []


def test_a_log_recorded_on_a_uprn_matches_however_the_address_is_typed(make_log, make_incident):
    add_point(900001, "Rose Cottage, 14 Acacia Avenue, Newtown", "NT1 2AB")
    log = make_log(
        kind="warning_marker", addresses=[{"address": "The cottage, Acacia Ave", "uprn": 900001}]
    )
    assert LogAddress.objects.get(log=log).uprn == 900001
    incident = make_incident(address="Acacia cottage by the green")
    incident.uprn = 900001
    incident.save(update_fields=["uprn"])
    hits = find_hits(keys_for_incident(incident))
    assert [(hit["id"], hit["matched_on"]) for hit in hits] == [(log.pk, ["address"])]


def test_a_log_address_gets_the_gazetteers_uprn_when_it_names_one_point(make_log):
    add_point(900002, "14 Acacia Avenue, Newtown", "NT1 2AB")
    log = make_log(kind="other", addresses=[{"address": "14 acacia av", "postcode": "nt12ab"}])
    assert LogAddress.objects.get(log=log).uprn == 900002
    assert [hit["id"] for hit in lookup_hits(address="somewhere else", uprn=900002)] == [log.pk]


def test_the_check_records_the_uprn_and_the_same_building_hit(make_log, make_incident, handler):
    log = make_log(kind="domestic_abuse", addresses=[FLAT])
    incident = make_incident(**HOUSE)
    incident.uprn = 900003
    incident.save(update_fields=["uprn"])
    check = intel_check_run(actor=handler, incident=incident, manual=False)
    assert check.uprn == 900003
    assert [(hit.log_id, hit.matched_on) for hit in check.hits.all()] == [
        (log.pk, ["same_building"])
    ]


def test_a_bad_uprn_on_a_log_address_is_refused(api_for):
    response = api_for("intelligence").post(
        "/api/v1/intelligence/logs/",
        {
            "kind": "other",
            "summary": "x",
            "occurred_at": "2025-01-01T12:00:00Z",
            "addresses": [{"address": "14 Acacia Avenue", "uprn": 0}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert not LogAddress.objects.exists()


def test_the_hits_panel_says_same_building_in_words(make_log, make_user):
    from django.test import Client

    make_log(kind="domestic_abuse", addresses=[FLAT])
    client = Client()
    client.force_login(make_user("call_handler"))
    page = client.get("/calls/panels/", HOUSE)
    assert "same building (another flat or the whole building)" in page.content.decode()
