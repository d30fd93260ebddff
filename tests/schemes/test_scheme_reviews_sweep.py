"""scheme_reviews_sweep: reviews and reminders at the right times, each written once."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from cad.models import Event
from schemes import services, tasks
from schemes.models import SchemeStatus, SchemeTask
from schemes.selectors import crime_manager_queue, scheme_lookup, supervisor_board_items
from tests.schemes.conftest import START

DAY = timedelta(days=1)


@pytest.fixture
def informed_scheme(make_scheme, oic):
    scheme = make_scheme()
    services.scheme_contact_record(
        actor=oic,
        scheme_id=scheme.pk,
        purpose="explain",
        method="Visit",
        outcome="informed",
        now=START + timedelta(hours=2),
    )
    scheme.refresh_from_db()
    return scheme


def sweep(at, capture):
    with capture(execute=True):
        return services.scheme_reviews_sweep(now=at)


def kinds(scheme):
    return list(
        Event.objects.filter(scheme_id=scheme.pk)
        .exclude(kind__in=["scheme.created", "scheme.contact_recorded"])
        .order_by("id")
        .values_list("kind", "data__stage")
    )


def test_first_stage_fourteen_days_before_the_end_to_the_oic_by_app_and_email(
    informed_scheme, oic, django_capture_on_commit_callbacks, mailoutbox
):
    scheme = informed_scheme
    review_at = scheme.ends_at - 14 * DAY
    assert scheme.next_action_at == review_at
    assert sweep(review_at - timedelta(seconds=1), django_capture_on_commit_callbacks) == 0
    assert sweep(review_at, django_capture_on_commit_callbacks) == 1
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.REVIEW_DUE
    task = SchemeTask.objects.get(scheme=scheme)
    assert (task.stage, task.cycle, task.assigned_user) == ("first", 1, oic)
    assert task.emailed_to == [oic.email]
    event = Event.objects.get(kind="scheme.review_due")
    assert event.audience == [f"user.{oic.pk}"]
    assert [m.to for m in mailoutbox] == [[oic.email]]
    assert "first-stage review" in mailoutbox[0].subject
    assert "contact the victim" in mailoutbox[0].body


def test_no_decision_in_fourteen_days_goes_to_the_crime_manager_and_the_sweep_is_idempotent(
    informed_scheme, oic, crime_manager, django_capture_on_commit_callbacks, mailoutbox
):
    scheme = informed_scheme
    review_at = scheme.ends_at - 14 * DAY
    sweep(review_at, django_capture_on_commit_callbacks)
    second_at = review_at + 14 * DAY
    assert sweep(second_at - timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    mailoutbox.clear()
    # Two beats at the same moment (or a re-run) escalate exactly once.
    sweep(second_at, django_capture_on_commit_callbacks)
    sweep(second_at, django_capture_on_commit_callbacks)
    sweep(second_at + timedelta(minutes=1), django_capture_on_commit_callbacks)
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.SECOND_STAGE
    assert SchemeTask.objects.filter(scheme=scheme, stage="second").count() == 1
    assert Event.objects.filter(kind="scheme.escalated", data__stage="second").count() == 1
    second_mail = [m for m in mailoutbox if "second-stage" in m.subject]
    assert len(second_mail) == 1
    assert set(second_mail[0].to) == {crime_manager.email, oic.email}
    assert scheme in crime_manager_queue(now=second_at)


def test_planned_end_passes_without_decision_still_in_force_and_escalating(
    informed_scheme, crime_manager, django_capture_on_commit_callbacks
):
    scheme = informed_scheme
    end = scheme.ends_at
    for moment in (end - 14 * DAY, end, end + DAY, end + DAY):
        sweep(moment, django_capture_on_commit_callbacks)
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.SECOND_STAGE
    assert scheme.ending == "" and scheme.ended_at is None
    assert scheme.overdue(end + DAY)
    lookup = scheme_lookup(address="14 Acacia Avenue", postcode="SW1A 1AA", now=end + DAY)
    assert lookup.grade_floor == "IMMEDIATE"
    assert "passed, still in force" in lookup.active[0]["summary"]
    assert kinds(scheme) == [
        ("scheme.review_due", "first"),
        ("scheme.escalated", "second"),
        ("scheme.escalated", "overdue"),
    ]
    overdue_event = Event.objects.get(kind="scheme.escalated", data__stage="overdue")
    assert "role.crime_manager" in overdue_event.audience
    assert "role.supervisor" in overdue_event.audience
    # It keeps escalating every week until someone decides.
    sweep(end + 7 * DAY, django_capture_on_commit_callbacks)
    sweep(end + 7 * DAY, django_capture_on_commit_callbacks)
    sweep(end + 14 * DAY, django_capture_on_commit_callbacks)
    overdue = SchemeTask.objects.filter(scheme=scheme, stage="overdue").order_by("sequence")
    assert [t.sequence for t in overdue] == [0, 1, 2]
    board = supervisor_board_items(now=end + 14 * DAY)
    assert board[0]["kind"] == "scheme.overdue"
    assert board[0]["url"] == f"/schemes/{scheme.pk}/"
    assert set(board[0]) == {"kind", "title", "detail", "url", "at", "severity"}


def test_victim_not_informed_reminds_the_oic_then_the_crime_manager(
    make_scheme, oic, crime_manager, django_capture_on_commit_callbacks, mailoutbox
):
    make_scheme()
    sweep(START + 7 * DAY - timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert not mailoutbox
    sweep(START + 7 * DAY, django_capture_on_commit_callbacks)
    sweep(START + 7 * DAY, django_capture_on_commit_callbacks)
    first = Event.objects.get(kind="scheme.victim_not_informed")
    assert first.data["stage"] == "not_informed_oic"
    assert first.audience == [f"user.{oic.pk}"]
    assert mailoutbox[-1].to == [oic.email]
    sweep(START + 14 * DAY, django_capture_on_commit_callbacks)
    second = Event.objects.filter(kind="scheme.victim_not_informed").order_by("id").last()
    assert second.data["stage"] == "not_informed_manager"
    assert "role.crime_manager" in second.audience
    assert crime_manager.email in mailoutbox[-1].to
    assert Event.objects.filter(kind="scheme.victim_not_informed").count() == 2
    board = supervisor_board_items(now=START + 14 * DAY)
    assert [item["kind"] for item in board] == ["scheme.victim_not_informed"]


def test_inform_reminder_interval_is_configurable(
    make_scheme, settings, django_capture_on_commit_callbacks
):
    settings.CAD_SCHEME_INFORM_DAYS = 2
    scheme = make_scheme()
    assert scheme.next_action_at == START + 2 * DAY
    sweep(START + 2 * DAY, django_capture_on_commit_callbacks)
    assert SchemeTask.objects.filter(stage="not_informed_oic").count() == 1


def test_beat_entry_runs_the_registered_task(informed_scheme):
    from cad.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["schemes-review-sweep"]
    assert entry["task"] in app.tasks
    with time_machine.travel(informed_scheme.ends_at - 14 * DAY, tick=False):
        assert app.tasks[entry["task"]]() == 1
        assert tasks.scheme_reviews_sweep() == 0
    informed_scheme.refresh_from_db()
    assert informed_scheme.status == SchemeStatus.REVIEW_DUE
