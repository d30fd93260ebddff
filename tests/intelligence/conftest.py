"""Fixtures for the intelligence tests: people, logs, incidents and contacts."""

from datetime import UTC, date, datetime
from itertools import count

import pytest

from cad.kernel.normalise import address_key, name_key, phone_key
from cad.models import Contact, Incident, Person
from intelligence.services import intel_log_create

# A fixed moment so due times and report windows are predictable.
NOW = datetime(2026, 9, 7, 10, 0, tzinfo=UTC)
_refs = count(1)


@pytest.fixture
def analyst(make_user):
    return make_user("intelligence", username="analyst")


@pytest.fixture
def handler(make_user):
    return make_user("call_handler", username="handler")


@pytest.fixture
def make_log(analyst):
    """make_log(kind=..., phones=[...], addresses=[...], persons=[...]) through the service."""

    def make(**overrides):
        fields = {
            "actor": analyst,
            "kind": "other",
            "summary": "A log",
            "details": "Full details that only a reasoned view may show.",
            "occurred_at": datetime(2025, 1, 1, 12, 0, tzinfo=UTC),
            "now": NOW,
        }
        fields.update(overrides)
        return intel_log_create(**fields)

    return make


@pytest.fixture
def make_incident(handler):
    """An incident row as call handling stores it (keys filled in), without running a check."""

    def make(*, phone="", address="", postcode="", caller_name="", persons=()):
        number = next(_refs)
        incident = Incident.objects.create(
            reference=f"INC-T{number:05d}",
            channel="999",
            received_at=NOW,
            caller_phone=phone,
            caller_phone_key=phone_key(phone),
            caller_name=caller_name,
            address=address,
            postcode=postcode,
            address_key=address_key(address, postcode) if (address or postcode) else "",
            opening_code="SUSPICIOUS",
            created_by=handler,
        )
        for name, dob in persons:
            Person.objects.create(
                incident=incident,
                name=name,
                name_key=name_key(name),
                dob=date.fromisoformat(dob) if dob else None,
                role="other",
            )
        return incident

    return make


@pytest.fixture
def make_contact(handler):
    def make(*, phone="", address="", postcode="", caller_name=""):
        number = next(_refs)
        return Contact.objects.create(
            reference=f"CON-T{number:05d}",
            channel="switchboard",
            received_at=NOW,
            caller_phone=phone,
            caller_phone_key=phone_key(phone),
            caller_name=caller_name,
            address=address,
            postcode=postcode,
            address_key=address_key(address, postcode) if (address or postcode) else "",
            summary="Wants to reactivate a court order",
            created_by=handler,
        )

    return make
