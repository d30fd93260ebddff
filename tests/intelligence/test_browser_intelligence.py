"""Browser: the support desk's queue updates live and is answered from the keyboard;
the log page shows the full log only after a reason, and records the view."""

import pytest
from django.db import transaction

from cad.kernel.normalise import address_key, phone_key
from cad.models import Contact
from intelligence.models import CheckRequest, LogAccess
from intelligence.services import intel_log_create, intel_request_create

pytestmark = pytest.mark.browser


def test_request_appears_live_and_is_answered_by_keyboard(browser_login, make_user, live_asgi):
    analyst = make_user("intelligence")
    handler = make_user("call_handler")
    page = browser_login(analyst)
    page.goto(f"{live_asgi}/intelligence/requests/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")

    with transaction.atomic():
        contact = Contact.objects.create(
            reference="CON-BROWSER-1",
            channel="switchboard",
            received_at="2026-09-07T10:00:00+00:00",
            caller_phone="07700 900123",
            caller_phone_key=phone_key("07700 900123"),
            address="14 Acacia Avenue",
            postcode="SW1A 1AA",
            address_key=address_key("14 Acacia Avenue", "SW1A 1AA"),
            created_by=handler,
        )
    row = intel_request_create(actor=handler, contact=contact, question="Court order history?")

    line = page.wait_for_selector(f"#request-{row.pk}")
    assert "Court order history?" in line.text_content()
    assert "CON-BROWSER-1" in line.text_content()
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator(".alert", has_text="New intelligence check request").count() == 1

    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_selector("#answer-text:focus")
    page.keyboard.type("MARAC and two DVDS requests held: treat as high risk.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(f"#request-{row.pk}", state="detached")
    page.wait_for_selector("#answered-requests >> text=treat as high risk")

    row.refresh_from_db()
    assert row.status == CheckRequest.Status.ANSWERED
    assert row.answered_by == analyst
    assert row.answer.startswith("MARAC and two DVDS")


def test_log_page_needs_a_reason(browser_login, make_user, live_asgi):
    analyst = make_user("intelligence")
    log = intel_log_create(
        actor=analyst,
        kind="marac",
        summary="MARAC: high risk",
        details="Safety plan: IDVA allocated; school informed.",
        occurred_at="2025-01-01T10:00:00+00:00",
        phones=["07700 900123"],
    )
    oic = make_user("oic")
    page = browser_login(oic)
    page.goto(f"{live_asgi}/intelligence/logs/{log.pk}/")
    assert page.locator("#intel-full").count() == 0
    assert "IDVA" not in page.content()

    # The prompt has the focus; "r" brings it back from anywhere else on the page.
    assert page.evaluate("document.activeElement.id") == "reason"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("Investigating the 999 call from the victim")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#intel-full")
    assert "IDVA allocated" in page.text_content("#intel-full")
    assert page.text_content("#intel-accesses td:nth-child(3)") == (
        "Investigating the 999 call from the victim"
    )
    access = LogAccess.objects.get()
    assert (access.user, access.channel) == (oic, "page")
