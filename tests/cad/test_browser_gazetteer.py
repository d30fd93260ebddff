"""Browser: the call screen offers the gazetteer's addresses as the handler types; choosing
one by keyboard fills the address and postcode, and the UPRN is stored on the incident and
its contact (real Chromium, real ASGI)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from cad.kernel.geocode import point_columns
from cad.models import AddressPoint, Contact, Incident
from tests.factories import ensure_opening_codes

pytestmark = pytest.mark.browser

POINTS = [
    (700001, "14 Acacia Avenue, Westminster", "SW1A 1AA", 51.501, -0.141),
    (700002, "Flat 1, 16 Acacia Avenue, Westminster", "SW1A 1AA", 51.502, -0.142),
    (700003, "Flat 2, 16 Acacia Avenue, Westminster", "SW1A 1AA", 51.502, -0.142),
]


def test_the_handler_chooses_an_address_by_keyboard_and_its_uprn_is_kept(
    browser_login, live_asgi, make_user
):
    ensure_opening_codes()
    for uprn, address, postcode, lat, lon in POINTS:
        AddressPoint.objects.create(
            uprn=uprn,
            address=address,
            postcode=postcode,
            lat=lat,
            lon=lon,
            **point_columns(address, postcode),
        )
    page = browser_login(make_user("call_handler"))
    page.goto(f"{live_asgi}/calls/new/")
    page.wait_for_selector("#live-status[data-state=live]")

    page.focus("#address")
    page.keyboard.type("16 acacia")
    page.wait_for_selector("#address-candidates [role=option]")
    options = page.locator("#address-candidates [role=option]")
    assert options.count() == 2
    assert page.get_attribute("#address", "aria-expanded") == "true"
    assert "Flat 1, 16 Acacia Avenue" in options.nth(0).inner_text()
    # The open list passes axe-core's checks (a combobox and its listbox).
    page.keyboard.press("ArrowDown")
    grave = [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert grave == [], "\n".join(grave)
    page.keyboard.press("ArrowUp")

    # Down to the second flat, Enter chooses it (and does not save the call).
    page.keyboard.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    assert page.get_attribute("#address", "aria-activedescendant") == "address-candidate-1"
    page.keyboard.press("Enter")
    assert page.is_hidden("#address-candidates")
    assert page.input_value("#address") == "Flat 2, 16 Acacia Avenue, Westminster"
    assert page.input_value("#postcode") == "SW1A 1AA"
    assert page.get_attribute("#address-place", "data-uprn") == "700003"
    assert "UPRN 700003" in page.inner_text("#address-place")
    assert not Incident.objects.exists()

    page.select_option("#opening_code", "suspicious_circumstances")
    page.fill("#narrative", "Shouting and a crash heard from the flat next door")
    page.keyboard.press("Alt+s")
    page.wait_for_selector("#grading-panel:not([hidden])")
    incident = Incident.objects.get()
    assert (incident.uprn, incident.location_source) == (700003, "gazetteer")
    assert (incident.lat, incident.lon) == (51.502, -0.142)
    assert Contact.objects.get(incident=incident).uprn == 700003


def test_typing_again_forgets_the_chosen_uprn_and_escape_closes_the_list(
    browser_login, live_asgi, make_user
):
    uprn, address, postcode, lat, lon = POINTS[0]
    AddressPoint.objects.create(
        uprn=uprn,
        address=address,
        postcode=postcode,
        lat=lat,
        lon=lon,
        **point_columns(address, postcode),
    )
    page = browser_login(make_user("call_handler"))
    page.goto(f"{live_asgi}/calls/new/")
    page.focus("#address")
    page.keyboard.type("14 acacia")
    page.wait_for_selector("#address-candidates [role=option]")
    page.keyboard.press("Escape")
    assert page.is_hidden("#address-candidates")
    page.keyboard.press("ArrowDown")  # the list comes back with the first candidate
    page.keyboard.press("Enter")
    assert page.get_attribute("#address-place", "data-uprn") == "700001"
    page.keyboard.type(" rear")
    page.wait_for_function("!document.querySelector('#address-place').dataset.uprn")
    assert page.inner_text("#address-place") == ""
