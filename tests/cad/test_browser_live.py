"""Browser: a dispatcher's page shows a new event live, without reload."""

import pytest
from django.db import transaction

from cad import events

pytestmark = pytest.mark.browser


def test_dispatcher_sees_an_event_appear_without_reload(browser_login, make_user):
    page = browser_login(make_user("dispatcher"))
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")
    with transaction.atomic():
        event = events.publish(
            "incident.created", roles=["dispatcher"], data={"reference": "CAD-TEST-0001"}
        )
    item = page.wait_for_selector(f"[data-event-id='{event.id}']", timeout=5000)
    assert "CAD-TEST-0001" in item.text_content()
    assert page.evaluate("window.__sameDocument") is True
