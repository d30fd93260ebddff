"""The divert procedure (standard operating procedure in the seeds), step by step."""

from datetime import timedelta

import pytest

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.models import Event
from dispatch import selectors, services
from dispatch.models import Assignment, Divert, Escalation
from tests.dispatch.conftest import T0, reload

MIN = timedelta(minutes=1)


@pytest.fixture
def scene(make_incident, make_unit, roles):
    """Ms A's call (PRIORITY) has the only unit; an IMMEDIATE call comes in."""
    call_a = make_incident("PRIORITY", narrative=["Someone banging on her door."])
    call_b = make_incident("IMMEDIATE", received_at=T0 + 5 * MIN, narrative=["Fight in street."])
    unit = make_unit("ALPHA1", terminal_user=roles["unit"])
    services.unit_assign(actor=roles["dispatcher"], incident=call_a, unit=unit, now=T0 + MIN)
    return call_a, call_b, unit


def divert(scene, roles, at=T0 + 6 * MIN):
    call_a, call_b, unit = scene
    return services.unit_divert(
        actor=roles["dispatcher"], unit=unit, to_incident=call_b, reason="Immediate call", now=at
    )


def kinds_for(divert):
    return list(
        Event.objects.filter(divert_id=divert.pk).order_by("id").values_list("kind", flat=True)
    )


def test_divert_tags_a_unresources_it_and_opens_a_review(scene, roles):
    call_a, call_b, unit = scene
    record = divert(scene, roles)
    call_a, call_b, unit = reload(call_a), reload(call_b), reload(unit)
    assert "DIVERT" in call_a.tags
    assert call_a.resourced is False
    assert call_a.unresourced_since == T0 + 6 * MIN
    assert call_b.resourced is True
    assert unit.incident_id == call_b.pk and unit.status == "assigned"
    assert record.status == "awaiting_review"
    assert record.from_grade == "PRIORITY" and record.to_grade == "IMMEDIATE"
    assert record.review_due_at == T0 + 8 * MIN
    assert record.from_assignment.status == "diverted"
    assert record.to_assignment.incident_id == call_b.pk
    # The deadline of A is untouched.
    assert call_a.response_due_at == T0 + timedelta(hours=1)
    event = Event.objects.get(kind="unit.diverted")
    assert event.divert_id == record.pk and event.actor == roles["dispatcher"]
    assert {"role.controller", "role.supervisor", f"user.{roles['unit'].pk}"} <= set(event.audience)
    assert [d.pk for d in selectors.divert_review_queue()] == [record.pk]


def test_unresourced_after_a_divert_alerts_and_shows_on_the_board(scene, roles, settings):
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {"PRIORITY": 120, "IMMEDIATE": 60}
    call_a = scene[0]
    divert(scene, roles)
    assert services.clock_sweep(now=T0 + 7 * MIN) == 0
    assert services.clock_sweep(now=T0 + 8 * MIN) == 1
    event = Event.objects.get(kind="incident.unresourced", incident=call_a)
    assert event.data["unresourced_since"] == (T0 + 6 * MIN).isoformat()
    rows = selectors.overdue_rows(now=T0 + 8 * MIN)
    assert (call_a.pk, "unresourced") in [(row["incident"], row["state"]) for row in rows]


def test_override_sends_the_unit_back_and_tells_its_terminal(scene, roles):
    call_a, call_b, unit = scene
    record = divert(scene, roles)
    services.divert_review(
        actor=roles["controller"],
        divert=record,
        decision="override",
        rationale="DA risk at A outweighs B; another unit is near B.",
        now=T0 + 7 * MIN,
    )
    record, unit = reload(record), reload(unit)
    assert record.status == "overridden"
    assert record.controller == roles["controller"] and record.reviewed_at == T0 + 7 * MIN
    assert record.return_assignment.incident_id == call_a.pk
    assert record.return_assignment.reason == "override"
    assert record.to_assignment.status == "recalled"
    assert unit.incident_id == call_a.pk
    assert reload(call_a).resourced is True
    assert reload(call_b).resourced is False
    assert "DIVERT" in reload(call_a).tags  # stays on the tag list for QART
    reviewed = Event.objects.get(kind="divert.reviewed")
    assert reviewed.data["decision"] == "override" and reviewed.data["sent_back"] is True
    assert f"user.{roles['unit'].pk}" in reviewed.audience
    back = Event.objects.filter(kind="unit.assigned", incident=call_a).last()
    assert back.data["reason"] == "override" and f"user.{roles['unit'].pk}" in back.audience
    # The override is final for the sweeps: no review escalation follows.
    assert services.divert_sweep(now=T0 + 30 * MIN) == 0


