"""Pure lifecycle rules: limits and review stages, no database."""

from datetime import UTC, datetime, timedelta

from schemes import rules

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def snap(**overrides):
    fields = {"starts_at": T0, "ends_at": T0 + 90 * DAY, "cycle": 1}
    fields.update(overrides)
    return rules.Snapshot(**fields)


def test_six_calendar_months_is_the_limit_and_clamps_the_day():
    assert rules.latest_end(T0) == datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
    aug31 = datetime(2025, 8, 31, tzinfo=UTC)
    assert rules.add_months(aug31, 6) == datetime(2026, 2, 28, tzinfo=UTC)
    assert rules.add_months(datetime(2026, 11, 15, tzinfo=UTC), 3).year == 2027


def test_end_errors_refuse_past_and_beyond_six_months_only():
    limit = rules.latest_end(T0)
    assert rules.end_errors(start=T0, ends_at=limit, now=T0) == []
    assert (
        "at most 6 months"
        in rules.end_errors(start=T0, ends_at=limit + timedelta(seconds=1), now=T0)[0]
    )
    assert "future" in rules.end_errors(start=T0, ends_at=T0 - DAY, now=T0)[0]


def test_first_stage_falls_due_fourteen_days_before_the_planned_end():
    s = snap(inform_settled=True)
    assert rules.next_due(s) == T0 + 76 * DAY
    assert rules.due_stages(s, T0 + 76 * DAY - timedelta(seconds=1)) == []
    stages = rules.due_stages(s, T0 + 76 * DAY)
    assert [(st.name, st.sequence) for st in stages] == [("first", 0)]


def test_second_stage_fourteen_days_after_the_first_or_at_the_planned_end():
    first_at = T0 + 76 * DAY
    s = snap(inform_settled=True, done={("first", 0): first_at})
    assert rules.next_due(s) == T0 + 90 * DAY
    late_first = snap(inform_settled=True, ends_at=T0 + 10 * DAY, done={("first", 0): T0})
    assert rules.next_due(late_first) == T0 + 10 * DAY


def test_overdue_repeats_from_the_last_escalation_and_a_late_sweep_does_not_bunch():
    s = snap(inform_settled=True)
    # A sweep that first runs three weeks after the planned end writes each stage once.
    stages = rules.due_stages(s, T0 + 111 * DAY)
    assert [(st.name, st.sequence) for st in stages] == [
        ("first", 0),
        ("second", 0),
        ("overdue", 0),
    ]
    assert rules.next_due(s) == T0 + 118 * DAY
    assert rules.due_stages(s, T0 + 117 * DAY) == []
    assert [(st.name, st.sequence) for st in rules.due_stages(s, T0 + 118 * DAY)] == [
        ("overdue", 1)
    ]


def test_victim_not_informed_goes_to_the_oic_then_the_crime_manager():
    s = snap()
    assert rules.next_due(s) == T0 + 7 * DAY
    assert [st.name for st in rules.due_stages(s, T0 + 7 * DAY)] == ["not_informed_oic"]
    assert [st.name for st in rules.due_stages(s, T0 + 14 * DAY)] == ["not_informed_manager"]
    assert rules.due_stages(s, T0 + 30 * DAY) == []


def test_informed_scheme_has_no_reminders_and_decided_scheme_no_reviews():
    assert rules.next_due(snap(inform_settled=True, decided=True)) is None
    assert rules.next_due(snap(inform_settled=True, in_force=False)) is None
    assert rules.expiry_due(ends_at=T0, decided=True, now=T0)
    assert not rules.expiry_due(ends_at=T0, decided=False, now=T0 + DAY)


def test_timings_are_configurable():
    quick = rules.Timings(inform_days=1, review_lead_days=2, second_stage_days=1)
    s = snap(ends_at=T0 + 10 * DAY)
    assert rules.next_due(s, quick) == T0 + DAY
    assert [st.name for st in rules.due_stages(s, T0 + 8 * DAY, quick)] == [
        "not_informed_oic",
        "first",
    ]
    assert rules.next_due(s, quick) == T0 + 9 * DAY
