"""Pages: roles, the reason prompt on the log page, the queue, the access report, and the
hit panel that call handling and the unit terminal include."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from cad.models import AccessRefusal
from intelligence.models import LogAccess
from intelligence.services import intel_request_create

SECRET = "Only for a reasoned view: source is a neighbour."


@pytest.fixture
def log(make_log):
    return make_log(
        kind="domestic_abuse",
        summary="Crime report: assault",
        details=SECRET,
        phones=["07700 900123"],
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


PAGES = {
    "/intelligence/": ("intelligence", "call_handler"),
    "/intelligence/requests/": ("intelligence", "dispatcher"),
    "/intelligence/access/": ("supervisor", "call_handler"),
}


@pytest.mark.parametrize(("path", "roles"), PAGES.items())
def test_page_roles(make_user, path, roles):
    allowed, refused = roles
    assert client_for(make_user(allowed)).get(path).status_code == 200
    assert client_for(make_user(refused)).get(path).status_code == 403
    assert AccessRefusal.objects.filter(path=path).count() == 1
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_search_page_finds_by_phone_and_links_to_the_log(make_user, log):
    page = client_for(make_user("intelligence")).get("/intelligence/", {"phone": "447700900123"})
    html = page.content.decode()
    assert "Crime report: assault" in html
    assert f"/intelligence/logs/{log.pk}/" in html
    assert SECRET not in html
    bad = client_for(make_user("intelligence")).get("/intelligence/", {"dob": "14/03/1986"})
    assert "Date of birth must be YYYY-MM-DD." in bad.content.decode()


def test_log_page_asks_for_a_reason_first(make_user, log):
    client = client_for(make_user("oic"))
    url = f"/intelligence/logs/{log.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="reason"' in html and SECRET not in html
    assert not LogAccess.objects.exists()

    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 400
    assert SECRET not in refused.content.decode()
    assert not LogAccess.objects.exists()

    shown = client.post(url, {"reason": "Reviewing risk for the 999 call"})
    assert shown.status_code == 200
    assert SECRET in shown.content.decode()
    access = LogAccess.objects.get()
    assert (access.channel, access.reason) == ("page", "Reviewing risk for the 999 call")
    # The access list on the log's page shows the view.
    assert "Reviewing risk for the 999 call" in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["call_handler", "dispatcher", "unit"])
def test_log_page_wrong_role(make_user, log, role):
    url = f"/intelligence/logs/{log.pk}/"
    response = client_for(make_user(role)).post(url, {"reason": "I am curious about it"})
    assert response.status_code == 403
    assert not LogAccess.objects.exists()
    assert AccessRefusal.objects.filter(path=url).count() == 1


def test_queue_page_lists_unanswered_requests(make_user, make_incident, handler):
    incident = make_incident(phone="07700 900123")
    row = intel_request_create(actor=handler, incident=incident, question="Any MARAC?")
    html = client_for(make_user("intelligence")).get("/intelligence/requests/").content.decode()
    assert f'id="request-{row.pk}"' in html
    assert "Any MARAC?" in html and incident.reference in html
    assert f'data-due="{row.due_at.isoformat()}"' in html


def test_access_report_page(make_user, log):
    client_for(make_user("oic")).post(
        f"/intelligence/logs/{log.pk}/", {"reason": "Case file review"}
    )
    html = client_for(make_user("supervisor")).get("/intelligence/access/").content.decode()
    assert "Case file review" in html
    assert SECRET not in html


def test_pages_have_no_inline_script_or_style(make_user, log, handler, make_incident):
    intel_request_create(actor=handler, incident=make_incident(), question="Check")
    client = client_for(make_user("intelligence"))
    for path in ("/intelligence/", "/intelligence/requests/", f"/intelligence/logs/{log.pk}/"):
        html = client.get(path, {"phone": "07700900123"}).content.decode()
        assert "<script>" not in html and "style=" not in html and "onclick" not in html


# --- the reusable panel ----------------------------------------------------------------------


def test_hits_panel_states():
    unchecked = render_to_string(
        "intelligence/_hits_panel.html", {"intel": {"checked_at": None, "hits": []}}
    )
    assert 'data-intel-state="unchecked"' in unchecked
    clear = render_to_string(
        "intelligence/_hits_panel.html",
        {"intel": {"checked_at": "2026-09-07T10:00:00+00:00", "hits": []}},
    )
    assert 'data-intel-state="clear"' in clear
    risky = render_to_string(
        "intelligence/_hits_panel.html",
        {
            "intel": {
                "checked_at": "2026-09-07T10:00:00+00:00",
                "hits": [
                    {
                        "id": 7,
                        "kind": "marac",
                        "summary": "MARAC high risk",
                        "matched_on": ["phone"],
                    },
                    {
                        "id": 8,
                        "kind": "safeguarding_children",
                        "summary": "Child referral",
                        "matched_on": ["address", "person"],
                    },
                ],
            }
        },
    )
    assert 'data-intel-state="risk"' in risky and "Risk intelligence: MARAC" in risky
    assert 'data-log-id="7"' in risky and "tag-risk" in risky
    assert "address, person" in risky and "Child referral" in risky


def test_queue_page_only_mine(make_user, make_incident, handler):
    from intelligence.services import intel_request_claim

    me, colleague = make_user("intelligence"), make_user("intelligence")
    mine = intel_request_create(actor=handler, incident=make_incident(), question="Mine?")
    theirs = intel_request_create(actor=handler, incident=make_incident(), question="Theirs?")
    intel_request_claim(actor=me, request_id=mine.pk)
    intel_request_claim(actor=colleague, request_id=theirs.pk)
    html = client_for(me).get("/intelligence/requests/", {"mine": "1"}).content.decode()
    assert f'id="request-{mine.pk}"' in html and f'id="request-{theirs.pk}"' not in html
    assert "My check requests" in html
    everything = client_for(me).get("/intelligence/requests/").content.decode()
    assert f'id="request-{theirs.pk}"' in everything