def test_a_challenge_to_an_override_is_referred_and_recorded(scene, roles):
    record = divert(scene, roles)
    with pytest.raises(Conflict, match="overridden"):
        services.divert_challenge_refer(
            actor=roles["inspector"], divert=record, challenge="x", referred_to="DDO"
        )
    services.divert_review(
        actor=roles["controller"], divert=record, decision="override", rationale="A first"
    )
    with pytest.raises(InvalidInput) as error:
        services.divert_challenge_refer(
            actor=roles["inspector"], divert=record, challenge=" ", referred_to=""
        )
    assert set(error.value.errors) == {"challenge", "referred_to"}
    services.divert_challenge_refer(
        actor=roles["inspector"],
        divert=record,
        challenge="BCU manager: B is a stabbing in progress",
        referred_to="Insp. Duty Officer",
        now=T0 + 9 * MIN,
    )
    with pytest.raises(Conflict):
        services.divert_challenge_refer(
            actor=roles["inspector"], divert=record, challenge="again", referred_to="DDO"
        )
    services.divert_challenge_resolve(
        actor=roles["supervisor"], divert=record, outcome="Override stands.", now=T0 + 12 * MIN
    )
    record = reload(record)
    assert record.challenge_by == roles["inspector"]
    assert record.challenge_referred_at == T0 + 9 * MIN
    assert record.challenge_resolved_by == roles["supervisor"]
    assert kinds_for(record)[-2:] == ["divert.challenge_referred", "divert.challenge_resolved"]


def test_approve_then_the_inspector_replaces(scene, roles, make_unit):
    call_a = scene[0]
    record = divert(scene, roles)
    with pytest.raises(Conflict, match="not reviewed"):
        services.divert_replace(actor=roles["inspector"], divert=record, unit=make_unit())
    services.divert_review(
        actor=roles["controller"],
        divert=record,
        decision="approve",
        rationale="B is a threat to life; A is a PRIORITY.",
        now=T0 + 7 * MIN,
    )
    record = reload(record)
    assert record.status == "awaiting_replacement"
    assert record.replacement_due_at == T0 + 12 * MIN
    assert [d.pk for d in selectors.replacement_queue()] == [record.pk]
    bravo = make_unit("BRAVO1")
    services.divert_replace(
        actor=roles["inspector"], divert=record, unit="bravo1", now=T0 + 9 * MIN
    )
    record = reload(record)
    assert record.status == "replaced"
    assert record.replacement_unit == bravo
    assert record.replaced_by == roles["inspector"] and record.replaced_at == T0 + 9 * MIN
    assert record.replacement_assignment.reason == "replacement"
    assert reload(call_a).resourced is True
    assert kinds_for(record) == ["unit.diverted", "divert.reviewed", "divert.replaced"]
    # QART reviews every divert: each step reaches its tag list live.
    steps = Event.objects.filter(divert_id=record.pk)
    assert steps.count() == 3
    assert all("role.qart" in step.audience for step in steps)
    with pytest.raises(Conflict):
        services.divert_replace(actor=roles["inspector"], divert=record, unit=make_unit())
    assert services.divert_sweep(now=T0 + 30 * MIN) == 0


def test_replacement_with_a_committed_unit_is_409(scene, roles, make_incident, make_unit):
    record = divert(scene, roles)
    services.divert_review(
        actor=roles["controller"], divert=record, decision="approve", rationale="ok"
    )
    busy = make_unit("BUSY1")
    services.unit_assign(actor=roles["dispatcher"], incident=make_incident(), unit=busy)
    with pytest.raises(Conflict, match="committed"):
        services.divert_replace(actor=roles["dispatcher"], divert=record, unit=busy)
    assert reload(record).status == "awaiting_replacement"


def test_a_dispatcher_assigning_to_a_counts_as_the_replacement(scene, roles, make_unit):
    call_a = scene[0]
    record = divert(scene, roles)
    services.divert_review(
        actor=roles["controller"], divert=record, decision="approve", rationale="ok"
    )
    services.unit_assign(actor=roles["dispatcher"], incident=call_a, unit=make_unit("CHARLIE1"))
    record = reload(record)
    assert record.status == "replaced" and record.replacement_unit.callsign == "CHARLIE1"


def test_approve_after_a_unit_was_already_sent_is_replaced_at_once(scene, roles, make_unit):
    call_a = scene[0]
    record = divert(scene, roles)
    services.unit_assign(
        actor=roles["dispatcher"], incident=call_a, unit=make_unit("CHARLIE2"), now=T0 + 7 * MIN
    )
    services.divert_review(
        actor=roles["controller"],
        divert=record,
        decision="approve",
        rationale="ok",
        now=T0 + 8 * MIN,
    )
    record = reload(record)
    assert record.status == "replaced" and record.replacement_unit.callsign == "CHARLIE2"
    assert record.replaced_by == roles["dispatcher"]


