"""scheme_extend: a new planned end within six months of the decision, with a rationale."""

from datetime import timedelta

import pytest

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.models import Event
from schemes import rules, services
from schemes.models import SchemeDecision, SchemeStatus, SchemeTask
from tests.schemes.conftest import START


def test_extension_starts_a_new_cycle_and_clears_the_review(
    make_scheme, oic, django_capture_on_commit_callbacks
):
    scheme = make_scheme()
    review_at = scheme.ends_at - timedelta(days=14)
    services.scheme_reviews_sweep(now=review_at)
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.REVIEW_DUE
    decided = review_at + timedelta(days=2)
    new_end = rules.add_months(decided, 6)
    with django_capture_on_commit_callbacks(execute=True):
        scheme = services.scheme_extend(
            actor=oic,
            scheme_id=scheme.pk,
            ends_at=new_end,
            rationale="Suspect released on bail; risk remains high.",
            now=decided,
        )
    assert scheme.status == SchemeStatus.ACTIVE
    assert scheme.cycle == 2 and scheme.ends_at == new_end
    assert SchemeTask.objects.get(stage="first", cycle=1).resolution == "extended"
    decision = SchemeDecision.objects.get(kind="extend")
    assert decision.previous_ends_at == START + timedelta(days=90)
    assert decision.rationale.startswith("Suspect released")
    event = Event.objects.get(kind="scheme.extended")
    assert event.data["decision"] == decision.pk and event.data["cycle"] == 2
    # The new cycle gets its own first-stage review before the new end.
    services.scheme_reviews_sweep(now=new_end - timedelta(days=14))
    assert SchemeTask.objects.filter(stage="first", cycle=2).count() == 1


def test_crime_manager_may_extend_any_scheme(make_scheme, crime_manager):
    scheme = make_scheme()
    services.scheme_extend(
        actor=crime_manager,
        scheme_id=scheme.pk,
        ends_at=START + timedelta(days=150),
        rationale="Second-stage review: MARAC still open.",
        now=START + timedelta(days=80),
    )


def test_rationale_and_six_month_limit_are_required(make_scheme, oic):
    scheme = make_scheme()
    decided = START + timedelta(days=80)
    with pytest.raises(InvalidInput) as refused:
        services.scheme_extend(
            actor=oic,
            scheme_id=scheme.pk,
            ends_at=rules.add_months(decided, 6) + timedelta(hours=1),
            rationale=" ",
            now=decided,
        )
    assert set(refused.value.errors) == {"ends_at", "rationale"}
    scheme.refresh_from_db()
    assert scheme.cycle == 1 and not SchemeDecision.objects.exists()


def test_wrong_actor_and_ended_scheme_are_refused(make_scheme, oic, other_oic, make_user):
    scheme = make_scheme()
    for actor in (other_oic, make_user("intelligence"), make_user("supervisor")):
        with pytest.raises(RoleRefused):
            services.scheme_extend(
                actor=actor,
                scheme_id=scheme.pk,
                ends_at=START + timedelta(days=100),
                rationale="x",
                now=START,
            )
    services.scheme_contact_record(
        actor=oic,
        scheme_id=scheme.pk,
        purpose="withdrawal",
        method="Phone",
        outcome="informed",
        now=START,
    )
    services.scheme_withdraw(actor=oic, scheme_id=scheme.pk, rationale="Risk gone", now=START)
    with pytest.raises(Conflict):
        services.scheme_extend(
            actor=oic,
            scheme_id=scheme.pk,
            ends_at=START + timedelta(days=100),
            rationale="Too late",
            now=START + timedelta(hours=1),
        )
