"""Browser: every role's main screen, on the demo data and a call full of long words.

For each role, signing in lands on its main screen; the screen passes axe-core's checks
with no serious or critical violation; at 1280×720 it never scrolls sideways, even with an
unbroken 3,000-character word in the data it shows and typed into every free-text field;
and a screenshot at 1600×1000 is kept in test-output/screens/ for people to look at."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.conftest import OUTPUT_DIR, PASSWORD
from tests.factories import contact_factory, ensure_opening_codes, incident_factory

pytestmark = pytest.mark.browser

LONG = "W" * 3000
MAIN_SCREENS = {
    "call_handler": "/calls/new/",
    "dispatcher": "/dispatch/board/",
    "controller": "/dispatch/diverts/review/",
    "inspector": "/dispatch/diverts/replacements/",
    "supervisor": "/dispatch/overdue/",
    "unit": "/dispatch/terminal/",
    "qart": "/reports/divert-tags/",
    "oic": "/schemes/",
    "crime_manager": "/schemes/queue/",
    "intelligence": "/intelligence/requests/",
}
FREE_TEXT = ", ".join(
    f"{field}:visible"
    for field in ("textarea", "input:not([type])", "input[type=text]", "input[type=search]")
)


def sideways(page) -> int:
    """How far the page scrolls sideways, in pixels (0: not at all)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", password=PASSWORD)
    ensure_opening_codes()
    handler = get_user_model().objects.get(username="call_handler")
    incident = incident_factory(
        actor=handler,
        narrative=f"Caller says {LONG} and then hung up",
        caller_name=LONG[:200],
        address=LONG[:300],
        grade="PRIORITY",
        rationale=LONG,
    )
    contact = contact_factory(actor=handler, summary=LONG, caller_name=LONG[:200])
    return {"incident": incident, "contact": contact}


@pytest.mark.parametrize("role", list(MAIN_SCREENS))
def test_the_main_screen_of_each_role(demo, browser_login, live_asgi, role):
    user = get_user_model().objects.get(username=role)
    page = browser_login(user)
    assert page.url.endswith(MAIN_SCREENS[role]), page.url  # signing in landed here
    page.wait_for_selector("#live-status[data-state=live]")

    page.set_viewport_size({"width": 1600, "height": 1000})
    results = Axe().run(page)
    grave = [
        f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert grave == [], "\n".join(grave)
    (OUTPUT_DIR / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT_DIR / "screens" / f"{role}.png"))

    page.set_viewport_size({"width": 1280, "height": 720})
    assert sideways(page) <= 0, f"{role}'s screen scrolls sideways with long words shown"
    fields = page.locator(FREE_TEXT)
    for index in range(fields.count()):
        field = fields.nth(index)
        if field.is_editable():
            field.fill(LONG)
    assert sideways(page) <= 0, f"{role}'s screen scrolls sideways with long words typed"


def test_pages_showing_long_words_never_scroll_sideways(demo, browser_login, live_asgi):
    """The incident, its list, the contact and the follow-ups show the long words whole,
    wrapped, at 1280×720."""
    page = browser_login(get_user_model().objects.get(username="call_handler"))
    page.set_viewport_size({"width": 1280, "height": 720})
    incident, contact = demo["incident"], demo["contact"]
    for path in (
        f"/incidents/{incident.pk}/",
        "/incidents/",
        f"/contacts/{contact.pk}/",
        "/follow-ups/",
    ):
        page.goto(f"{live_asgi}{path}")
        page.wait_for_selector("#live-status[data-state=live]")
        assert sideways(page) <= 0, f"{path} scrolls sideways"
    page.goto(f"{live_asgi}/incidents/{incident.pk}/")
    assert LONG in page.inner_text("#narrative").replace("\n", "")  # shown whole, wrapped
