"""Every standard report over a known history: the exact figures, worked out by hand.

The histories are in tests/reports/scenario.py (built through the services with
controlled times); the comments below show the arithmetic.
"""

import pytest

from reports import selectors
from reports.figures import Period
from tests.reports.scenario import (
    Actors,
    at,
    build_contacts,
    build_grading,
    build_incidents,
    build_schemes,
)

pytestmark = pytest.mark.django_db

DAY = Period(start=at(), end=at(days=1))
NOW = at(hours=10)


def by_first(table, key):
    return {row[key]: row for row in table.rows}


@pytest.fixture
def history():
    return build_incidents()


def test_response_times_by_grade_and_area(history):
    report = selectors.response_time_report(DAY, now=NOW)
    table = report.table("response_times")
    rows = {(row["grade"], row["area"]): row for row in table.rows}
    assert list(rows) == [
        ("IMMEDIATE", "Urban"),
        ("IMMEDIATE", "Rural"),
        ("PRIORITY", "Urban"),
        ("PRIORITY", "Rural"),
        ("SCHEDULED", "Urban"),
    ]

    # I1 (10 min), I2 (20 min, late), I5 (12 min): median 12, p90 = 12 + 0.8 * (20 - 12).
    # Unresourced: I1 2 + I2 5 (divert at +5) + I5 5.
    immediate = rows[("IMMEDIATE", "Urban")]
    assert immediate["incidents"] == 3
    assert immediate["attended"] == 3
    assert immediate["within_target"] == 2
    assert immediate["breaches"] == 1
    assert immediate["percent_within_target"] == 66.7
    assert immediate["median_minutes"] == 12.0
    assert immediate["p90_minutes"] == 18.4
    assert immediate["unresourced_minutes"] == 12.0

    rural = rows[("IMMEDIATE", "Rural")]
    assert (rural["incidents"], rural["within_target"], rural["breaches"]) == (1, 1, 0)
    assert rural["percent_within_target"] == 100.0
    assert rural["median_minutes"] == rural["p90_minutes"] == 18.0
    assert rural["unresourced_minutes"] == 1.0

    # I4 (70 min, late), I6 (40 min), I7 (closed unattended after its deadline).
    # Median of 70 and 40 = 55; p90 = 40 + 0.9 * 30 = 67.
    # Unresourced: I4 5 + 30 (divert to replacement) = 35; I6 10 + 10 (divert to
    # override) = 20; I7 received 4h10, closed 5h30 = 80, minus U6's 10 = 70.
    priority = rows[("PRIORITY", "Urban")]
    assert priority["incidents"] == 3
    assert priority["attended"] == 2
    assert priority["within_target"] == 1
    assert priority["breaches"] == 2
    assert priority["percent_within_target"] == 33.3
    assert priority["median_minutes"] == 55.0
    assert priority["p90_minutes"] == 67.0
    assert priority["unresourced_minutes"] == 125.0

    # I8: no unit for 30 minutes and its deadline has not passed: neither within nor
    # breached, so no percentage.
    pending = rows[("PRIORITY", "Rural")]
    assert (pending["incidents"], pending["attended"], pending["breaches"]) == (1, 0, 0)
    assert pending["percent_within_target"] is None
    assert pending["median_minutes"] is None
    assert pending["unresourced_minutes"] == 30.0

    scheduled = rows[("SCHEDULED", "Urban")]
    assert scheduled["within_target"] == 1
    assert scheduled["median_minutes"] == 180.0
    assert scheduled["unresourced_minutes"] == 120.0

    # All nine: within 5, breaches 3 → 62.5 %. Arrivals (min) 10, 12, 18, 20, 40, 70, 180:
    # median 20; p90 at rank 5.4 → 70 + 0.4 * 110 = 114.
    total = table.total
    assert total["incidents"] == 9
    assert total["attended"] == 7
    assert total["within_target"] == 5
    assert total["breaches"] == 3
    assert total["percent_within_target"] == 62.5
    assert total["median_minutes"] == 20.0
    assert total["p90_minutes"] == 114.0
    assert total["unresourced_minutes"] == 288.0


def test_response_times_count_an_unattended_incident_as_breached_once_its_deadline_passes(
    history,
):
    later = selectors.response_time_report(DAY, now=at(hours=11))
    rows = {(row["grade"], row["area"]): row for row in later.table("response_times").rows}
    assert rows[("PRIORITY", "Rural")]["breaches"] == 1
    assert rows[("PRIORITY", "Rural")]["percent_within_target"] == 0.0
    # Still no unit: 90 minutes by 11:00.
    assert rows[("PRIORITY", "Rural")]["unresourced_minutes"] == 90.0


def test_the_period_selects_incidents_by_the_time_the_call_was_received(history):
    before = selectors.response_time_report(Period(at(days=-1), at()), now=NOW)
    table = before.table("response_times")
    assert [(row["grade"], row["area"], row["incidents"]) for row in table.rows] == [
        ("IMMEDIATE", "Urban", 1)
    ]
    assert table.total["median_minutes"] == 5.0


