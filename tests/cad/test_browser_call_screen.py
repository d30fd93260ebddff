"""Browser: a call handler takes the seed's 999 call from the first keystroke to the grade,
while a dispatcher's incident page follows live (real Chromium, real ASGI, Redis)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cad.calls.services import contact_create
from cad.models import Incident
from tests.cad.conftest import SEED_WORDS
from tests.factories import ensure_opening_codes

pytestmark = pytest.mark.browser


def test_handler_takes_the_seed_999_call_to_grade(
    browser_login, live_asgi, make_user, seed_intelligence, seed_scheme
):
    ensure_opening_codes()
    # The switchboard call a week earlier, recorded this time.
    contact_create(
        actor=make_user("oic"),
        channel="switchboard",
        caller_phone="07700 900123",
        caller_name="Ms A",
        address="14 Acacia Avenue",
        postcode="SW1A 1AA",
        summary="Wants to reactivate a court order against her ex-husband",
        now=timezone.now() - timedelta(days=7),
    )
    handler = make_user("call_handler")
    page = browser_login(handler)
    page.goto(f"{live_asgi}/calls/new/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")

    # The phone field has focus: the first keystroke goes straight in.
    assert page.evaluate("document.activeElement.id") == "caller_phone"
    page.keyboard.type("07700 900123")
    # The look-ups follow the typing (how fast is for bench/, not for a test on a busy box).
    page.wait_for_selector("#lookup-schemes .banner-risk[data-scheme-id]")
    page.wait_for_selector("#lookup-previous tr[data-contact-id]")
    page.wait_for_selector("#lookup-intel .banner-risk")
    assert "court order" in page.inner_text("#lookup-previous")
    assert "MARAC" in page.inner_text("#lookup-intel")
    assert "REPEAT CONTACT" in page.inner_text("#lookup-previous")

    # Tab order follows the call: name, address, postcode, area, opening code, narrative.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "caller_name"
    page.keyboard.type("Ms A")
    page.keyboard.press("Tab")
    page.keyboard.type("14 Acacia Avenue")
    page.keyboard.press("Tab")
    page.keyboard.type("SW1A 1AA")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "area"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "opening_code"
    page.select_option("#opening_code", "suspicious_circumstances")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "narrative"
    page.keyboard.type(SEED_WORDS)

    page.keyboard.press("Alt+s")
    page.wait_for_selector("#grading-panel:not([hidden])")
    incident = Incident.objects.get()
    assert page.inner_text("#recommended-grade") == "IMMEDIATE"
    assert page.is_visible("#da-prompt")
    assert "floor IMMEDIATE" in page.inner_text("#grade-floor")
    reasons = page.inner_text("#risk-reasons")
    assert "domestic abuse: threat now" in reasons and "“ex-husband”" in reasons
    assert page.evaluate("document.activeElement.id") == "da-yes"

    # A dispatcher opens the incident page; it will follow the grading live.
    dispatcher_page = browser_login(make_user("dispatcher"))
    dispatcher_page.goto(f"{live_asgi}/incidents/{incident.id}/")
    dispatcher_page.wait_for_selector("#live-status[data-state=live]")
    dispatcher_page.evaluate("window.__sameDocument = true")
    assert SEED_WORDS in dispatcher_page.inner_text("#narrative")

    # PRIORITY without a rationale is refused on screen and nothing is graded.
    page.check("#grade-PRIORITY")
    page.keyboard.press("Alt+g")
    page.wait_for_selector("#grade-errors[data-refused='1'] li[data-field='rationale']")
    assert "below this incident's floor" in page.inner_text("#grade-errors")
    assert Incident.objects.get(pk=incident.pk).grade is None

    # IMMEDIATE, recorded as domestic abuse: accepted, with the countdown running.
    page.check("#da-yes")
    page.check("#grade-IMMEDIATE")
    page.keyboard.press("Alt+g")
    page.wait_for_selector("#grade-result[data-graded='IMMEDIATE'] [data-due]")
    incident.refresh_from_db()
    assert incident.grade == "IMMEDIATE" and incident.domestic_abuse is True
    assert incident.response_due_at == incident.received_at + timedelta(minutes=15)
    assert "recorded as domestic abuse" in page.inner_text("#grade-result")
    assert page.evaluate("window.__sameDocument") is True

    dispatcher_page.wait_for_selector("#incident-grade[data-grade='IMMEDIATE']")
    dispatcher_page.wait_for_selector("#incident-clock[data-due]")
    assert "DOMESTIC ABUSE" in dispatcher_page.inner_text("#incident-da")
    assert dispatcher_page.evaluate("window.__sameDocument") is True


# The 999 call as the reports give it, with her intelligence on file but no scheme: the
# marker had been removed.
ISSUE_SEED_WORDS = (
    "someone's buzzing at my door, don't know who it is, I think it's my ex-husband. "
    "We had a bit of a domestic violence case last year. Loud banging now."
)


def save_a_call(page, live_asgi, *, phone, fields, opening_code, narrative):
    """The call screen from the first keystroke (the phone) to Alt+S and the grading panel."""
    ensure_opening_codes()
    page.goto(f"{live_asgi}/calls/new/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.keyboard.type(phone)
    for selector, value in fields.items():
        page.fill(selector, value)
    page.select_option("#opening_code", opening_code)
    page.fill("#narrative", narrative)
    page.keyboard.press("Alt+s")
    page.wait_for_selector("#grading-panel:not([hidden])")
    return page


def test_the_seed_call_pre_selects_immediate_with_its_reasons_in_view(
    browser_login, live_asgi, make_user, seed_intelligence, tmp_path
):
    page = save_a_call(
        browser_login(make_user("call_handler")),
        live_asgi,
        phone="07700 900123",
        fields={"#caller_name": "Ms A", "#address": "14 Acacia Avenue", "#postcode": "SW1A 1AA"},
        opening_code="suspicious_circumstances",
        narrative=ISSUE_SEED_WORDS,
    )

    assert page.inner_text("#recommended-grade") == "IMMEDIATE"
    assert page.is_checked("#grade-IMMEDIATE"), "the recommendation is pre-selected"
    assert "floor IMMEDIATE" in page.inner_text("#grade-floor")
    why = page.inner_text("#grading-basis")
    assert why.startswith("IMMEDIATE:"), why
    flags = page.locator("#risk-reasons li").evaluate_all("(rows) => rows.map(r => r.dataset.flag)")
    assert {"intel.floor", "da.current_threat", "cue.relationship"} <= set(flags), flags
    reasons = page.inner_text("#risk-reasons")
    assert "MARAC log" in reasons and "“ex-husband”" in reasons and "“banging”" in reasons
    for flag in page.locator("#risk-reasons li").all():
        assert flag.is_visible()
    assert page.is_visible("#da-prompt")
    page.screenshot(path=str(tmp_path / "seed-call-graded.png"), full_page=True)


def test_the_incident_page_updates_in_place_and_keeps_what_is_typed(
    browser_login, live_asgi, make_user
):
    """Another handler's entry and grade arrive while the dispatcher types: the parts are
    re-rendered by the server, the half-written entry and the focus stay."""
    from cad.calls.services import incident_add_entry, incident_grade
    from tests.factories import incident_factory

    ensure_opening_codes()
    incident = incident_factory(narrative="Caller reports a shed broken into overnight")
    page = browser_login(make_user("dispatcher"))
    page.goto(f"{live_asgi}/incidents/{incident.id}/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")
    page.focus("#entry-text")
    page.keyboard.type("Half-written note about the")

    handler = make_user("call_handler")
    incident_add_entry(actor=handler, incident=incident, text="Caller rang back: he is outside now")
    incident_grade(
        actor=handler, incident=incident, grade="IMMEDIATE", rationale="", domestic_abuse=True
    )
    page.wait_for_selector("#incident-grade[data-grade='IMMEDIATE']")
    page.wait_for_selector("#narrative li:nth-child(2)")
    page.wait_for_selector("#incident-clock[data-clock]")
    # Said in words, once the page's clock has drawn it (a loaded machine draws late).
    expect(page.locator("#incident-clock")).to_have_text(re.compile(r" (left|overdue)$"))
    assert "he is outside now" in page.inner_text("#narrative")
    assert page.locator("#history [data-kind='incident.graded']").count() == 1
    assert "Graded" in page.inner_text("#history")
    assert page.input_value("#entry-text") == "Half-written note about the"
    assert page.evaluate("document.activeElement.id") == "entry-text"
    assert page.evaluate("window.__sameDocument") is True


def test_a_call_saved_straight_after_typing_is_not_its_own_previous_contact(
    browser_login, live_asgi, make_user
):
    """The look-up while typing and the save race: once saved, the panels are the
    incident's, and it is never listed as its own previous contact (no REPEAT badge)."""
    ensure_opening_codes()
    page = browser_login(make_user("call_handler"))
    page.goto(f"{live_asgi}/calls/new/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.fill("#address", "3 Market Street")
    page.fill("#narrative", "Caller reports a lost wallet in the high street")
    page.select_option("#opening_code", "suspicious_circumstances")
    page.focus("#caller_name")
    page.keyboard.type("Jo Bloggs")
    page.keyboard.press("Alt+s")  # within the look-up's 250 ms pause
    page.wait_for_selector("#grading-panel:not([hidden])")
    page.wait_for_timeout(600)  # past the pause: a look-up typed before the save would land
    reference = page.inner_text("#incident-ref").strip()
    assert reference
    assert reference not in page.inner_text("#lookup-previous")
    assert "REPEAT CONTACT" not in page.inner_text("#lookup-previous")
    assert "None found" in page.inner_text("#lookup-previous")


def test_a_refusal_goes_away_as_the_refused_fields_are_filled(browser_login, live_asgi, make_user):
    ensure_opening_codes()
    page = browser_login(make_user("call_handler"))
    page.goto(f"{live_asgi}/calls/new/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.keyboard.press("Alt+s")  # nothing typed: the address, narrative and code are refused
    page.wait_for_selector("#call-errors li[data-field=address]")
    assert page.locator("#call-errors li[data-field=narrative]").count() == 1
    assert page.evaluate("document.activeElement.id") == "address"  # the first refused field
    page.keyboard.type("14 Acacia Avenue")
    assert page.locator("#call-errors li[data-field=address]").count() == 0
    assert page.locator("#call-errors li[data-field=narrative]").count() == 1  # still true
    page.fill("#narrative", "Caller reports a fox in the garden")
    page.select_option("#opening_code", "suspicious_circumstances")
    assert page.inner_text("#call-errors").strip() == ""
    assert Incident.objects.count() == 0


def test_a_call_only_the_learnt_models_read_shows_their_words(
    browser_login, live_asgi, make_user, tmp_path
):
    """No rule reads this call; the models learnt from labelled calls do, and the screen
    says so in words the handler can check against what the caller said."""
    page = save_a_call(
        browser_login(make_user("call_handler")),
        live_asgi,
        phone="07700 900124",
        fields={"#address": "3 Birch Row"},
        opening_code="concern_for_safety",
        narrative="hes got that look again, ive locked myself in the bathroom with the kids",
    )

    assert page.inner_text("#recommended-grade") == "IMMEDIATE"
    assert page.is_checked("#grade-IMMEDIATE")
    why = page.inner_text("#grading-basis")
    assert why.startswith("IMMEDIATE: The call reads like those labelled danger now: “"), why
    flags = page.locator("#risk-reasons li").evaluate_all("(rows) => rows.map(r => r.dataset.flag)")
    assert {"words.reads_like_danger_now", "words.reads_like_domestic_abuse"} <= set(flags)
    reasons = page.inner_text("#risk-reasons")
    assert "“bathroom”" in reasons and "“hes”" not in reasons, "telling words are cited"
    assert page.is_visible("#da-prompt")
    page.screenshot(path=str(tmp_path / "learnt-call-graded.png"), full_page=True)
