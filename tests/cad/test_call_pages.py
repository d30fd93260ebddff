"""Pages of call handling: roles declared, wrong role 403 (logged), anonymous to login."""

from datetime import timedelta

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
    assert "incident.graded" in html  # history
    assert 'style="' not in html


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
