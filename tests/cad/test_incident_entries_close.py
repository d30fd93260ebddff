"""The narrative is append-only and re-weighed; closing needs a code, a summary and an
answered DA prompt."""

import pytest

from cad.calls.services import incident_add_entry, incident_close
from cad.models import AccessRefusal, Event, Incident, NarrativeEntry
from tests.factories import incident_factory

pytestmark = pytest.mark.django_db


def test_an_entry_is_appended_with_author_and_time(api_for):
    incident = incident_factory(narrative="Noise outside.")
    client = api_for("dispatcher")
    response = client.post(
        f"/api/v1/incidents/{incident.id}/entries/", {"text": "Caller rang back."}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author"] == client.user.username
    texts = list(NarrativeEntry.objects.filter(incident=incident).values_list("text", flat=True))
    assert texts == ["Noise outside.", "Caller rang back."]
    event = Event.objects.get(kind="incident.entry_added")
    assert "Caller rang back" not in str(event.data)


def test_new_words_are_weighed_and_can_raise_the_prompt(api_for):
    incident = incident_factory(narrative="Noise outside.", grade="PRIORITY")
    assert incident.da_prompt is False
    incident_add_entry(
        actor=api_for("call_handler").user,
        incident=incident,
        text="Caller now says it is her ex-partner and he has a knife.",
    )
    incident.refresh_from_db()
    assert incident.da_prompt is True
    assert incident.recommended_grade == "IMMEDIATE"
    event = Event.objects.get(kind="incident.entry_added")
    assert event.data["regrade_advised"] is True and event.data["assessment_changed"] is True


def test_narrative_entries_cannot_be_edited_or_deleted(api_for):
    incident = incident_factory()
    entry = NarrativeEntry.objects.get(incident=incident)
    entry.text = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        NarrativeEntry.objects.filter(pk=entry.pk).update(text="x")


def test_an_empty_entry_is_400_and_wrong_role_403(api_for):
    incident = incident_factory()
    client = api_for("call_handler")
    url = f"/api/v1/incidents/{incident.id}/entries/"
    assert client.post(url, {"text": "  "}, format="json").status_code == 400
    qart = api_for("qart")
    assert qart.post(url, {"text": "x"}, format="json").status_code == 403
    assert AccessRefusal.objects.filter(user=qart.user).exists()
    assert NarrativeEntry.objects.filter(incident=incident).count() == 1


def test_close_with_code_and_summary(api_for):
    incident = incident_factory(grade="PRIORITY")
    client = api_for("dispatcher")
    response = client.post(
        f"/api/v1/incidents/{incident.id}/close/",
        {"closing_code": "attended_resolved", "summary": "Words of advice given."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    incident.refresh_from_db()
    assert incident.closing_summary == "Words of advice given." and incident.closed_at
    assert Event.objects.filter(kind="incident.closed", incident=incident).count() == 1
    again = client.post(
        f"/api/v1/incidents/{incident.id}/close/",
        {"closing_code": "attended_resolved", "summary": "again"},
        format="json",
    )
    assert again.status_code == 409
    entry = client.post(f"/api/v1/incidents/{incident.id}/entries/", {"text": "x"}, format="json")
    assert entry.status_code == 409


@pytest.mark.parametrize(
    "body",
    [{"closing_code": "vanished", "summary": "x"}, {"closing_code": "no_trace", "summary": ""}],
)
def test_close_bad_input_is_400(api_for, body):
    incident = incident_factory()
    response = api_for("dispatcher").post(
        f"/api/v1/incidents/{incident.id}/close/", body, format="json"
    )
    assert response.status_code == 400
    assert Incident.objects.get(pk=incident.pk).status == "open"


def test_an_unanswered_da_prompt_blocks_closing(api_for):
    incident = incident_factory(narrative="My ex-husband keeps ringing me.")
    with pytest.raises(Exception) as refused:
        incident_close(
            actor=api_for("call_handler").user,
            incident=incident,
            closing_code="advice_given",
            summary="advice",
        )
    assert "domestic abuse" in str(refused.value)
    assert Incident.objects.get(pk=incident.pk).status == "open"


def test_close_wrong_role(api_for):
    incident = incident_factory()
    client = api_for("unit")
    response = client.post(
        f"/api/v1/incidents/{incident.id}/close/",
        {"closing_code": "no_trace", "summary": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert AccessRefusal.objects.filter(user=client.user).exists()


def test_closing_frees_the_incidents_units_and_a_new_line_reaches_their_terminal(make_user):
    from dispatch.models import Unit
    from dispatch.services import unit_assign

    handler, dispatcher = make_user("call_handler"), make_user("dispatcher")
    terminal = make_user("unit")
    unit = Unit.objects.create(callsign="ALPHA5", terminal_user=terminal)
    incident = incident_factory(actor=handler, narrative="Noise outside.", grade="PRIORITY")
    unit_assign(actor=dispatcher, incident=incident, unit=unit)

    incident_add_entry(actor=handler, incident=incident, text="Caller says he has a knife.")
    added = Event.objects.filter(kind="incident.entry_added").latest("id")
    assert f"user.{terminal.id}" in added.audience

    incident_close(
        actor=handler, incident=incident, closing_code="attended_resolved", summary="Gone"
    )
    unit.refresh_from_db()
    assert (unit.status, unit.incident) == ("available", None)
    assert Event.objects.filter(kind="unit.status_changed", unit_callsign="ALPHA5").exists()