def test_divert_report(history):
    report = selectors.divert_report(DAY, now=NOW)
    table = report.table("diverts")
    rows = by_first(table, "from_grade")
    assert list(rows) == ["IMMEDIATE", "PRIORITY"]

    # D3 (I1 → I2): not reviewed; I1 was attended within its target before the divert.
    d3 = rows["IMMEDIATE"]
    assert (d3["diverts"], d3["approved"], d3["overridden"], d3["awaiting_review"]) == (1, 0, 0, 1)
    assert d3["percent_overridden"] is None
    assert d3["median_review_minutes"] is None
    assert d3["replaced"] == 0
    assert d3["median_replacement_minutes"] is None
    assert (d3["original_within_target"], d3["original_missed_target"]) == (1, 0)
    assert d3["percent_original_within_target"] == 100.0

    # D1 approved after 3 min, replaced 30 min after the divert, I4 attended late;
    # D2 overridden after 10 min, I6 attended in time. Median review (3 + 10) / 2.
    priority = rows["PRIORITY"]
    assert (priority["diverts"], priority["approved"], priority["overridden"]) == (2, 1, 1)
    assert priority["awaiting_review"] == 0
    assert priority["percent_overridden"] == 50.0
    assert priority["median_review_minutes"] == 6.5
    assert priority["replaced"] == 1
    assert priority["median_replacement_minutes"] == 30.0
    assert (priority["original_within_target"], priority["original_missed_target"]) == (1, 1)
    assert priority["percent_original_within_target"] == 50.0

    total = table.total
    assert (total["diverts"], total["approved"], total["overridden"]) == (3, 1, 1)
    assert total["percent_overridden"] == 50.0
    assert total["median_review_minutes"] == 6.5
    assert total["median_replacement_minutes"] == 30.0
    assert (total["original_within_target"], total["original_missed_target"]) == (2, 1)
    assert total["percent_original_within_target"] == 66.7


def test_contacts_and_follow_ups(history):
    build_contacts(history.actors)
    report = selectors.contact_report(DAY, now=NOW)
    table = report.table("contacts")
    rows = by_first(table, "channel")
    assert list(rows) == ["999", "101", "Switchboard", "Online"]

    # Ten incidents in the period each recorded their 999 contact.
    assert rows["999"]["contacts"] == 10
    assert rows["999"]["incidents"] == 10
    assert rows["999"]["follow_ups"] == 0
    assert rows["999"]["percent_on_time"] is None

    # C3 escalated unacknowledged (due passed); C4 not yet due: 0 of 1 on time.
    calls = rows["101"]
    assert (calls["contacts"], calls["follow_ups"], calls["acknowledged"]) == (2, 2, 0)
    assert calls["percent_on_time"] == 0.0
    assert calls["escalated_overdue"] == 1
    assert calls["escalated_owner_absent"] == 0

    # C1 on time (30 min), C2 late (90 min, escalated first), C6 re-routed (owner absent,
    # due 09:00 passed by 10:00): 1 of 3 on time; median acknowledgement 60 min.
    board = rows["Switchboard"]
    assert (board["contacts"], board["follow_ups"], board["acknowledged"]) == (3, 3, 2)
    assert board["acknowledged_on_time"] == 1
    assert board["percent_on_time"] == 33.3
    assert board["escalated_overdue"] == 1
    assert board["escalated_owner_absent"] == 1
    assert board["median_ack_minutes"] == 60.0

    assert rows["Online"]["contacts"] == 1
    assert rows["Online"]["follow_ups"] == 0

    total = table.total
    assert (total["contacts"], total["incidents"], total["follow_ups"]) == (16, 10, 5)
    assert (total["acknowledged"], total["acknowledged_on_time"]) == (2, 1)
    assert total["percent_on_time"] == 25.0
    assert (total["escalated_overdue"], total["escalated_owner_absent"]) == (2, 1)
    assert total["median_ack_minutes"] == 60.0


def test_scheme_report():
    build_schemes()
    report = selectors.scheme_report(Period(at(), at(days=60)), now=at(days=60))
    rows = {row["measure"]: row for row in report.table("schemes").rows}

    def figures(measure):
        row = rows[measure]
        return row["count"], row["out_of"], row["percent"]

    # S1–S4 started in the period (S5 before it).
    assert figures("Schemes started") == (4, None, None)
    assert figures("Victim informed") == (2, 4, 50.0)
    assert figures("Victim informed within 7 days") == (1, 4, 25.0)
    assert figures("Unsafe to contact (recorded)") == (1, 4, 25.0)
    assert figures("Victim not yet informed") == (1, 4, 25.0)
    # First stages due: S1 (d16), S2 (d17), S3 (d18), S5 (d26). Decided before the second
    # stage: S1 (extended d20) and S5 (decided d27); S2 and S3 reached the second stage.
    assert figures("First-stage reviews due") == (4, None, None)
    assert figures("Reviews decided on time") == (2, 4, 50.0)
    assert figures("Second-stage escalations") == (2, None, None)
    # S2 and S3 passed their planned end undecided (S3's escalation repeats weekly).
    assert figures("Overdue decisions (schemes past their planned end)") == (2, None, None)
    assert figures("Past their planned end without a decision now") == (1, None, None)


