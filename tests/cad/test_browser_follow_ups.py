"""Browser: an owner acknowledges a follow-up; an unacknowledged one reaches the
supervisor's page live when the sweep escalates it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cad.models import FollowUp
from cad.tasks import follow_ups_sweep
from tests.factories import contact_factory

pytestmark = pytest.mark.browser


def test_owner_acknowledges_and_the_supervisor_sees_the_overdue_one_live(
    browser_login, live_asgi, make_user
):
    owner = make_user("oic", username="pc-b")
    supervisor = make_user("supervisor", username="sgt-h")
    now = timezone.now()
    mine = contact_factory(
        caller_phone="07700 900123",
        summary="Reactivate a court order against her ex-husband",
        follow_up={"owner": owner, "due_at": now + timedelta(hours=2)},
    )
    forgotten = contact_factory(
        caller_phone="07700 900555",
        summary="Call back about a neighbour dispute",
        follow_up={"owner": owner, "due_at": now + timedelta(seconds=1)},
        now=now - timedelta(hours=1),
    )

    boss = browser_login(supervisor)
    boss.goto(f"{live_asgi}/follow-ups/")
    boss.wait_for_selector("#live-status[data-state=live]")
    assert boss.locator("#escalated-follow-ups tr[data-contact-id]").count() == 0

    page = browser_login(owner)
    page.goto(f"{live_asgi}/follow-ups/")
    row = f"#my-follow-ups tr[data-contact-id='{mine.id}']"
    page.wait_for_selector(f"{row}[data-status='awaiting_ack']")
    page.focus(f"{row} button[data-action=acknowledge]")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{row}[data-status='acknowledged']")
    assert FollowUp.objects.get(contact=mine).acknowledged_by == owner

    FollowUp.objects.filter(contact=forgotten).update(due_at=now - timedelta(minutes=1))
    assert follow_ups_sweep() == 1
    boss.wait_for_selector(
        f"#escalated-follow-ups tr[data-contact-id='{forgotten.id}'][data-status='overdue']",
        timeout=5000,
    )
    assert "pc-b" in boss.inner_text("#escalated-follow-ups")


def test_the_supervisors_list_updates_in_place_keeping_what_is_being_typed(
    browser_login, live_asgi, make_user
):
    """A follow-up escalated while the supervisor hands another one on: the new row comes
    in without a reload, and the half-typed owner keeps its text and the focus."""
    owner = make_user("oic", username="pc-c")
    supervisor = make_user("supervisor", username="sgt-k")
    now = timezone.now()
    first = contact_factory(
        caller_phone="07700 900777",
        summary="Call the victim back about bail conditions",
        follow_up={"owner": owner, "due_at": now + timedelta(seconds=1)},
        now=now - timedelta(hours=1),
    )
    FollowUp.objects.filter(contact=first).update(due_at=now - timedelta(minutes=2))
    assert follow_ups_sweep() == 1

    boss = browser_login(supervisor)
    boss.goto(f"{live_asgi}/follow-ups/")
    boss.wait_for_selector("#live-status[data-state=live]")
    boss.evaluate("window.notReloaded = true")
    owner_field = f"#escalated-follow-ups [data-owner-for='{first.id}']"
    boss.click(owner_field)
    boss.keyboard.type("pc-d")

    second = contact_factory(
        caller_phone="07700 900888",
        summary="Check on the neighbour",
        follow_up={"owner": owner, "due_at": now + timedelta(seconds=1)},
        now=now - timedelta(hours=1),
    )
    FollowUp.objects.filter(contact=second).update(due_at=now - timedelta(minutes=1))
    assert follow_ups_sweep() == 1
    boss.wait_for_selector(f"#escalated-follow-ups tr[data-contact-id='{second.id}']")
    assert boss.evaluate("window.notReloaded") is True
    assert boss.input_value(owner_field) == "pc-d"
    assert boss.evaluate("document.activeElement.dataset.ownerFor") == str(first.id)


def test_a_call_handler_is_told_to_call_the_victim_back_and_records_it(
    browser_login, live_asgi, make_user
):
    from dispatch import services as dispatch_services
    from dispatch.models import VictimCallback
    from tests.factories import incident_factory

    now = timezone.now()
    incident = incident_factory(
        actor=make_user("call_handler"),
        received_at=now - timedelta(minutes=12),
        grade="IMMEDIATE",
        domestic_abuse=True,
        narrative="He's outside shouting he'll kill me",
    )
    page = browser_login(make_user("call_handler"))
    page.goto(f"{live_asgi}/follow-ups/")
    page.wait_for_selector("#live-status[data-state=live]")
    page.evaluate("window.__sameDocument = true")

    dispatch_services.clock_sweep(now=now)  # 75 % gone, no unit at scene: call her back
    page.wait_for_selector(f"#alerts .alert-danger:has-text('{incident.reference}')")
    field = page.wait_for_selector("[data-callback-form] input[name=outcome]")
    field.fill("Safe upstairs with the door locked; told to ring 999 again if he returns")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-callbacks]", state="detached")
    callback = VictimCallback.objects.get(incident=incident)
    assert callback.status == "done" and "Safe upstairs" in callback.outcome
    assert page.evaluate("window.__sameDocument") is True
