"""Pages of call handling: roles declared, wrong role 403 (logged), anonymous to login."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cad.models import AccessRefusal, FollowUp
from tests.cad.conftest import SEED_WORDS
from tests.conftest import PASSWORD
from tests.factories import contact_factory, incident_factory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("path", "allowed", "refused"),
    [
        ("/calls/new/", "call_handler", "dispatcher"),
        ("/incidents/", "dispatcher", "oic"),
        ("/follow-ups/", "oic", None),
        ("/availability/", "supervisor", "call_handler"),
    ],
)
def test_page_roles(client, make_user, path, allowed, refused):
    assert client.get(path).status_code == 302  # anonymous → login
    if refused:
        login(client, make_user(refused))
        assert client.get(path).status_code == 403
        assert AccessRefusal.objects.filter(path=path).exists()
        client.logout()
    login(client, make_user(allowed))
    assert client.get(path).status_code == 200


def test_the_call_screen_is_keyboard_first_and_inline_free(client, make_user):
    login(client, make_user("call_handler"))
    html = client.get("/calls/new/").content.decode()
    assert "<kbd>Alt</kbd>+<kbd>S</kbd>" in html and "<kbd>Alt</kbd>+<kbd>G</kbd>" in html
    assert 'id="caller_phone"' in html and "autofocus" in html
    assert "<script>" not in html and 'style="' not in html and "onclick" not in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Suspicious circumstances" in html  # the seeded opening codes
    assert 'href="/calls/new/"' in html  # in the navigation


def test_the_incident_page_shows_everything(client, make_user):
    incident = incident_factory(narrative=SEED_WORDS, grade="IMMEDIATE", domestic_abuse=True)
    login(client, make_user("dispatcher"))
    html = client.get(f"/incidents/{incident.id}/").content.decode()
    assert SEED_WORDS.replace("'", "&#x27;") in html
    assert "data-due=" in html and "DOMESTIC ABUSE" in html
    assert "domestic abuse: threat now" in html
    assert ">Graded</strong>" in html and ">incident.graded<" not in html  # labels, not codes
    assert 'style="' not in html


def test_the_incident_page_parts_render_alone_for_live_refresh(client, make_user):
    """The page re-renders its parts in place: each part is the server's own markup."""
    incident = incident_factory(narrative=SEED_WORDS, grade="IMMEDIATE", domestic_abuse=True)
    login(client, make_user("dispatcher"))
    url = f"/incidents/{incident.id}/"
    head = client.get(url, {"part": "head"}).content.decode()
    assert 'id="incident-grade" data-grade="IMMEDIATE"' in head and "<html" not in head
    assert 'data-prompt-open="0"' in head  # answered: the grade form's question stays shut
    flags = client.get(url, {"part": "flags"}).content.decode()
    assert 'data-flag="da.current_threat"' in flags and "<html" not in flags
    narrative = client.get(url, {"part": "narrative"}).content.decode()
    assert 'id="narrative"' in narrative and "ex-husband" in narrative
    side = client.get(url, {"part": "side"}).content.decode()
    assert "Grading decisions" in side and 'data-kind="incident.graded"' in side
    whole = client.get(url, {"part": "nonsense"}).content.decode()
    assert "<html" in whole  # an unknown part is the whole page
    client.logout()
    login(client, make_user("oic"))
    assert client.get(url, {"part": "head"}).status_code == 403


def test_the_call_screen_panels_are_rendered_by_the_server(
    client, make_user, seed_intelligence, seed_scheme
):
    contact_factory(caller_phone="07700900123", summary="Earlier call about a court order")
    login(client, make_user("call_handler"))
    html = client.get("/calls/panels/", {"phone": "07700 900123"}).content.decode()
    assert f'data-scheme-id="{seed_scheme.id}"' in html and "SPECIAL SCHEME" in html
    assert "Earlier call about a court order" in html
    assert "REPEAT CONTACT: another in the last 28 days" in html
    assert "MARAC" in html and "as typed (not yet recorded)" in html
    incident = incident_factory(narrative=SEED_WORDS, caller_phone="07700900123")
    assessment = client.get(
        "/calls/panels/", {"incident": incident.id, "part": "assessment"}
    ).content.decode()
    assert 'data-recommended="IMMEDIATE"' in assessment and 'data-da-prompt="1"' in assessment
    assert 'data-flag="intel.floor"' in assessment
    saved = client.get("/calls/panels/", {"incident": incident.id}).content.decode()
    assert "as typed" not in saved and "Earlier call about a court order" in saved
    assert client.get("/calls/panels/", {"incident": "x1"}).status_code == 404
    assert client.get("/calls/panels/", {"incident": "999999"}).status_code == 404
    client.logout()
    login(client, make_user("qart"))
    assert client.get("/calls/panels/", {"phone": "07700 900123"}).status_code == 403