def test_a_slow_review_escalates_to_the_supervisor_once(scene, roles):
    record = divert(scene, roles)
    assert services.divert_sweep(now=T0 + 7 * MIN) == 0
    assert services.divert_sweep(now=T0 + 8 * MIN) == 1
    assert services.divert_sweep(now=T0 + 20 * MIN) == 0
    event = Event.objects.get(kind="divert.review_overdue")
    assert "role.supervisor" in event.audience and event.divert_id == record.pk
    assert Escalation.objects.get(divert=record).level == "review_overdue"
    # A late review is still recorded.
    services.divert_review(
        actor=roles["controller"],
        divert=record,
        decision="approve",
        rationale="ok",
        now=T0 + 21 * MIN,
    )
    assert reload(record).status == "awaiting_replacement"


def test_a_slow_replacement_escalates_to_the_supervisor_once(scene, roles):
    record = divert(scene, roles)
    services.divert_review(
        actor=roles["controller"],
        divert=record,
        decision="approve",
        rationale="ok",
        now=T0 + 7 * MIN,
    )
    assert services.divert_sweep(now=T0 + 11 * MIN) == 0
    assert services.divert_sweep(now=T0 + 12 * MIN) == 1
    assert services.divert_sweep(now=T0 + 13 * MIN) == 0
    event = Event.objects.get(kind="divert.replacement_overdue")
    assert {"role.supervisor", "role.inspector"} <= set(event.audience)
    assert list(record.escalations.values_list("level", flat=True)) == ["replacement_overdue"]


def test_divert_refusals(scene, roles, make_unit, make_incident, make_user):
    call_a, call_b, unit = scene
    with pytest.raises(RoleRefused):
        services.unit_divert(actor=roles["controller"], unit=unit, to_incident=call_b, reason="x")
    with pytest.raises(InvalidInput) as error:
        services.unit_divert(actor=roles["dispatcher"], unit=unit, to_incident=999999, reason="")
    assert set(error.value.errors) == {"reason", "to_incident"}
    with pytest.raises(Conflict, match="assign it instead"):
        services.unit_divert(
            actor=roles["dispatcher"], unit=make_unit(), to_incident=call_b, reason="x"
        )
    with pytest.raises(Conflict, match="already on"):
        services.unit_divert(actor=roles["dispatcher"], unit=unit, to_incident=call_a, reason="x")
    assert not Divert.objects.exists()
    record = divert(scene, roles)
    with pytest.raises(RoleRefused):
        services.divert_review(
            actor=roles["dispatcher"], divert=record, decision="approve", rationale="x"
        )
    with pytest.raises(InvalidInput) as error:
        services.divert_review(
            actor=roles["controller"], divert=record, decision="maybe", rationale=""
        )
    assert set(error.value.errors) == {"decision", "rationale"}
    services.divert_review(
        actor=roles["controller"], divert=record, decision="approve", rationale="ok"
    )
    with pytest.raises(Conflict, match="already been reviewed"):
        services.divert_review(
            actor=roles["controller"], divert=record, decision="override", rationale="x"
        )
    with pytest.raises(RoleRefused):
        services.divert_replace(actor=make_user("supervisor"), divert=record, unit=make_unit())


def test_the_whole_procedure_is_on_the_event_log_with_actors(scene, roles, make_unit):
    record = divert(scene, roles)
    services.divert_review(
        actor=roles["controller"], divert=record, decision="approve", rationale="ok"
    )
    services.divert_replace(actor=roles["inspector"], divert=record, unit=make_unit())
    actors = list(
        Event.objects.filter(divert_id=record.pk).order_by("id").values_list("kind", "actor")
    )
    assert actors == [
        ("unit.diverted", roles["dispatcher"].pk),
        ("divert.reviewed", roles["controller"].pk),
        ("divert.replaced", roles["inspector"].pk),
    ]
    assert Assignment.objects.filter(incident=scene[0]).count() == 2


def test_override_is_409_when_the_unit_has_moved_on(scene, roles, make_incident):
    call_a, call_b, unit = scene
    record = divert(scene, roles)
    services.unit_status_set(actor=roles["dispatcher"], unit=unit, status="available")
    services.unit_assign(actor=roles["dispatcher"], incident=make_incident(), unit=unit)
    with pytest.raises(Conflict, match="committed elsewhere"):
        services.divert_review(
            actor=roles["controller"], divert=record, decision="override", rationale="A first"
        )
    assert reload(record).status == "awaiting_review"
