"""Schemes found by the gazetteer's UPRN and by the building whatever the flat."""

import pytest

from cad.kernel.geocode import point_columns
from cad.models import AddressPoint
from schemes.models import Scheme
from schemes.selectors import scheme_lookup
from tests.schemes.conftest import START

pytestmark = pytest.mark.django_db


def add_point(uprn: int, address: str, postcode: str) -> None:
    AddressPoint.objects.create(
        uprn=uprn,
        address=address,
        postcode=postcode,
        lat=51.5,
        lon=-1.2,
        **point_columns(address, postcode),
    )


def test_a_scheme_on_a_flat_is_found_from_the_house_number_and_sets_the_floor(make_scheme):
    scheme = make_scheme(address="Flat 2, 14 Acacia Avenue", postcode="NT1 2AB", phones=[])
    lookup = scheme_lookup(address="14 Acacia Avenue", postcode="NT1 2AB", now=START)
    assert [(item["id"], item["matched_on"]) for item in lookup.active] == [
        (scheme.pk, ["same_building"])
    ]
    assert lookup.grade_floor == "IMMEDIATE"


def test_a_scheme_on_the_house_is_found_from_a_flat_below_the_exact_one(make_scheme):
    house = make_scheme(address="14 Acacia Avenue", postcode="NT1 2AB", phones=[])
    flat = make_scheme(address="Flat 2, 14 Acacia Avenue", postcode="NT1 2AB", phones=[])
    lookup = scheme_lookup(address="flat 2 14 acacia ave", postcode="nt12ab", now=START)
    assert [(item["id"], item["matched_on"]) for item in lookup.active] == [
        (flat.pk, ["address"]),
        (house.pk, ["same_building"]),
    ]


def test_another_house_in_the_street_is_not_found(make_scheme):
    make_scheme(address="Flat 2, 16 Acacia Avenue", postcode="NT1 2AB", phones=[])
    assert not scheme_lookup(address="14 Acacia Avenue", postcode="NT1 2AB", now=START)


def test_a_scheme_gets_the_gazetteers_uprn_and_matches_it_however_typed(make_scheme):
    add_point(800001, "Rose Cottage, 3 Mill Lane, Newtown", "NT1 4XY")
    scheme = make_scheme(address="3 Mill Lane", postcode="NT1 4XY", phones=[])
    assert Scheme.objects.get(pk=scheme.pk).uprn == 800001
    lookup = scheme_lookup(address="the cottage by the mill", uprn=800001, now=START)
    assert [(item["id"], item["matched_on"]) for item in lookup.active] == [
        (scheme.pk, ["address"])
    ]


def test_a_uprn_chosen_on_the_scheme_is_kept(make_scheme):
    scheme = make_scheme(address="The old mill", postcode="", phones=[], uprn=800002)
    assert Scheme.objects.get(pk=scheme.pk).uprn == 800002


def test_a_bad_uprn_is_refused_with_nothing_written(make_scheme):
    from cad.kernel.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        make_scheme(uprn=-4)
    assert "uprn" in refused.value.errors
    with pytest.raises(InvalidInput):
        make_scheme(address="", uprn=800003)
    assert not Scheme.objects.exists()


def test_the_lookup_api_takes_a_uprn(make_scheme, api_for):
    scheme = make_scheme(address="The old mill", postcode="", phones=[], uprn=800004)
    client = api_for("call_handler")
    body = client.get("/api/v1/schemes/lookup/", {"uprn": "800004"}).json()
    assert [item["id"] for item in body["active"]] == [scheme.pk]
    assert client.get("/api/v1/schemes/lookup/", {"uprn": "x"}).status_code == 400


def test_the_call_screen_banner_says_same_building(make_scheme, make_user):
    from django.test import Client

    make_scheme(address="Flat 2, 14 Acacia Avenue", postcode="NT1 2AB", phones=[])
    client = Client()
    client.force_login(make_user("call_handler"))
    page = client.get("/calls/panels/", {"address": "14 Acacia Avenue", "postcode": "NT1 2AB"})
    assert page.status_code == 200
    assert b"data-same-building" in page.content
    assert b"SAME BUILDING" in page.content
