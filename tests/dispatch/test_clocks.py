"""Pure clock rules: thresholds at exact times, no database."""

from datetime import UTC, datetime, timedelta

from dispatch import clocks

T0 = datetime(2026, 3, 1, 23, 54, tzinfo=UTC)
DUE = T0 + timedelta(minutes=60)


def plan_at(now, **kwargs):
    return clocks.plan(
        now=now, received_at=T0, response_due_at=DUE, first_arrival_at=None, **kwargs
    )


def test_warning_is_at_75_percent_of_the_target_from_the_call():
    assert clocks.warning_moment(T0, DUE) == T0 + timedelta(minutes=45)


def test_states_at_exact_moments():
    warn = T0 + timedelta(minutes=45)
    assert plan_at(warn - timedelta(microseconds=1)).state == "running"
    assert plan_at(warn).state == "warning"
    assert plan_at(DUE - timedelta(microseconds=1)).state == "warning"
    assert plan_at(DUE).state == "breached"


def test_running_clock_waits_for_the_warning():
    plan = plan_at(T0 + timedelta(minutes=10))
    assert plan.due == []
    assert plan.next_at == T0 + timedelta(minutes=45)


def test_warning_is_due_then_the_breach_is_next():
    plan = plan_at(T0 + timedelta(minutes=45))
    assert [(a.level, a.cycle) for a in plan.due] == [("clock_warning", 0)]
    assert plan.next_at == DUE


def test_breach_then_reescalation_every_15_minutes():
    plan = plan_at(DUE)
    assert [(a.level, a.cycle) for a in plan.due] == [("clock_warning", 0), ("clock_breached", 0)]
    assert plan.next_at == DUE + timedelta(minutes=15)
    plan = plan_at(DUE + timedelta(minutes=15))
    # Warning and breach stay due (written once, by their unique keys); the new cycle joins.
    assert [(a.level, a.cycle) for a in plan.due] == [
        ("clock_warning", 0),
        ("clock_breached", 0),
        ("clock_reescalated", 1),
    ]
    assert plan.next_at == DUE + timedelta(minutes=30)
    plan = plan_at(DUE + timedelta(minutes=44, seconds=59))
    assert [(a.level, a.cycle) for a in plan.due][-1] == ("clock_reescalated", 2)


def test_a_late_sweep_records_the_missed_warning_the_breach_and_only_the_latest_cycle():
    plan = plan_at(DUE + timedelta(minutes=50))
    assert [(a.level, a.cycle, a.due_at) for a in plan.due][0] == (
        "clock_warning",
        0,
        T0 + timedelta(minutes=45),
    )
    assert [(a.level, a.cycle) for a in plan.due][1:] == [
        ("clock_breached", 0),
        ("clock_reescalated", 3),
    ]


def test_alerts_are_keyed_by_the_deadline():
    assert {alert.basis for alert in plan_at(DUE).due} == {DUE}


def test_first_arrival_stops_the_clock():
    plan = clocks.plan(
        now=DUE + timedelta(hours=1),
        received_at=T0,
        response_due_at=DUE,
        first_arrival_at=T0 + timedelta(minutes=30),
    )
    assert plan.state == "stopped"
    assert plan.due == [] and plan.next_at is None


def test_closed_incident_has_nothing_due():
    plan = plan_at(DUE + timedelta(hours=1), open_=False)
    assert plan.state == "stopped" and plan.due == [] and plan.next_at is None


def test_no_deadline_no_clock():
    plan = clocks.plan(now=T0, received_at=T0, response_due_at=None, first_arrival_at=None)
    assert plan.state == "none" and plan.next_at is None


def test_unresourced_alert_after_the_allowance():
    since = T0 + timedelta(minutes=5)
    before = plan_at(
        since + timedelta(minutes=4),
        unresourced_since=since,
        unresourced_allowance=timedelta(minutes=5),
    )
    assert before.due == []
    assert before.next_at == since + timedelta(minutes=5)
    after = plan_at(
        since + timedelta(minutes=5),
        unresourced_since=since,
        unresourced_allowance=timedelta(minutes=5),
    )
    assert [(a.level, a.basis) for a in after.due] == [("unresourced", since)]
    assert after.next_at == T0 + timedelta(minutes=45)


def test_urgency_orders_state_then_deadline():
    rows = [
        ("warning", DUE),
        ("breached", DUE + timedelta(minutes=5)),
        ("unacknowledged", None),
        ("breached", DUE),
        ("unresourced", DUE),
    ]
    ordered = sorted(rows, key=lambda row: clocks.urgency_key(*row))
    assert ordered == [
        ("breached", DUE),
        ("breached", DUE + timedelta(minutes=5)),
        ("unresourced", DUE),
        ("warning", DUE),
        ("unacknowledged", None),
    ]
