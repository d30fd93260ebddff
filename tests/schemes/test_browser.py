"""Browser: the OIC records a contact and withdraws; the crime manager's queue is live."""

from datetime import timedelta

import pytest
from django.utils import timezone

from schemes import services
from schemes.models import Ending, Scheme, SchemeStatus

pytestmark = pytest.mark.browser


def test_oic_records_a_contact_and_withdraws_after_being_told_the_missing_step(
    browser_login, live_asgi, make_scheme, oic
):
    now = timezone.now()
    scheme = make_scheme(now=now, ends_at=now + timedelta(days=60))
    page = browser_login(oic)
    page.goto(f"{live_asgi}/schemes/{scheme.pk}/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")
    assert "banner-risk" in page.inner_html("#scheme-live")

    # First attempt: refused, and the page says which step is missing.
    page.fill("#withdraw-rationale", "Suspect has moved abroad; risk assessed as standard.")
    page.click("#withdraw-form button[type=submit]")
    error = page.wait_for_selector("#withdraw-form [data-form-errors] [data-field=contacts]")
    assert "Missing step" in error.text_content()
    assert "withdrawal" in error.text_content()
    assert page.is_visible("#withdraw-form [data-form-errors]")
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.ACTIVE

    # Keyboard: C jumps to the contact form.
    page.focus("body")
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.id") == "contact-purpose"
    page.select_option("#contact-purpose", "withdrawal")
    page.fill("#contact-method", "Phone call to her mobile (preferred method)")
    page.select_option("#contact-outcome", "no_answer")
    page.fill("#contact-notes", "No answer at 10:05; will try a safe text next.")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#contact-log tr[data-purpose=withdrawal][data-outcome=no_answer]")
    page.wait_for_function("document.getElementById('withdrawal-attempts').textContent === '1'")

    # Second attempt goes through; the page turns to history without a reload.
    page.click("#withdraw-form button[type=submit]")
    page.wait_for_selector("#scheme-state[data-in-force='0']")
    page.wait_for_selector("#timeline li[data-kind='scheme.withdrawn']")
    assert "ENDED" in page.text_content("#scheme-status")
    assert "banner-history" in page.inner_html("#scheme-live")
    assert page.is_hidden("#withdraw-form")
    assert page.evaluate("window.__sameDocument") is True

    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.ENDED and scheme.ending == Ending.WITHDRAWN
    assert scheme.end_rationale.startswith("Suspect has moved abroad")


def test_crime_manager_queue_shows_an_escalation_live(
    browser_login, live_asgi, make_scheme, crime_manager
):
    now = timezone.now()
    scheme = make_scheme(now=now, ends_at=now + timedelta(days=10))
    page = browser_login(crime_manager)
    page.goto(f"{live_asgi}/schemes/queue/")
    page.wait_for_selector("#live-status[data-state=live]")
    row = f"[data-queue=manager] tr[data-scheme-id='{scheme.pk}']"
    assert page.query_selector(row) is None
    # Nobody decides: the sweep, run as if eleven days had passed, escalates it.
    services.scheme_reviews_sweep(now=now + timedelta(days=11))
    page.wait_for_selector(row)
    page.wait_for_selector(".alert-danger")
    assert "Second-stage review" in page.text_content(row)


def test_intelligence_desk_requests_a_scheme_with_the_form(
    browser_login, live_asgi, make_user, oic
):
    desk = make_user("intelligence")
    page = browser_login(desk)
    page.goto(f"{live_asgi}/schemes/new/")
    assert "The OIC, not the control room, must tell the victim." in page.text_content(
        "#oic-warning"
    )
    # Refused first: the planned end is too far away and nothing names the person at risk.
    too_late = (timezone.localdate() + timedelta(days=200)).isoformat()
    page.fill("#address", "7 Laburnum Grove")
    page.fill("#postcode", "SW1A 2AA")
    page.fill("#ends_on", too_late)
    page.select_option("#oic", oic.username)
    page.click("#scheme-request-form button[type=submit]")
    assert "at most 6 months" in page.text_content("[data-error-for=ends_at]")
    assert page.is_visible("[data-error-for=victim_name]")
    assert not Scheme.objects.exists()

    page.fill("#victim_name", "Ms B")
    page.fill("#phones", "07700 900200")
    page.fill("#reason", "Stalking by former partner")
    page.fill("#ends_on", (timezone.localdate() + timedelta(days=90)).isoformat())
    page.click("#scheme-request-form button[type=submit]")
    page.wait_for_url(lambda url: "/schemes/new/" not in url)
    scheme = Scheme.objects.get()
    assert page.url.endswith(f"/schemes/{scheme.pk}/")
    assert "victim not yet informed" in page.text_content("#scheme-live")
    assert scheme.oic == oic and scheme.requested_by == desk
