"""scheme_withdraw: needs a rationale and a recorded attempt to tell the victim."""

from datetime import timedelta

import pytest

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.models import Event
from schemes import services
from schemes.models import Ending, Scheme, SchemeStatus, SchemeTask
from schemes.selectors import scheme_lookup
from tests.schemes.conftest import START


def attempt(scheme, oic, outcome="no_answer", purpose="withdrawal", now=None):
    return services.scheme_contact_record(
        actor=oic,
        scheme_id=scheme.pk,
        purpose=purpose,
        method="Phone call to her mobile",
        outcome=outcome,
        now=now or START + timedelta(days=60),
    )


def test_refused_until_a_withdrawal_attempt_is_recorded_then_allowed_after_no_answer(
    make_scheme, oic, django_capture_on_commit_callbacks
):
    scheme = make_scheme()
    attempt(scheme, oic, outcome="informed", purpose="explain")
    when = START + timedelta(days=60)
    with pytest.raises(InvalidInput) as refused:
        services.scheme_withdraw(
            actor=oic, scheme_id=scheme.pk, rationale="Suspect emigrated", now=when
        )
    assert "Missing step" in refused.value.errors["contacts"][0]
    assert "withdrawal" in refused.value.errors["contacts"][0]
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.ACTIVE

    attempt(scheme, oic, outcome="no_answer", now=when)
    with django_capture_on_commit_callbacks(execute=True):
        scheme = services.scheme_withdraw(
            actor=oic, scheme_id=scheme.pk, rationale="Suspect emigrated", now=when
        )
    assert scheme.status == SchemeStatus.ENDED
    assert scheme.ending == Ending.WITHDRAWN
    assert scheme.ended_at == when and scheme.ended_by == oic
    assert scheme.next_action_at is None
    event = Event.objects.get(kind="scheme.withdrawn")
    assert event.data["attempts"] == 1 and "emigrated" not in str(event.data)
    # Never deleted: the call handler sees it as history.
    assert Scheme.objects.filter(pk=scheme.pk).exists()
    lookup = scheme_lookup(phone="07700900123", now=when)
    assert lookup.active == [] and lookup.history[0]["ending"] == "withdrawn"
    assert lookup.grade_floor is None


def test_rationale_is_required(make_scheme, oic):
    scheme = make_scheme()
    attempt(scheme, oic)
    with pytest.raises(InvalidInput) as refused:
        services.scheme_withdraw(actor=oic, scheme_id=scheme.pk, rationale="", now=START)
    assert set(refused.value.errors) == {"rationale"}


def test_an_attempt_from_before_an_extension_does_not_count(make_scheme, oic):
    scheme = make_scheme()
    attempt(scheme, oic, now=START + timedelta(days=70))
    services.scheme_extend(
        actor=oic,
        scheme_id=scheme.pk,
        ends_at=START + timedelta(days=150),
        rationale="Risk remains",
        now=START + timedelta(days=71),
    )
    with pytest.raises(InvalidInput):
        services.scheme_withdraw(
            actor=oic, scheme_id=scheme.pk, rationale="Risk gone", now=START + timedelta(100)
        )


def test_decision_to_end_at_the_planned_end_keeps_it_in_force_until_then(
    make_scheme, oic, django_capture_on_commit_callbacks
):
    scheme = make_scheme()
    attempt(scheme, oic, outcome="informed", purpose="explain", now=START)
    attempt(scheme, oic, outcome="informed")
    scheme = services.scheme_withdraw(
        actor=oic,
        scheme_id=scheme.pk,
        rationale="Risk reduced; ends as planned",
        at_planned_end=True,
        now=START + timedelta(days=60),
    )
    assert scheme.status == SchemeStatus.ACTIVE and scheme.expiry_decided_at
    assert scheme.next_action_at == scheme.ends_at
    assert scheme_lookup(phone="07700900123").grade_floor == "IMMEDIATE"
    # No review is raised for a scheme already decided.
    services.scheme_reviews_sweep(now=scheme.ends_at - timedelta(days=1))
    assert not SchemeTask.objects.filter(stage__in=["first", "second"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.scheme_reviews_sweep(now=scheme.ends_at)
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.ENDED
    assert scheme.ending == Ending.EXPIRED_BY_DECISION
    assert scheme.ended_at == scheme.ends_at
    assert Event.objects.filter(kind="scheme.expired", scheme_id=scheme.pk).count() == 1
    services.scheme_reviews_sweep(now=scheme.ends_at + timedelta(days=1))
    assert Event.objects.filter(kind="scheme.expired", scheme_id=scheme.pk).count() == 1
    history = scheme_lookup(phone="07700900123").history[0]
    assert history["summary"].startswith("Scheme ended by decision on 6 Dec 2026")


def test_crime_manager_may_withdraw_other_oics_may_not(
    make_scheme, oic, other_oic, crime_manager, make_user
):
    scheme = make_scheme()
    attempt(scheme, oic)
    for actor in (other_oic, make_user("call_handler"), make_user("intelligence")):
        with pytest.raises(RoleRefused):
            services.scheme_withdraw(actor=actor, scheme_id=scheme.pk, rationale="x", now=START)
    services.scheme_withdraw(
        actor=crime_manager, scheme_id=scheme.pk, rationale="Reviewed at second stage", now=START
    )
    with pytest.raises(Conflict):
        services.scheme_withdraw(actor=crime_manager, scheme_id=scheme.pk, rationale="again")
