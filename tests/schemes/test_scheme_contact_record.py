"""scheme_contact_record: the OIC's log of every contact and attempt with the victim."""

from datetime import timedelta

import pytest

from cad.kernel.errors import InvalidInput, RoleRefused
from cad.models import AccessRefusal, Event
from schemes import services
from schemes.models import Informed, SchemeContact, SchemeTask
from tests.schemes.conftest import START


def record(scheme, actor, **overrides):
    fields = {
        "actor": actor,
        "scheme_id": scheme.pk,
        "purpose": "explain",
        "method": "Phone call to her mobile (preferred)",
        "outcome": "informed",
        "notes": "Explained the scheme and that it lasts until the planned end.",
        "now": START + timedelta(days=1),
    }
    fields.update(overrides)
    return services.scheme_contact_record(**fields)


def test_explain_informed_settles_the_victim_not_informed_state(
    make_scheme, oic, django_capture_on_commit_callbacks
):
    scheme = make_scheme()
    with django_capture_on_commit_callbacks(execute=True):
        contact = record(scheme, oic)
    scheme.refresh_from_db()
    assert scheme.informed == Informed.INFORMED
    assert scheme.informed_at == START + timedelta(days=1)
    assert contact.cycle == 1 and contact.recorded_by == oic
    # No reminder is pending any more; the next thing is the first-stage review.
    assert scheme.next_action_at == scheme.ends_at - timedelta(days=14)
    event = Event.objects.get(kind="scheme.contact_recorded")
    assert event.data["purpose"] == "explain" and event.data["outcome"] == "informed"
    assert "Explained" not in str(event.data)


def test_unsafe_to_contact_is_a_recorded_reason(make_scheme, oic):
    scheme = make_scheme()
    record(scheme, oic, outcome="unsafe_to_contact", notes="Suspect lives at the address.")
    scheme.refresh_from_db()
    assert scheme.informed == Informed.UNSAFE


def test_unanswered_attempts_are_logged_but_do_not_count_as_informed(make_scheme, oic):
    scheme = make_scheme()
    record(scheme, oic, outcome="no_answer", notes="")
    record(scheme, oic, outcome="message_left", method="Text message", notes="")
    scheme.refresh_from_db()
    assert scheme.informed == Informed.NOT_YET
    assert SchemeContact.objects.filter(scheme=scheme).count() == 2


def test_informing_resolves_open_reminders(make_scheme, oic):
    scheme = make_scheme()
    services.scheme_reviews_sweep(now=START + timedelta(days=7))
    assert SchemeTask.objects.get(scheme=scheme, stage="not_informed_oic").resolved_at is None
    record(scheme, oic, now=START + timedelta(days=8))
    task = SchemeTask.objects.get(scheme=scheme, stage="not_informed_oic")
    assert task.resolution == "contact:informed"


def test_bad_input_is_refused_with_field_errors_and_nothing_written(make_scheme, oic):
    scheme = make_scheme()
    with pytest.raises(InvalidInput) as refused:
        record(scheme, oic, purpose="chat", outcome="maybe", method="  ")
    assert set(refused.value.errors) == {"purpose", "outcome", "method"}
    with pytest.raises(InvalidInput) as future:
        record(scheme, oic, at=START + timedelta(days=3))
    assert "future" in future.value.errors["at"][0]
    with pytest.raises(InvalidInput) as why:
        record(scheme, oic, outcome="other", notes="")
    assert "notes" in why.value.errors
    assert not SchemeContact.objects.exists()


def test_another_oic_and_other_roles_are_refused_and_logged(
    make_scheme, other_oic, crime_manager, make_user
):
    scheme = make_scheme()
    with pytest.raises(RoleRefused):
        record(scheme, other_oic)
    assert AccessRefusal.objects.filter(user=other_oic).exists()
    for actor in (crime_manager, make_user("call_handler")):
        with pytest.raises(RoleRefused):
            record(scheme, actor)
    assert not SchemeContact.objects.exists()


def test_contacts_can_still_be_recorded_after_the_scheme_ended(make_scheme, oic):
    scheme = make_scheme()
    record(scheme, oic, purpose="withdrawal", outcome="no_answer", notes="")
    services.scheme_withdraw(
        actor=oic, scheme_id=scheme.pk, rationale="Suspect in custody", now=START + timedelta(2)
    )
    later = record(scheme, oic, purpose="withdrawal", now=START + timedelta(days=3))
    assert later.pk


def test_contacts_are_append_only(make_scheme, oic):
    contact = record(make_scheme(), oic)
    contact.notes = "rewritten"
    with pytest.raises(PermissionError):
        contact.save()
    with pytest.raises(PermissionError):
        contact.delete()
