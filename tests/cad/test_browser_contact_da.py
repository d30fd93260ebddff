"""Browser: the seed's switchboard call, recorded as a contact, raises the possible domestic
abuse prompt, which the officer answers on the contact's page from the keyboard."""

import pytest

from cad.calls.services import contact_create
from cad.models import Contact, Event

pytestmark = pytest.mark.browser


def test_the_switchboard_contact_prompt_is_answered_on_its_page(
    browser_login, live_asgi, make_user, tmp_path
):
    officer = make_user("oic", username="pc-b")
    contact = contact_create(
        actor=officer,
        channel="switchboard",
        caller_phone="07700 900123",
        caller_name="Ms A",
        summary="Wants to reactivate a court order against her ex-husband, he has been in touch",
    )
    assert contact.da_prompt

    page = browser_login(officer)
    page.goto(f"{live_asgi}/contacts/{contact.pk}/")
    page.wait_for_selector("#contact-da[data-answered='0']")
    assert "this must be answered" in page.inner_text("#contact-da-title")
    assert "“court order”" in page.inner_text("#contact-risk-reasons")
    assert page.evaluate("document.activeElement.id") == "contact-da-yes"

    # Submitting without a choice is refused on screen and nothing is written.
    page.keyboard.press("Alt+s")
    page.wait_for_selector("#contact-da-errors li[data-field='domestic_abuse']")
    assert Contact.objects.get(pk=contact.pk).da_answered_at is None

    # Typing a reason chooses "not domestic abuse"; an empty reason would be refused.
    page.fill("#contact-da-rationale", "Order about a shared car; she says there is no abuse")
    assert page.is_checked("#contact-da-no")
    page.keyboard.press("Alt+s")
    page.wait_for_selector("#contact-da[data-answered='1'] #contact-da-answer")
    assert "Not domestic abuse" in page.inner_text("#contact-da-answer")
    page.screenshot(path=str(tmp_path / "contact-da.png"), full_page=True)

    contact.refresh_from_db()
    assert contact.domestic_abuse is False and contact.da_answered_by == officer
    assert Event.objects.filter(kind="contact.da_answered").count() == 1
