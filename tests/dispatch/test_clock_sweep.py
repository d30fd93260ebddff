"""Response clocks: clock_reschedule, the beat sweep, exactly-once escalation."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from cad.models import Event, Incident
from dispatch import services, tasks
from dispatch.models import Escalation
from tests.dispatch.conftest import T0, regrade, reload

HOUR = timedelta(hours=1)


def kinds(incident):
    return list(
        Event.objects.filter(incident=incident).order_by("id").values_list("kind", flat=True)
    )


def test_grading_sets_the_clock_from_the_call(make_incident):
    incident = make_incident("PRIORITY", graded_at=T0 + timedelta(minutes=2))
    assert incident.response_due_at == T0 + HOUR
    assert incident.warning_at == T0 + timedelta(minutes=45)
    assert incident.clock_state == "running"
    # Nothing due before the unresourced allowance (5 min for PRIORITY) runs out.
    assert incident.next_alert_at == T0 + timedelta(minutes=7)
    assert incident.resourced is False
    assert incident.unresourced_since == T0 + timedelta(minutes=2)
    assert incident.deadline_changes.count() == 1


def test_late_grading_makes_the_due_level_pending_at_once(make_incident):
    graded = T0 + timedelta(minutes=50)
    incident = make_incident("PRIORITY", graded_at=graded)
    assert incident.clock_state == "warning"
    assert incident.next_alert_at == graded


def test_regrade_recomputes_from_received_at_and_keeps_history(make_incident):
    incident = make_incident("PRIORITY")
    incident = regrade(incident, "IMMEDIATE", now=T0 + timedelta(minutes=3))
    incident = reload(incident)
    assert incident.response_due_at == T0 + timedelta(minutes=15)
    assert incident.warning_at == T0 + timedelta(minutes=15) * 0.75
    assert [c.grade for c in incident.deadline_changes.all()] == ["PRIORITY", "IMMEDIATE"]


def test_resolved_without_deployment_has_no_clock(make_incident):
    incident = make_incident("RESOLVED_WITHOUT_DEPLOYMENT")
    assert incident.clock_state == "none"
    assert incident.next_alert_at is None
    assert incident.unresourced_since is None


def test_sweep_raises_warning_breach_and_reescalations_at_exact_times(
    make_incident, make_unit, roles
):
    incident = make_incident("PRIORITY")
    # A unit that never arrives: the unresourced alert stays out of the way.
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=make_unit(), now=T0)

    def sweep(at):
        return services.clock_sweep(now=at)

    assert sweep(T0 + timedelta(minutes=44, seconds=59)) == 0
    assert sweep(T0 + timedelta(minutes=45)) == 1
    assert reload(incident).clock_state == "warning"
    assert reload(incident).next_alert_at == T0 + HOUR
    assert sweep(T0 + timedelta(minutes=59, seconds=59)) == 0
    assert sweep(T0 + HOUR) == 1
    assert reload(incident).clock_state == "breached"
    assert sweep(T0 + HOUR + timedelta(minutes=14)) == 0
    assert sweep(T0 + HOUR + timedelta(minutes=15)) == 1
    assert sweep(T0 + HOUR + timedelta(minutes=30)) == 1
    levels = list(
        Escalation.objects.filter(incident=incident).values_list("level", "cycle", "due_at")
    )
    assert levels == [
        ("clock_warning", 0, T0 + timedelta(minutes=45)),
        ("clock_breached", 0, T0 + HOUR),
        ("clock_reescalated", 1, T0 + HOUR + timedelta(minutes=15)),
        ("clock_reescalated", 2, T0 + HOUR + timedelta(minutes=30)),
    ]
    assert [k for k in kinds(incident) if k.startswith("incident.clock")] == [
        "incident.clock.warning",
        "incident.clock.breached",
        "incident.clock.reescalated",
        "incident.clock.reescalated",
    ]
    breach = Event.objects.get(incident=incident, kind="incident.clock.breached")
    assert "role.supervisor" in breach.audience and "role.dispatcher" in breach.audience
    assert breach.data["reference"] == incident.reference
    assert breach.data["response_due_at"] == (T0 + HOUR).isoformat()
    assert "narrative" not in breach.data


def test_a_rerun_changes_nothing(make_incident, make_unit, roles):
    incident = make_incident("PRIORITY")
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=make_unit(), now=T0)
    at = T0 + HOUR
    # The first sweep comes at the breach: the warning it missed is recorded too.
    assert services.clock_sweep(now=at) == 2
    # Force the row due again: the unique escalations keep warning and breach single.
    Incident.objects.filter(pk=incident.pk).update(next_alert_at=at)
    assert services.clock_sweep(now=at) == 0
    assert Escalation.objects.filter(incident=incident).count() == 2
    assert kinds(incident).count("incident.clock.warning") == 1
    assert kinds(incident).count("incident.clock.breached") == 1


def test_first_arrival_stops_the_clock_and_no_breach_follows(make_incident, make_unit, roles):
    incident = make_incident("PRIORITY")
    unit = make_unit()
    services.unit_assign(actor=roles["dispatcher"], incident=incident, unit=unit, now=T0)
    services.unit_status_set(
        actor=roles["dispatcher"], unit=unit, status="at_scene", now=T0 + timedelta(minutes=20)
    )
    incident = reload(incident)
    assert incident.clock_state == "stopped"
    assert incident.first_arrival_at == T0 + timedelta(minutes=20)
    assert incident.next_alert_at is None
    assert services.clock_sweep(now=T0 + 3 * HOUR) == 0
    assert "incident.clock.stopped" in kinds(incident)


def test_assignment_and_divert_never_move_the_deadline(make_incident, make_unit, roles):
    first = make_incident("PRIORITY")
    second = make_incident("IMMEDIATE")
    unit = make_unit()
    services.unit_assign(actor=roles["dispatcher"], incident=first, unit=unit, now=T0)
    services.unit_divert(
        actor=roles["dispatcher"], unit=unit, to_incident=second, reason="Immediate", now=T0
    )
    assert reload(first).response_due_at == T0 + HOUR
    assert reload(second).response_due_at == T0 + timedelta(minutes=15)


def test_unresourced_alert_after_the_grade_allowance(make_incident, settings):
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {"IMMEDIATE": 60, "PRIORITY": 120}
    incident = make_incident("PRIORITY")
    assert services.clock_sweep(now=T0 + timedelta(seconds=119)) == 0
    assert services.clock_sweep(now=T0 + timedelta(seconds=120)) == 1
    event = Event.objects.get(incident=incident, kind="incident.unresourced")
    assert event.data["state"] == "unresourced"
    assert services.clock_sweep(now=T0 + timedelta(minutes=30)) == 0


def test_closed_incident_leaves_the_sweep(make_incident):
    incident = make_incident("PRIORITY")
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    assert services.clock_sweep(now=T0 + 2 * HOUR) == 0
    assert reload(incident).next_alert_at is None


def test_sweep_reads_only_due_rows(make_incident, make_unit, roles):
    for _ in range(30):
        make_incident("PRIORITY", received_at=T0 + timedelta(days=1))
    # Nothing due: a single probe of the due column, no transaction.
    with CaptureQueriesContext(connection) as queries:
        assert services.clock_sweep(now=T0) == 0
    assert len(queries.captured_queries) == 1
    probe = queries.captured_queries[0]["sql"]
    assert '"next_alert_at" <=' in probe and "LIMIT 1" in probe
    # Something due: the locking select takes due rows only, skipping locked ones.
    due = make_incident("PRIORITY", received_at=T0)
    services.unit_assign(actor=roles["dispatcher"], incident=due, unit=make_unit(), now=T0)
    with CaptureQueriesContext(connection) as queries:
        assert services.clock_sweep(now=T0 + timedelta(hours=1)) == 2  # missed warning, breach
    locking = [q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in q["sql"]]
    assert locking and all('"next_alert_at" <=' in sql for sql in locking)


def test_the_beat_task_runs_the_sweep(make_incident, settings):
    settings.CAD_UNRESOURCED_ALERT_SECONDS = {"PRIORITY": 1}
    incident = make_incident("PRIORITY", received_at=T0, graded_at=T0)
    tasks.clock_sweep()  # now is long after T0
    assert "incident.unresourced" in kinds(incident)
    assert "dispatch-clock-sweep" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_write_each_escalation_once(make_incident, make_unit, make_user):
    dispatcher = make_user("dispatcher")
    incidents = [make_incident("PRIORITY") for _ in range(40)]
    for index, incident in enumerate(incidents):
        services.unit_assign(
            actor=dispatcher, incident=incident, unit=make_unit(f"RACE{index}"), now=T0
        )
    at = T0 + HOUR
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.clock_sweep(now=at, batch=5))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 80  # the sweeps come at the breach: each missed warning, then it
    assert Escalation.objects.filter(level="clock_breached").count() == 40
    assert Escalation.objects.filter(level="clock_warning").count() == 40
    assert Event.objects.filter(kind="incident.clock.breached").count() == 40
    assert Event.objects.filter(kind="incident.clock.warning").count() == 40
    # And each incident exactly once.
    per_incident = Event.objects.filter(kind="incident.clock.breached").values_list(
        "incident_id", flat=True
    )
    assert sorted(per_incident) == sorted(i.pk for i in incidents)


@pytest.mark.django_db(transaction=True)
def test_racing_sweeps_without_the_row_lock_still_write_once(make_incident, make_unit, make_user):
    """Even two transactions that both see the row due write one escalation (unique key)."""
    dispatcher = make_user("dispatcher")
    incident = make_incident("PRIORITY")
    services.unit_assign(actor=dispatcher, incident=incident, unit=make_unit(), now=T0)
    at = T0 + HOUR
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def run():
        from django.db import transaction

        try:
            with transaction.atomic():
                row = Incident.objects.get(pk=incident.pk)  # no lock on purpose
                barrier.wait()
                outcomes.append(services._sweep_incident(row, at))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == [0, 2]  # one writes the missed warning and the breach
    assert Escalation.objects.filter(incident=incident).count() == 2
    assert Event.objects.filter(kind="incident.clock.breached").count() == 1
    assert Event.objects.filter(kind="incident.clock.warning").count() == 1


def test_a_downgrade_is_on_the_supervisor_list_until_regraded_up(make_incident):
    from dispatch import selectors

    incident = make_incident("IMMEDIATE")
    assert incident not in selectors.downgraded_incidents()
    regrade(incident, "PRIORITY", now=T0 + timedelta(minutes=2))
    assert incident in selectors.downgraded_incidents()
    assert [c.downgrade for c in incident.deadline_changes.all()] == [False, True]
    regrade(incident, "IMMEDIATE", now=T0 + timedelta(minutes=3))
    assert incident not in selectors.downgraded_incidents()