def test_grading_report():
    build_grading(Actors.make())
    report = selectors.grading_report(DAY, now=NOW)
    rows = by_first(report.table("grading"), "recommended_grade")
    assert list(rows) == ["IMMEDIATE", "PRIORITY"]

    floor = rows["IMMEDIATE"]  # G6, at the scheme address
    assert floor["graded"] == 1
    assert floor["below_recommendation"] == 1
    assert floor["below_floor"] == 1
    assert floor["percent_below_recommendation"] == 100.0
    assert floor["da_prompts"] == 0

    # G1–G5: G2 and G5 below PRIORITY; G3–G5 prompted: G3 DA, G4 and G5 not DA.
    priority = rows["PRIORITY"]
    assert priority["graded"] == 5
    assert priority["below_recommendation"] == 2
    assert priority["percent_below_recommendation"] == 40.0
    assert priority["below_floor"] == 0
    assert priority["da_prompts"] == 3
    assert priority["answered_da"] == 1
    assert priority["answered_not_da"] == 2
    assert priority["unanswered"] == 0

    total = report.table("grading").total
    assert (total["graded"], total["below_recommendation"], total["below_floor"]) == (6, 3, 1)
    assert total["percent_below_recommendation"] == 50.0
    assert (total["da_prompts"], total["answered_da"], total["answered_not_da"]) == (3, 1, 2)

    answers = report.table("not_da").rows
    assert [(row["reference"], row["reason"], row["answered_by"]) for row in answers] == [
        (answers[0]["reference"], "Flatmates arguing over rent", "handler1"),
        (answers[1]["reference"], "Neighbours, no relationship", "handler1"),
    ]
    assert [row["answered_at"] for row in answers] == [at(minutes=42), at(minutes=32)]
    assert [row["grade"] for row in answers] == ["SCHEDULED", "PRIORITY"]


def test_unresourced_time_counts_overlapping_units_once():
    """Two units on one incident at once: the time covered is their union, not the sum.

    U1 from +2 to +6 (stood down), U2 from +4 to its arrival at +12: no unit only from
    the call to +2, so 2 minutes (the sum of the spans would wrongly give 0)."""
    from dispatch.services import unit_assign, unit_create, unit_status_set
    from tests.factories import incident_factory

    actors = Actors.make()
    for callsign in ("U1", "U2"):
        unit_create(actor=actors.admin, callsign=callsign)
    received = at(days=2)
    incident = incident_factory(actor=actors.call_handler, grade="IMMEDIATE", received_at=received)
    unit_assign(actor=actors.dispatcher, incident=incident, unit="U1", now=at(days=2, minutes=2))
    unit_assign(actor=actors.dispatcher, incident=incident, unit="U2", now=at(days=2, minutes=4))
    unit_status_set(
        actor=actors.dispatcher, unit="U1", status="available", now=at(days=2, minutes=6)
    )
    unit_status_set(
        actor=actors.dispatcher, unit="U2", status="at_scene", now=at(days=2, minutes=12)
    )
    report = selectors.response_time_report(Period(at(days=2), at(days=3)), now=at(days=3))
    table = report.table("response_times")
    assert [(row["grade"], row["incidents"], row["within_target"]) for row in table.rows] == [
        ("IMMEDIATE", 1, 1)
    ]
    assert table.rows[0]["unresourced_minutes"] == 2.0
    assert table.total["unresourced_minutes"] == 2.0
    assert table.total["median_minutes"] == 12.0


def test_response_times_count_the_breaches_predicted(history):
    from cad.models import Incident
    from dispatch import geo_services
    from dispatch.models import Unit

    # I8 (PRIORITY, rural, received 9:30, due 10:30) with the only placed unit 100 km
    # away at 10:00: no unit can reach it in time, so the breach is predicted then.
    i8 = history.incidents["I8"]
    Incident.objects.filter(pk=i8.pk).update(lat=52.0, lon=-1.0)
    Unit.objects.update(status=Unit.Status.UNAVAILABLE)
    Unit.objects.create(callsign="FAR9", lat=52.9, lon=-1.0, position_at=NOW)
    assert geo_services.predicted_breach_sweep(now=NOW) == 1

    rows = {
        (row["grade"], row["area"]): row
        for row in selectors.response_time_report(DAY, now=NOW).table("response_times").rows
    }
    assert rows[("PRIORITY", "Rural")]["predicted_breaches"] == 1
    assert rows[("IMMEDIATE", "Urban")]["predicted_breaches"] == 0
    total = selectors.response_time_report(DAY, now=NOW).table("response_times").total
    assert total["predicted_breaches"] == 1
