"""scheme_reassign_oic: the BCU crime manager hands a scheme to another OIC."""

from datetime import timedelta

import pytest

from cad.kernel.errors import Conflict, InvalidInput, RoleRefused
from cad.models import Event
from schemes import services
from schemes.models import SchemeDecision, SchemeTask
from tests.schemes.conftest import START


def test_open_oic_tasks_follow_the_scheme_and_the_new_oic_is_emailed(
    make_scheme, oic, other_oic, crime_manager, django_capture_on_commit_callbacks, mailoutbox
):
    scheme = make_scheme()
    services.scheme_reviews_sweep(now=START + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        scheme = services.scheme_reassign_oic(
            actor=crime_manager,
            scheme_id=scheme.pk,
            oic=other_oic.username,
            rationale="PC Jones on long-term leave",
            now=START + timedelta(days=8),
        )
    assert scheme.oic == other_oic
    assert SchemeTask.objects.get(stage="not_informed_oic").assigned_user == other_oic
    decision = SchemeDecision.objects.get(kind="reassign")
    assert (decision.previous_oic, decision.new_oic) == (oic, other_oic)
    event = Event.objects.get(kind="scheme.oic_changed")
    assert {f"user.{oic.pk}", f"user.{other_oic.pk}"} <= set(event.audience)
    assert mailoutbox[-1].to == [other_oic.email]


def test_refusals(make_scheme, oic, other_oic, crime_manager, make_user):
    scheme = make_scheme()
    with pytest.raises(RoleRefused):
        services.scheme_reassign_oic(
            actor=oic, scheme_id=scheme.pk, oic=other_oic.username, rationale="x"
        )
    with pytest.raises(InvalidInput) as bad:
        services.scheme_reassign_oic(
            actor=crime_manager,
            scheme_id=scheme.pk,
            oic=make_user("call_handler").username,
            rationale="",
        )
    assert set(bad.value.errors) == {"oic", "rationale"}
    with pytest.raises(InvalidInput):
        services.scheme_reassign_oic(
            actor=crime_manager, scheme_id=scheme.pk, oic=oic.username, rationale="same"
        )
    services.scheme_contact_record(
        actor=oic,
        scheme_id=scheme.pk,
        purpose="withdrawal",
        method="Visit",
        outcome="informed",
        now=START,
    )
    services.scheme_withdraw(actor=oic, scheme_id=scheme.pk, rationale="Risk gone", now=START)
    with pytest.raises(Conflict):
        services.scheme_reassign_oic(
            actor=crime_manager, scheme_id=scheme.pk, oic=other_oic.username, rationale="late"
        )
    assert not SchemeDecision.objects.filter(kind="reassign").exists()
