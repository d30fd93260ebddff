"""Fixtures for the call-handling tests: the seed case's intelligence and scheme."""

from datetime import timedelta

import pytest
from django.utils import timezone

SEED_PHONE = "07700 900123"
SEED_ADDRESS = "14 Acacia Avenue"
SEED_POSTCODE = "SW1A 1AA"
SEED_WORDS = (
    "someone is banging on my door, I think it's my ex-husband, "
    "we had a domestic violence case last year"
)


@pytest.fixture
def handler_api(api_for):
    return api_for("call_handler")


@pytest.fixture
def seed_intelligence(make_user):
    """Two of the seed's logs: a domestic abuse crime report and a MARAC, on her phone
    and address."""
    from intelligence.services import intel_log_create

    analyst = make_user("intelligence")
    when = timezone.now() - timedelta(days=300)
    return [
        intel_log_create(
            actor=analyst,
            kind=kind,
            summary=summary,
            occurred_at=when,
            phones=[SEED_PHONE],
            addresses=[{"address": SEED_ADDRESS, "postcode": SEED_POSTCODE}],
            persons=[{"name": "Ms A", "dob": "1985-04-02"}],
        )
        for kind, summary in [
            ("domestic_abuse", "ABH by ex-husband, charged"),
            ("marac", "MARAC: high risk, safety plan"),
        ]
    ]


@pytest.fixture
def seed_scheme(make_user):
    """A special scheme in force on her address and phone."""
    from schemes.services import scheme_create

    oic = make_user("oic")
    return scheme_create(
        actor=oic,
        victim_name="Ms A",
        address=SEED_ADDRESS,
        postcode=SEED_POSTCODE,
        phones=[SEED_PHONE],
        oic=oic.username,
        reason="Threats to kill from ex-husband",
        ends_at=timezone.now() + timedelta(days=60),
    )


def seed_call(**overrides) -> dict:
    """The seed's 999 call as the API receives it."""
    body = {
        "channel": "999",
        "caller_phone": "+44 7700 900123",
        "caller_name": "Ms A",
        "address": SEED_ADDRESS,
        "postcode": SEED_POSTCODE,
        "area": "urban",
        "narrative": SEED_WORDS,
        "opening_code": "suspicious_circumstances",
        "persons": [{"name": "Ms A", "dob": "1985-04-02", "role": "victim"}],
    }
    body.update(overrides)
    return body
