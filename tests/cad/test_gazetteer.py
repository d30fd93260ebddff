"""The gazetteer: load_gazetteer, the geocode API and resolving an address as typed."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cad.kernel.geocode import geocode, point_columns, resolve
from cad.models import AccessRefusal, AddressPoint

pytestmark = pytest.mark.django_db

HEADER = "uprn,address,postcode,lat,lon\n"
GOOD = [
    '100001,"14 Acacia Avenue, Newtown",NT1 2AB,51.5001,-1.2001',
    '100002,"Flat 1, 16 Acacia Avenue, Newtown",NT1 2AB,51.5002,-1.2002',
    '100003,"Flat 2, 16 Acacia Avenue, Newtown",NT1 2AB,51.5002,-1.2002',
    '100004,"14 Acacia Road, Oldtown",OT3 4CD,52.1,-1.9',
    '100005,"14 Acacia Avenue, Oldtown",OT3 4CE,52.2,-1.8',
    '100006,"3 Birch Close, Newtown",NT1 2AD,51.51,-1.21',
]


def write(tmp_path: Path, lines: list[str], name="points.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def points(tmp_path):
    call_command("load_gazetteer", str(write(tmp_path, GOOD)), stdout=io.StringIO())
    return AddressPoint.objects.all()


def load(path: Path, capsys) -> tuple[str, str]:
    call_command("load_gazetteer", str(path))
    captured = capsys.readouterr()
    return captured.out, captured.err


# --- load_gazetteer ---------------------------------------------------------------------


def test_a_good_file_loads_every_point_with_its_search_columns(tmp_path, capsys):
    out, err = load(write(tmp_path, GOOD), capsys)
    assert "loaded 6 address points (6 new, 0 updated), rejected 0" in out
    assert err == ""
    point = AddressPoint.objects.get(uprn=100003)
    assert (point.postcode, point.postcode_key, point.number, point.flat, point.street) == (
        "NT1 2AB",
        "NT12AB",
        "16",
        "2",
        "ACACIA AVENUE",
    )
    assert (point.lat, point.lon) == (51.5002, -1.2002)


def test_bad_rows_are_reported_by_line_and_the_good_ones_load(tmp_path, capsys):
    lines = [
        GOOD[0],
        'abc,"1 Nowhere Road",NT1 2AB,51,-1',  # line 3
        '100010,"2 Nowhere Road",NT1 2AB,95,-1',  # line 4: latitude out of range
        "100011,,NT1 2AB,51,-1",  # line 5: no address
        '100012,"3 Nowhere Road",NOT A CODE,51,nan',  # line 6: postcode and longitude
        '100013,"4 Nowhere Road",NT1 2AB,51,-1,extra',  # line 7: a field too many
        GOOD[1],
    ]
    path = write(tmp_path, lines)
    out, err = load(path, capsys)
    assert "loaded 2 address points (2 new, 0 updated), rejected 5" in out
    assert set(AddressPoint.objects.values_list("uprn", flat=True)) == {100001, 100002}
    assert "line 3: uprn:" in err
    assert "line 4: lat: Latitude must be between -90 and 90." in err
    assert "line 5: address:" in err
    assert "line 6: postcode:" in err and "lon: Longitude" in err
    assert "line 7: row: Wrong number of fields." in err
    report = (tmp_path / "points.csv.report.csv").read_text().splitlines()
    assert report[0] == "line,uprn,field,reason"
    assert {row.split(",")[0] for row in report[1:]} == {"3", "4", "5", "6", "7"}


def test_loading_again_updates_by_uprn_and_adds_nothing(tmp_path, capsys):
    load(write(tmp_path, GOOD), capsys)
    moved = [line.replace("51.5001,-1.2001", "51.6,-1.3") for line in GOOD]
    out, _ = load(write(tmp_path, moved, "newer.csv"), capsys)
    assert "(0 new, 6 updated)" in out
    assert AddressPoint.objects.count() == 6
    assert AddressPoint.objects.get(uprn=100001).lat == 51.6


def test_a_wholly_bad_file_writes_nothing_and_fails(tmp_path):
    path = write(tmp_path, ['x,"1 Road",NT1 2AB,51,-1', '5,"",NT1 2AB,51,-1'])
    with pytest.raises(CommandError, match="no good rows"):
        call_command("load_gazetteer", str(path))
    assert not AddressPoint.objects.exists()


def test_a_wrong_header_is_refused_before_any_row(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,address,postcode,lat,lon\n1,a,NT1 2AB,51,-1\n")
    with pytest.raises(CommandError, match="missing uprn"):
        call_command("load_gazetteer", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_gazetteer", str(tmp_path / "absent.csv"))
    assert not AddressPoint.objects.exists()


# --- geocoding ----------------------------------------------------------------------------


def test_the_best_match_comes_first_and_the_postcode_decides_between_towns(points):
    found = geocode("14 acacia av", "NT1 2AB")
    assert [hit["uprn"] for hit in found[:2]] == [100001, 100005]
    assert found[0]["score"] > found[1]["score"]
    assert set(found[0]) == {"uprn", "address", "postcode", "lat", "lon", "score"}
    assert geocode("14 Acacia Avenue, Oldtown")[0]["uprn"] == 100005


def test_a_flat_asked_for_is_ranked_above_its_neighbour(points):
    found = geocode("flat 2, 16 acacia avenue")
    assert [hit["uprn"] for hit in found[:2]] == [100003, 100002]


def test_a_street_typed_so_far_or_a_postcode_alone_finds_points(points):
    assert {hit["uprn"] for hit in geocode("acacia aven")} >= {100001, 100002, 100005}
    assert {hit["uprn"] for hit in geocode("", "nt1 2ab")} == {100001, 100002, 100003}
    assert 100006 in {hit["uprn"] for hit in geocode("", "NT1")}
    assert geocode("99 Nowhere Street") == []


def test_resolve_gives_a_uprn_only_for_one_place(points):
    one = resolve("14 Acacia Avenue", "NT1 2AB")
    assert (one.uprn, one.lat, one.lon) == (100001, 51.5001, -1.2001)
    assert resolve("Flat 2, 16 Acacia Ave", "NT12AB").uprn == 100003
    building = resolve("16 Acacia Avenue", "NT1 2AB")  # two flats: the building's place only
    assert building.uprn is None and building.lat == 51.5002
    assert resolve("14 Acacia Avenue", "") is None  # two towns
    assert resolve("Acacia Avenue", "NT1 2AB") is None


def test_the_geocode_api_for_a_call_handler(points, api_for):
    response = api_for("call_handler").get(
        "/api/v1/geocode/", {"q": "14 Acacia Av", "postcode": "NT1 2AB"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body[0] == {
        "uprn": 100001,
        "address": "14 Acacia Avenue, Newtown",
        "postcode": "NT1 2AB",
        "lat": 51.5001,
        "lon": -1.2001,
        "score": body[0]["score"],
    }
    assert [hit["score"] for hit in body] == sorted((hit["score"] for hit in body), reverse=True)


@pytest.mark.parametrize("role", ["dispatcher", "oic", "intelligence", "supervisor"])
def test_every_role_that_places_calls_may_geocode(points, api_for, role):
    assert api_for(role).get("/api/v1/geocode/", {"q": "acacia"}).status_code == 200


@pytest.mark.parametrize("role", ["unit", "qart", "admin", "crime_manager"])
def test_other_roles_are_refused_and_logged(points, api_for, role):
    response = api_for(role).get("/api/v1/geocode/", {"q": "acacia"})
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(path="/api/v1/geocode/").exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": " ", "postcode": ""}, "q"),
        ({"q": "a" * 301}, "q"),
        ({"q": "acacia", "postcode": "N" * 17}, "postcode"),
        ({"q": "acacia", "limit": "0"}, "limit"),
        ({"q": "acacia", "limit": "ten"}, "limit"),
        ({"q": "acacia", "limit": "²"}, "limit"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(points, api_for, params, field):
    response = api_for("call_handler").get("/api/v1/geocode/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_limit_is_honoured(points, api_for):
    response = api_for("call_handler").get("/api/v1/geocode/", {"q": "acacia", "limit": "2"})
    assert len(response.json()) == 2


def test_a_last_word_typed_so_far_that_looks_like_a_suffix_still_finds_its_street(points):
    AddressPoint.objects.create(
        uprn=100020,
        address="4 Mill Green, Newtown",
        postcode="NT1 2AF",
        lat=51.5,
        lon=-1.2,
        **point_columns("4 Mill Green, Newtown", "NT1 2AF"),
    )
    assert [hit["uprn"] for hit in geocode("4 mill gr")] == [100020]
