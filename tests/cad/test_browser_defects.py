"""Browser: defects found by trying the screens as a new user would, each kept fixed."""

import pytest

from cad.models import Incident, UserAvailability
from tests.factories import ensure_opening_codes, incident_factory

pytestmark = pytest.mark.browser


def test_no_empty_floor_tag_when_there_is_no_floor(browser_login, live_asgi, make_user):
    incident = incident_factory(narrative="Caller reports a bike stolen from the shed overnight")
    assert not incident.grade_floor
    page = browser_login(make_user("dispatcher"))
    page.goto(f"{live_asgi}/incidents/{incident.pk}/")
    page.wait_for_selector("#live-status[data-state=live]")
    assert page.locator("#incident-floor").is_hidden()


def test_enter_on_the_absence_form_marks_the_officer_absent_from_now(
    browser_login, live_asgi, make_user
):
    make_user("oic", username="pc-away")
    page = browser_login(make_user("supervisor"))
    page.goto(f"{live_asgi}/availability/")
    page.fill("#absence-user", "pc-away")
    page.fill("#absence-reason", "annual leave")
    page.keyboard.press("Enter")  # "From" already says now
    page.wait_for_selector(".messages li")
    assert UserAvailability.objects.filter(user__username="pc-away").count() == 1


def test_a_person_is_never_saved_without_a_chosen_role(browser_login, live_asgi, make_user):
    ensure_opening_codes()
    page = browser_login(make_user("call_handler"))
    page.goto(f"{live_asgi}/calls/new/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.fill("#address", "3 Market Street")
    page.fill("#narrative", "Caller's neighbour is shouting in the street")
    page.select_option("#opening_code", "suspicious_circumstances")
    page.click("#add-person")
    page.keyboard.type("Dan Smith")
    assert page.input_value("#persons [data-person=role]") == ""  # no default "victim"
    page.keyboard.press("Alt+s")
    page.wait_for_selector("#call-errors li[data-field=persons]")
    assert "item 1: role: Choose the person's role" in page.inner_text("#call-errors")
    assert not Incident.objects.exists()
    page.select_option("#persons [data-person=role]", "suspect")
    page.keyboard.press("Alt+s")
    page.wait_for_selector("#grading-panel:not([hidden])")
    assert Incident.objects.get().persons.get().role == "suspect"
