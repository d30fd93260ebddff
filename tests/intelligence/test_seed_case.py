"""The case in the seed reports: Ms A's number and address find all seven logs."""

import pytest

from intelligence import RISK_KINDS, demo
from intelligence.models import IntelligenceLog
from intelligence.selectors import check_summary, lookup_hits
from intelligence.services import intel_check_run
from tests.intelligence.conftest import NOW

SEED_KINDS = {"domestic_abuse", "marac", "dvds", "safeguarding_children"}


@pytest.fixture
def seeded(make_user):
    users = {role: make_user(role, username=role) for role in ("intelligence", "call_handler")}
    demo.seed(users=users, password="unused")
    return users


def seed_ids():
    return set(
        IntelligenceLog.objects.filter(source_ref__startswith="DEMO-SEED-").values_list(
            "id", flat=True
        )
    )


def test_seven_logs_of_the_four_kinds_in_the_report(seeded):
    logs = IntelligenceLog.objects.filter(source_ref__startswith="DEMO-SEED-")
    assert logs.count() == 7
    assert sorted(logs.values_list("kind", flat=True)) == [
        "domestic_abuse",
        "domestic_abuse",
        "dvds",
        "dvds",
        "marac",
        "safeguarding_children",
        "safeguarding_children",
    ]


@pytest.mark.parametrize(
    ("phone", "address", "postcode"),
    [
        ("07700 900123", "14 Acacia Avenue", "SW1A 1AA"),
        ("+44 7700 900123", "14 acacia ave, london", "sw1a1aa"),
        ("447700900123", "14 Acacia Avenue, London SW1A 1AA", ""),
    ],
)
def test_phone_and_address_find_all_seven(seeded, phone, address, postcode):
    hits = lookup_hits(phone=phone, address=address, postcode=postcode)
    assert {hit["id"] for hit in hits} == seed_ids()
    assert {hit["kind"] for hit in hits} == SEED_KINDS


def test_the_address_alone_finds_all_seven_and_the_phone_five(seeded):
    by_address = lookup_hits(address="14 Acacia Avenue", postcode="SW1A 1AA")
    by_phone = lookup_hits(phone="07700 900123")
    assert {hit["id"] for hit in by_address} == seed_ids()
    assert len(by_phone) == 5 and {hit["id"] for hit in by_phone} < seed_ids()


def test_the_999_call_is_checked_and_carries_the_risk(seeded, make_incident):
    incident = make_incident(
        phone="07700 900123", address="14 Acacia Avenue", postcode="SW1A 1AA", caller_name="Ms A"
    )
    check = intel_check_run(actor=seeded["call_handler"], incident=incident, now=NOW)
    summary = check_summary(incident=incident)
    assert check.hit_count == 7
    assert {hit["id"] for hit in summary["hits"]} == seed_ids()
    assert set(summary["risk_kinds"]) == {"domestic_abuse", "marac", "dvds"} <= RISK_KINDS
    # Risk kinds come before the safeguarding logs.
    assert [hit["kind"] for hit in summary["hits"]][-2:] == ["safeguarding_children"] * 2
    assert all({"phone", "address"} & set(hit["matched_on"]) for hit in summary["hits"])


def test_seeding_again_adds_nothing(seeded):
    before = IntelligenceLog.objects.count()
    result = demo.seed(users=seeded, password="unused")
    assert result.imported == 0 and result.skipped == before
    assert IntelligenceLog.objects.count() == before == 10
