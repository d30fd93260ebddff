"""Addresses split into flat, building number and street (pure, no database)."""

import pytest

from cad.kernel.coordinates import lat_lon
from cad.kernel.normalise import address_key, building_keys, parse_address


@pytest.mark.parametrize(
    "typed",
    [
        "Flat 2, 14 Acacia Avenue",
        "14 Acacia Ave, flat 2",
        "2, 14 Acacia Avenue",
        "Apartment 2 14 acacia av",
        "flat 2 14 ACACIA AVENUE, Newtown",
    ],
)
def test_a_flat_in_a_building_however_it_is_written(typed):
    parsed = parse_address(typed)
    assert (parsed.flat, parsed.number, parsed.street) == ("2", "14", "ACACIA AVENUE")


def test_a_house_has_no_flat_and_the_town_is_kept_apart():
    parsed = parse_address("14a Acacia Road, Newtown NT1 2AB")
    assert parsed.flat == ""
    assert parsed.number == "14A"
    assert parsed.street == "ACACIA ROAD"
    assert parsed.postcode == "NT12AB"
    assert parsed.others == ("NEWTOWN",)


def test_a_building_name_before_the_number_is_not_the_street():
    parsed = parse_address("Flat 3, Rose House, 14 Acacia Avenue")
    assert (parsed.flat, parsed.building, parsed.number) == ("3", "ROSE HOUSE", "14")
    assert parsed.street == "ACACIA AVENUE"


def test_a_street_named_after_a_suffix_word_keeps_its_name():
    assert parse_address("22 St Johns Road").street == "ST JOHNS ROAD"
    assert parse_address("3 Park Lane").street == "PARK LANE"


def test_a_street_typed_so_far_is_a_prefix_of_the_stored_street():
    assert "ACACIA AVENUE".startswith(parse_address("14 acacia aven").street)
    assert parse_address("14 acacia av").street == "ACACIA AVENUE"


def test_the_number_after_the_street_is_still_the_building():
    assert parse_address("Acacia Avenue 14").number == "14"


def test_a_flat_and_its_building_share_building_keys_but_not_the_address_key():
    flat = building_keys("Flat 2, 14 Acacia Avenue", "NT1 2AB")
    house = building_keys("14 Acacia Ave", "nt12ab")
    assert (
        flat
        == house
        == {
            "building_premises_key": "NT12AB|14",
            "building_street_key": "14|ACACIA AVE",
        }
    )
    assert address_key("Flat 2, 14 Acacia Avenue", "NT1 2AB") != address_key(
        "14 Acacia Ave", "NT1 2AB"
    )


def test_no_building_keys_without_a_building_number_or_postcode():
    assert building_keys("Rose House, Acacia Avenue") == {
        "building_premises_key": "",
        "building_street_key": "",
    }
    assert building_keys("14 Acacia Avenue")["building_premises_key"] == ""


def test_nothing_usable_parses_to_nothing():
    assert parse_address("") == parse_address(None)
    assert parse_address("   ,  ").street == ""


@pytest.mark.parametrize(
    ("lat", "lon", "fields"),
    [
        (51.5, -0.12, set()),
        (91, 0, {"lat"}),
        (0, -180.5, {"lon"}),
        (float("nan"), 0, {"lat"}),
        (0, float("inf"), {"lon"}),
        ("51.5", 0, {"lat"}),  # text in JSON is refused
        (True, 0, {"lat"}),
        (None, None, {"lat", "lon"}),
    ],
)
def test_coordinates_are_numbers_in_range(lat, lon, fields):
    _, _, errors = lat_lon(lat, lon)
    assert set(errors) == fields


def test_a_csv_cell_may_be_text_but_must_be_a_number():
    assert lat_lon("51.5", " -0.1 ", text_ok=True)[:2] == (51.5, -0.1)
    assert set(lat_lon("north", "0", text_ok=True)[2]) == {"lat"}


def test_the_street_as_typed_is_kept_beside_the_written_out_suffix():
    parsed = parse_address("4 Mill Gr")
    assert (parsed.street, parsed.street_typed) == ("MILL GROVE", "MILL GR")