def test_follow_ups_page_lists_mine_and_the_supervisors(client, make_user):
    owner = make_user("oic")
    contact = contact_factory(
        summary="Court order enquiry",
        follow_up={"owner": owner, "due_at": timezone.now() + timedelta(hours=1)},
    )
    login(client, owner)
    html = client.get("/follow-ups/").content.decode()
    assert contact.reference in html and 'data-action="acknowledge"' in html
    client.logout()
    login(client, make_user("supervisor"))
    html = client.get("/follow-ups/").content.decode()
    assert "With the supervisor" in html


def test_contact_page(client, make_user):
    contact = contact_factory(summary="Advice about a neighbour")
    login(client, make_user("call_handler"))
    html = client.get(f"/contacts/{contact.id}/").content.decode()
    assert contact.reference in html and "Advice about a neighbour" in html


def test_the_absence_form_starts_from_now_so_enter_records_it(client, make_user):
    import time_machine

    login(client, make_user("supervisor"))
    with time_machine.travel(datetime(2026, 3, 2, 9, 41, tzinfo=UTC), tick=False):
        html = client.get("/availability/").content.decode()
        expected = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert f'name="starts_at" type="datetime-local" value="{expected}"' in html


def test_availability_page_marks_absence_and_reroutes(client, make_user):
    owner = make_user("oic", username="pc-leave")
    contact = contact_factory(
        summary="Call back",
        follow_up={"owner": owner, "due_at": timezone.now() + timedelta(days=1)},
    )
    login(client, make_user("supervisor"))
    start = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/availability/",
        {"username": "pc-leave", "starts_at": start, "ends_at": "", "reason": "leave"},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 open follow-up re-routed" in response.content.decode()
    assert FollowUp.objects.get(contact=contact).status == FollowUp.Status.REROUTED
    bad = client.post("/availability/", {"username": "nobody", "starts_at": start})
    assert bad.status_code == 400


def test_the_lookup_endpoint_combines_previous_contacts_schemes_and_intelligence(
    api_for, seed_intelligence, seed_scheme
):
    contact_factory(caller_phone="07700900123", summary="Earlier call")
    body = api_for("call_handler").get("/api/v1/calls/lookup/", {"phone": "07700 900123"}).json()
    assert body["previous_contacts"][0]["summary"] == "Earlier call"
    assert body["schemes"][0]["id"] == seed_scheme.id and body["schemes"][0]["active"] is True
    assert body["grade_floor"] == "IMMEDIATE"
    assert sorted(hit["kind"] for hit in body["intelligence"]["hits"]) == [
        "domestic_abuse",
        "marac",
    ]
    refused = api_for("unit").get("/api/v1/calls/lookup/", {"phone": "07700 900123"})
    assert refused.status_code == 403


def test_seed_demo_is_idempotent(make_user):
    from django.core.management import call_command

    from cad.models import Contact, Incident

    call_command("seed_demo", password=PASSWORD)
    counts = (Contact.objects.count(), Incident.objects.count())
    assert counts[1] >= 2
    assert FollowUp.objects.filter(status=FollowUp.Status.OVERDUE).count() == 1
    call_command("seed_demo", password=PASSWORD)
    assert (Contact.objects.count(), Incident.objects.count()) == counts


def test_the_incident_list_shows_the_opening_code_by_its_label(client, make_user):
    from cad.models import OpeningCode

    incident = incident_factory(narrative="Caller reports a bike stolen from the shed")
    login(client, make_user("dispatcher"))
    html = client.get("/incidents/").content.decode()
    assert f"<td>{OpeningCode.label_for(incident.opening_code)}</td>" in html
    assert f"<td>{incident.opening_code}</td>" not in html
