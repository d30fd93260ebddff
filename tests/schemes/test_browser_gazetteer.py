"""Browser: the scheme request form offers the gazetteer's addresses; the chosen UPRN is
kept on the scheme, and kept through a refusal of the form (real Chromium, real ASGI)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cad.kernel.geocode import point_columns
from cad.models import AddressPoint
from schemes.models import Scheme

pytestmark = pytest.mark.browser


def test_the_desk_chooses_the_address_point_and_the_scheme_keeps_its_uprn(
    browser_login, live_asgi, make_user, oic
):
    for uprn, address in [
        (600001, "Flat 1, 7 Laburnum Grove, Newtown"),
        (600002, "Flat 2, 7 Laburnum Grove, Newtown"),
    ]:
        AddressPoint.objects.create(
            uprn=uprn,
            address=address,
            postcode="SW1A 2AA",
            lat=51.5,
            lon=-0.14,
            **point_columns(address, "SW1A 2AA"),
        )
    page = browser_login(make_user("intelligence"))
    page.goto(f"{live_asgi}/schemes/new/")
    page.focus("#address")
    page.keyboard.type("7 laburnum")
    page.wait_for_selector("#address-candidates [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#address") == "Flat 2, 7 Laburnum Grove, Newtown"
    assert page.input_value("#postcode") == "SW1A 2AA"
    assert page.input_value("#uprn") == "600002"

    # Refused (no name): the chosen address point is still there when the form comes back.
    page.select_option("#oic", oic.username)
    page.fill("#reason", "Stalking by former partner")
    page.fill("#ends_on", (timezone.localdate() + timedelta(days=90)).isoformat())
    page.click("#scheme-request-form button[type=submit]")
    assert page.is_visible("[data-error-for=victim_name]")
    assert page.input_value("#uprn") == "600002"
    assert "UPRN 600002" in page.inner_text("#address-place")
    page.fill("#victim_name", "Ms B")
    page.click("#scheme-request-form button[type=submit]")
    page.wait_for_url(lambda url: "/schemes/new/" not in url)
    assert Scheme.objects.get().uprn == 600002
