"""Fixtures for the schemes tests: the people involved and a scheme factory."""

from datetime import UTC, datetime, timedelta

import pytest

from schemes import services

# A fixed moment so dates in summaries are predictable (a Monday, 10:00 UTC).
START = datetime(2026, 9, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def oic(make_user):
    return make_user(
        "oic", username="pc-jones", email="jones@police.example", first_name="PC", last_name="Jones"
    )


@pytest.fixture
def other_oic(make_user):
    return make_user("oic", username="pc-other", email="other@police.example")


@pytest.fixture
def crime_manager(make_user):
    return make_user("crime_manager", username="di-manager", email="bcu@police.example")


@pytest.fixture
def requester(make_user):
    return make_user("intelligence", username="rtrd-desk")


@pytest.fixture
def make_scheme(oic, requester):
    """make_scheme(**overrides) → a scheme created through the service at START."""

    def make(**overrides):
        fields = {
            "actor": requester,
            "victim_name": "Ms A Example",
            "address": "14 Acacia Avenue, London",
            "postcode": "SW1A 1AA",
            "phones": ["07700 900123"],
            "oic": oic.username,
            "reason": "Domestic abuse: threats from ex-partner",
            "ends_at": START + timedelta(days=90),
            "now": START,
        }
        fields.update(overrides)
        return services.scheme_create(**fields)

    return make
