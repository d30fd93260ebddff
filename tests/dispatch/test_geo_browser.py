"""Browser: the dispatcher sees a unit move on the map and the nearest units reorder without
a reload; clicking a marker selects its incident; the inspector is offered the nearest
replacement after a divert, and it changes live as units move (real Chromium, ASGI, Redis)."""

import pytest
from django.utils import timezone

from cad.models import Incident
from dispatch import geo_services, services
from dispatch.models import Unit

pytestmark = pytest.mark.browser

HERE = (52.4800, -1.9000)
KM_NORTH = 1 / 111.195


def place(incident, km_north=0.0):
    Incident.objects.filter(pk=incident.pk).update(lat=HERE[0] + km_north * KM_NORTH, lon=HERE[1])
    incident.refresh_from_db()
    return incident


def report(avl, callsign, km_north):
    """An AVL report, then the publisher's run (the beat's, every second)."""
    answer = geo_services.unit_position_report(
        actor=avl, unit=callsign, lat=HERE[0] + km_north * KM_NORTH, lon=HERE[1]
    )
    geo_services.publish_positions()
    return answer


def open_live(browser_login, user, url, csp_errors):
    page = browser_login(user)

    def note(message):
        if "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    page.on("console", note)
    page.goto(url)
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")
    return page


def test_a_unit_moves_on_the_map_and_the_nearest_units_reorder_live(
    browser_login, live_asgi, make_user, make_incident, make_unit
):
    dispatcher, avl = make_user("dispatcher"), make_user("avl")
    incident = place(make_incident("IMMEDIATE", received_at=timezone.now()))
    other = place(make_incident("PRIORITY", received_at=timezone.now()), km_north=-4)
    make_unit("NEAR1")
    make_unit("FAR1")
    report(avl, "NEAR1", 1)
    report(avl, "FAR1", 3)
    csp_errors: list[str] = []
    page = open_live(browser_login, dispatcher, f"{live_asgi}/dispatch/board/", csp_errors)

    # The map draws both incidents and both units, labelled, with a scale and no basemap.
    page.wait_for_selector("#live-map[data-loaded='1'][data-incidents='2'][data-units='2']")
    assert page.locator(f"path[data-reference='{incident.reference}']").count() == 1
    assert page.locator(".leaflet-tooltip.map-label", has_text="NEAR1").count() == 1
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-tile").count() == 0

    # Keyboard: j selects the incident; the map centres on it and the nearest units show.
    page.locator("h1").click()
    for _ in range(5):
        if page.locator(f"tr[data-reference='{incident.reference}'][aria-selected=true]").count():
            break
        page.keyboard.press("j")
    page.wait_for_selector(f"#live-map[data-centred-on='{incident.reference}']")
    page.wait_for_selector("#recommendations-rows tr[data-unit]")
    units = page.locator("#recommendations-rows tr[data-unit]")
    assert [units.nth(i).get_attribute("data-unit") for i in range(2)] == ["NEAR1", "FAR1"]
    assert "straight line" in page.inner_text("#recommendations")
    assert "estimate" in page.inner_text("#recommendations")

    # FAR1 drives to 200 m away: its marker moves and it becomes the nearest, no reload.
    report(avl, "FAR1", 0.2)
    moved = Unit.objects.get(callsign="FAR1")
    page.wait_for_selector(f"path[data-callsign='FAR1'][data-lat='{moved.lat}']")
    page.wait_for_selector("#recommendations-rows tr[data-unit]:first-child[data-unit='FAR1']")
    assert page.evaluate("window.__sameDocument") is True
    # r takes the nearest into the unit field.
    page.locator("h1").click()
    page.keyboard.press("r")
    assert page.input_value("#cmd-unit") == "FAR1"

    # A marker clicked selects its incident on the board.
    page.locator(f"path[data-reference='{other.reference}']").click(force=True)
    page.wait_for_selector(f"tr[data-reference='{other.reference}'][aria-selected=true]")
    assert csp_errors == []


def test_the_inspector_is_offered_the_nearest_replacement_after_a_divert(
    browser_login, live_asgi, make_user, make_incident, make_unit
):
    dispatcher, controller = make_user("dispatcher"), make_user("controller")
    inspector, avl = make_user("inspector"), make_user("avl")
    now = timezone.now()
    call_a = place(make_incident("PRIORITY", received_at=now))
    call_b = place(make_incident("IMMEDIATE", received_at=now), km_north=3)
    for callsign, km in (("ALPHA1", 0.5), ("SPARE1", 2.0), ("SPARE2", 5.0)):
        make_unit(callsign)
        report(avl, callsign, km)
    services.unit_assign(actor=dispatcher, incident=call_a, unit="ALPHA1")
    divert = services.unit_divert(
        actor=dispatcher, unit="ALPHA1", to_incident=call_b, reason="Weapons seen at B"
    )
    services.divert_review(
        actor=controller, divert=divert, decision="approve", rationale="B: weapons."
    )
    csp_errors: list[str] = []
    page = open_live(
        browser_login, inspector, f"{live_asgi}/dispatch/diverts/replacements/", csp_errors
    )
    card = f"article[data-divert-id='{divert.pk}']"
    page.wait_for_selector(f"{card} .geo-suggestion[data-suggested-unit='SPARE1']")
    suggestion = page.inner_text(f"{card} .geo-suggestion")
    assert "straight line" in suggestion and "estimate" in suggestion
    # The chooser lists units nearest first.
    options = page.locator(f"{card} select option[data-nearest]")
    assert [options.nth(i).get_attribute("value") for i in range(2)] == ["SPARE1", "SPARE2"]
    # Where the diverted unit was, for the record.
    assert "When diverted, ALPHA1 was" in page.inner_text(f"{card} [data-divert-geography]")

    # SPARE2 comes within 300 m: the suggestion changes without a reload.
    report(avl, "SPARE2", 0.3)
    page.wait_for_selector(f"{card} .geo-suggestion[data-suggested-unit='SPARE2']")
    assert page.evaluate("window.__sameDocument") is True

    # Taking it: choose the suggested unit and assign.
    page.select_option(f"{card} select", "SPARE2")
    page.click(f"{card} button[type=submit]")
    page.wait_for_selector(f"{card}", state="detached")
    divert.refresh_from_db()
    assert divert.status == "replaced" and divert.replacement_unit.callsign == "SPARE2"
    assert csp_errors == []


def test_the_terminal_shares_its_position_only_when_turned_on(
    chromium, live_asgi, make_user, make_unit
):
    from tests.conftest import PASSWORD

    officer = make_user("unit")
    make_unit("TERM1", terminal_user=officer)
    context = chromium.new_context(
        viewport={"width": 1400, "height": 900},
        geolocation={"latitude": 52.4801, "longitude": -1.9002},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_asgi}/login/")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_asgi}/dispatch/terminal/")
        toggle = page.locator("#position-share-toggle")
        assert not toggle.is_checked()
        page.wait_for_timeout(1500)
        assert Unit.objects.get(callsign="TERM1").position_at is None  # off: nothing sent
        toggle.check()
        page.wait_for_selector("#position-share-state:has-text('Shared')")
        unit = Unit.objects.get(callsign="TERM1")
        assert (round(unit.lat, 4), round(unit.lon, 4)) == (52.4801, -1.9002)
        # Remembered on this device; turned off, it stops.
        page.reload()
        assert page.locator("#position-share-toggle").is_checked()
        page.locator("#position-share-toggle").uncheck()
        page.wait_for_selector("#position-share-state:has-text('Not shared')")
    finally:
        context.close()
