"""scheme_lookup: what call handling sees for a phone number or an address."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from schemes import services
from schemes.selectors import scheme_lookup
from tests.schemes.conftest import START

# Schemes are read as of a fixed moment after they were made, never as of the day the
# suite runs (a planned end would pass as the calendar moves on).
LOOKED_UP_AT = START + timedelta(days=3)

LATER = START + timedelta(days=1)


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "447700900123",
        "0044 7700 900123",
        "(07700) 900-123",
        "+44 (0)7700 900123",
    ],
)
def test_every_phone_format_finds_the_scheme(make_scheme, phone):
    scheme = make_scheme(address="", postcode="")
    lookup = scheme_lookup(phone=phone, now=LATER)
    assert [item["id"] for item in lookup.active] == [scheme.pk]
    assert lookup.active[0]["matched_on"] == ["phone"]
    assert lookup.grade_floor == "IMMEDIATE"


@pytest.mark.parametrize(
    ("address", "postcode"),
    [
        ("14 Acacia Avenue", "SW1A 1AA"),
        ("14 ACACIA AVE", "sw1a1aa"),
        ("14, Acacia Ave, Westminster", "SW1A1AA"),
        ("14 Acacia Avenue, London SW1A 1AA", ""),
        ("14 Acacia Avenue", ""),
        ("14 acacia avenue london", ""),
    ],
)
def test_address_with_or_without_postcode_finds_the_scheme(make_scheme, address, postcode):
    scheme = make_scheme(phones=[])
    lookup = scheme_lookup(address=address, postcode=postcode, now=LATER)
    assert [item["id"] for item in lookup.active] == [scheme.pk]
    assert lookup.active[0]["matched_on"] == ["address"]


@pytest.mark.parametrize(
    ("phone", "address", "postcode"),
    [
        ("07700 900124", "", ""),
        ("", "16 Acacia Avenue", "SW1A 1AA"),
        ("", "14 Acacia Avenue", "SW1A 2AA"),
        ("", "14 Laburnum Grove", ""),
        ("", "", ""),
        ("not a phone", "", ""),
    ],
)
def test_other_numbers_and_premises_do_not_match(make_scheme, phone, address, postcode):
    make_scheme()
    lookup = scheme_lookup(phone=phone, address=address, postcode=postcode, now=LATER)
    assert not lookup and lookup.grade_floor is None and lookup.as_api() == []


def test_flat_numbers_in_either_order_match(make_scheme):
    scheme = make_scheme(address="Flat 2, 14 Acacia Avenue", phones=[])
    lookup = scheme_lookup(address="14 Acacia Avenue flat 2", postcode="SW1A 1AA", now=LOOKED_UP_AT)
    assert [(item["id"], item["matched_on"]) for item in lookup.active] == [
        (scheme.pk, ["address"])
    ]
    # Another flat of number 14 is the same building, not the address.
    other = scheme_lookup(address="14 Acacia Avenue flat 3", postcode="SW1A 1AA", now=LOOKED_UP_AT)
    assert [item["matched_on"] for item in other.active] == [["same_building"]]


def test_active_summary_and_api_shape(make_scheme):
    scheme = make_scheme()
    lookup = scheme_lookup(
        phone="07700900123", address="14 Acacia Avenue", postcode="SW1A 1AA", now=LOOKED_UP_AT
    )
    item = lookup.active[0]
    assert item["matched_on"] == ["phone", "address"]
    assert item["summary"] == (
        "Special scheme ACTIVE for Ms A Example — Domestic abuse: threats from ex-partner — "
        "OIC PC Jones — planned end 6 Dec 2026 — victim not yet informed"
    )
    assert item["ending"] == "" and item["ended_at"] is None
    api = lookup.as_api()
    assert api[0]["id"] == scheme.pk and api[0]["status"] == "active"
    assert api[0]["ends_at"] == scheme.ends_at.isoformat()


def test_ended_scheme_is_history_with_date_and_reason_and_active_comes_first(make_scheme, oic):
    old = make_scheme()
    services.scheme_contact_record(
        actor=oic,
        scheme_id=old.pk,
        purpose="withdrawal",
        method="Phone",
        outcome="no_answer",
        now=START + timedelta(days=2),
    )
    services.scheme_withdraw(
        actor=oic, scheme_id=old.pk, rationale="Suspect moved abroad", now=START + timedelta(2)
    )
    new = make_scheme(now=START + timedelta(days=10), ends_at=START + timedelta(days=100))
    lookup = scheme_lookup(phone="07700 900123", now=START + timedelta(days=11))
    assert [item["id"] for item in lookup.active] == [new.pk]
    assert [item["id"] for item in lookup.history] == [old.pk]
    assert lookup.history[0]["summary"] == ("Scheme withdrawn on 9 Sep 2026: Suspect moved abroad")
    assert [item["id"] for item in lookup.as_api()] == [new.pk, old.pk]


def test_banner_renders_red_for_active_and_grey_for_history(make_scheme, oic):
    ended = make_scheme(phones=["07700 900555"])
    services.scheme_contact_record(
        actor=oic,
        scheme_id=ended.pk,
        purpose="withdrawal",
        method="Phone",
        outcome="informed",
        now=START,
    )
    services.scheme_withdraw(actor=oic, scheme_id=ended.pk, rationale="Risk gone", now=START)
    make_scheme(address="3 Elm Road", postcode="SW1A 2AA", now=START + timedelta(1))
    html = render_to_string(
        "schemes/_banner.html",
        {
            "scheme_lookup": scheme_lookup(
                phone="07700900123",
                address="14 Acacia Avenue",
                postcode="SW1A 1AA",
                now=LOOKED_UP_AT,
            )
        },
    )
    assert html.count("banner-risk") == 1 and html.count("banner-history") == 1
    assert "Special scheme ACTIVE for Ms A Example" in html
    assert "Scheme withdrawn on 7 Sep 2026: Risk gone" in html
    # A plain dict with the same lists works too.
    as_dict = render_to_string(
        "schemes/_banner.html", {"scheme_lookup": {"active": [], "history": []}}
    )
    assert "banner-" not in as_dict.replace("scheme-banners", "")
