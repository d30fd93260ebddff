"""The supervisor's overdue board and QART's divert page show the risk: an incident
recorded as domestic abuse says so, with where it is and a link to it ("somebody behind
closed doors ... didn't take my focus")."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from dispatch import selectors, services
from dispatch.models import Unit
from tests.factories import incident_factory, role_user

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 23, 54, tzinfo=UTC)


def page(role, url):
    client = Client()
    client.force_login(role_user(role))
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_breached_domestic_abuse_incident_shows_its_risk_place_and_link(settings):
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {"IMMEDIATE": 60, "PRIORITY": 300}
    abuse = incident_factory(
        grade="IMMEDIATE",
        received_at=T0,
        address="14 Acacia Avenue",
        postcode="SW1A 1AA",
        narrative="My ex is banging on the door",
        domestic_abuse=True,
    )
    other = incident_factory(
        grade="IMMEDIATE",
        received_at=T0,
        narrative="Car alarm going off",
        da_rationale="A car alarm",
    )
    rows = {row["incident"]: row for row in selectors.overdue_rows(now=T0 + timedelta(minutes=16))}
    assert rows[abuse.pk]["domestic_abuse"] is True
    assert rows[abuse.pk]["address"] == "14 Acacia Avenue"
    assert rows[other.pk]["domestic_abuse"] is not True

    # The page is rendered now: the clock has long run out for both.
    html = page("supervisor", "/dispatch/overdue/")
    row = html.split(f'data-incident-id="{abuse.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "DOMESTIC ABUSE" in row and "14 Acacia Avenue" in row
    assert f'href="/incidents/{abuse.pk}/"' in row
    other_row = html.split(f'data-incident-id="{other.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "DOMESTIC ABUSE" not in other_row


def test_qarts_divert_page_says_the_original_was_domestic_abuse():
    dispatcher = role_user("dispatcher")
    original = incident_factory(
        grade="IMMEDIATE", narrative="My ex is banging on the door", domestic_abuse=True
    )
    other = incident_factory(grade="IMMEDIATE", narrative="Robbery", da_rationale="Robbery")
    unit = Unit.objects.create(callsign="ALPHA1", area="urban")
    services.unit_assign(actor=dispatcher, incident=original, unit=unit)
    divert = services.unit_divert(actor=dispatcher, unit=unit, to_incident=other, reason="Knife")
    html = page("qart", f"/reports/divert-tags/{divert.pk}/")
    assert 'id="original-da"' in html
