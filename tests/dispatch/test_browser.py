"""Browser: the dispatcher diverts a unit from the keyboard, the controller approves, and the
supervisor's board follows live on three pages at once (real Chromium, real ASGI, Redis)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch import services
from dispatch.models import Divert

pytestmark = pytest.mark.browser


def press_until(page, key: str, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        if page.locator(selector).count():
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} never selected with {key!r}")


def open_live(browser_login, user, url):
    page = browser_login(user)
    page.goto(url)
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")
    return page


def test_divert_then_approve_while_the_supervisor_board_updates_live(
    browser_login, live_asgi, make_user, make_incident, make_unit
):
    dispatcher, controller = make_user("dispatcher"), make_user("controller")
    supervisor = make_user("supervisor")
    call_a = make_incident("PRIORITY", narrative=["Someone banging on her door."])
    call_b = make_incident("IMMEDIATE", narrative=["Fight, weapons seen."])
    unit = make_unit("ALPHA1")
    services.unit_assign(actor=dispatcher, incident=call_a, unit=unit)

    boss = open_live(browser_login, supervisor, f"{live_asgi}/dispatch/overdue/")
    assert boss.locator("[data-diverted] tr[data-divert-id]").count() == 0
    desk = open_live(browser_login, controller, f"{live_asgi}/dispatch/diverts/review/")
    page = open_live(browser_login, dispatcher, f"{live_asgi}/dispatch/board/")

    # Keyboard only: pick the unit (n), the incident to send it to (j), divert (d), reason, Enter.
    page.locator("h1").click()
    press_until(page, "n", "tr[data-callsign=ALPHA1][aria-selected=true]")
    press_until(page, "j", f"tr[data-reference='{call_b.reference}'][aria-selected=true]")
    assert page.input_value("#cmd-unit") == "ALPHA1"
    assert page.input_value("#cmd-incident") == call_b.reference
    page.keyboard.press("d")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'cmd-reason'")
    page.keyboard.type("Immediate call, weapons seen")
    page.keyboard.press("Enter")
    page.wait_for_selector("#cmd-result:has-text('tagged DIVERT')")
    divert = Divert.objects.get()
    assert divert.status == "awaiting_review" and divert.dispatcher == dispatcher
    # The dispatcher's own board shows A tagged DIVERT, with no unit, live.
    page.wait_for_selector(
        f"tr[data-reference='{call_a.reference}'][data-resourced='0'] .tag:has-text('DIVERT')"
    )

    # The supervisor's board shows the divert at once, without a reload.
    boss.wait_for_selector(
        f"[data-diverted] tr[data-divert-id='{divert.pk}'][data-status=awaiting_review]"
    )

    # The controller is alerted live, records the comparative risk and approves.
    desk.wait_for_selector("#alerts .alert:has-text('review needed')")
    card = desk.wait_for_selector(f"article[data-divert-id='{divert.pk}']")
    card.query_selector("textarea").fill("B: weapons, threat to life. A: PRIORITY, no weapons.")
    card.query_selector("button[data-decision=approve]").click()
    desk.wait_for_selector(f"article[data-divert-id='{divert.pk}']", state="detached")
    divert.refresh_from_db()
    assert divert.status == "awaiting_replacement" and divert.controller == controller

    boss.wait_for_selector(
        f"[data-diverted] tr[data-divert-id='{divert.pk}'][data-status=awaiting_replacement]"
    )
    for screen in (boss, desk, page):
        assert screen.evaluate("window.__sameDocument") is True


def test_supervisor_sees_and_hears_a_new_breach(browser_login, live_asgi, make_user, make_incident):
    received = timezone.now() - timedelta(minutes=61)
    incident = make_incident("PRIORITY", received_at=received)
    page = open_live(browser_login, make_user("supervisor"), f"{live_asgi}/dispatch/overdue/")
    page.evaluate(
        """() => {
          window.__tones = 0;
          const proto = window.AudioContext.prototype;
          const create = proto.createOscillator;
          proto.createOscillator = function () { window.__tones += 1; return create.call(this); };
        }"""
    )
    assert services.clock_sweep() >= 1  # long past its deadline: breached now
    page.wait_for_selector(f"#alerts .alert-danger:has-text('BREACH: {incident.reference}')")
    # It is also unresourced: that is a separate alert, also kept on screen.
    page.wait_for_selector(f"#alerts .alert-danger:has-text('NO UNIT: {incident.reference}')")
    page.wait_for_function("window.__tones >= 1")
    page.wait_for_selector(
        f"[data-overdue] tr[data-incident-id='{incident.pk}'][data-state=breached]"
    )
    assert page.evaluate("window.__sameDocument") is True


def test_unit_terminal_gets_the_whole_incident_acknowledges_and_is_sent_back(
    browser_login, live_asgi, make_user, make_incident, make_unit
):
    dispatcher, controller = make_user("dispatcher"), make_user("controller")
    officer = make_user("unit")
    lines = ["Banging on the door.", "Believes it is her ex-husband.", "Court order in place."]
    call_a = make_incident("PRIORITY", narrative=lines)
    call_b = make_incident("IMMEDIATE", narrative=["Fight."])
    unit = make_unit("ALPHA1", terminal_user=officer)
    page = open_live(browser_login, officer, f"{live_asgi}/dispatch/terminal/")
    page.wait_for_selector("text=No current assignment")

    assignment = services.unit_assign(actor=dispatcher, incident=call_a, unit=unit)
    page.wait_for_selector(f"[data-incident-reference='{call_a.reference}']")
    narrative = page.locator("[data-narrative] li").all_text_contents()
    assert len(narrative) == 3 and all(any(line in item for item in narrative) for line in lines)
    page.wait_for_selector(f"#alerts .alert:has-text('{call_a.reference}')")
    page.keyboard.press("k")
    page.wait_for_selector("[data-acknowledged]")
    assignment.refresh_from_db()
    assert assignment.acknowledged_at is not None

    divert = services.unit_divert(actor=dispatcher, unit=unit, to_incident=call_b, reason="x")
    page.wait_for_selector(f"[data-incident-reference='{call_b.reference}']")
    services.divert_review(actor=controller, divert=divert, decision="override", rationale="A")
    page.wait_for_selector(f"[data-sent-back]:has-text('{call_a.reference}')")
    page.wait_for_selector("#alerts .alert-danger:has-text('Divert overridden')")
    page.keyboard.press("s")  # at scene
    page.wait_for_selector("[data-unit-status=at_scene]")
    call_a.refresh_from_db()
    assert call_a.first_arrival_at is not None and call_a.clock_state == "stopped"
    assert page.evaluate("window.__sameDocument") is True


def test_inspector_assigns_a_replacement_from_the_live_queue(
    browser_login, live_asgi, make_user, make_incident, make_unit
):
    dispatcher, controller = make_user("dispatcher"), make_user("controller")
    inspector = make_user("inspector")
    call_a, call_b = make_incident("PRIORITY"), make_incident("IMMEDIATE")
    unit = make_unit("ALPHA1")
    make_unit("BRAVO1")
    services.unit_assign(actor=dispatcher, incident=call_a, unit=unit)
    divert = services.unit_divert(actor=dispatcher, unit=unit, to_incident=call_b, reason="x")
    page = open_live(browser_login, inspector, f"{live_asgi}/dispatch/diverts/replacements/")
    assert page.locator("article[data-divert-id]").count() == 0

    services.divert_review(actor=controller, divert=divert, decision="approve", rationale="B")
    card = page.wait_for_selector(f"article[data-divert-id='{divert.pk}']")
    page.wait_for_selector("#alerts .alert-danger:has-text('assign another unit')")
    card.query_selector("select").select_option("BRAVO1")
    card.query_selector("button[type=submit]").click()
    page.wait_for_selector(f"article[data-divert-id='{divert.pk}']", state="detached")
    divert.refresh_from_db()
    assert divert.status == "replaced" and divert.replaced_by == inspector
    assert page.evaluate("window.__sameDocument") is True


def test_the_terminal_says_unable_to_attend_and_the_dispatcher_is_alerted_at_once(
    browser_login, live_asgi, make_user, make_incident, make_unit
):
    dispatcher, officer = make_user("dispatcher"), make_user("unit")
    incident = make_incident("IMMEDIATE")
    unit = make_unit("ALPHA1", terminal_user=officer)
    services.unit_assign(actor=dispatcher, incident=incident, unit=unit)
    board = open_live(browser_login, dispatcher, f"{live_asgi}/dispatch/board/")
    terminal = open_live(browser_login, officer, f"{live_asgi}/dispatch/terminal/")
    terminal.wait_for_selector(f"[data-incident-reference='{incident.reference}']")

    terminal.locator("h1").click()
    terminal.keyboard.press("u")  # the keyboard path: "unable to attend", then why
    assert terminal.evaluate("document.activeElement.id") == "unit-message-text"
    terminal.keyboard.type("Vehicle fault, cannot move")
    terminal.keyboard.press("Tab")
    terminal.keyboard.press("Enter")
    terminal.wait_for_selector("[data-message-result]:has-text('Sent to control')")
    assert terminal.input_value("#unit-message-text") == ""
    # The event the message raises re-renders the terminal; the confirmation stays. The
    # re-render is run here, not waited for, so the order cannot vary.
    terminal.evaluate(
        """async () => {
            const src = document.querySelector("script[src*='terminal.js']").src;
            const screen = await import(new URL("./screen.js", src));
            await screen.refreshFragment(document.getElementById("terminal-live"));
        }"""
    )
    assert "Sent to control" in terminal.inner_text("[data-message-result]")

    alert = board.wait_for_selector("#alerts .alert-danger:has-text('unable to attend')")
    assert incident.reference in alert.inner_text() and "Vehicle fault" in alert.inner_text()
    assert board.evaluate("window.__sameDocument") is True


def test_the_board_shows_type_and_da_time_in_status_filters_and_lists_its_keys(
    browser_login, live_asgi, make_user, make_incident, make_unit
):
    dispatcher = make_user("dispatcher")
    first, second = make_incident("IMMEDIATE"), make_incident("PRIORITY")
    alpha = make_unit("ALPHA1")
    make_unit("BRAVO1")
    services.unit_status_set(actor=dispatcher, unit=alpha, status="unavailable")
    board = open_live(browser_login, dispatcher, f"{live_asgi}/dispatch/board/")
    row = board.locator(f"tr[data-reference='{first.reference}']")
    first.refresh_from_db()
    from cad.models import OpeningCode

    assert OpeningCode.label_for(first.opening_code) in row.inner_text()  # a label, not a code
    board.wait_for_selector("tr[data-callsign='ALPHA1'] [data-since]:not(:empty)")
    assert ":" in board.inner_text("tr[data-callsign='ALPHA1'] [data-since]")  # time in status

    board.locator("h1").click()
    board.keyboard.press("/")
    assert board.evaluate("document.activeElement.id") == "board-filter"
    board.keyboard.type(second.reference)
    assert board.locator(f"tr[data-reference='{first.reference}']").is_hidden()
    assert board.locator(f"tr[data-reference='{second.reference}']").is_visible()
    assert "1 of" in board.inner_text("#board-filter-count")
    board.keyboard.press("Escape")
    board.keyboard.press("?")
    assert board.locator("#board-keys").is_visible()
    assert "divert the selected unit" in board.inner_text("#board-keys")
    board.keyboard.press("Escape")
    assert board.locator("#board-keys").is_hidden()
