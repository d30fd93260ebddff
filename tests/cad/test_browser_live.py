"""Browser: a dispatcher's page shows a new incident live, without reload, when a call
handler creates it through the API."""

import pytest

from cad.models import Event
from tests.factories import ensure_opening_codes

pytestmark = pytest.mark.browser


def test_dispatcher_sees_an_event_appear_without_reload(
    browser_login, live_asgi, make_user, api_for
):
    ensure_opening_codes()
    page = browser_login(make_user("dispatcher"))
    page.goto(f"{live_asgi}/")  # the events page (signing in lands on the board)
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")

    response = api_for("call_handler").post(
        "/api/v1/incidents/",
        {
            "channel": "999",
            "caller_phone": "07700 900777",
            "address": "3 Test Street",
            "postcode": "AB1 2CD",
            "area": "urban",
            "narrative": "Shouting heard in the street.",
            "opening_code": "concern_for_safety",
            "persons": [],
        },
        format="json",
    )
    assert response.status_code == 201
    reference = response.json()["reference"]
    event = Event.objects.get(kind="incident.created", incident_id=response.json()["id"])

    item = page.wait_for_selector(f"[data-event-id='{event.id}']")
    assert reference in item.text_content()
    assert page.evaluate("window.__sameDocument") is True
